using System.Globalization;
using PosBridge.Connector.Dispatch;

namespace PosBridge.Connector.Storage.Sqlite;

/// <summary>
/// Delivery leases in <c>dispatch_leases</c>. The holder is written as <c>machine:process:instance</c>: a SQLite file
/// is on one machine, so a lease whose process on this machine has ended (killed, crashed) is taken over at once
/// rather than after it runs out.
/// </summary>
internal sealed class SqliteDeliveryLease : IDeliveryLease
{
    private readonly ConnectorDatabase _database;
    private readonly string _machine;
    private readonly int _processId;
    private readonly string _holder;

    public SqliteDeliveryLease(ConnectorDatabase database, ConnectorInstance instance)
        : this(database, instance, Environment.MachineName, Environment.ProcessId)
    {
    }

    /// <summary>A lease as held by another process (tests stand in for one).</summary>
    internal SqliteDeliveryLease(ConnectorDatabase database, ConnectorInstance instance, string machine, int processId)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(instance);
        _database = database;
        _machine = machine;
        _processId = processId;
        _holder = string.Create(CultureInfo.InvariantCulture, $"{machine}:{processId}:{instance.Id}");
    }

    public Task<bool> TryAcquireAsync(string adapter, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        _database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var read = Sql.Command(connection, transaction, "SELECT holder, expires_at FROM dispatch_leases WHERE adapter = $adapter", ("$adapter", adapter));
                await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var current = reader.GetString(0);
                        if (current != _holder && Sql.FromUnixMs(reader.GetInt64(1)) > now && !IsGone(current))
                        {
                            return false;
                        }
                    }
                }

                await Sql.ExecuteAsync(
                    connection,
                    transaction,
                    """
                    INSERT INTO dispatch_leases (adapter, holder, expires_at) VALUES ($adapter, $holder, $until)
                    ON CONFLICT (adapter) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                    """,
                    cancellationToken,
                    ("$adapter", adapter), ("$holder", _holder), ("$until", Sql.ToUnixMs(until))).ConfigureAwait(false);
                return true;
            },
            cancellationToken);

    public Task ReleaseAsync(string adapter, CancellationToken cancellationToken = default) =>
        _database.WriteAsync(
            async (connection, transaction) =>
            {
                await Sql.ExecuteAsync(connection, transaction, "DELETE FROM dispatch_leases WHERE adapter = $adapter AND holder = $holder", cancellationToken, ("$adapter", adapter), ("$holder", _holder)).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);

    /// <summary>A holder on this machine whose process has ended holds nothing any more.</summary>
    private bool IsGone(string holder)
    {
        var parts = holder.Split(':');
        if (parts.Length != 3 || parts[0] != _machine || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        if (pid == _processId)
        {
            // Another instance in this process (tests host several connectors): alive while it holds the lease.
            return false;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
