using System.Globalization;
using System.Net;
using System.Text.Json;
using PosBridge.Terminal.Storage;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Fiscal;

/// <summary>How one upload of fiscal documents went.</summary>
public sealed record FiscalUploadReport(int Sent, int Refused, bool ConnectorUnavailable);

/// <summary>
/// Sends the fiscal documents the till issued to the connector, which reports them to ZATCA or submits them to the
/// ETA. A document is marked sent only when the connector said it stored it (accepted, or a duplicate of what it
/// holds); the uuid makes a resend harmless. Documents go in chain order, after the sales they belong to.
/// </summary>
public sealed class FiscalUploader(TillDatabase database, TimeProvider timeProvider)
{
    /// <summary>Waiting to be uploaded for reporting or submission.</summary>
    internal const int PendingState = 0;

    /// <summary>The connector stored it (or answered its clearance).</summary>
    internal const int SentState = 1;

    /// <summary>A standard invoice waiting for clearance: it reaches the connector through the clearance call only.</summary>
    internal const int AwaitingClearance = 3;

    /// <summary>A standard invoice withdrawn before it reached ZATCA (replaced by a simplified one): it stays on the till, in the chain.</summary>
    internal const int KeptOnTill = 4;

    private const int Pending = PendingState;
    private const int Sent = SentState;
    private const int Refused = 2;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<FiscalUploadReport> UploadPendingAsync(ConnectorClient client, TillCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(credentials);
        int sent = 0, refused = 0;
        while (true)
        {
            var rows = database.Query<FiscalChain.DocumentRow>("SELECT * FROM FiscalDocuments WHERE State = ? ORDER BY Authority, Counter LIMIT 50", Pending);
            if (rows.Count == 0)
            {
                return new FiscalUploadReport(sent, refused, false);
            }

            var body = JsonSerializer.Serialize(
                new
                {
                    documents = rows.Select(r => new
                    {
                        authority = r.Authority.ToUpperInvariant(),
                        uuid = r.Uuid.Length == 64 ? DeterministicUuid(r.Uuid) : r.Uuid,
                        saleNumber = SaleNumber(r.SaleId),
                        counter = r.Counter,
                        hash = r.Hash,
                        document = r.Document,
                        issuedAt = TillDatabase.Instant(r.CreatedAtUtc),
                    }),
                },
                Json);
            (HttpStatusCode Status, string Text) answer;
            try
            {
                answer = await client.SendFiscalAsync(credentials, "/api/v1/fiscal/documents", body, cancellationToken).ConfigureAwait(false);
            }
            catch (ConnectorUnavailableException)
            {
                return new FiscalUploadReport(sent, refused, true);
            }

            var now = TillDatabase.Text(timeProvider.GetUtcNow());
            if (answer.Status != HttpStatusCode.OK)
            {
                // The whole batch was refused as a request (a bug, not a state): keep it, say why, try again next pass.
                foreach (var row in rows)
                {
                    database.Execute("UPDATE FiscalDocuments SET Attempts = Attempts + 1, LastError = ? WHERE SaleId = ?", $"{(int)answer.Status}: {answer.Text}", row.SaleId);
                }

                return new FiscalUploadReport(sent, refused, false);
            }

            using var results = JsonDocument.Parse(answer.Text);
            var statuses = results.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("status").GetString()).ToList();
            for (var i = 0; i < rows.Count; i++)
            {
                var ok = statuses[i] is "accepted" or "duplicate";
                database.Execute(
                    "UPDATE FiscalDocuments SET State = ?, Attempts = Attempts + 1, SentAtUtc = ?, LastError = ? WHERE SaleId = ?",
                    ok ? Sent : Refused, now, ok ? null : $"The connector holds another document under this uuid or counter ({statuses[i]}).", rows[i].SaleId);
                _ = ok ? sent++ : refused++;
            }
        }
    }

    private string SaleNumber(string saleId) =>
        database.Scalar<string>("SELECT SaleNumber FROM Sales WHERE Id = ?", saleId);

    /// <summary>An ETA receipt's uuid is a 64-digit SHA-256; the connector keys documents by a UUID, taken from its first 128 bits.</summary>
    private static string DeterministicUuid(string hex) =>
        new Guid(Convert.FromHexString(hex[..32]), bigEndian: true).ToString("D", CultureInfo.InvariantCulture);
}
