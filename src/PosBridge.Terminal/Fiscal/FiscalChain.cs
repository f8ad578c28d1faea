using System.Globalization;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Receipts;
using PosBridge.Terminal.Storage;

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
public sealed record FiscalDocument(Guid SaleId, FiscalAuthority Authority, long Counter, string Uuid, string Hash, string PreviousHash, string Document, string? Qr, DateTimeOffset CreatedAtUtc);

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
            var link = Next(FiscalAuthority.Zatca, ZatcaChainLink.FirstPreviousHash);
            var (key, certificate) = _zatca!.Signer();
            using (key)
            using (certificate)
            {
                var invoice = ZatcaInvoiceXml.ForSale(sale, zatca, new ZatcaChainLink(link.Counter, link.PreviousHash));
                var signed = ZatcaStamp.Sign(invoice, sale, zatca, key, certificate, sale.CreatedAtUtc);
                return Store(new FiscalDocument(sale.Id, FiscalAuthority.Zatca, link.Counter, sale.Id.ToString(), signed.InvoiceHash, link.PreviousHash, signed.Xml, signed.Qr, _timeProvider.GetUtcNow()));
            }
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

    /// <summary>The fiscal document stored with a sale, or null (no authority on, or a sale from before it was turned on).</summary>
    public FiscalDocument? Find(Guid saleId) =>
        _database.Query<DocumentRow>("SELECT * FROM FiscalDocuments WHERE SaleId = ?", saleId.ToString()).Select(r => r.ToDocument()).FirstOrDefault();

    /// <summary>The QR printed for a sale's fiscal document (ZATCA phase 2), or null.</summary>
    internal static string? StoredQr(TillDatabase database, Guid saleId) =>
        database.Scalar<string?>("SELECT Qr FROM FiscalDocuments WHERE SaleId = ?", saleId.ToString());

    /// <summary>Every document of an authority in chain order (for the kill tests and the chain check on the dashboard).</summary>
    public IReadOnlyList<FiscalDocument> All(FiscalAuthority authority) =>
        _database.Query<DocumentRow>("SELECT * FROM FiscalDocuments WHERE Authority = ? ORDER BY Counter", authority.ToString()).ConvertAll(r => r.ToDocument());

    /// <summary>This till as a ZATCA EGS unit; null when ZATCA is off.</summary>
    public ZatcaEgsUnit? Zatca => _zatca;

    private (long Counter, string PreviousHash) Next(FiscalAuthority authority, string first)
    {
        var row = _database.Query<ChainRow>("SELECT LastCounter, LastHash FROM FiscalChains WHERE Authority = ?", authority.ToString()).FirstOrDefault();
        return row is null ? (1, first) : (row.LastCounter + 1, row.LastHash);
    }

    private FiscalDocument Store(FiscalDocument document)
    {
        _database.Execute(
            "INSERT INTO FiscalDocuments(SaleId, Authority, Counter, Uuid, Hash, PreviousHash, Document, Qr, CreatedAtUtc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            document.SaleId.ToString(), document.Authority.ToString(), document.Counter, document.Uuid, document.Hash, document.PreviousHash, document.Document, document.Qr, TillDatabase.Text(document.CreatedAtUtc));
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

        public FiscalDocument ToDocument() => new(
            Guid.Parse(SaleId, CultureInfo.InvariantCulture),
            Enum.Parse<FiscalAuthority>(Authority),
            Counter, Uuid, Hash, PreviousHash, Document, Qr, TillDatabase.Instant(CreatedAtUtc));
    }
}
