using PosBridge.Connector.Customers;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// A person's data on PostgreSQL, found and erased by <see cref="CustomerDataSql"/> as on SQLite: one
/// repeatable-read transaction for a request, so the answer is one consistent moment; an erasure holds the inbox's
/// lock (<see cref="PostgresInbox.InboxLock"/>), so no instance stores a sale, or adds it to the report figures under
/// the customer's id, half way through.
/// </summary>
internal sealed class PostgresCustomerDataStore(PostgresDatabase database) : ICustomerDataStore
{
    private readonly CustomerDataSql _sql = new(CustomerDataDialect.Postgres);

    public Task<CustomerHoldings> FindAsync(CustomerLookup who, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(who);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                await PostgresSql.ExecuteAsync(connection, transaction, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", cancellationToken).ConfigureAwait(false);
                return await _sql.FindAsync(connection, transaction, who, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public Task<CustomerErasure> EraseAsync(CustomerLookup who, Func<string, string> pseudonymOf, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(who);
        ArgumentNullException.ThrowIfNull(pseudonymOf);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                await PostgresInbox.LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                return await _sql.EraseAsync(connection, transaction, who, pseudonymOf, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }
}
