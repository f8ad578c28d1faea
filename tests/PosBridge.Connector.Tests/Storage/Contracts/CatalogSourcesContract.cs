using PosBridge.Connector.Catalog;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>Where each catalog source's pull got to, kept per source and replaced by the next save.</summary>
public abstract class SourceCursorsContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    [Fact]
    public async Task SaveAsync_PerSource_TheLastSaveIsRead()
    {
        await Store<ISourceCursors>().SaveAsync("odoo", "2026-11-01T10:00:00Z", Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        await Store<ISourceCursors>().SaveAsync("odoo", "2026-11-02T08:00:00Z", Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        await Store<ISourceCursors>().SaveAsync("csv", "file-7", Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal("2026-11-02T08:00:00Z", await Store<ISourceCursors>().CursorAsync("odoo", TestContext.Current.CancellationToken));
        Assert.Equal("file-7", await Store<ISourceCursors>().CursorAsync("csv", TestContext.Current.CancellationToken));
        Assert.Null(await Store<ISourceCursors>().CursorAsync("woo", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SaveAsync_OnAnotherInstance_IsReadHere()
    {
        var other = (ISourceCursors)(await OpenInstanceAsync()).GetService(typeof(ISourceCursors))!;

        await other.SaveAsync("odoo", "c-1", Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal("c-1", await Store<ISourceCursors>().CursorAsync("odoo", TestContext.Current.CancellationToken));
    }
}

/// <summary>The last failure of each catalog source, replaced by a later one, gone once a pull succeeds; every instance sees it.</summary>
public abstract class CatalogPullProblemsContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    [Fact]
    public async Task RecordAsync_PerSource_KeepsTheLastFailureUntilCleared()
    {
        var other = (ICatalogPullProblems)(await OpenInstanceAsync()).GetService(typeof(ICatalogPullProblems))!;
        await Store<ICatalogPullProblems>().RecordAsync("odoo", "connection refused", Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        await Store<ICatalogPullProblems>().RecordAsync("odoo", "401 unauthorised", Clock.GetUtcNow().AddMinutes(1), TestContext.Current.CancellationToken);
        await Store<ICatalogPullProblems>().RecordAsync("Woo", "timeout", Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        await Store<ICatalogPullProblems>().RecordAsync("csv", "bad line 3", Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        await Store<ICatalogPullProblems>().ClearAsync("csv", TestContext.Current.CancellationToken);
        var problems = await other.AllAsync(TestContext.Current.CancellationToken);

        Assert.Equal(
            [new CatalogPullProblem("Woo", Clock.GetUtcNow(), "timeout"), new CatalogPullProblem("odoo", Clock.GetUtcNow().AddMinutes(1), "401 unauthorised")],
            problems);
    }
}

public sealed class SqliteSourceCursorsContractTests : SourceCursorsContract<SqliteBackend>;

public sealed class PostgresSourceCursorsContractTests : SourceCursorsContract<PostgresBackend>;

public sealed class SqliteCatalogPullProblemsContractTests : CatalogPullProblemsContract<SqliteBackend>;

public sealed class PostgresCatalogPullProblemsContractTests : CatalogPullProblemsContract<PostgresBackend>;
