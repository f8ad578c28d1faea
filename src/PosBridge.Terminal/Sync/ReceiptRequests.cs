using System.Text.Json;
using Microsoft.Extensions.Logging;
using PosBridge.Core.Sales;
using PosBridge.Core.Sync;
using PosBridge.Terminal.Storage;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Sync;

/// <summary>
/// Receipts customers asked for by e-mail or SMS: queued in the till's database (committed before the cashier is
/// told "queued", like a sale) and uploaded to the connector, which sends them. A request is marked sent only on
/// the connector's accepted or duplicate, so a lost answer resends the same request id and never makes a second
/// message; one the connector refuses is kept with why and not resent.
/// </summary>
public sealed class ReceiptRequests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly TillDatabase _database;
    private readonly TimeProvider _timeProvider;

    public ReceiptRequests(TillDatabase database, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _database = database;
        _timeProvider = timeProvider;
    }

    /// <summary>Requests not yet taken by the connector.</summary>
    public int PendingCount => _database.Scalar<int>("SELECT COUNT(*) FROM ReceiptRequests WHERE State = 0");

    /// <summary>
    /// Queues the receipt of <paramref name="sale"/> for <paramref name="to"/>; the address is checked first
    /// (<see cref="ReceiptAddress"/>) and nothing is queued when it is wrong.
    /// </summary>
    /// <exception cref="ArgumentException">The address is not usable for the channel; the message says why.</exception>
    public ReceiptRequestEntry Queue(Sale sale, string channel, string to, string language, string? storeName, string receiptHtml)
    {
        ArgumentNullException.ThrowIfNull(sale);
        if (ReceiptAddress.Normalize(channel, to, out var recipient) is { } problem)
        {
            throw new ArgumentException(problem, nameof(to));
        }

        var request = new ReceiptMessageRequest
        {
            RequestId = SaleId.New(_timeProvider),
            SaleId = sale.Id,
            SaleNumber = sale.SaleNumber,
            Channel = channel,
            To = recipient,
            Language = language,
            StoreName = string.IsNullOrWhiteSpace(storeName) ? null : storeName,
            ReceiptHtml = receiptHtml,
        };
        if (request.Validate() is [var first, ..])
        {
            throw new ArgumentException(first, nameof(receiptHtml));
        }

        _database.InTransaction(() => _database.Execute(
            "INSERT INTO ReceiptRequests(Id, SaleId, Channel, Recipient, Json, CreatedAtUtc) VALUES (?, ?, ?, ?, ?, ?)",
            request.RequestId.ToString(), sale.Id.ToString(), channel, recipient, JsonSerializer.Serialize(request, Json), TillDatabase.Text(_timeProvider.GetUtcNow())));
        return new ReceiptRequestEntry(request.RequestId, sale.Id, channel, recipient, OutboxState.Pending, 0, null);
    }

    /// <summary>Every request for <paramref name="saleId"/>, oldest first.</summary>
    public IReadOnlyList<ReceiptRequestEntry> ForSale(Guid saleId) => Entries("WHERE SaleId = ?", saleId.ToString());

    /// <summary>Requests the connector refused, with why.</summary>
    public IReadOnlyList<ReceiptRequestEntry> Problems() => Entries("WHERE State = 2");

    /// <summary>Uploads pending requests one by one, oldest first, until none is left or the connector stops answering.</summary>
    public async Task<ReceiptUploadReport> UploadPendingAsync(ConnectorClient client, TillCredentials credentials, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(logger);
        int sent = 0, rejected = 0;
        foreach (var row in _database.Query<PendingRow>("SELECT Id, Json FROM ReceiptRequests WHERE State = 0 ORDER BY CreatedAtUtc, Id LIMIT 100"))
        {
            ReceiptRequestOutcome outcome;
            try
            {
                outcome = await client.SendReceiptRequestAsync(credentials, row.Json, cancellationToken).ConfigureAwait(false);
            }
            catch (ConnectorUnavailableException e)
            {
                _database.Execute("UPDATE ReceiptRequests SET Attempts = Attempts + 1, LastError = ? WHERE Id = ? AND State = 0", e.Message, row.Id);
                return new ReceiptUploadReport(sent, rejected, PendingCount, ConnectorUnavailable: true);
            }

            if (outcome.Status is ReceiptRequestStatus.Accepted or ReceiptRequestStatus.Duplicate)
            {
                _database.Execute("UPDATE ReceiptRequests SET State = 1, Attempts = Attempts + 1, LastError = NULL, SentAtUtc = ? WHERE Id = ?", TillDatabase.Text(_timeProvider.GetUtcNow()), row.Id);
                sent++;
            }
            else
            {
                var reason = $"{outcome.Status.ToString().ToLowerInvariant()}: {outcome.Reason}";
                _database.Execute("UPDATE ReceiptRequests SET State = 2, Attempts = Attempts + 1, LastError = ? WHERE Id = ?", reason, row.Id);
                rejected++;
                Log.ReceiptRequestRejected(logger, row.Id, reason);
            }
        }

        return new ReceiptUploadReport(sent, rejected, PendingCount, ConnectorUnavailable: false);
    }

    private List<ReceiptRequestEntry> Entries(string where, params object?[] args) =>
        _database.Query<EntryRow>("SELECT Id, SaleId, Channel, Recipient, State, Attempts, LastError FROM ReceiptRequests " + where + " ORDER BY CreatedAtUtc, Id", args)
            .ConvertAll(r => new ReceiptRequestEntry(Guid.Parse(r.Id), Guid.Parse(r.SaleId), r.Channel, r.Recipient, (OutboxState)r.State, r.Attempts, r.LastError));

    private sealed class PendingRow
    {
        public string Id { get; set; } = string.Empty;

        public string Json { get; set; } = string.Empty;
    }

    private sealed class EntryRow
    {
        public string Id { get; set; } = string.Empty;

        public string SaleId { get; set; } = string.Empty;

        public string Channel { get; set; } = string.Empty;

        public string Recipient { get; set; } = string.Empty;

        public int State { get; set; }

        public int Attempts { get; set; }

        public string? LastError { get; set; }
    }
}
