using System.Globalization;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Storage;
using PosBridge.Till;
using PosBridge.Till.Fiscal;
using PosBridge.Till.Receipts;

namespace PosBridge.Terminal.Fiscal;

/// <summary>The tax authority a fiscal document is for.</summary>
public enum FiscalAuthority
{
    /// <summary>Saudi Arabia's Zakat, Tax and Customs Authority (Fatoora).</summary>
    Zatca,

    /// <summary>Egypt's Tax Authority (e-receipts).</summary>
    Eta,
}

/// <summary>
/// A sale's fiscal document as the till stored it: its place in the chain (counter, previous hash), its own hash
/// (the ZATCA invoice hash, the ETA uuid), the document (signed XML, receipt JSON), and the QR it prints.
/// </summary>
public sealed record FiscalDocument(Guid SaleId, FiscalAuthority Authority, long Counter, string Uuid, string Hash, string PreviousHash, string Document, string? Qr, DateTimeOffset CreatedAtUtc)
{
    /// <summary>
    /// Null for a document that is reported (simplified invoices, ETA receipts). For a standard invoice: <c>pending</c>
    /// (signed, not yet cleared: never given), <c>cleared</c> (ZATCA's XML and QR are given), <c>report</c> (clearance
    /// was off: reported and given as signed), <c>not-cleared</c> (refused by ZATCA) or <c>withdrawn</c> (never cleared,
    /// replaced by a simplified invoice); the last two keep their place in the chain and are never given.
    /// </summary>
    public string? Clearance { get; init; }

    /// <summary>ZATCA's cleared XML of a cleared standard invoice.</summary>
    public string? ClearedXml { get; init; }
}

/// <summary>
/// Issues each sale's fiscal document inside the sale's own transaction (called by <c>SaleStore.Commit</c>): the
/// chain's counter and last hash are read and moved under the same write lock as the sale number, so the document
/// commits with the sale or not at all. A crash before COMMIT gives the counter back; after it, the counter and hash
/// belong to that sale for good — no gap, no reuse, no second document for a sale.
/// </summary>
public sealed class FiscalChain
{
    private readonly TillDatabase _database;
    private readonly FiscalOptions _options;
    private readonly ZatcaEgsUnit? _zatca;
    private readonly TimeProvider _timeProvider;

    public FiscalChain(TillDatabase database, TillOptions till, FiscalOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(till);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _database = database;
        _options = options;
        _timeProvider = timeProvider;
        _zatca = options.Zatca is { } zatca ? new ZatcaEgsUnit(database, till, zatca, timeProvider) : null;
    }

    /// <summary>Issues <paramref name="sale"/>'s document; must run inside the transaction that writes the sale.</summary>
    /// <exception cref="ZatcaNotOnboardedException">ZATCA is on and the till has no production certificate.</exception>
    internal FiscalDocument? IssueInTransaction(Sale sale)
    {
        ArgumentNullException.ThrowIfNull(sale);
        if (_options.Zatca is { } zatca)
        {
            // A business customer with a VAT number gets a standard invoice, cleared before it is given (ZatcaClearing).
            var buyer = zatca.IssuesStandardInvoices && sale.Customer is { } customer ? ZatcaClearing.FindBuyer(_database, customer.Id) : null;
            return IssueZatca(sale, zatca, buyer, sale.Id, sale.CreatedAtUtc);
        }

        if (_options.Eta is { } eta)
        {
            var link = Next(FiscalAuthority.Eta, string.Empty);
            var reference = sale.RefundOf is { } refundOf ? Find(refundOf.SaleId)?.Uuid : null;
            var receipt = EtaReceipt.Build(sale, eta, link.PreviousHash, reference);
            var uuid = receipt["header"]!["uuid"]!.GetValue<string>();
            return Store(new FiscalDocument(sale.Id, FiscalAuthority.Eta, link.Counter, uuid, uuid, link.PreviousHash, receipt.ToJsonString(), null, _timeProvider.GetUtcNow()));
        }

        return null;
    }

    /// <summary>
    /// The sale's latest fiscal document (a simplified invoice issued after a standard one was not cleared is later in
    /// the chain), or null (no authority on, or a sale from before it was turned on).
    /// </summary>
    public FiscalDocument? Find(Guid saleId) =>
        _database.Query<DocumentRow>("SELECT * FROM FiscalDocuments WHERE SaleId = ? ORDER BY Counter DESC LIMIT 1", saleId.ToString()).Select(r => r.ToDocument()).FirstOrDefault();

