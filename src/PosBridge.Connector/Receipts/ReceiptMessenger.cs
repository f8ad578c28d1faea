using Microsoft.Extensions.Options;
using PosBridge.Connector.Hosting;
using Quartz;
using Log = PosBridge.Connector.Hosting.Log;

namespace PosBridge.Connector.Receipts;

/// <summary>What one run of the send job did.</summary>
internal sealed record ReceiptSendRun(int Sent, int Retrying, int Failed, int Interrupted);

/// <summary>
/// Sends due receipt messages through the sender of their channel. Each message is marked 'sending' before it
/// leaves and 'sent' after the sender confirms, so a message is never sent twice: a failure the sender reports
/// goes back to 'pending' with a backoff (or 'dead' after <see cref="ReceiptMessagesOptions.MaxAttempts"/>), and
/// one cut off by a crash stays out of the queue as 'uncertain'. A channel with no sender configured waits.
/// </summary>
internal sealed class ReceiptMessenger(
    IReceiptMessageStore store,
    IEnumerable<IReceiptMessageSender> senders,
    IOptions<ReceiptMessagesOptions> options,
    TimeProvider timeProvider,
    ILogger<ReceiptMessenger> logger) : IDisposable
{
    private readonly Dictionary<string, IReceiptMessageSender> _senders = senders.ToDictionary(s => s.Channel, StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public bool HasSenders => _senders.Count > 0;

    public void Dispose() => _gate.Dispose();

    public async Task<ReceiptSendRun> SendDueAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var interrupted = await store.SettleInterruptedAsync(cancellationToken).ConfigureAwait(false);
            if (interrupted > 0)
            {
                Log.ReceiptMessagesInterrupted(logger, interrupted);
            }

            int sent = 0, retrying = 0, failed = 0;
            var settings = options.Value;
            foreach (var message in await store.DueAsync(_senders.Keys, 100, cancellationToken).ConfigureAwait(false))
            {
                if (!await store.ClaimAsync(message.RequestId, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                var attempt = message.Attempts + 1;
                ReceiptSendOutcome outcome;
                try
                {
                    outcome = await _senders[message.Channel].SendAsync(Compose(message, settings), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    outcome = new ReceiptSendOutcome(ReceiptSendStatus.RetryLater, $"{e.GetType().Name}: {e.Message}");
                }

                switch (outcome.Status)
                {
                    case ReceiptSendStatus.Sent:
                        await store.RecordAsync(message.RequestId, "sent", null, null, CancellationToken.None).ConfigureAwait(false);
                        sent++;
                        Log.ReceiptMessageSent(logger, message.Channel, message.SaleNumber, message.TillId);
                        break;
                    case ReceiptSendStatus.RetryLater when attempt < settings.MaxAttempts:
                        var delay = TimeSpan.FromTicks(Math.Min(settings.RetryMaxDelay.Ticks, settings.RetryBaseDelay.Ticks * (1L << Math.Min(attempt - 1, 20))));
                        await store.RecordAsync(message.RequestId, "pending", timeProvider.GetUtcNow() + delay, outcome.Error, CancellationToken.None).ConfigureAwait(false);
                        retrying++;
                        Log.ReceiptMessageRetry(logger, message.Channel, message.SaleNumber, attempt, delay, outcome.Error ?? "unknown");
                        break;
                    default:
                        await store.RecordAsync(message.RequestId, "dead", null, outcome.Error, CancellationToken.None).ConfigureAwait(false);
                        failed++;
                        Log.ReceiptMessageFailed(logger, message.Channel, message.SaleNumber, attempt, outcome.Error ?? "unknown");
                        break;
                }
            }

            return new ReceiptSendRun(sent, retrying, failed, interrupted);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The link, and the few words around it, in the customer's language.</summary>
    internal static ReceiptMessage Compose(StoredReceiptMessage message, ReceiptMessagesOptions options)
    {
        var link = new Uri(options.PublicBaseUrl!.TrimEnd('/') + "/receipts/" + message.Token);
        var store = string.IsNullOrWhiteSpace(message.StoreName) ? null : message.StoreName.Trim();
        var (subject, text) = message.Language == "ar"
            ? ($"إيصال {message.SaleNumber}" + (store is null ? string.Empty : $" من {store}"), $"{(store is null ? "إيصالك" : $"إيصالك من {store}")} ({message.SaleNumber}): {link}")
            : ($"Receipt {message.SaleNumber}" + (store is null ? string.Empty : $" from {store}"), $"{(store is null ? "Your receipt" : $"Your receipt from {store}")} ({message.SaleNumber}): {link}");
        return new ReceiptMessage(message.RequestId, message.Recipient, subject, text, link);
    }
}

/// <summary>Quartz job for <see cref="ReceiptMessenger"/>; never two runs at once.</summary>
[DisallowConcurrentExecution]
internal sealed class SendReceiptMessagesJob(ReceiptMessenger messenger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await messenger.SendDueAsync(cancellationToken).ConfigureAwait(false);
}

/// <summary>Schedules <see cref="SendReceiptMessagesJob"/> when a sender is configured.</summary>
internal sealed class ReceiptMessagesScheduler(ISchedulerFactory schedulers, ReceiptMessenger messenger, IOptions<ReceiptMessagesOptions> options, TimeProvider timeProvider) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
        await scheduler.ScheduleGroupAsync(
            "receipts",
            messenger.HasSenders ? [RepeatingJob.Of<SendReceiptMessagesJob>("send-receipt-messages", options.Value.Interval)] : [],
            timeProvider,
            cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Registers the senders configured, and the send job.</summary>
internal static class ReceiptMessagesSetup
{
    public static IServiceCollection AddReceiptMessages(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReceiptMessagesOptions>().Bind(configuration.GetSection(ReceiptMessagesOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReceiptMessagesOptions>, ReceiptMessagesOptionsValidator>();
        services.AddSingleton<ReceiptMessenger>();
        var settings = configuration.GetSection(ReceiptMessagesOptions.Section).Get<ReceiptMessagesOptions>() ?? new ReceiptMessagesOptions();
        if (settings.Smtp.Enabled)
        {
            services.AddSingleton<IReceiptMessageSender, SmtpReceiptSender>();
        }

        if (settings.Sms.Enabled)
        {
            services.AddHttpClient(HttpSmsReceiptSender.ClientName);
            services.AddSingleton<IReceiptMessageSender, HttpSmsReceiptSender>();
        }

        services.AddHostedService<ReceiptMessagesScheduler>();
        return services;
    }
}
