using System.Text.Json.Serialization;

namespace PosBridge.Core.Sync;

/// <summary>The till's first call: a one-time pairing code from the manager, exchanged for credentials.</summary>
public sealed record PairingRequest
{
    public required string Code { get; init; }

    public required string DeviceName { get; init; }
}

/// <summary>What a till keeps after pairing. Shown once; the connector keeps only a hash and an encrypted key.</summary>
public sealed record PairingResponse
{
    public required string TillId { get; init; }

    public required string StoreId { get; init; }

    /// <summary>Sent as <c>Authorization: Bearer …</c> on every request.</summary>
    public required string Credential { get; init; }

    /// <summary>Base64; signs every request (<see cref="RequestSignature"/>). Never sent again.</summary>
    public required string SigningKey { get; init; }

    /// <summary>The connector's clock, so the till can measure its skew.</summary>
    public required DateTimeOffset ServerTime { get; init; }
}

/// <summary>What the connector did with one sale of an upload.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UploadStatus>))]
public enum UploadStatus
{
    /// <summary>Stored durably now: the till may mark it sent.</summary>
    [JsonStringEnumMemberName("accepted")]
    Accepted,

    /// <summary>Already stored with the same content: the till may mark it sent.</summary>
    [JsonStringEnumMemberName("duplicate")]
    Duplicate,

    /// <summary>A different sale with this id is stored; this one was refused and nothing was overwritten.</summary>
    [JsonStringEnumMemberName("conflict")]
    Conflict,

    /// <summary>Refused for the reasons given; keep it and show it to the manager.</summary>
    [JsonStringEnumMemberName("rejected")]
    Rejected,
}

public sealed record UploadError
{
    public required string Field { get; init; }

    public required string Message { get; init; }
}

public sealed record SaleUploadResult
{
    /// <summary>Position of the sale in the request's <c>sales</c> array.</summary>
    public required int Index { get; init; }

    /// <summary>The sale's id, when it could be read.</summary>
    public Guid? Id { get; init; }

    public required UploadStatus Status { get; init; }

    public IReadOnlyList<UploadError>? Errors { get; init; }
}

/// <summary>The answer to <c>POST /api/v1/sales</c> (body <c>{"sales":[…]}</c>): one result per sale, in order.</summary>
public sealed record SalesUploadResponse
{
    public required IReadOnlyList<SaleUploadResult> Results { get; init; }
}

/// <summary>The till's own view of its sync with the connector (<c>GET /api/v1/status</c>).</summary>
public sealed record TillSyncStatus
{
    public required string TillId { get; init; }

    public required long SalesStored { get; init; }

    public DateTimeOffset? LastSaleReceivedAt { get; init; }

    public required DateTimeOffset ServerTime { get; init; }
}

/// <summary>
/// What the connector holds of a till's numbering (<c>GET /api/v1/numbering</c>), for the till to tell at its first
/// contact whether its database is older than what it has sent (restored from a backup, or reinstalled). Sale and
/// shift numbers carry the epoch, so a till that continues in a new epoch never reuses a number the connector has seen.
/// </summary>
public sealed record TillNumbering
{
    /// <summary>The latest epoch issued to the till; 1 until a restore has been agreed.</summary>
    public required int Epoch { get; init; }

    /// <summary>The till's sale the connector received last, if any.</summary>
    public Guid? LastSaleId { get; init; }

    /// <summary>The till's shift whose close the connector received last, if any.</summary>
    public string? LastClosedShiftId { get; init; }

    /// <summary>
    /// The last fiscal document the connector received from the till per authority (ZATCA's counter and hash, the ETA's
    /// counter and uuid): a restored till continues its chains from these when they are ahead of its own.
    /// </summary>
    public IReadOnlyList<FiscalChainHead> FiscalChains { get; init; } = [];
}

/// <summary>The head of a till's fiscal chain: <c>Zatca</c> or <c>Eta</c>, its last counter and hash (the ETA: uuid).</summary>
public sealed record FiscalChainHead(string Authority, long Counter, string Hash);

