namespace PosBridge.Connector.Tills;

internal sealed record Till(
    string Id,
    string StoreId,
    string Name,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PairedAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastContactAt)
{
    /// <summary>As a manager reads it: <c>revoked</c>, <c>paired</c>, or <c>waiting</c> for its pairing code.</summary>
    public string State => RevokedAt is not null ? "revoked" : PairedAt is not null ? "paired" : "waiting";
}

/// <summary>A paired till's secrets as stored: the credential's hash and the encrypted signing key.</summary>
internal sealed record TillSecrets(Till Till, string EncryptedSigningKey);

internal enum PairingOutcome
{
    Paired,
    UnknownCode,
    Expired,
    AlreadyUsed,
}

/// <summary>Tills, their pairing codes and credentials, and the manager's audit log.</summary>
internal interface ITillStore
{
    /// <summary>Creates the till if it does not exist (or re-enables it) and adds a one-time pairing code.</summary>
    Task<Till> AddPairingCodeAsync(string tillId, string storeId, string name, string codeHash, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Uses a pairing code once: stores the till's new credential hash and signing key.</summary>
    Task<(PairingOutcome Outcome, Till? Till)> RedeemAsync(string codeHash, string credentialHash, string encryptedSigningKey, DateTimeOffset now, CancellationToken cancellationToken = default);

    Task<TillSecrets?> FindByCredentialHashAsync(string credentialHash, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Till>> ListAsync(CancellationToken cancellationToken = default);

    Task<bool> RevokeAsync(string tillId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Moves the till's last contact forward to <paramref name="at"/> (never back: a slower request may finish later).</summary>
    Task RecordContactAsync(string tillId, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task AuditAsync(string actor, string action, string subject, string? details, DateTimeOffset now, CancellationToken cancellationToken = default);

}