    /// <summary>
    /// The QR printed for a sale's fiscal document (ZATCA phase 2), or null. A standard invoice's QR is ZATCA's, once
    /// cleared; one not cleared has none to print (see <see cref="NotGivenYet"/>).
    /// </summary>
    internal static string? StoredQr(TillDatabase database, Guid saleId) =>
        database.Scalar<string?>("SELECT Qr FROM FiscalDocuments WHERE SaleId = ? AND (Clearance IS NULL OR Clearance IN ('cleared', 'report')) ORDER BY Counter DESC LIMIT 1", saleId.ToString());

    /// <summary>Why a sale's invoice must not be printed or sent yet (its standard invoice is not cleared), or null.</summary>
    public static string? NotGivenYet(TillDatabase database, Guid saleId)
    {
        ArgumentNullException.ThrowIfNull(database);
        return database.Scalar<string?>("SELECT Clearance FROM FiscalDocuments WHERE SaleId = ? ORDER BY Counter DESC LIMIT 1", saleId.ToString()) switch
        {
            "pending" => "This sale's tax invoice is not cleared by ZATCA yet, so it cannot be given: clear it (the till must be online), or issue a simplified invoice instead.",
            "not-cleared" or "withdrawn" => "ZATCA did not clear this sale's tax invoice, so it cannot be given: issue a simplified invoice instead.",
            _ => null,
        };
    }

    /// <summary>Every document of an authority in chain order (for the kill tests and the chain check on the dashboard).</summary>
    public IReadOnlyList<FiscalDocument> All(FiscalAuthority authority) =>
        _database.Query<DocumentRow>("SELECT * FROM FiscalDocuments WHERE Authority = ? ORDER BY Counter", authority.ToString()).ConvertAll(r => r.ToDocument());

    /// <summary>This till as a ZATCA EGS unit; null when ZATCA is off.</summary>
    public ZatcaEgsUnit? Zatca => _zatca;

    /// <summary>The seller as ZATCA's invoices name it; null when ZATCA is off.</summary>
    public ZatcaOptions? ZatcaOptions => _options.Zatca;

    /// <summary>
    /// Issues a simplified invoice for a sale whose standard invoice was not cleared (refused, or never reached ZATCA):
    /// the refused invoice keeps its counter and hash (ZATCA: every generated invoice takes the next ICV, a rejected
    /// one is corrected by a new invoice), the new one takes the next counter and a uuid of its own.
    /// </summary>
    internal FiscalDocument IssueSimplifiedInstead(Guid saleId) =>
        _database.InTransaction(() =>
        {
            var zatca = _options.Zatca ?? throw new InvalidOperationException("ZATCA is not set up on this till.");
            var standard = _database.Query<DocumentRow>("SELECT * FROM FiscalDocuments WHERE SaleId = ? AND Authority = ? ORDER BY Counter DESC LIMIT 1", saleId.ToString(), nameof(FiscalAuthority.Zatca)).FirstOrDefault()
                ?? throw new InvalidOperationException("This sale has no ZATCA invoice on this till.");
            if (standard.Clearance is not ("pending" or "not-cleared"))
            {
                throw new InvalidOperationException(standard.Clearance switch
                {
                    null => "This sale already has a simplified invoice.",
                    "withdrawn" => "This sale already has a simplified invoice instead of its standard one.",
                    _ => "ZATCA cleared this sale's tax invoice: give that one.",
                });
            }

            if (standard.Clearance == "pending")
            {
                _database.Execute("UPDATE FiscalDocuments SET Clearance = 'withdrawn', State = ? WHERE Uuid = ?", FiscalUploader.KeptOnTill, standard.Uuid);
            }

            var json = _database.Scalar<string>("SELECT Json FROM Sales WHERE Id = ?", saleId.ToString());
            var sale = SaleJson.Parse(json).Sale ?? throw new InvalidOperationException("A stored sale no longer parses.");
            var now = _timeProvider.GetUtcNow();
            return IssueZatca(sale, zatca, null, Guid.CreateVersion7(now), now);
        });