/// <summary>A till asks for the epoch after <see cref="After"/> (<c>POST /api/v1/numbering/epochs</c>); asking again after a lost answer gives the same one.</summary>
public sealed record NumberingEpochRequest
{
    public required int After { get; init; }
}

/// <summary>
/// A till's shift has closed (its Z report): sent after every sale of the shift has been uploaded, so back
/// offices that keep sessions (Odoo's <c>pos.session</c>) can close theirs with the counted cash.
/// </summary>
public sealed record ShiftClosing
{
    public required string StoreId { get; init; }

    public required string TillId { get; init; }

    public required string ShiftId { get; init; }

    public required DateTimeOffset OpenedAtUtc { get; init; }

    public required DateTimeOffset ClosedAtUtc { get; init; }

    /// <summary>ISO 4217 code of the cash amounts.</summary>
    public required string Currency { get; init; }

    public required decimal OpeningFloat { get; init; }

    /// <summary>Cash put into the drawer during the shift (not from sales); 0 from tills that predate it.</summary>
    public decimal CashIn { get; init; }

    /// <summary>Cash taken out of the drawer during the shift (not for refunds), negative; 0 from tills that predate it.</summary>
    public decimal CashOut { get; init; }

    /// <summary>What the drawer should hold by the till's own count of sales, refunds and cash in/out.</summary>
    public required decimal ExpectedCash { get; init; }

    /// <summary>What the cashier counted at close.</summary>
    public required decimal CountedCash { get; init; }

    /// <summary>Sales and refunds in the shift.</summary>
    public required int SaleCount { get; init; }

    /// <summary>Checks the message as a whole; an empty list when it is valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var (name, value) in new[] { ("storeId", StoreId), ("tillId", TillId), ("shiftId", ShiftId) })
        {
            if (string.IsNullOrWhiteSpace(value) || value.Length > 64 || value.Any(char.IsControl))
            {
                problems.Add($"{name} must be 1 to 64 characters without control characters.");
            }
        }

        if (OpenedAtUtc < Sales.SaleLimits.Earliest || ClosedAtUtc >= Sales.SaleLimits.Latest)
        {
            problems.Add("openedAtUtc and closedAtUtc must be between 2000-01-01 and 2099-12-31.");
        }

        foreach (var (name, value) in new[] { ("openingFloat", OpeningFloat), ("cashIn", CashIn), ("cashOut", CashOut), ("expectedCash", ExpectedCash), ("countedCash", CountedCash) })
        {
            if (Math.Abs(value) > Sales.SaleLimits.MaxAmount)
            {
                problems.Add($"{name} is {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}; amounts are at most {Sales.SaleLimits.MaxAmount.ToString(System.Globalization.CultureInfo.InvariantCulture)} either way.");
            }
        }

        if (OpenedAtUtc.Offset != TimeSpan.Zero || ClosedAtUtc.Offset != TimeSpan.Zero)
        {
            problems.Add("openedAtUtc and closedAtUtc must be in UTC (offset +00:00).");
        }

        if (ClosedAtUtc < OpenedAtUtc)
        {
            problems.Add("closedAtUtc is before openedAtUtc.");
        }

        if (Currency is null || Currency.Length != 3 || !Currency.All(char.IsAsciiLetterUpper))
        {
            problems.Add("currency must be an ISO 4217 code such as EGP.");
        }

        if (OpeningFloat < 0m || CountedCash < 0m)
        {
            problems.Add("openingFloat and countedCash cannot be negative.");
        }

        if (SaleCount < 0)
        {
            problems.Add("saleCount cannot be negative.");
        }

        if (CashIn < 0m || CashOut > 0m)
        {
            problems.Add("cashIn cannot be negative and cashOut cannot be positive (money taken out is negative).");
        }

        return problems;
    }
}

/// <summary>The connector's answer to a <see cref="ShiftClosing"/>: stored now, or already stored with the same content.</summary>
public sealed record ShiftClosingResponse
{
    /// <summary>"accepted" or "duplicate".</summary>
    public required string Status { get; init; }
}
