using PosBridge.Connector.Dashboard;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Tests.Hosting;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>The dashboard's own figures: sales each back office took and its next retry, and each till's last upload.</summary>
public abstract class DashboardQueriesContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    [Fact]
    public async Task AdapterTotalsAsync_CountsDeliveredSalesAndTheEarliestRetryPerAdapter()
    {
        var sales = new Sales(Clock, "CAI1", "T1").Many(4);
        await ContractRows.StoreSalesAsync(Services, "CAI1", "T1", sales, Clock.GetUtcNow());
        var now = Clock.GetUtcNow();
        await ContractRows.DeliverAsync(Services, "odoo", sales[0].Id, DeliveryState.Done, now);
        await ContractRows.DeliverAsync(Services, "odoo", sales[1].Id, DeliveryState.Duplicate, now);
        await ContractRows.DeliverAsync(Services, "odoo", sales[2].Id, DeliveryState.Retry, now, now.AddMinutes(9));
        await ContractRows.DeliverAsync(Services, "odoo", sales[3].Id, DeliveryState.Retry, now, now.AddMinutes(4));
        await ContractRows.DeliverAsync(Services, "xero", sales[0].Id, DeliveryState.Dead, now);

        var totals = await Store<IDashboardQueries>().AdapterTotalsAsync(TestContext.Current.CancellationToken);

        Assert.Equal(new AdapterTotals(2, now.AddMinutes(4)), totals["odoo"]);
        Assert.Equal(new AdapterTotals(0, null), totals["xero"]);
        Assert.Equal(2, totals.Count);
    }

    [Fact]
    public async Task LastUploadsAsync_EachTillsLatestReceipt()
    {
        var first = Clock.GetUtcNow();
        await ContractRows.StoreSalesAsync(Services, "CAI1", "T1", [new Sales(Clock, "CAI1", "T1").Next()], first);
        await ContractRows.StoreSalesAsync(Services, "CAI1", "T1", [new Sales(Clock, "CAI1", "T1").Next()], first.AddMinutes(3));
        await ContractRows.StoreSalesAsync(Services, "ALX1", "T7", [new Sales(Clock, "ALX1", "T7").Next()], first.AddMinutes(1));

        var uploads = await Store<IDashboardQueries>().LastUploadsAsync(TestContext.Current.CancellationToken);

        Assert.Equal(first.AddMinutes(3), uploads["T1"]);
        Assert.Equal(first.AddMinutes(1), uploads["T7"]);
        Assert.Equal(2, uploads.Count);
    }
}

public sealed class SqliteDashboardQueriesContractTests : DashboardQueriesContract<SqliteBackend>;

public sealed class PostgresDashboardQueriesContractTests : DashboardQueriesContract<PostgresBackend>;
