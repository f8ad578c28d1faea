using System.Text;
using System.Text.Json;
using PosBridge.Connector.Fiscal;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Storage.Sqlite;

/// <summary>
/// Each till's ZATCA stamp identifiers. The secrets are encrypted with the connector's secrets key; the till's
/// private key is never here (only the certificates ZATCA issued for it, which are public).
/// </summary>
internal sealed class SqliteZatcaUnits(ConnectorDatabase database, SecretProtector protector, TimeProvider timeProvider) : IZatcaUnits
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task SaveComplianceAsync(string storeId, string tillId, ZatcaCsid csid, CancellationToken cancellationToken = default) =>
        SaveAsync(storeId, tillId, "compliance_csid", csid, null, cancellationToken);

    public Task SaveProductionAsync(string storeId, string tillId, ZatcaCsid csid, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        SaveAsync(storeId, tillId, "production_csid", csid, expiresAt, cancellationToken);

    public Task<ZatcaCsid?> ComplianceAsync(string tillId, CancellationToken cancellationToken = default) => ReadAsync(tillId, "compliance_csid", cancellationToken);

    public Task<ZatcaCsid?> ProductionAsync(string tillId, CancellationToken cancellationToken = default) => ReadAsync(tillId, "production_csid", cancellationToken);

    /// <summary>Tills whose production CSID expires before <paramref name="before"/>: the dashboard asks the owner for an OTP to renew.</summary>
    public Task<IReadOnlyList<(string TillId, DateTimeOffset ExpiresAt)>> ExpiringAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<(string, DateTimeOffset)>>(
            async connection =>
            {
                await using var command = Sql.Command(connection, null, "SELECT till_id, expires_at FROM fiscal_units WHERE authority = 'ZATCA' AND expires_at IS NOT NULL AND expires_at < $before ORDER BY expires_at", ("$before", Sql.ToUnixMs(before)));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var list = new List<(string, DateTimeOffset)>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    list.Add((reader.GetString(0), Sql.FromUnixMs(reader.GetInt64(1))));
                }

                return list;
            },
            cancellationToken);

    private Task<int> SaveAsync(string storeId, string tillId, string column, ZatcaCsid csid, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        var text = protector.Protect(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(csid, Json)));
        var now = Sql.ToUnixMs(timeProvider.GetUtcNow());
        // The column name comes from this class's two constants, never from input.
        var sql = column == "production_csid"
            ? "INSERT INTO fiscal_units (authority, till_id, store_id, production_csid, expires_at, updated_at) VALUES ('ZATCA', $till, $store, $csid, $expires, $now) ON CONFLICT (authority, till_id) DO UPDATE SET production_csid = excluded.production_csid, expires_at = excluded.expires_at, updated_at = excluded.updated_at"
            : "INSERT INTO fiscal_units (authority, till_id, store_id, compliance_csid, updated_at) VALUES ('ZATCA', $till, $store, $csid, $now) ON CONFLICT (authority, till_id) DO UPDATE SET compliance_csid = excluded.compliance_csid, updated_at = excluded.updated_at";
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                await Sql.ExecuteAsync(connection, transaction, sql, cancellationToken, ("$till", tillId), ("$store", storeId), ("$csid", text), ("$expires", expiresAt is { } e ? Sql.ToUnixMs(e) : null), ("$now", now)).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);
    }

    private Task<ZatcaCsid?> ReadAsync(string tillId, string column, CancellationToken cancellationToken) =>
        database.ReadAsync(
            async connection =>
            {
                var sql = column == "production_csid"
                    ? "SELECT production_csid FROM fiscal_units WHERE authority = 'ZATCA' AND till_id = $till"
                    : "SELECT compliance_csid FROM fiscal_units WHERE authority = 'ZATCA' AND till_id = $till";
                return await Sql.ScalarAsync(connection, null, sql, cancellationToken, ("$till", tillId)).ConfigureAwait(false) is string text
                    ? JsonSerializer.Deserialize<ZatcaCsid>(protector.Unprotect(text), Json)
                    : null;
            },
            cancellationToken);
}
