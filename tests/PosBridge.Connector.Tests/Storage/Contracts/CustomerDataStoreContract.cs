using PosBridge.Connector.Customers;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>A person's data: found whole (sales with their deliveries), and erased to a pseudonym that keeps the sales' figures and hashes.</summary>
public abstract class CustomerDataStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    private static readonly Customer Mona = new() { Id = "cust-1", Name = "Mona", Phone = "+201001234567" };

    [Fact]
    public async Task FindAsync_ByPhone_FindsTheirSalesWithDeliveriesAndNoOneElses()
    {
        var (theirs, _) = await StoreAsync();

        var holdings = await Store<ICustomerDataStore>().FindAsync(new CustomerLookup { Phone = Mona.Phone }, TestContext.Current.CancellationToken);

        Assert.Equal(theirs.Select(s => s.Id), holdings.Sales.Select(s => s.Id));
        var delivery = Assert.Single(holdings.Sales[0].Deliveries);
        Assert.Equal(("odoo", "done"), (delivery.Adapter, delivery.State));
        Assert.Empty(holdings.Sales[1].Deliveries);
        Assert.True((await Store<ICustomerDataStore>().FindAsync(new CustomerLookup { Phone = "+201009999999" }, TestContext.Current.CancellationToken)).IsEmpty);
    }

    [Fact]
    public async Task EraseAsync_TheirSales_KeepFiguresAndHashButOnlyThePseudonym()
    {
        var (theirs, others) = await StoreAsync();

        var erasure = await Store<ICustomerDataStore>().EraseAsync(new CustomerLookup { CustomerId = Mona.Id }, id => "anon-" + id, Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal(2, erasure.SalesPseudonymised);
        Assert.Equal(1, erasure.DeliveredTo["odoo"]);
        Assert.Equal("anon-cust-1", erasure.Pseudonyms["cust-1"]);
        var erased = (await Store<IInbox>().FindAsync(theirs[0].Id, TestContext.Current.CancellationToken))!;
        Assert.Equal((new Customer { Id = "anon-cust-1" }, theirs[0].Totals.Total), (erased.Customer, erased.Totals.Total));
        Assert.Null((await Store<IInbox>().FindAsync(others.Id, TestContext.Current.CancellationToken))!.Customer);
        Assert.True((await Store<ICustomerDataStore>().FindAsync(new CustomerLookup { Phone = Mona.Phone }, TestContext.Current.CancellationToken)).IsEmpty);
        var again = await Store<IInbox>().StoreAsync("T2", "CAI1", InboxContract<TBackend>.Incoming([theirs[0]]), (_, _) => [], Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        Assert.Equal(StoreOutcome.Duplicate, Assert.Single(again).Outcome);
    }

    private async Task<(List<Sale> Theirs, Sale Other)> StoreAsync()
    {
        var sales = new Sales(Clock);
        List<Sale> theirs = [sales.Next() with { Customer = Mona }, sales.Next() with { Customer = Mona }];
        var other = sales.Next();
        await Store<IInbox>().StoreAsync("T2", "CAI1", InboxContract<TBackend>.Incoming([theirs[0], other, theirs[1]]), (_, _) => [], Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        var first = (await Store<IDeliveryStore>().GetDueAsync("odoo", 1, ordered: false, Clock.GetUtcNow(), TestContext.Current.CancellationToken))[0];
        await Store<IDeliveryStore>().RecordAsync("odoo", [new DeliveryRecord(first.Seq, DeliveryState.Done, 1, null, null, "pos.order/1")], Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        return (theirs, other);
    }
}

public sealed class SqliteCustomerDataStoreContractTests : CustomerDataStoreContract<SqliteBackend>;

public sealed class PostgresCustomerDataStoreContractTests : CustomerDataStoreContract<PostgresBackend>;
