using Microsoft.Extensions.DependencyInjection;
using PosBridge.Accounting.Journals;
using PosBridge.Connector.Fees;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>Providers' fees: a report imported again adds nothing, a changed figure refuses the whole file, a period reads in order.</summary>
public abstract class ProviderFeeStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    private static readonly DateTimeOffset Monday = new(2027, 3, 8, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ImportAsync_SameFileAgain_AddsNothing()
    {
        var fees = new[] { Fee(1, "STL-1", 12.35m), Fee(2, "STL-2", 3.10m) };

        var first = await Store<IProviderFeeStore>().ImportAsync(fees, "monday.csv", Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        var again = await Store<IProviderFeeStore>().ImportAsync(fees, "monday.csv", Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal((2, 0, false), (first.Added, first.AlreadyThere, first.Refused));
        Assert.Equal((0, 2, false), (again.Added, again.AlreadyThere, again.Refused));
        Assert.Equal(2, (await Store<IProviderFeeStore>().ForStoreAsync("CAI1", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, TestContext.Current.CancellationToken)).Count);
    }

    [Fact]
    public async Task ImportAsync_AReferenceWithOtherFigures_IsAConflictAndNothingOfTheFileIsAdded()
    {
        await Store<IProviderFeeStore>().ImportAsync([Fee(1, "STL-1", 12.35m)], "monday.csv", Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        var changed = await Store<IProviderFeeStore>().ImportAsync([Fee(1, "STL-3", 1.00m), Fee(2, "STL-1", 12.36m)], "monday-fixed.csv", Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.True(changed.Refused);
        var conflict = Assert.Single(changed.Conflicts);
        Assert.Equal((12.35m, 12.36m, "monday.csv", 1), (conflict.Stored.Fee.Amount, conflict.Incoming.Fee.Amount, conflict.Stored.SourceFile, conflict.Stored.SourceLine));
        Assert.Equal(["STL-1"], (await Store<IProviderFeeStore>().ForStoreAsync(null, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, TestContext.Current.CancellationToken)).Select(f => f.Fee.Reference));
    }

    [Fact]
    public async Task ForStoreAsync_TakesThePeriodsFeesInReportOrder()
    {
        await Store<IProviderFeeStore>().ImportAsync(
            [Fee(1, "STL-9", 1m, Monday.AddHours(5)), Fee(2, "STL-2", 2m, Monday), Fee(3, "STL-1", 3m, Monday), Fee(4, "STL-7", 4m, Monday.AddDays(1)), Fee(5, "STL-5", 5m, Monday, store: "ALX1")],
            "week.csv",
            Clock.GetUtcNow(),
            TestContext.Current.CancellationToken);

        var cairo = await Store<IProviderFeeStore>().ForStoreAsync("CAI1", Monday, Monday.AddDays(1), TestContext.Current.CancellationToken);
        var every = await Store<IProviderFeeStore>().ForStoreAsync(null, Monday, Monday.AddDays(1), TestContext.Current.CancellationToken);

        Assert.Equal(["STL-1", "STL-2", "STL-9"], cairo.Select(f => f.Fee.Reference));
        Assert.Equal(["STL-5", "STL-1", "STL-2", "STL-9"], every.Select(f => f.Fee.Reference));
        Assert.Equal((3m, "EGP", PaymentKind.Card, Monday), (cairo[0].Fee.Amount, cairo[0].Fee.Currency, cairo[0].Fee.Kind, cairo[0].Fee.ReportedAtUtc));
    }

    [Fact]
    public async Task ImportAsync_TwoInstancesImportingTheSameReferenceAtOnce_AddItOnce()
    {
        var other = (await OpenInstanceAsync()).GetRequiredService<IProviderFeeStore>();

        var imports = await Task.WhenAll(
            Store<IProviderFeeStore>().ImportAsync([Fee(1, "STL-1", 12.35m), Fee(2, "STL-2", 1m)], "a.csv", Clock.GetUtcNow(), TestContext.Current.CancellationToken),
            other.ImportAsync([Fee(1, "STL-2", 1m), Fee(2, "STL-1", 12.35m)], "b.csv", Clock.GetUtcNow(), TestContext.Current.CancellationToken));

        Assert.Equal(2, imports.Sum(i => i.Added));
        Assert.Equal(2, imports.Sum(i => i.AlreadyThere));
        Assert.Equal(2, (await other.ForStoreAsync("CAI1", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, TestContext.Current.CancellationToken)).Count);
    }

    private static FeeToImport Fee(int line, string reference, decimal amount, DateTimeOffset? at = null, string store = "CAI1") =>
        new(line, new ProviderFee { StoreId = store, MethodId = "card-nbe", Reference = reference, Kind = PaymentKind.Card, ReportedAtUtc = at ?? Monday, Amount = amount, Currency = "EGP" });
}

public sealed class SqliteProviderFeeStoreContractTests : ProviderFeeStoreContract<SqliteBackend>;

public sealed class PostgresProviderFeeStoreContractTests : ProviderFeeStoreContract<PostgresBackend>;
