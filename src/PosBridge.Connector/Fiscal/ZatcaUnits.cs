namespace PosBridge.Connector.Fiscal;

/// <summary>
/// Each till's ZATCA stamp identifiers. The secrets are encrypted with the connector's secrets key; the till's
/// private key is never here (only the certificates ZATCA issued for it, which are public).
/// </summary>
internal interface IZatcaUnits
{
    Task SaveComplianceAsync(string storeId, string tillId, ZatcaCsid csid, CancellationToken cancellationToken = default);

    Task SaveProductionAsync(string storeId, string tillId, ZatcaCsid csid, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    Task<ZatcaCsid?> ComplianceAsync(string tillId, CancellationToken cancellationToken = default);

    Task<ZatcaCsid?> ProductionAsync(string tillId, CancellationToken cancellationToken = default);

    /// <summary>Tills whose production CSID expires before <paramref name="before"/>: the dashboard asks the owner for an OTP to renew.</summary>
    Task<IReadOnlyList<(string TillId, DateTimeOffset ExpiresAt)>> ExpiringAsync(DateTimeOffset before, CancellationToken cancellationToken = default);
}
