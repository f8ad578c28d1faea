using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PosBridge.Terminal.Refunds;

namespace PosBridge.Terminal.Screen;

/// <summary>
/// Settles, before the screen takes its first request, every refund a killed till left between the provider and the
/// record (<see cref="RefundService.ReconcileAsync"/>), and logs what it did and what waits for a manager.
/// A provider that cannot answer now does not stop the till: the refunds stay open and are settled at the next start
/// or before the same sale is refunded again.
/// </summary>
internal sealed class RefundReconciler(RefundService refunds, ILogger<RefundReconciler> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var settled in await refunds.ReconcileAsync(cancellationToken).ConfigureAwait(false))
            {
                Log.RefundSettledAtStart(logger, settled.Status, settled.Message);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or IOException or InvalidOperationException)
        {
            Log.RefundSettlingFailed(logger, e.Message);
        }

        var waiting = refunds.UnresolvedRefunds().Count;
        if (waiting > 0)
        {
            Log.RefundsWaitForManager(logger, waiting);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
