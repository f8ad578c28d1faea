namespace PosBridge.Connector.Hosting;

/// <summary>
/// RFC 7807 problem details with a stable <c>type</c> per failure, so a till can act on the type
/// and show the detail.
/// </summary>
internal static class Problems
{
    public const string TypePrefix = "urn:posbridge:problem:";

    public static IResult MalformedJson(string detail) => Problem(StatusCodes.Status400BadRequest, "malformed-json", "The body is not valid JSON.", detail);

    public static IResult InvalidEncoding(int offset) => Problem(StatusCodes.Status400BadRequest, "invalid-encoding", "The body is not UTF-8 text.", $"Byte {offset + 1} of the body is not valid UTF-8; send the JSON encoded as UTF-8.");

    public static IResult InvalidRequest(string detail) => Problem(StatusCodes.Status400BadRequest, "invalid-request", "The request is not of the expected shape.", detail);

    public static IResult BatchTooLarge(int count, int max) => Problem(StatusCodes.Status400BadRequest, "batch-too-large", "Too many sales in one upload.", $"The upload has {count} sales; send at most {max} per request.");

    public static IResult PayloadTooLarge(long max) => Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "The request body is too large.", $"Send at most {max} bytes per request (split the upload into smaller batches).");

    public static IResult MissingCredentials(string detail) => Problem(StatusCodes.Status401Unauthorized, "missing-credentials", "The request is not signed by a till.", detail);

    public static IResult UnknownCredentials() => Problem(StatusCodes.Status401Unauthorized, "unknown-credentials", "The till's credential is not known.", "Pair the till again with a new pairing code.");

    public static IResult TillRevoked(string tillId) => Problem(StatusCodes.Status403Forbidden, "till-revoked", "This till has been revoked.", $"Till '{tillId}' was revoked by a manager; it can sell offline but not sync until it is paired again.");

    public static IResult BadSignature() => Problem(StatusCodes.Status401Unauthorized, "bad-signature", "The request signature does not match.", "Sign METHOD, path, timestamp, nonce and body hash with the till's signing key.");

    public static IResult StaleTimestamp(TimeSpan window) => Problem(StatusCodes.Status401Unauthorized, "stale-timestamp", "The request's timestamp is outside the replay window.", $"The till's clock must be within {window.TotalMinutes:0} minutes of the connector's; check the device's time.");

    public static IResult Replayed() => Problem(StatusCodes.Status401Unauthorized, "replayed-request", "This request was already received.", "Each request needs a new nonce.");

    public static IResult RateLimited(TimeSpan retryAfter) => Problem(StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests from this till.", $"Try again in {Math.Ceiling(retryAfter.TotalSeconds):0} s.");

    public static IResult ShiftClosingConflict(string tillId, string shiftId) => Problem(StatusCodes.Status409Conflict, "shift-closing-conflict", "This shift was already closed with other figures.", $"Shift '{shiftId}' of till '{tillId}' is stored with a different close; it is never overwritten. A correction is a manager's job in the back office.");

    public static IResult ReceiptRequestConflict(Guid requestId) => Problem(StatusCodes.Status409Conflict, "receipt-request-conflict", "This receipt request id was used before with other content.", $"Request '{requestId}' is stored with a different receipt or recipient; it is never overwritten. Make a new request id for a new request.");

    public static IResult StoreNotConfigured(string storeId) => Problem(StatusCodes.Status409Conflict, "store-not-configured", "The till's store is not configured on this connector.", $"Store '{storeId}' has no currency or time zone here, so its sales cannot be checked; the till keeps them until a manager configures the store: {Stores.StoreDirectory.HowToConfigure(storeId)}.");

    public static IResult FiscalNotConfigured(string authority, string setting) => Problem(StatusCodes.Status409Conflict, "fiscal-not-configured", $"This connector does not talk to {authority}.", $"Nothing was sent to {authority}: the connector's manager sets {setting} first (README, \"Tax authorities\").");

    public static IResult PairingFailed(string detail) => Problem(StatusCodes.Status400BadRequest, "pairing-code-invalid", "The pairing code cannot be used.", detail);

    private static IResult Problem(int status, string type, string title, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: title, type: TypePrefix + type);
}
