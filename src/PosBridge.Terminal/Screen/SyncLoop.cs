using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PosBridge.Terminal.Storage;
using PosBridge.Terminal.Sync;
using PosBridge.Till;
using PosBridge.Till.Payments;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Screen;

/// <summary>What the till last learned about its connector, shared by the sync loop, the checkout and the screen.</summary>
internal sealed class SyncState
{
    private volatile bool _online = true;
    private volatile bool _paired;
    private volatile string? _lastError;
    private TaskCompletionSource _nudge = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True until the connector fails to answer; a till with no connector configured is never "offline".</summary>
    public bool Online { get => _online; set => _online = value; }

    public bool Paired { get => _paired; set => _paired = value; }

    public string? LastError { get => _lastError; set => _lastError = value; }

    /// <summary>False when no connector is configured: the till keeps every sale and is never "offline".</summary>
    public bool Configured { get; set; } = true;

    /// <summary>The connector client's circuit breaker as of the last pass.</summary>
    public ConnectorCircuitState Circuit { get => (ConnectorCircuitState)Volatile.Read(ref _circuit); set => Volatile.Write(ref _circuit, (int)value); }

    private int _circuit;

    /// <summary>Completes at the next <see cref="Nudge"/>: take it before working, wait on it after.</summary>
    public Task NextNudge => Volatile.Read(ref _nudge).Task;

    /// <summary>A sale was committed: upload now rather than at the next interval.</summary>
    public void Nudge() => Interlocked.Exchange(ref _nudge, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}

/// <summary>
/// Card, wallet and QR follow the payment provider's own reachability, not the connector's: the provider has its own
/// network (the terminal's SIM, the phone's data), so a till keeps taking cards while the back-office PC is off.
/// </summary>
internal sealed class PaymentProviderNetworkStatus(IPaymentTerminal provider) : INetworkStatus
{
    public bool IsOnline => provider.IsReachable;
}

/// <summary>
/// Pairs the till once (with the configured one-time code), then uploads the outbox whenever a sale is
/// committed and every <see cref="ScreenOptions.SyncInterval"/>, backing off while the connector is
/// away, and pulls the catalog at start and every <see cref="CatalogPuller.Interval"/>. It uses its own connection to the till's database, so an upload never waits on the cashier
/// and the cashier never waits on the network.
/// </summary>
internal sealed class SyncLoop(ScreenOptions options, TillOptions till, SyncState state, TimeProvider timeProvider, ILoggerFactory loggers) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectorUrl))
        {
            state.Paired = false;
            state.Configured = false;
            state.LastError = "No connector is configured: sales are kept on this till.";
            return;
        }

        using var database = TillDatabase.Open(TillHost.DatabasePath(options));
        using var http = new HttpClient(ConnectorTransport.Handler(options.ConnectorCertificate)) { BaseAddress = new Uri(options.ConnectorUrl), Timeout = TimeSpan.FromSeconds(15) };
        var firstRetry = options.SyncInterval < TimeSpan.FromSeconds(2) ? options.SyncInterval : TimeSpan.FromSeconds(2);
        // The loop backs off on its own; the breaker's part here is to refuse at once the nudges each sale gives
        // while the connector is down, so its break must not outlast the loop's first retry.
        var circuit = new ConnectorCircuitOptions { BreakDuration = firstRetry < TimeSpan.FromMilliseconds(500) ? TimeSpan.FromMilliseconds(500) : firstRetry };
        var client = new ConnectorClient(http, timeProvider, circuit);
        var receipts = new ReceiptRequests(database, timeProvider);
        var fiscal = new Fiscal.FiscalUploader(database, timeProvider);
        var uploader = new SaleUploader(database, new Outbox(database, timeProvider), client, timeProvider, loggers.CreateLogger<SaleUploader>())
        {
            FirstRetryDelay = firstRetry,
            MaxRetryDelay = options.UploadMaxRetryDelay,
        };
        var catalog = new CatalogPuller(database, till, client, timeProvider, loggers.CreateLogger<CatalogPuller>());
        var numbering = new TillNumberingCheck(database, client, timeProvider, loggers.CreateLogger<TillNumberingCheck>());
        var logger = loggers.CreateLogger<SyncLoop>();
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var nudge = state.NextNudge;
            var reachable = await PassAsync(uploader, numbering, client, catalog, receipts, fiscal, http, logger, stoppingToken).ConfigureAwait(false);
            state.Circuit = client.Circuit;
            if (reachable != state.Online)
            {
                Log.ConnectorReachable(logger, reachable);
            }

            state.Online = reachable;
            var delay = reachable ? options.SyncInterval : uploader.NextDelay(failures++, Random.Shared);
            if (reachable)
            {
                failures = 0;
            }

            try
            {
                await Task.WhenAny(nudge, Task.Delay(delay, timeProvider, stoppingToken)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass: pair if needed, upload what waits, and say whether the connector answered.</summary>
    private async Task<bool> PassAsync(SaleUploader uploader, TillNumberingCheck numbering, ConnectorClient client, CatalogPuller catalog, ReceiptRequests receipts, Fiscal.FiscalUploader fiscal, HttpClient http, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            if (uploader.Credentials is null)
            {
                if (string.IsNullOrWhiteSpace(options.PairingCode))
                {
                    state.LastError = "The till is not paired: start it once with a pairing code (--pair).";
                    return await ProbeAsync(http, cancellationToken).ConfigureAwait(false);
                }

                await uploader.PairAsync(options.PairingCode, $"{till.StoreId}-{till.TillId} screen", cancellationToken).ConfigureAwait(false);
            }

            state.Paired = true;
            // First, whether this database was restored or reinstalled: its next shift must not take a number used before.
            if (!numbering.IsAgreed)
            {
                await numbering.AgreeAsync(uploader.Credentials!, cancellationToken).ConfigureAwait(false);
            }

            var report = await uploader.UploadPendingAsync(cancellationToken).ConfigureAwait(false);
            if (report.ConnectorUnavailable)
            {
                return false;
            }

            // Receipts customers asked for go after the sales they belong to.
            var sentReceipts = await receipts.UploadPendingAsync(client, uploader.Credentials!, logger, cancellationToken).ConfigureAwait(false);
            if (sentReceipts.ConnectorUnavailable)
            {
                return false;
            }

            // Fiscal documents (ZATCA invoices, ETA receipts) after their sales; the connector reports them on.
            if ((await fiscal.UploadPendingAsync(client, uploader.Credentials!, cancellationToken).ConfigureAwait(false)).ConnectorUnavailable)
            {
                return false;
            }

            state.LastError = null;
            // The catalog (prices, payment methods, loyalty rules) at start and every catalog.Interval after.
            if (await catalog.PullIfDueAsync(uploader.Credentials!, cancellationToken).ConfigureAwait(false) is { ConnectorUnavailable: true })
            {
                return false;
            }

            // An empty outbox sends nothing, so it says nothing about the connector: ask it.
            return report.Sent + report.Rejected + sentReceipts.Sent + sentReceipts.Rejected > 0 || await ProbeAsync(http, cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectorUnavailableException)
        {
            return false;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (InvalidOperationException e)
        {
            // Pairing or an upload refused (bad code, revoked till): the connector answered; the manager must act.
            state.LastError = e.Message;
            Log.SyncRefused(logger, e.Message);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task<bool> ProbeAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            using var response = await http.GetAsync(new Uri("/health/live", UriKind.Relative), timeout.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
