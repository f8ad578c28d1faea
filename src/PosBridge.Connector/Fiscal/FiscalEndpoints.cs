using System.Text.Json;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Fiscal;

/// <summary>A batch of fiscal documents from a till.</summary>
internal sealed record FiscalUploadRequest(IReadOnlyList<FiscalUploadItem> Documents);

internal sealed record FiscalUploadItem(string Authority, Guid Uuid, string SaleNumber, long Counter, string Hash, string Document, DateTimeOffset IssuedAt);

internal sealed record FiscalUploadAnswer(Guid Uuid, string Status);

/// <summary>Step 1 of onboarding: the till's CSR and the OTP the owner typed at the till.</summary>
internal sealed record ZatcaComplianceRequest(string Csr, string Otp);

/// <summary>Step 2: the samples the till signed with its compliance certificate.</summary>
internal sealed record ZatcaSamplesRequest(IReadOnlyList<ZatcaSample> Samples);

/// <summary>The till-facing fiscal API: documents up (stored before acknowledged, idempotent by uuid) and ZATCA onboarding. Signed like the rest of the terminal API.</summary>
internal static class FiscalEndpoints
{
    private const int MaxBytes = 8 * 1024 * 1024;

    public static void MapFiscal(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1/fiscal").WithTags("Terminal API");
        api.MapPost("/documents", UploadAsync)
            .WithSummary("Upload fiscal documents (ZATCA signed invoices, ETA receipts) by uuid; answers per document once stored. Signed.");
        api.MapPost("/zatca/compliance", ComplianceAsync)
            .WithSummary("Onboarding step 1: the till's CSR and the portal's OTP; answers the compliance certificate. Signed.");
        api.MapPost("/zatca/production", ProductionAsync)
            .WithSummary("Onboarding step 2: the till's signed samples; answers the production certificate, or each sample's errors. Signed.");
    }

    private static async Task<IResult> UploadAsync(HttpContext context, TillAuthenticator authenticator, FiscalDocumentStore store, CancellationToken cancellationToken)
    {
        var (till, body, problem) = await AuthenticateAsync(context, authenticator, cancellationToken).ConfigureAwait(false);
        if (till is null)
        {
            return problem!;
        }

        var request = Read<FiscalUploadRequest>(body, "{\"documents\": [{\"authority\": \"ZATCA\", \"uuid\": …, \"saleNumber\": …, \"counter\": 1, \"hash\": …, \"document\": …, \"issuedAt\": …}]}", out problem);
        if (request is null)
        {
            return problem!;
        }

        var invalid = request.Documents.Select((d, i) => d.Authority is not ("ZATCA" or "ETA") ? $"documents[{i}].authority '{d.Authority}' is not ZATCA or ETA."
            : d.Counter < 1 ? $"documents[{i}].counter must be 1 or more."
            : string.IsNullOrWhiteSpace(d.Hash) || string.IsNullOrWhiteSpace(d.Document) ? $"documents[{i}] has no hash or document." : null).OfType<string>().ToList();
        if (invalid.Count > 0)
        {
            return Problems.InvalidRequest(string.Join(" ", invalid));
        }

        var answers = new List<FiscalUploadAnswer>();
        foreach (var document in request.Documents)
        {
            var result = await store.ReceiveAsync(till.StoreId, till.Id, new FiscalUpload(document.Authority, document.Uuid, document.SaleNumber, document.Counter, document.Hash, document.Document, document.IssuedAt), cancellationToken).ConfigureAwait(false);
            answers.Add(new FiscalUploadAnswer(document.Uuid, result.ToString().ToLowerInvariant()));
        }

        return Results.Json(new { results = answers }, TerminalApi.Json);
    }

    private static async Task<IResult> ComplianceAsync(HttpContext context, TillAuthenticator authenticator, ZatcaOnboarding onboarding, CancellationToken cancellationToken)
    {
        var (till, body, problem) = await AuthenticateAsync(context, authenticator, cancellationToken).ConfigureAwait(false);
        if (till is null)
        {
            return problem!;
        }

        var request = Read<ZatcaComplianceRequest>(body, "{\"csr\": \"-----BEGIN CERTIFICATE REQUEST-----…\", \"otp\": \"123456\"}", out problem);
        if (request is null)
        {
            return problem!;
        }

        if (request.Otp.Trim().Length is < 4 or > 10 || !request.Otp.Trim().All(char.IsAsciiDigit))
        {
            return Problems.InvalidRequest("otp must be the digits the Fatoora portal showed (Onboard new solution unit).");
        }

        try
        {
            return Results.Json(new { certificate = await onboarding.RequestComplianceAsync(till.StoreId, till.Id, request.Csr, request.Otp, cancellationToken).ConfigureAwait(false) }, TerminalApi.Json);
        }
        catch (ZatcaRefusedException e)
        {
            return Problems.InvalidRequest(e.Message);
        }
        catch (ZatcaUnavailableException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "ZATCA is not answering");
        }
    }

    private static async Task<IResult> ProductionAsync(HttpContext context, TillAuthenticator authenticator, ZatcaOnboarding onboarding, CancellationToken cancellationToken)
    {
        var (till, body, problem) = await AuthenticateAsync(context, authenticator, cancellationToken).ConfigureAwait(false);
        if (till is null)
        {
            return problem!;
        }

        var request = Read<ZatcaSamplesRequest>(body, "{\"samples\": [{\"kind\": \"simplified-invoice\", \"uuid\": …, \"invoiceHash\": …, \"xml\": …}, …]}", out problem);
        if (request is null)
        {
            return problem!;
        }

        try
        {
            var result = await onboarding.CompleteAsync(till.StoreId, till.Id, request.Samples, cancellationToken).ConfigureAwait(false);
            return Results.Json(
                new
                {
                    certificate = result.ProductionCertificate,
                    samples = result.Samples.Select(s => new { kind = s.Kind, outcome = s.Answer.Outcome.ToString(), warnings = s.Answer.Warnings, errors = s.Answer.Errors }),
                },
                TerminalApi.Json);
        }
        catch (ArgumentException e)
        {
            return Problems.InvalidRequest(e.Message);
        }
        catch (InvalidOperationException e)
        {
            return Problems.InvalidRequest(e.Message);
        }
        catch (ZatcaUnavailableException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "ZATCA is not answering");
        }
    }

    private static async Task<(Till? Till, byte[] Body, IResult? Problem)> AuthenticateAsync(HttpContext context, TillAuthenticator authenticator, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (buffer.Length > MaxBytes)
        {
            return (null, [], Problems.PayloadTooLarge(MaxBytes));
        }

        var body = buffer.ToArray();
        var authentication = await authenticator.AuthenticateAsync(context.Request, body, cancellationToken).ConfigureAwait(false);
        return (authentication.Till, body, authentication.Problem);
    }

    private static T? Read<T>(byte[] body, string shape, out IResult? problem)
        where T : class
    {
        try
        {
            var value = JsonSerializer.Deserialize<T>(body, TerminalApi.Json);
            problem = value is null ? Problems.InvalidRequest($"Send {shape}.") : null;
            return value;
        }
        catch (JsonException e)
        {
            problem = Problems.InvalidRequest($"Send {shape}. {e.Message.Split(" Path:", 2)[0]}");
            return null;
        }
    }
}
