using System.Globalization;
using Microsoft.Extensions.Options;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Storage;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Cli;

/// <summary>
/// The manager's commands against the connector's database (<c>--data DIR</c> or PosBridge:DataDirectory):
/// they work whether or not <c>serve</c> is running, since SQLite in WAL mode takes readers and a writer
/// from several processes.
/// </summary>
internal static class ManagerCommands
{
    public static async Task<int> PairAsync(IServiceProvider services, string storeId, string tillId, string name, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        try
        {
            var (till, code, expires) = await services.GetRequiredService<Pairing>().CreateCodeAsync(storeId, tillId, name, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"Pairing code for till {till.Id} ({till.Name}) of store {till.StoreId}: {code}").ConfigureAwait(false);
            await output.WriteLineAsync($"Type it on the till before {expires:yyyy-MM-dd HH:mm} UTC. It works once.").ConfigureAwait(false);
            return CommandLine.Ok;
        }
        catch (ArgumentException ex)
        {
            await error.WriteLineAsync($"posbridge: {ex.Message}").ConfigureAwait(false);
            return CommandLine.Usage;
        }
        catch (InvalidOperationException ex)
        {
            await error.WriteLineAsync($"posbridge: {ex.Message}").ConfigureAwait(false);
            return CommandLine.InputProblems;
        }
    }

    public static async Task<int> ListTillsAsync(IServiceProvider services, TextWriter output, CancellationToken cancellationToken = default)
    {
        var tills = await services.GetRequiredService<ITillStore>().ListAsync(cancellationToken).ConfigureAwait(false);
        if (tills.Count == 0)
        {
            await output.WriteLineAsync("No tills yet. Pair one: posbridge tills pair --store STORE --till TILL --name NAME").ConfigureAwait(false);
            return CommandLine.Ok;
        }

        await output.WriteLineAsync($"{"store",-10} {"till",-10} {"name",-24} {"state",-10} last contact").ConfigureAwait(false);
        foreach (var till in tills)
        {
            await output.WriteLineAsync($"{till.StoreId,-10} {till.Id,-10} {till.Name,-24} {till.State,-10} {Format(till.LastContactAt)}").ConfigureAwait(false);
        }

        return CommandLine.Ok;
    }

    public static async Task<int> RevokeAsync(IServiceProvider services, string tillId, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (await services.GetRequiredService<ITillStore>().RevokeAsync(tillId, now, cancellationToken).ConfigureAwait(false))
        {
            await output.WriteLineAsync($"Till {tillId} is revoked: its next request is refused. Its sales already received are kept and delivered.").ConfigureAwait(false);
            return CommandLine.Ok;
        }

        await error.WriteLineAsync($"posbridge: no till '{tillId}' that is not already revoked. See 'posbridge tills list'.").ConfigureAwait(false);
        return CommandLine.InputProblems;
    }

    public static async Task<int> StatusAsync(IServiceProvider services, TextWriter output, CancellationToken cancellationToken = default)
    {
        var inbox = services.GetRequiredService<IInbox>();
        var deliveries = services.GetRequiredService<IDeliveryStore>();
        var adapters = services.GetRequiredService<SalesDispatcher>().EnabledAdapters;
        await output.WriteLineAsync($"Sales received: {await inbox.CountAsync(cancellationToken).ConfigureAwait(false)}").ConfigureAwait(false);
        if (adapters.Count == 0)
        {
            await output.WriteLineAsync("No adapters are enabled: sales are kept in the inbox until one is.").ConfigureAwait(false);
        }

        foreach (var adapter in adapters)
        {
            var backlog = await deliveries.GetBacklogAsync(adapter, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(
                $"{adapter}: {backlog.Waiting} waiting (oldest {Format(backlog.OldestWaitingSaleAt)}), {backlog.DeadLetters} dead letters, last success {Format(backlog.LastSuccessAt)}"
                + (backlog.LastError is null ? string.Empty : $", last error {Format(backlog.LastErrorAt)}: {backlog.LastError}")).ConfigureAwait(false);
        }

        foreach (var problem in await services.GetRequiredService<Catalog.ICatalogPullProblems>().AllAsync(cancellationToken).ConfigureAwait(false))
        {
            await output.WriteLineAsync($"catalog {problem.Source}: the pull failed at {Format(problem.FailedAt)}; tills keep the last good catalog: {problem.Message}").ConfigureAwait(false);
        }

        foreach (var letter in await deliveries.GetDeadLettersAsync(null, cancellationToken).ConfigureAwait(false))
        {
            await output.WriteLineAsync($"  dead letter {letter.Adapter} {letter.SaleNumber} ({letter.SaleId}, till {letter.TillId}, {letter.Attempts} attempts): {letter.Reason}").ConfigureAwait(false);
        }

        // Asked now, not read from the service's last check: status is what a manager runs after fixing something.
        foreach (var report in await services.GetRequiredService<Setup.BackOfficeSetup>().CheckAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var line in Setup.BackOfficeSetup.Lines(report))
            {
                await output.WriteLineAsync(line).ConfigureAwait(false);
            }
        }

        return CommandLine.Ok;
    }

