using System.Globalization;
using PosBridge.Connector.Storage;

namespace PosBridge.Connector.Ingestion;

/// <summary>Read-only questions about what the inbox holds, for status pages and the CLI.</summary>
internal sealed class ConnectorDatabaseStatus(ConnectorDatabase database)
{
    public Task<(long Stored, DateTimeOffset? LastReceivedAt)> TillSalesAsync(string tillId, CancellationToken cancellationToken = default) =>
        database.ReadAsync(
            async connection =>
            {
                await using var command = Sql.Command(connection, null, "SELECT COUNT(*), MAX(received_at) FROM sales WHERE till_id = $till", ("$till", tillId));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), Sql.FromUnixMs(reader.GetValue(1)));
            },
            cancellationToken);
}
