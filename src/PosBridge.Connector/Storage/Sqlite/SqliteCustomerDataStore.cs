using PosBridge.Connector.Customers;

namespace PosBridge.Connector.Storage.Sqlite;

/// <summary>
/// A person's data in the connector's SQLite database, found and erased by <see cref="CustomerDataSql"/> (the same on
/// PostgreSQL): a search reads on one connection, an erasure is one write transaction (SQLite's one writer, so no sale
/// is stored under the customer's id half way through).
/// </summary>
internal sealed class SqliteCustomerDataStore(ConnectorDatabase database) : ICustomerDataStore
{
    private readonly CustomerDataSql _sql = new(CustomerDataDialect.Sqlite);

    public Task<CustomerHoldings> FindAsync(CustomerLookup who, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(who);
        return database.ReadAsync(connection => _sql.FindAsync(connection, null, who, cancellationToken), cancellationToken);
    }

    public Task<CustomerErasure> EraseAsync(CustomerLookup who, Func<string, string> pseudonymOf, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(who);
        ArgumentNullException.ThrowIfNull(pseudonymOf);
        return database.WriteAsync((connection, transaction) => _sql.EraseAsync(connection, transaction, who, pseudonymOf, cancellationToken), cancellationToken);
    }
}
