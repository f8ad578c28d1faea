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