    public static async Task<int> RetryAsync(IServiceProvider services, string? adapter, Guid? saleId, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var count = await services.GetRequiredService<IDeliveryStore>().RetryDeadLettersAsync(adapter, saleId, now, cancellationToken).ConfigureAwait(false);
        if (count == 0)
        {
            await error.WriteLineAsync("posbridge: no dead letters match; see 'posbridge status'.").ConfigureAwait(false);
            return CommandLine.InputProblems;
        }

        await output.WriteLineAsync($"{count} dead-lettered deliveries are queued again; the next delivery run takes them.").ConfigureAwait(false);
        return CommandLine.Ok;
    }

    /// <summary>
    /// Runs delivery to one adapter (or every enabled one) now. A run already going on elsewhere (the service's job)
    /// is left alone: it delivers the same sales, and two runs would hand them over twice.
    /// </summary>
    public static async Task<int> SyncNowAsync(IServiceProvider services, string? adapter, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var dispatcher = services.GetRequiredService<SalesDispatcher>();
        var adapters = dispatcher.EnabledAdapters;
        if (adapter is not null && !adapters.Contains(adapter))
        {
            await error.WriteLineAsync($"posbridge: no enabled adapter '{adapter}'; enabled: {(adapters.Count == 0 ? "none" : string.Join(", ", adapters))}.").ConfigureAwait(false);
            return CommandLine.InputProblems;
        }

        var failed = false;
        foreach (var name in adapter is null ? adapters : [adapter])
        {
            var run = await dispatcher.DeliverAsync(name, cancellationToken).ConfigureAwait(false);
            failed |= run.AdapterError is not null;
            await output.WriteLineAsync(run.Busy
                ? $"{name}: another process is delivering to it right now; that run takes the waiting sales."
                : $"{name}: {run.Delivered} delivered, {run.Duplicates} already there, {run.DeadLettered} dead-lettered, {run.Retrying} to retry"
                  + (run.AdapterError is null ? string.Empty : $"; the adapter failed: {run.AdapterError}")).ConfigureAwait(false);
        }

        return failed ? CommandLine.InputProblems : CommandLine.Ok;
    }

    /// <summary>The connector's services for a command, with the database migrated.</summary>
    public static Task<ServiceProvider> ServicesAsync(string? dataDirectory, Action<IServiceCollection>? configure = null, CancellationToken cancellationToken = default) =>
        ServicesAsync(dataDirectory, null, create: true, configure, cancellationToken);

    /// <summary>
    /// The connector's services for a command, configured as every verb is (<see cref="ConnectorConfiguration"/>), with the
    /// database migrated; a data folder that does not exist is refused unless <paramref name="create"/>.
    /// </summary>
    public static async Task<ServiceProvider> ServicesAsync(string? dataDirectory, string? configFile, bool create, Action<IServiceCollection>? configure = null, CancellationToken cancellationToken = default)
    {
        var configuration = new ConfigurationBuilder()
            .AddConnectorSources(configFile, dataDirectory is null ? [] : [new($"{ConnectorOptions.Section}:DataDirectory", dataDirectory)])
            .Build();
        var services = new ServiceCollection().AddLogging().AddConnector(configuration);
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
        try
        {
            var options = provider.GetRequiredService<IOptions<ConnectorOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<Stores.StoreOptions>>().Value;
            ConnectorConfiguration.RequireDataDirectory(options.DataDirectory, create);
            await provider.GetRequiredService<IConnectorStorage>().MigrateAsync(cancellationToken).ConfigureAwait(false);
            return provider;
        }
        catch
        {
            await provider.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string Format(DateTimeOffset? instant) =>
        instant is { } value ? value.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "never";
}
