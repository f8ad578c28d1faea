using System.Text;
using System.Text.Json;
using PosBridge.Connector.Fiscal;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// Each till's ZATCA stamp identifiers in <c>fiscal_units</c>. The secrets are encrypted with the connector's secrets key
/// (every instance sharing the database shares that key); the till's private key is never here (only the certificates
/// ZATCA issued for it, which are public). Each save is one upsert of its own column, so a compliance and a production
/// CSID saved at once by two instances both stay.
/// </summary>
internal sealed class PostgresZatcaUnits(PostgresDatabase database, SecretProtector protector, TimeProvider timeProvider) : IZatcaUnits
{
    private const string SaveCompliance =
        "INSERT INTO fiscal_units (authority, till_id, store_id, compliance_csid, updated_at) VALUES ('ZATCA', @till, @store, @csid, @now) " +
        "ON CONFLICT (authority, till_id) DO UPDATE SET compliance_csid = excluded.compliance_csid, updated_at = excluded.updated_at";

    private const string SaveProduction =
        "INSERT INTO fiscal_units (authority, till_id, store_id, production_csid, expires_at, updated_at) VALUES ('ZATCA', @till, @store, @csid, @expires, @now) " +
        "ON CONFLICT (authority, till_id) DO UPDATE SET production_csid = excluded.production_csid, expires_at = excluded.expires_at, updated_at = excluded.updated_at";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task SaveComplianceAsync(string storeId, string tillId, ZatcaCsid csid, CancellationToken cancellationToken = default) =>
        SaveAsync(SaveCompliance, storeId, tillId, csid, null, cancellationToken);

    public Task SaveProductionAsync(string storeId, string tillId, ZatcaCsid csid, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        SaveAsync(SaveProduction, storeId, tillId, csid, expiresAt, cancellationToken);

    public Task<ZatcaCsid?> ComplianceAsync(string tillId, CancellationToken cancellationToken = default) =>
        ReadAsync("SELECT compliance_csid FROM fiscal_units WHERE authority = 'ZATCA' AND till_id = @till", tillId, cancellationToken);

    public Task<ZatcaCsid?> ProductionAsync(string tillId, CancellationToken cancellationToken = default) =>
        ReadAsync("SELECT production_csid FROM fiscal_units WHERE authority = 'ZATCA' AND till_id = @till", tillId, cancellationToken);

    /// <summary>Tills whose production CSID expires before <paramref name="before"/>: the dashboard asks the owner for an OTP to renew.</summary>
    public async Task<IReadOnlyList<(string TillId, DateTimeOffset ExpiresAt)>> ExpiringAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(connection, null, "SELECT till_id, expires_at FROM fiscal_units WHERE authority = 'ZATCA' AND expires_at IS NOT NULL AND expires_at < @before ORDER BY expires_at, till_id COLLATE \"C\"", ("before", before.ToUnixTimeMilliseconds()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<(string, DateTimeOffset)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add((reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1))));
        }

        return list;
    }

    private async Task SaveAsync(string sql, string storeId, string tillId, ZatcaCsid csid, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        var text = protector.Protect(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(csid, Json)));
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSql.ExecuteAsync(
            connection,
            null,
            sql,
            cancellationToken,
            ("till", tillId), ("store", storeId), ("csid", text), ("expires", expiresAt?.ToUnixTimeMilliseconds()), ("now", timeProvider.GetUtcNow().ToUnixTimeMilliseconds())).ConfigureAwait(false);
    }

    private async Task<ZatcaCsid?> ReadAsync(string sql, string tillId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await PostgresSql.ScalarAsync(connection, null, sql, cancellationToken, ("till", tillId)).ConfigureAwait(false) is string text
            ? JsonSerializer.Deserialize<ZatcaCsid>(protector.Unprotect(text), Json)
            : null;
    }
}
