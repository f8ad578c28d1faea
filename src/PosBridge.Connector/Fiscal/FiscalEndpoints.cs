using PosBridge.Connector.Hosting;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Fiscal;

/// <summary>A batch of fiscal documents from a till.</summary>
internal sealed record FiscalUploadRequest(IReadOnlyList<FiscalUploadItem?>? Documents);

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

        (var request, problem) = RequestJson.Read<FiscalUploadRequest>(body, "{\"documents\": [{\"authority\": \"ZATCA\", \"uuid\": …, \"saleNumber\": …, \"counter\": 1, \"hash\": …, \"document\": …, \"issuedAt\": …}]}");
        if (request is null)
        {
            return problem!;
        }

        var invalid = request.Documents is null ? ["documents must be a list of fiscal documents."] : request.Documents.Select(Check).OfType<string>().ToList();
        if (invalid.Count > 0)
        {
            return Problems.InvalidRequest(string.Join(" ", invalid));
        }

        var answers = new List<FiscalUploadAnswer>();
        foreach (var document in request.Documents!.OfType<FiscalUploadItem>())
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

        (var request, problem) = RequestJson.Read<ZatcaComplianceRequest>(body, "{\"csr\": \"-----BEGIN CERTIFICATE REQUEST-----…\", \"otp\": \"123456\"}");
        if (request is null)
        {
            return problem!;
        }

        if (string.IsNullOrWhiteSpace(request.Csr))
        {
            return Problems.InvalidRequest("csr is missing: send the certificate request the till made.");
        }

        if (request.Otp is null || request.Otp.Trim().Length is < 4 or > 10 || !request.Otp.Trim().All(char.IsAsciiDigit))
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

        (var request, problem) = RequestJson.Read<ZatcaSamplesRequest>(body, "{\"samples\": [{\"kind\": \"simplified-invoice\", \"uuid\": …, \"invoiceHash\": …, \"xml\": …}, …]}");
        if (request is null)
        {
            return problem!;
        }

        if (request.Samples is null || request.Samples.Any(sample => sample is null))
        {
            return Problems.InvalidRequest("samples must be a list of the signed samples, one object each.");
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

    // The same rules as the rest of the terminal API: every field present, short names without control characters.
    private static string? Check(FiscalUploadItem? d, int i) =>
        d is null ? $"documents[{i}] is empty; send one object per document."
        : d.Authority is not ("ZATCA" or "ETA") ? $"documents[{i}].authority '{d.Authority}' is not ZATCA or ETA."
        : d.Uuid == Guid.Empty ? $"documents[{i}].uuid is missing."
        : string.IsNullOrWhiteSpace(d.SaleNumber) || d.SaleNumber.Length > 64 || d.SaleNumber.Any(char.IsControl) ? $"documents[{i}].saleNumber must be the sale's number (1-64 characters, no control characters)."
        : d.Counter < 1 ? $"documents[{i}].counter must be 1 or more."
        : string.IsNullOrWhiteSpace(d.Hash) || d.Hash.Length > 128 || d.Hash.Any(char.IsControl) ? $"documents[{i}].hash must be the document's hash (1-128 characters)."
        : string.IsNullOrWhiteSpace(d.Document) ? $"documents[{i}].document is missing."
        : d.IssuedAt == default ? $"documents[{i}].issuedAt is missing."
        : null;

    private static async Task<(Till? Till, byte[] Body, IResult? Problem)> AuthenticateAsync(HttpContext context, TillAuthenticator authenticator, CancellationToken cancellationToken)
    {
        var (body, unreadable) = await TerminalApi.ReadBodyAsync(context, MaxBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return (null, [], unreadable);
        }

        var authentication = await authenticator.AuthenticateAsync(context.Request, body, cancellationToken).ConfigureAwait(false);
        return (authentication.Till, body, authentication.Problem);
    }
}
