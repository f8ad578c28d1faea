using PosBridge.Connector.Ledgers;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>Written ledger days: the last one per ledger, a day recorded twice kept once.</summary>
public abstract class LedgerDaysContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    [Fact]
    public async Task LastWrittenAsync_TheLatestDayOfTheLedger_WhateverOrderTheyWereWrittenIn()
    {
        var before = await Store<ILedgerDays>().LastWrittenAsync("xero", TestContext.Current.CancellationToken);
        await Store<ILedgerDays>().RecordWrittenAsync("xero", new DateOnly(2026, 11, 10), 3, Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        await Store<ILedgerDays>().RecordWrittenAsync("xero", new DateOnly(2026, 11, 9), 2, Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        await Store<ILedgerDays>().RecordWrittenAsync("xero", new DateOnly(2026, 11, 10), 5, Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        await Store<ILedgerDays>().RecordWrittenAsync("sage", new DateOnly(2026, 12, 1), 1, Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Null(before);
        Assert.Equal(new DateOnly(2026, 11, 10), await Store<ILedgerDays>().LastWrittenAsync("xero", TestContext.Current.CancellationToken));
        Assert.Equal(new DateOnly(2026, 12, 1), await Store<ILedgerDays>().LastWrittenAsync("sage", TestContext.Current.CancellationToken));
    }
}

public sealed class SqliteLedgerDaysContractTests : LedgerDaysContract<SqliteBackend>;

public sealed class PostgresLedgerDaysContractTests : LedgerDaysContract<PostgresBackend>;
