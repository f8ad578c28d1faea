using PosBridge.Connector.Fiscal;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>Each till's ZATCA stamp identifiers: compliance and production kept apart, renewed in place, expiring ones listed soonest first.</summary>
public abstract class ZatcaUnitsContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    [Fact]
    public async Task SaveAsync_ComplianceThenProduction_KeepsBothAndARenewalReplacesTheProductionOne()
    {
        var compliance = new ZatcaCsid("1", "Y29tcGxpYW5jZQ==", "secret-c");
        await Store<IZatcaUnits>().SaveComplianceAsync("RUH1", "T1", compliance, TestContext.Current.CancellationToken);
        await Store<IZatcaUnits>().SaveProductionAsync("RUH1", "T1", new ZatcaCsid("2", "cHJvZHVjdGlvbg==", "secret-p"), Clock.GetUtcNow().AddDays(30), TestContext.Current.CancellationToken);
        var renewed = new ZatcaCsid("3", "cmVuZXdlZA==", "secret-r");

        await Store<IZatcaUnits>().SaveProductionAsync("RUH1", "T1", renewed, Clock.GetUtcNow().AddDays(365), TestContext.Current.CancellationToken);

        Assert.Equal(compliance, await Store<IZatcaUnits>().ComplianceAsync("T1", TestContext.Current.CancellationToken));
        Assert.Equal(renewed, await Store<IZatcaUnits>().ProductionAsync("T1", TestContext.Current.CancellationToken));
        Assert.Null(await Store<IZatcaUnits>().ProductionAsync("T2", TestContext.Current.CancellationToken));
        Assert.Empty(await Store<IZatcaUnits>().ExpiringAsync(Clock.GetUtcNow().AddDays(60), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ExpiringAsync_TillsWhoseProductionCsidEndsBefore_SoonestFirst()
    {
        var now = Clock.GetUtcNow();
        await Store<IZatcaUnits>().SaveProductionAsync("RUH1", "T1", new ZatcaCsid("1", "eA==", "s1"), now.AddDays(20), TestContext.Current.CancellationToken);
        await Store<IZatcaUnits>().SaveProductionAsync("RUH1", "T2", new ZatcaCsid("2", "eA==", "s2"), now.AddDays(5), TestContext.Current.CancellationToken);
        await Store<IZatcaUnits>().SaveProductionAsync("RUH1", "T3", new ZatcaCsid("3", "eA==", "s3"), now.AddDays(90), TestContext.Current.CancellationToken);
        await Store<IZatcaUnits>().SaveComplianceAsync("RUH1", "T4", new ZatcaCsid("4", "eA==", "s4"), TestContext.Current.CancellationToken);

        var expiring = await Store<IZatcaUnits>().ExpiringAsync(now.AddDays(30), TestContext.Current.CancellationToken);

        Assert.Equal([("T2", now.AddDays(5)), ("T1", now.AddDays(20))], expiring);
    }
}

public sealed class SqliteZatcaUnitsContractTests : ZatcaUnitsContract<SqliteBackend>;

public sealed class PostgresZatcaUnitsContractTests : ZatcaUnitsContract<PostgresBackend>;
