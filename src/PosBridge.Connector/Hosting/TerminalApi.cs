using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Tills;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Hosting;

/// <summary>The API tills call: pairing, sales upload, sync status.</summary>
internal static class TerminalApi
{
    private const int MaxPairingBytes = 16 * 1024;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        PropertyNameCaseInsensitive = false,
    };

    public static void MapTerminalApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Terminal API");
        api.MapPost("/pairing", PairAsync)
            .WithSummary("Exchange a one-time pairing code for the till's credential and signing key.")
            .Accepts<PairingRequest>("application/json")
            .Produces<PairingResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapPost("/sales", UploadAsync)
            .WithSummary("Upload a batch of sale documents ({\"sales\": [...]}); answers per sale once stored durably. Signed.")
            .Produces<SalesUploadResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapPost("/shifts/close", CloseShiftAsync)
            .WithSummary("Report a closed shift (its Z report) after all its sales; back offices that keep sessions close theirs with the counted cash. Signed.")
            .Accepts<ShiftClosing>("application/json")
            .Produces<ShiftClosingResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/receipts", SendReceiptAsync)
            .WithSummary("Ask for a sale's receipt to be sent to the customer by e-mail or SMS as a link; stored before it is acknowledged, idempotent per requestId. Signed.")
            .Accepts<ReceiptMessageRequest>("application/json")
            .Produces<ReceiptMessageResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        api.MapGet("/status", StatusAsync)
            .WithSummary("The calling till's sync status as the connector sees it. Signed.")
            .Produces<TillSyncStatus>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapGet("/numbering", NumberingAsync)
            .WithSummary("What the connector holds of the calling till's numbering: its epoch, last sale and last closed shift, for the till to tell at its first contact whether it was restored from a backup or reinstalled. Signed.")
            .Produces<TillNumbering>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapPost("/numbering/epochs", NextEpochAsync)
            .WithSummary("Issue the calling till the numbering epoch after {\"after\": n} (asked again, the same one), so a restored or reinstalled till never reuses a shift or sale number. Signed.")
            .Accepts<NumberingEpochRequest>("application/json")
            .Produces<TillNumbering>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapGet("/catalog", CatalogAsync)
            .WithSummary("Products (with prices), taxes, categories, the payment methods offered to this till and loyalty programs changed since ?cursor= (absent: everything), with removed ids, at most ?limit= (1–1000, default 500) rows per page; ask again with nextCursor while hasMore. Signed.")
            .Produces<PosBridge.Core.Catalog.CatalogChanges>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
    }

    public const int DefaultCatalogPage = 500;
    public const int MaxCatalogPage = 1000;

    private static async Task<IResult> CatalogAsync(
        HttpContext context,
        TillAuthenticator authenticator,
        ITillRateLimits limiter,
        Catalog.ICatalogSnapshot catalog,
        CancellationToken cancellationToken)
    {
        var authentication = await authenticator.AuthenticateAsync(context.Request, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        if (authentication.Till is not { } till)
        {
            return authentication.Problem!;
        }

        if (await limiter.TryAcquireAsync($"till:{till.Id}", cancellationToken).ConfigureAwait(false) is { Allowed: false } refused)
        {
            return RateLimited(context, refused.RetryAfter);
        }

        var problems = new List<string>();
        var cursor = 0L;
        if (context.Request.Query.TryGetValue("cursor", out var cursorText)
            && !long.TryParse(cursorText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out cursor))
        {
            problems.Add($"cursor '{cursorText}' is not one this connector gave: pass back nextCursor as it was, or leave it out to start over.");
        }

        var limit = DefaultCatalogPage;
        if (context.Request.Query.TryGetValue("limit", out var limitText)
            && (!int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxCatalogPage))
        {
            problems.Add($"limit '{limitText}' must be a whole number from 1 to {MaxCatalogPage}.");
        }

        if (problems.Count > 0)
        {
            return Problems.InvalidRequest(string.Join(" ", problems));
        }

        return Results.Json(await catalog.ChangesAsync(cursor, limit, till.StoreId, till.Id, cancellationToken).ConfigureAwait(false), Json);
    }

    private static async Task<IResult> PairAsync(HttpContext context, Pairing pairing, ITillRateLimits limiter, CancellationToken cancellationToken)
    {
        if (await limiter.TryAcquireAsync($"pairing:{context.Connection.RemoteIpAddress}", cancellationToken).ConfigureAwait(false) is { Allowed: false } refused)
        {
            return RateLimited(context, refused.RetryAfter);
        }

        var (body, unreadable) = await ReadBodyAsync(context, MaxPairingBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return unreadable!;
        }

        var (request, invalid) = RequestJson.Read<PairingRequest>(body, "{\"code\": \"ABCDE-FGHJK\", \"deviceName\": \"…\"}");
        if (request is null)
        {
            return invalid!;
        }

        var (response, problem) = await pairing.RedeemAsync(request, cancellationToken).ConfigureAwait(false);
        return response is not null ? Results.Json(response, Json) : Problems.PairingFailed(problem!);
    }

    private static async Task<IResult> UploadAsync(
        HttpContext context,
        TillAuthenticator authenticator,
        ITillRateLimits limiter,
        SalesIngestion ingestion,
        IOptions<ConnectorOptions> options,
        ILogger<SalesIngestion> logger,
        Metrics.ConnectorMetrics metrics,
        CancellationToken cancellationToken)
    {
        var (till, body, refusal) = await AdmitAsync(context, options.Value.MaxRequestBytes, authenticator, limiter, logger, cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        var result = await ingestion.IngestAsync(till, body, cancellationToken).ConfigureAwait(false);
        if (result.Response is not { } response)
        {
            return Refuse(context, logger, result.Problem!, "invalid-upload");
        }

        var counts = new int[4];
        foreach (var saleResult in response.Results)
        {
            counts[(int)saleResult.Status]++;
        }

        metrics.SalesReceived.Add(counts[(int)UploadStatus.Accepted], new KeyValuePair<string, object?>("store", till.StoreId));
        Log.Uploaded(logger, till.Id, response.Results.Count, counts[(int)UploadStatus.Accepted], counts[(int)UploadStatus.Duplicate], counts[(int)UploadStatus.Rejected], counts[(int)UploadStatus.Conflict]);
        return Results.Json(response, Json);
    }

    private const int MaxShiftClosingBytes = 4096;

    private static async Task<IResult> CloseShiftAsync(
        HttpContext context,
        TillAuthenticator authenticator,
        ITillRateLimits limiter,
        Shifts.ShiftClosings closings,
        Stores.StoreDirectory stores,
        ILogger<Shifts.ShiftClosings> logger,
        CancellationToken cancellationToken)
    {
        var (till, body, refusal) = await AdmitAsync(context, MaxShiftClosingBytes, authenticator, limiter, logger, cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        if (stores.Find(till.StoreId) is not { } store)
        {
            return Refuse(context, logger, Problems.StoreNotConfigured(till.StoreId), "store-not-configured");
        }

        var (closing, invalid) = RequestJson.Read<ShiftClosing>(body, "the shift's close: storeId, tillId, shiftId, openedAtUtc, closedAtUtc, currency, openingFloat, expectedCash, countedCash, saleCount");
        if (closing is null)
        {
            return Refuse(context, logger, invalid!, "invalid-shift-closing");
        }

        var problems = closing.Validate().ToList();
        if (closing.TillId != till.Id || closing.StoreId != till.StoreId)
        {
            problems.Add($"storeId and tillId name till '{closing.StoreId}/{closing.TillId}', but the request is signed by till '{till.StoreId}/{till.Id}'; a till closes its own shifts.");
        }

        if (closing.Currency is { Length: 3 } currency && currency.All(char.IsAsciiLetterUpper) && !string.Equals(currency, store.Currency.Code, StringComparison.Ordinal))
        {
            problems.Add($"currency '{currency}' is not the currency of store '{store.Id}' ({store.Currency.Code}); a shift's cash is counted in the store's currency.");
        }

        if (problems.Count > 0)
        {
            return Refuse(context, logger, Problems.InvalidRequest(string.Join(" ", problems)), "invalid-shift-closing");
        }

        var receipt = await closings.ReceiveAsync(closing, cancellationToken).ConfigureAwait(false);
        Log.ShiftClosingReceived(logger, till.Id, closing.ShiftId, receipt);
        return receipt == Shifts.ShiftClosingReceipt.Conflict
            ? Problems.ShiftClosingConflict(closing.TillId, closing.ShiftId)
            : Results.Json(new ShiftClosingResponse { Status = receipt == Shifts.ShiftClosingReceipt.Accepted ? "accepted" : "duplicate" }, Json);
    }

    // The receipt page (its HTML with QR images inline) and a little JSON around it.
    private const int MaxReceiptRequestBytes = (ReceiptMessageRequest.MaxHtmlChars * 2) + (16 * 1024);

    private static async Task<IResult> SendReceiptAsync(
        HttpContext context,
        TillAuthenticator authenticator,
        ITillRateLimits limiter,
        Receipts.IReceiptMessageStore receipts,
        IOptions<Receipts.ReceiptMessagesOptions> options,
        ILogger<Receipts.IReceiptMessageStore> logger,
        CancellationToken cancellationToken)
    {
        var (till, body, refusal) = await AdmitAsync(context, MaxReceiptRequestBytes, authenticator, limiter, logger, cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        var (request, invalid) = RequestJson.Read<ReceiptMessageRequest>(body, "requestId, saleId, saleNumber, channel ('email' or 'sms'), to, language and receiptHtml");
        if (request is null)
        {
            return Refuse(context, logger, invalid!, "invalid-receipt-request");
        }

        var problems = request.Validate();
        if (problems.Count > 0)
        {
            return Refuse(context, logger, Problems.InvalidRequest(string.Join(" ", problems)), "invalid-receipt-request");
        }

        var receipt = await receipts.ReceiveAsync(till.StoreId, till.Id, request, options.Value.LinkLifetime, cancellationToken).ConfigureAwait(false);
        Log.ReceiptRequestReceived(logger, till.Id, request.SaleNumber, request.Channel, receipt);
        return receipt switch
        {
            Receipts.ReceiptRequestReceipt.Conflict => Problems.ReceiptRequestConflict(request.RequestId),
            Receipts.ReceiptRequestReceipt.OtherStoresSale => Problems.InvalidRequest($"saleId {request.SaleId} is not a sale of store '{till.StoreId}'; a till sends receipts of its own store's sales."),
            _ => Results.Json(new ReceiptMessageResponse { Status = receipt == Receipts.ReceiptRequestReceipt.Accepted ? "accepted" : "duplicate" }, Json),
        };
    }

    private const int MaxNumberingBytes = 1024;

    /// <summary>Epochs a till may ask after: a till needs one per restore, so this bound is never reached honestly.</summary>
    private const int MaxEpoch = 100_000;

    private static async Task<IResult> NumberingAsync(HttpContext context, TillAuthenticator authenticator, ITillRateLimits limiter, INumberingEpochs epochs, CancellationToken cancellationToken)
    {
        var authentication = await authenticator.AuthenticateAsync(context.Request, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        if (authentication.Till is not { } till)
        {
            return authentication.Problem!;
        }

        return await limiter.TryAcquireAsync($"till:{till.Id}", cancellationToken).ConfigureAwait(false) is { Allowed: false } refused
            ? RateLimited(context, refused.RetryAfter)
            : Results.Json(await epochs.FactsAsync(till.Id, cancellationToken).ConfigureAwait(false), Json);
    }

    private static async Task<IResult> NextEpochAsync(
        HttpContext context,
        TillAuthenticator authenticator,
        ITillRateLimits limiter,
        INumberingEpochs epochs,
        ILogger<INumberingEpochs> logger,
        CancellationToken cancellationToken)
    {
        var (till, body, refusal) = await AdmitAsync(context, MaxNumberingBytes, authenticator, limiter, logger, cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        var (request, invalid) = RequestJson.Read<NumberingEpochRequest>(body, "{\"after\": 1}");
        if (request is null)
        {
            return Refuse(context, logger, invalid!, "invalid-numbering");
        }

        if (request.After is < INumberingEpochs.First or >= MaxEpoch)
        {
            return Refuse(context, logger, Problems.InvalidRequest($"after is {request.After}; send the till's current epoch, from {INumberingEpochs.First} to {MaxEpoch - 1}."), "invalid-numbering");
        }

        var epoch = await epochs.NextAsync(till.Id, request.After, cancellationToken).ConfigureAwait(false);
        Log.NumberingEpochIssued(logger, till.Id, request.After, epoch);
        return Results.Json(await epochs.FactsAsync(till.Id, cancellationToken).ConfigureAwait(false), Json);
    }

    private static async Task<IResult> StatusAsync(
        HttpContext context,
        TillAuthenticator authenticator,
        IInbox inbox,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var authentication = await authenticator.AuthenticateAsync(context.Request, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        if (authentication.Till is not { } till)
        {
            return authentication.Problem!;
        }

        var (stored, last) = await inbox.TillSalesAsync(till.Id, cancellationToken).ConfigureAwait(false);
        return Results.Json(new TillSyncStatus { TillId = till.Id, SalesStored = stored, LastSaleReceivedAt = last, ServerTime = timeProvider.GetUtcNow() }, Json);
    }

    /// <summary>
    /// What every signed till request does first: the body read within its bound, the till authenticated over it, and the
    /// till's rate-limit permit taken. A refusal is logged and answered as <see cref="Refuse"/> does.
    /// </summary>
    private static async Task<(Till Till, byte[] Body, IResult? Refusal)> AdmitAsync(HttpContext context, long maxBytes, TillAuthenticator authenticator, ITillRateLimits limiter, ILogger logger, CancellationToken cancellationToken)
    {
        var (body, unreadable) = await ReadBodyAsync(context, maxBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return (null!, [], Refuse(context, logger, unreadable!, "unreadable-body"));
        }

        var authentication = await authenticator.AuthenticateAsync(context.Request, body, cancellationToken).ConfigureAwait(false);
        if (authentication.Till is not { } till)
        {
            return (null!, body, Refuse(context, logger, authentication.Problem!, "authentication"));
        }

        var permit = await limiter.TryAcquireAsync($"till:{till.Id}", cancellationToken).ConfigureAwait(false);
        return permit.Allowed ? (till, body, null) : (till, body, RateLimited(context, permit.RetryAfter));
    }

    private static IResult Refuse(HttpContext context, ILogger logger, IResult problem, string why)
    {
        Log.Refused(logger, context.Request.Path, why);
        return problem;
    }

    private static IResult RateLimited(HttpContext context, TimeSpan retryAfter)
    {
        context.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.RateLimited(retryAfter);
    }

    /// <summary>
    /// Reads the body whole (the signature covers it), refusing more than <paramref name="max"/> bytes with 413 whether
    /// or not the request says its length (a chunked body is counted as it arrives), and a body that cannot be read
    /// (a broken chunked encoding) with 400.
    /// </summary>
    internal static async Task<(byte[]? Body, IResult? Problem)> ReadBodyAsync(HttpContext context, long max, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength > max)
        {
            return (null, Problems.PayloadTooLarge(max));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max + 1;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > max)
                {
                    return (null, Problems.PayloadTooLarge(max));
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.PayloadTooLarge(max));
        }
        catch (BadHttpRequestException)
        {
            return (null, Problems.InvalidRequest("The request body could not be read to its end (a broken chunked encoding or a body shorter than its Content-Length); send it again."));
        }

        return (buffer.ToArray(), null);
    }
}