    /// <summary>Records ZATCA's clearance answer for a pending standard invoice; false when it was not pending any more.</summary>
    internal bool RecordClearance(string uuid, string clearance, string? clearedXml, string? qr, string? message) =>
        _database.Execute(
            "UPDATE FiscalDocuments SET Clearance = ?, ClearedXml = COALESCE(?, ClearedXml), Qr = COALESCE(?, Qr), State = ?, Attempts = Attempts + 1, SentAtUtc = ?, LastError = ? WHERE Uuid = ? AND Clearance = 'pending'",
            clearance, clearedXml, qr, FiscalUploader.SentState, TillDatabase.Text(_timeProvider.GetUtcNow()), message, uuid) == 1;

    /// <summary>Notes a clearance attempt that got no answer; the invoice stays pending.</summary>
    internal void RecordClearanceAttempt(string uuid, string error) =>
        _database.Execute("UPDATE FiscalDocuments SET Attempts = Attempts + 1, LastError = ? WHERE Uuid = ?", error, uuid);

    private FiscalDocument IssueZatca(Sale sale, ZatcaOptions zatca, ZatcaBuyer? buyer, Guid uuid, DateTimeOffset signingTime)
    {
        var link = Next(FiscalAuthority.Zatca, ZatcaChainLink.FirstPreviousHash);
        var (key, certificate) = _zatca!.Signer();
        using (key)
        using (certificate)
        {
            var invoice = ZatcaInvoiceXml.ForSale(sale, zatca, new ZatcaChainLink(link.Counter, link.PreviousHash), buyer, uuid);
            var signed = ZatcaStamp.Sign(invoice, sale, zatca, key, certificate, signingTime);
            return Store(new FiscalDocument(sale.Id, FiscalAuthority.Zatca, link.Counter, uuid.ToString(), signed.InvoiceHash, link.PreviousHash, signed.Xml, signed.Qr, _timeProvider.GetUtcNow()) { Clearance = buyer is null ? null : "pending" });
        }
    }

    private (long Counter, string PreviousHash) Next(FiscalAuthority authority, string first)
    {
        var row = _database.Query<ChainRow>("SELECT LastCounter, LastHash FROM FiscalChains WHERE Authority = ?", authority.ToString()).FirstOrDefault();
        return row is null ? (1, first) : (row.LastCounter + 1, row.LastHash);
    }

    private FiscalDocument Store(FiscalDocument document)
    {
        // A standard invoice goes to the connector through clearance, never through the reporting upload.
        _database.Execute(
            "INSERT INTO FiscalDocuments(SaleId, Authority, Counter, Uuid, Hash, PreviousHash, Document, Qr, CreatedAtUtc, Clearance, State) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            document.SaleId.ToString(), document.Authority.ToString(), document.Counter, document.Uuid, document.Hash, document.PreviousHash, document.Document, document.Qr, TillDatabase.Text(document.CreatedAtUtc),
            document.Clearance, document.Clearance is null ? FiscalUploader.PendingState : FiscalUploader.AwaitingClearance);
        _database.Execute(
            "INSERT INTO FiscalChains(Authority, LastCounter, LastHash) VALUES (?, ?, ?) ON CONFLICT(Authority) DO UPDATE SET LastCounter = excluded.LastCounter, LastHash = excluded.LastHash",
            document.Authority.ToString(), document.Counter, document.Hash);
        return document;
    }

    private sealed class ChainRow
    {
        public long LastCounter { get; set; }

        public string LastHash { get; set; } = string.Empty;
    }

    internal sealed class DocumentRow
    {
        public string SaleId { get; set; } = string.Empty;

        public string Authority { get; set; } = string.Empty;

        public long Counter { get; set; }

        public string Uuid { get; set; } = string.Empty;

        public string Hash { get; set; } = string.Empty;

        public string PreviousHash { get; set; } = string.Empty;

        public string Document { get; set; } = string.Empty;

        public string? Qr { get; set; }

        public string CreatedAtUtc { get; set; } = string.Empty;

        public string? Clearance { get; set; }

        public string? ClearedXml { get; set; }

        public FiscalDocument ToDocument() => new(
            Guid.Parse(SaleId, CultureInfo.InvariantCulture),
            Enum.Parse<FiscalAuthority>(Authority),
            Counter, Uuid, Hash, PreviousHash, Document, Qr, TillDatabase.Instant(CreatedAtUtc))
        {
            Clearance = Clearance,
            ClearedXml = ClearedXml,
        };
    }
}
