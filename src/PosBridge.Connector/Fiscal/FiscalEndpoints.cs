using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Tills;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Fiscal;

/// <summary>A batch of fiscal documents from a till.</summary>
internal sealed record FiscalUploadRequest(IReadOnlyList<FiscalUploadItem?>? Documents);

/// <summary>One document as sent; <paramref name="IssuedAt"/> stays text until checked, so a bare date or a time without its offset is refused rather than read in the connector's zone.</summary>
internal sealed record FiscalUploadItem(string Authority, Guid Uuid, string SaleNumber, long Counter, string Hash, string Document, string IssuedAt);

internal sealed record FiscalUploadAnswer(Guid Uuid, string Status);

/// <summary>Step 1 of onboarding: the till's CSR and the OTP the owner typed at the till.</summary>
internal sealed record ZatcaComplianceRequest(string Csr, string Otp);

/// <summary>Step 2: the samples the till signed with its compliance certificate.</summary>
internal sealed record ZatcaSamplesRequest(IReadOnlyList<ZatcaSample> Samples);

/// <summary>The till-facing fiscal API: documents up (stored before acknowledged, idempotent by uuid) and ZATCA onboarding. Signed like the rest of the terminal API.</summary>
internal static partial class FiscalEndpoints
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
        api.MapPost("/zatca/clearance", ClearAsync)
            .WithSummary("Clears a standard (B2B) invoice with ZATCA before it is given; answers ZATCA's cleared XML, or why not. Idempotent by uuid. Signed.");
    }

    private static async Task<IResult> ClearAsync(HttpContext context, TillAuthenticator authenticator, ZatcaClearance clearance, IOptions<ConnectorOptions> options, IOptions<FiscalOptions> fiscal, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var (till, body, problem) = await AuthenticateAsync(context, authenticator, options.Value.MaxRequestBytes, cancellationToken).ConfigureAwait(false);
        if (till is null)
        {
            return problem!;
        }

        (var request, problem) = RequestJson.Read<FiscalUploadItem>(body, "{\"authority\": \"ZATCA\", \"uuid\": …, \"saleNumber\": …, \"counter\": 1, \"hash\": …, \"document\": …, \"issuedAt\": …}");
        if (request is null)
        {
            return problem!;
        }

        var dates = new SaleDateWindow(timeProvider.GetUtcNow(), options.Value.SaleDates.MaxAge, options.Value.SaleDates.MaxAhead);
        if (Check(request, 0, dates) is { } invalid)
        {
            return Problems.InvalidRequest(invalid.Replace("documents[0].", string.Empty, StringComparison.Ordinal));
        }

        if (request.Authority != "ZATCA")
        {
            return Problems.InvalidRequest("authority must be ZATCA: only ZATCA clears invoices.");
        }

        if (fiscal.Value.Zatca is null)
        {
            return Problems.FiscalNotConfigured("ZATCA", "Fiscal:Zatca:BaseUrl");
        }

        var issuedAt = DateTimeOffset.Parse(request.IssuedAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        try
        {
            var result = await clearance.ClearAsync(till.StoreId, till.Id, new FiscalUpload("ZATCA", request.Uuid, request.SaleNumber, request.Counter, request.Hash, request.Document, issuedAt), cancellationToken).ConfigureAwait(false);
            var state = result.State switch
            {
                ZatcaClearanceState.Cleared => "cleared",
                ZatcaClearanceState.ClearedWithWarnings => "cleared-with-warnings",
                ZatcaClearanceState.NotCleared => "not-cleared",
                _ => "report",
            };
            return Results.Json(new { uuid = request.Uuid, state, clearedInvoice = result.ClearedInvoice, warnings = result.Warnings, errors = result.Errors }, TerminalApi.Json);
        }
        catch (FiscalConflictException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "Another invoice holds this uuid or counter");
        }
        catch (ZatcaNotOnboardedException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "The till is not onboarded with ZATCA");
        }
        catch (ZatcaUnavailableException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "ZATCA is not answering");
        }
        catch (Exception e) when (e is ZatcaUnauthorizedException or ZatcaProtocolException)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status502BadGateway, title: "ZATCA did not clear the invoice");
        }
    }

    private static async Task<IResult> UploadAsync(HttpContext context, TillAuthenticator authenticator, IFiscalDocumentStore store, IOptions<ConnectorOptions> options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var (till, body, problem) = await AuthenticateAsync(context, authenticator, options.Value.MaxRequestBytes, cancellationToken).ConfigureAwait(false);
        if (till is null)
        {
            return problem!;
        }

        (var request, problem) = RequestJson.Read<FiscalUploadRequest>(body, "{\"documents\": [{\"authority\": \"ZATCA\", \"uuid\": …, \"saleNumber\": …, \"counter\": 1, \"hash\": …, \"document\": …, \"issuedAt\": …}]}");
        if (request is null)
        {
            return problem!;
        }

        if (request.Documents is { } all && all.Count > options.Value.MaxBatchSize)
        {
            return Problems.InvalidRequest($"documents holds {all.Count} documents; send at most {options.Value.MaxBatchSize} per request (PosBridge:MaxBatchSize).");
        }

        // Issued with the sale, so within the same window as a sale's date (PosBridge:SaleDates).
        var dates = new SaleDateWindow(timeProvider.GetUtcNow(), options.Value.SaleDates.MaxAge, options.Value.SaleDates.MaxAhead);
        var invalid = request.Documents is null ? ["documents must be a list of fiscal documents."] : request.Documents.Select((d, i) => Check(d, i, dates)).OfType<string>().ToList();
        if (request.Documents is { } documents)
        {
            // One uuid, one document: a batch naming a uuid twice is refused whole rather than half stored.
            invalid.AddRange(documents.OfType<FiscalUploadItem>().Select((d, i) => (d.Uuid, i)).GroupBy(d => d.Uuid).Where(g => g.Count() > 1)
                .Select(g => $"documents[{string.Join("], documents[", g.Select(d => d.i))}] have the same uuid {g.Key}; each document has its own."));
        }

        if (invalid.Count > 0)
        {
            return Problems.InvalidRequest(string.Join(" ", invalid));
        }

        var answers = new List<FiscalUploadAnswer>();
        foreach (var document in request.Documents!.OfType<FiscalUploadItem>())
        {
            var issuedAt = DateTimeOffset.Parse(document.IssuedAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            var result = await store.ReceiveAsync(till.StoreId, till.Id, new FiscalUpload(document.Authority, document.Uuid, document.SaleNumber, document.Counter, document.Hash, document.Document, issuedAt), cancellationToken).ConfigureAwait(false);
            answers.Add(new FiscalUploadAnswer(document.Uuid, result.ToString().ToLowerInvariant()));
        }

        return Results.Json(new { results = answers }, TerminalApi.Json);
    }

    private static async Task<IResult> ComplianceAsync(HttpContext context, TillAuthenticator authenticator, ZatcaOnboarding onboarding, IOptions<ConnectorOptions> options, IOptions<FiscalOptions> fiscal, CancellationToken cancellationToken)
    {
        var (till, body, problem) = await AuthenticateAsync(context, authenticator, options.Value.MaxRequestBytes, cancellationToken).ConfigureAwait(false);
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

        if (fiscal.Value.Zatca is null)
        {
            return Problems.FiscalNotConfigured("ZATCA", "Fiscal:Zatca:BaseUrl");
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

    private static async Task<IResult> ProductionAsync(HttpContext context, TillAuthenticator authenticator, ZatcaOnboarding onboarding, IOptions<ConnectorOptions> options, IOptions<FiscalOptions> fiscal, CancellationToken cancellationToken)
    {
        var (till, body, problem) = await AuthenticateAsync(context, authenticator, options.Value.MaxRequestBytes, cancellationToken).ConfigureAwait(false);
        if (till is null)
        {
            return problem!;
        }

        (var request, problem) = RequestJson.Read<ZatcaSamplesRequest>(body, "{\"samples\": [{\"kind\": \"simplified-invoice\", \"uuid\": …, \"invoiceHash\": …, \"xml\": …}, …]}");
        if (request is null)
        {
            return problem!;
        }

        if (request.Samples is null || request.Samples.Any(sample => sample is null || string.IsNullOrWhiteSpace(sample.Kind) || string.IsNullOrWhiteSpace(sample.Xml) || string.IsNullOrWhiteSpace(sample.InvoiceHash) || sample.Uuid == Guid.Empty))
        {
            return Problems.InvalidRequest("samples must be a list of the signed samples, one object each with its kind, uuid, invoiceHash and xml.");
        }

        // Checked here as well as by the onboarding, so a wrong batch is named before anything reaches ZATCA.
        // Standard kinds come from a till that also issues tax invoices to businesses (cleared, CSR title 1100).
        string[] kinds = ["simplified-invoice", "simplified-credit-note", "simplified-debit-note", "standard-invoice", "standard-credit-note", "standard-debit-note"];
        var missing = ZatcaOnboarding.RequiredSamples.Except(request.Samples.Select(sample => sample!.Kind)).ToList();
        var unknown = request.Samples.FirstOrDefault(sample => !kinds.Contains(sample!.Kind));
        if (unknown is not null)
        {
            return Problems.InvalidRequest($"samples[].kind '{Shown(unknown.Kind)}' is not one of {string.Join(", ", kinds)}.");
        }

        if (missing.Count > 0)
        {
            return Problems.InvalidRequest($"samples lack {string.Join(", ", missing)}: ZATCA checks one of each document type the till issues.");
        }

        if (fiscal.Value.Zatca is null)
        {
            return Problems.FiscalNotConfigured("ZATCA", "Fiscal:Zatca:BaseUrl");
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

    // The same rules as the rest of the terminal API: every field present, short names without control or direction characters.
    private static string? Check(FiscalUploadItem? d, int i, SaleDateWindow dates) =>
        d is null ? $"documents[{i}] is empty; send one object per document."
        : d.Authority is not ("ZATCA" or "ETA") ? $"documents[{i}].authority '{Shown(d.Authority)}' is not ZATCA or ETA."
        : d.Uuid == Guid.Empty ? $"documents[{i}].uuid is missing."
        : string.IsNullOrWhiteSpace(d.SaleNumber) || d.SaleNumber.Length > 64 || d.SaleNumber.Any(Hidden) ? $"documents[{i}].saleNumber must be the sale's number (1-64 characters, no control characters)."
        : d.Counter < 1 ? $"documents[{i}].counter must be 1 or more."
        : string.IsNullOrWhiteSpace(d.Hash) || d.Hash.Length > 128 || d.Hash.Any(Hidden) ? $"documents[{i}].hash must be the document's hash (1-128 characters)."
        : string.IsNullOrWhiteSpace(d.Document) ? $"documents[{i}].document is missing."
        : IssuedAtProblem(d.IssuedAt, dates) is { } issued ? $"documents[{i}].issuedAt {issued}"
        : null;

    private static string? IssuedAtProblem(string? text, SaleDateWindow dates)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "is missing.";
        }

        if (!InstantPattern().IsMatch(text) || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var issued))
        {
            return "must be a date and time with its offset, such as \"2026-12-04T10:15:00Z\" (a bare date or a time without an offset is not taken).";
        }

        return issued < dates.Now - dates.MaxAge ? $"is more than {dates.MaxAge.TotalDays:0} days before the connector's clock (PosBridge:SaleDates:MaxAge)."
            : issued > dates.Now + dates.MaxAhead ? $"is ahead of the connector's clock by more than {dates.MaxAhead} (PosBridge:SaleDates:MaxAhead); check the till's date and time."
            : null;
    }

    private static bool Hidden(char c) => char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format;

    private static string Shown(string? text) => text is null ? string.Empty : new string([.. text.Take(20).Where(c => !Hidden(c))]);

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,7})?(Z|[+-][0-9]{2}:[0-9]{2})$")]
    private static partial Regex InstantPattern();

    private static async Task<(Till? Till, byte[] Body, IResult? Problem)> AuthenticateAsync(HttpContext context, TillAuthenticator authenticator, long maxRequestBytes, CancellationToken cancellationToken)
    {
        // The connector's own limit when it is lower (PosBridge:MaxRequestBytes), so a proxy sized for it never sees more.
        var (body, unreadable) = await TerminalApi.ReadBodyAsync(context, Math.Min(MaxBytes, maxRequestBytes), cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return (null, [], unreadable);
        }

        var authentication = await authenticator.AuthenticateAsync(context.Request, body, cancellationToken).ConfigureAwait(false);
        return (authentication.Till, body, authentication.Problem);
    }
}
