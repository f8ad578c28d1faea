using System.Globalization;
using Microsoft.Extensions.Logging;
using PosBridge.Core.Sync;
using PosBridge.Terminal.Storage;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Sync;

/// <summary>What one pass over the outbox did. Counts are outbox rows: sales, refunds and shift closes.</summary>
public sealed record UploadReport(int Sent, int Rejected, int Pending, bool ConnectorUnavailable);

/// <summary>
/// The till's sync as a manager sees it: what waits, what went, what the connector refused (sales and shift
/// closes, with why), and whether the till has stopped calling a failing connector.
/// </summary>
public sealed record SyncHealth(int Pending, int Sent, IReadOnlyList<OutboxEntry> Problems, ConnectorCircuitState Circuit);

/// <summary>
/// Drains the outbox to the connector in batches. A sale is marked sent only when the connector
/// answers accepted or duplicate for it; a refused sale is flagged with the reason and the rest go on.
/// A shift close waits until every row before it has been answered (sent or refused), then goes alone
/// to <c>POST /api/v1/shifts/close</c>; the sales after it wait for its answer in turn.
/// While the connector is unreachable it retries forever, backing off with jitter.
/// </summary>
public sealed class SaleUploader
{
    private const string CredentialsKey = "sync.credentials";
    private readonly TillDatabase _database;
    private readonly Outbox _outbox;
    private readonly ConnectorClient _client;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public SaleUploader(TillDatabase database, Outbox outbox, ConnectorClient client, TimeProvider timeProvider, ILogger<SaleUploader> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _database = database;
        _outbox = outbox;
        _client = client;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public int BatchSize { get; set; } = 200;

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often an idle till looks for new sales to send.</summary>
    public TimeSpan IdlePoll { get; set; } = TimeSpan.FromSeconds(10);

    public TillCredentials? Credentials
    {
        get => _database.GetSetting(CredentialsKey) is { } json ? System.Text.Json.JsonSerializer.Deserialize<TillCredentials>(json, ConnectorClient.Json) : null;
        private set => _database.SetSetting(CredentialsKey, System.Text.Json.JsonSerializer.Serialize(value, ConnectorClient.Json));
    }

    /// <summary>The till's sync status now (local reads only; nothing is sent).</summary>
    public SyncHealth Health() => new(_outbox.PendingCount, _outbox.SentCount, _outbox.Problems(), _client.Circuit);

    /// <summary>Registers this till with the connector by the manager's one-time code, and keeps its credentials.</summary>
    public async Task<TillCredentials> PairAsync(string code, string deviceName, CancellationToken cancellationToken = default)
    {
        var credentials = await _client.PairAsync(code, deviceName, cancellationToken).ConfigureAwait(false);
        Credentials = credentials;
        Log.Paired(_logger, credentials.TillId, credentials.StoreId, credentials.ClockSkew);
        return credentials;
    }

    /// <summary>Sends everything pending, batch after batch, until the outbox is empty or the connector stops answering.</summary>
    public async Task<UploadReport> UploadPendingAsync(CancellationToken cancellationToken = default)
    {
        var credentials = Credentials ?? throw new InvalidOperationException("The till is not paired with a connector yet.");
        int sent = 0, rejected = 0;
        while (true)
        {
            var batch = _outbox.NextBatch(BatchSize);
            if (batch.Count == 0)
            {
                if (_outbox.NextShiftClosing() is not { } closing)
                {
                    return new UploadReport(sent, rejected, _outbox.PendingCount, ConnectorUnavailable: false);
                }

                ShiftClosingOutcome outcome;
                try
                {
                    outcome = await _client.CloseShiftAsync(credentials, closing.Json, cancellationToken).ConfigureAwait(false);
                }
                catch (ConnectorUnavailableException e)
                {
                    _outbox.RecordAttempt(closing.Seq, e.Message);
                    return new UploadReport(sent, rejected, _outbox.PendingCount, ConnectorUnavailable: true);
                }

                if (outcome.Status is ShiftClosingStatus.Accepted or ShiftClosingStatus.Duplicate)
                {
                    _outbox.Record([(closing.Seq, true, null)]);
                    sent++;
                    Log.ShiftClosingSent(_logger, closing.ShiftId, outcome.Status);
                }
                else
                {
                    // A conflict or an invalid close will not get better by resending it: keep it, flagged, where
                    // the manager sees the till's problems, and go on with what comes after.
                    var reason = $"{outcome.Status.ToString().ToLowerInvariant()}: {outcome.Reason}";
                    _outbox.Record([(closing.Seq, false, reason)]);
                    rejected++;
                    Log.ShiftClosingRejected(_logger, closing.ShiftId, outcome.Status, reason);
                }

                continue;
            }

            SalesUploadResponse response;
            try
            {
                response = await _client.UploadAsync(credentials, batch.Select(b => b.Json).ToList(), cancellationToken).ConfigureAwait(false);
            }
            catch (ConnectorUnavailableException)
            {
                return new UploadReport(sent, rejected, _outbox.PendingCount, ConnectorUnavailable: true);
            }

            var outcomes = new List<(long Seq, bool Sent, string? Error)>(batch.Count);
            foreach (var result in response.Results)
            {
                if (result.Index < 0 || result.Index >= batch.Count || (result.Id is { } id && id != batch[result.Index].SaleId))
                {
                    // An answer the till cannot match to a sale acknowledges nothing: leave those rows pending.
                    continue;
                }

                var row = batch[result.Index];
                if (result.Status is UploadStatus.Accepted or UploadStatus.Duplicate)
                {
                    outcomes.Add((row.Seq, true, null));
                    sent++;
                }
                else
                {
                    var reason = result.Errors is { Count: > 0 } errors
                        ? string.Join("; ", errors.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Field}: {e.Message}")))
                        : result.Status == UploadStatus.Conflict ? "another sale with this id is stored at the connector" : "rejected";
                    reason = $"{result.Status.ToString().ToLowerInvariant()}: {reason}";
                    outcomes.Add((row.Seq, false, reason));
                    rejected++;
                    Log.UploadRejected(_logger, row.SaleId, result.Status, reason);
                }
            }

            _outbox.Record(outcomes);
            var sentNow = outcomes.Count(o => o.Sent);
            Log.Uploaded(_logger, batch.Count, sentNow, outcomes.Count - sentNow);
            if (outcomes.Count == 0)
            {
                // Nothing in the answer matched: stop rather than resend the same batch in a tight loop.
                return new UploadReport(sent, rejected, _outbox.PendingCount, ConnectorUnavailable: true);
            }
        }
    }

    /// <summary>Uploads until cancelled: at once when sales wait, backing off with jitter while the connector is away.</summary>
    public async Task RunAsync(Random jitter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jitter);
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var report = await UploadPendingAsync(cancellationToken).ConfigureAwait(false);
            TimeSpan delay;
            if (report.ConnectorUnavailable)
            {
                delay = NextDelay(failures++, jitter);
                Log.UploadDeferred(_logger, report.Pending, delay);
            }
            else
            {
                failures = 0;
                delay = IdlePoll;
            }

            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Exponential backoff capped at <see cref="MaxRetryDelay"/>, with "full jitter" in its upper half so tills coming back together spread out.</summary>
    internal TimeSpan NextDelay(int failures, Random jitter)
    {
        var exponential = FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 20));
        var capped = Math.Min(exponential, MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (jitter.NextDouble() / 2)));
    }
}
