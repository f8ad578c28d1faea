using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PosBridge.Connector.Backups;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Storage.Sqlite;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Connector.Tests.Storage.Contracts;
using PosBridge.Connector.Tills;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Tests.Storage;

/// <summary>
/// <c>posbridge store migrate --to postgres</c> as an operator runs it: a SQLite connector's data folder with paired
/// tills and sales (Arabic product names, a refund), the PostgreSQL database named in the settings file, a real server.
/// </summary>
public sealed class PostgresStoreMigrateTests : IAsyncLifetime
{
    private readonly PostgresBackend _backend = new();
    private readonly string _data = Directory.CreateTempSubdirectory("posbridge-migrate-").FullName;
    private readonly string _settings = Path.Combine(Path.GetTempPath(), $"posbridge-migrate-{Guid.NewGuid():N}.json");
    private readonly List<Sale> _sales = [];

    public async ValueTask InitializeAsync()
    {
        await _backend.CreateAsync(TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(
            _settings,
            JsonSerializer.Serialize(new
            {
                Storage = new { ConnectionString = _backend.Settings["Storage:ConnectionString"] },
                PosBridge = new { Stores = new { CAI1 = new { Currency = "EGP", TimeZone = "Africa/Cairo" } } },
            }),
            TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        SqliteDatabaseFile.CloseAll();
        NpgsqlConnection.ClearAllPools();
        await _backend.DisposeAsync();
        Directory.Delete(_data, recursive: true);
        File.Delete(_settings);
    }

    [Fact]
    public async Task Migrate_ASqliteConnector_EveryRowCopiedAndVerified_NumbersContinueAfterTheCopiedOnes()
    {
        await FillSqliteAsync();

        var (code, output, error) = await RunAsync("store", "migrate", "--to", "postgres", "--data", _data);

        Assert.True(code == CommandLine.Ok, output + error);
        Assert.Contains("sales", output, StringComparison.Ordinal);
        await using var pg = await OpenPostgresAsync();
        Assert.Equal((long)_sales.Count, await ScalarAsync<long>(pg, "SELECT count(*) FROM sales"));
        Assert.Equal(2L, await ScalarAsync<long>(pg, "SELECT count(*) FROM tills"));
        var arabic = await ScalarAsync<string>(pg, $"SELECT document FROM sales WHERE id = '{_sales[0].Id}'");
        Assert.Contains("قهوة تركي", arabic, StringComparison.Ordinal);
        Assert.NotNull(await ScalarAsync<string>(pg, $"SELECT refund_of FROM sales WHERE id = '{_sales[^1].Id}'"));
        // The next sale stored on PostgreSQL is numbered after the copied ones, never on top of one.
        var highest = await ScalarAsync<long>(pg, "SELECT max(seq) FROM sales");
        Assert.Equal(highest + 1, await ScalarAsync<long>(pg, "SELECT nextval(pg_get_serial_sequence('sales', 'seq'))"));
        Assert.True(await ScalarAsync<long>(pg, "SELECT count(*) FROM audit_log") > 0);
    }

    [Fact]
    public async Task Migrate_WhileAConnectorServesTheFolder_RefusedAndNothingCopied()
    {
        await FillSqliteAsync();
        using var serving = RunningConnector.TryServe(_data);

        var (code, _, error) = await RunAsync("store", "migrate", "--to", "postgres", "--data", _data);

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.Contains("stop it first", error, StringComparison.Ordinal);
        await using var pg = await OpenPostgresAsync();
        Assert.Equal(0L, await ScalarAsync<long>(pg, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'sales'"));
    }

    [Fact]
    public async Task Migrate_IntoADatabaseThatAlreadyHoldsData_RefusedAndNothingChanged()
    {
        await FillSqliteAsync();
        Assert.Equal(CommandLine.Ok, (await RunAsync("store", "migrate", "--to", "postgres", "--data", _data)).Code);

        var (code, _, error) = await RunAsync("store", "migrate", "--to", "postgres", "--data", _data);

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.Contains("already holds connector data", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        await using var pg = await OpenPostgresAsync();
        Assert.Equal((long)_sales.Count, await ScalarAsync<long>(pg, "SELECT count(*) FROM sales"));
    }

    [Theory]
    [InlineData("store", "migrate", "--to", "mysql")]
    [InlineData("store", "migrate")]
    [InlineData("store", "copy", "--to", "postgres")]
    public async Task Migrate_BadUsage_NamedAndNothingDone(params string[] args)
    {
        var (code, _, error) = await RunAsync(args);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("postgres", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_PostgresUnreachable_SaysSoAndLeavesSqliteAsItWas()
    {
        await FillSqliteAsync();
        var before = await File.ReadAllBytesAsync(Path.Combine(_data, "connector.db"), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(_settings, """{"Storage":{"ConnectionString":"Host=127.0.0.1;Port=1;Database=x;Username=x;Password=x;Timeout=2"},"PosBridge":{"Stores":{"CAI1":{"Currency":"EGP","TimeZone":"Africa/Cairo"}}}}""", TestContext.Current.CancellationToken);

        var (code, _, error) = await RunAsync("store", "migrate", "--to", "postgres", "--data", _data);

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.Contains("could not be reached", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(Path.Combine(_data, "connector.db"), TestContext.Current.CancellationToken));
    }

    /// <summary>A SQLite connector as it is after a day: two paired tills, sales with Arabic names, a refund.</summary>
    private async Task FillSqliteAsync()
    {
        await using (var services = await ManagerCommands.ServicesAsync(_data, _settings, create: false, cancellationToken: TestContext.Current.CancellationToken))
        {
            var pairing = services.GetRequiredService<Pairing>();
            await pairing.CreateCodeAsync("CAI1", "T1", "Front counter", TestContext.Current.CancellationToken);
            await pairing.CreateCodeAsync("CAI1", "T2", "المدخل", TestContext.Current.CancellationToken);
            var clock = services.GetRequiredService<TimeProvider>();
            var sales = new Sales(clock);
            _sales.AddRange(sales.Many(40));
            _sales.Add(sales.RefundOf(_sales[0]));
            await services.GetRequiredService<IInbox>().StoreAsync("T2", "CAI1", Contracts.InboxContract<SqliteBackend>.Incoming(_sales), (_, _) => [], clock.GetUtcNow(), TestContext.Current.CancellationToken);
        }

        SqliteDatabaseFile.CloseAll();
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CommandLine.RunAsync([.. args, "--config", _settings], TextReader.Null, output, error, TimeProvider.System, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }

    private async Task<NpgsqlConnection> OpenPostgresAsync()
    {
        var connection = new NpgsqlConnection(_backend.Settings["Storage:ConnectionString"]);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
