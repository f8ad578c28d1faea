using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Storage.Postgres;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>
/// Rows that other stores write (sales, deliveries) for contracts of the stores that read them: through the inbox and
/// delivery store when the backend has them, else (a backend whose inbox is not ported yet) the same rows in plain
/// SQL, with the sales added to the report aggregates in their transaction as the inbox adds them.
/// </summary>
internal static class ContractRows
{
    /// <summary>Stores <paramref name="sales"/> of one till as received at <paramref name="receivedAt"/>; every one must be accepted.</summary>
    public static async Task StoreSalesAsync(IServiceProvider services, string storeId, string tillId, IReadOnlyList<Sale> sales, DateTimeOffset receivedAt)
    {
        var incoming = InboxContract<SqliteBackend>.Incoming(sales);
        if (services.GetService<IInbox>() is { } inbox)
        {
            var results = await inbox.StoreAsync(tillId, storeId, incoming, (_, _) => [], receivedAt, TestContext.Current.CancellationToken);
            Assert.All(results, r => Assert.Equal(StoreOutcome.Accepted, r.Outcome));
            return;
        }

        var database = services.GetRequiredService<PostgresDatabase>();
        var reports = services.GetRequiredService<PostgresReportAggregates>();
        await database.WriteAsync(
            async (connection, transaction) =>
            {
                foreach (var sale in incoming)
                {
                    await PostgresSql.ExecuteAsync(
                        connection,
                        transaction,
                        """
                        INSERT INTO sales (id, store_id, till_id, sale_number, created_at, received_at, refund_of, currency, total, content_hash, document)
                        VALUES (@id, @store, @till, @number, @created, @received, @refundOf, @currency, @total, @hash, @document)
                        """,
                        TestContext.Current.CancellationToken,
                        ("id", sale.Sale.Id.ToString("D")),
                        ("store", storeId),
                        ("till", tillId),
                        ("number", sale.Sale.SaleNumber),
                        ("created", sale.Sale.CreatedAtUtc.ToUnixTimeMilliseconds()),
                        ("received", receivedAt.ToUnixTimeMilliseconds()),
                        ("refundOf", sale.Sale.RefundOf?.SaleId.ToString("D")),
                        ("currency", sale.Sale.Currency),
                        ("total", sale.Sale.Totals.Total.ToString(CultureInfo.InvariantCulture)),
                        ("hash", sale.ContentHash),
                        ("document", sale.Document));
                }

                await reports.AddAsync(connection, transaction, sales, TestContext.Current.CancellationToken);
                return 0;
            },
            TestContext.Current.CancellationToken);
    }

    /// <summary>Records <paramref name="adapter"/>'s delivery of a stored sale, as the dispatcher records it.</summary>
    public static async Task DeliverAsync(IServiceProvider services, string adapter, Guid saleId, DeliveryState state, DateTimeOffset at, DateTimeOffset? nextAttempt = null)
    {
        if (services.GetService<IDeliveryStore>() is { } deliveries)
        {
            var pending = Assert.Single(await deliveries.GetDueAsync(adapter, 1000, ordered: false, at, TestContext.Current.CancellationToken), p => p.Sale.Id == saleId);
            await deliveries.RecordAsync(adapter, [new DeliveryRecord(pending.Seq, state, 1, nextAttempt, state == DeliveryState.Done ? null : "refused", state == DeliveryState.Done ? "pos.order/7" : null)], at, TestContext.Current.CancellationToken);
            return;
        }

        var database = services.GetRequiredService<PostgresDatabase>();
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var written = await PostgresSql.ExecuteAsync(
            connection,
            null,
            """
            INSERT INTO deliveries (adapter, sale_seq, state, attempts, next_attempt_at, last_error, external_id, updated_at)
            SELECT @adapter, seq, @state, 1, @next, NULL, NULL, @now FROM sales WHERE id = @id
            """,
            TestContext.Current.CancellationToken,
            ("adapter", adapter), ("state", state.ToString().ToLowerInvariant()), ("next", nextAttempt?.ToUnixTimeMilliseconds()), ("now", at.ToUnixTimeMilliseconds()), ("id", saleId.ToString("D")));
        Assert.Equal(1, written);
    }
}
