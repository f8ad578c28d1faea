using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Storage;
using PosBridge.Till.Fiscal;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Fiscal;

/// <summary>Where a standard invoice stands after the till asked for its clearance.</summary>
public enum ZatcaClearanceOutcome
{
    /// <summary>ZATCA cleared it: print or send it, with ZATCA's QR.</summary>
    Cleared,

    /// <summary>ZATCA switched clearance off: the invoice is reported later, and given as the till signed it.</summary>
    ReportInstead,

    /// <summary>ZATCA refused it: it is never given; issue a simplified invoice instead (or sell again with corrected details).</summary>
    NotCleared,

    /// <summary>The connector or ZATCA could not be reached: not given yet; try again, or issue a simplified invoice instead.</summary>
    Offline,

    /// <summary>The connector refused the request (not onboarded, credentials, a conflict): not given; the message says why.</summary>
    Failed,

    /// <summary>The sale has no standard invoice (it has a simplified one, or no ZATCA document).</summary>
    NothingToClear,
}

/// <summary>What the cashier is told about a standard invoice.</summary>
public sealed record ZatcaClearanceResult(ZatcaClearanceOutcome Outcome, string Message, string? Qr, IReadOnlyList<string> Messages)
{
    /// <summary>The invoice may be printed or sent to the customer now.</summary>
    public bool CanBeGiven => Outcome is ZatcaClearanceOutcome.Cleared or ZatcaClearanceOutcome.ReportInstead;
}

/// <summary>
/// Standard (B2B) invoices on the till: the cashier registers the business customer (VAT number and national
/// address) and sells to it; the sale commits with a signed standard invoice that takes the next counter (ICV) and the
/// previous hash like any invoice, and is not given until the connector cleared it with ZATCA. A retry sends the same
/// invoice (same uuid, same hash) and gets the same answer. When it is refused or cannot be cleared now, the cashier
/// may issue a simplified invoice for the sale instead: it takes the next counter, and the standard invoice keeps its
/// own — the chain has no gap and no counter is used twice.
/// </summary>
public sealed class ZatcaClearing(FiscalChain chain, TillDatabase database, TimeProvider timeProvider)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Registers (or updates) a business customer; the sale's customer is then this buyer, so its invoice is a standard
    /// one cleared by ZATCA. Answers the problems with what the cashier typed, or the customer to put on the cart.
    /// </summary>
    public (Customer? Customer, IReadOnlyList<string> Problems) RegisterBuyer(ZatcaBuyer buyer)
    {
        ArgumentNullException.ThrowIfNull(buyer);
        if (chain.Zatca is null)
        {
            return (null, ["ZATCA is not set up on this till (Till:Fiscal:Zatca), so it issues no tax invoices."]);
        }

        if (!IssuesStandard)
        {
            return (null, ["This till issues simplified invoices only (Till:Fiscal:Zatca:InvoiceTypes 0100): set 1100 and onboard it again to give tax invoices to businesses."]);
        }

        var problems = buyer.Problems();
        if (problems.Count > 0)
        {
            return (null, problems);
        }

        database.Execute(
            """
            INSERT INTO FiscalBuyers(CustomerId, VatNumber, Name, StreetName, BuildingNumber, CitySubdivision, City, PostalZone, Country, UpdatedAtUtc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(CustomerId) DO UPDATE SET Name = excluded.Name, StreetName = excluded.StreetName, BuildingNumber = excluded.BuildingNumber, CitySubdivision = excluded.CitySubdivision,
                City = excluded.City, PostalZone = excluded.PostalZone, Country = excluded.Country, UpdatedAtUtc = excluded.UpdatedAtUtc
            """,
            buyer.CustomerId, buyer.VatNumber, buyer.Name.Trim(), buyer.StreetName.Trim(), buyer.BuildingNumber, buyer.CitySubdivision.Trim(), buyer.City.Trim(), buyer.PostalZone, buyer.Country, TillDatabase.Text(timeProvider.GetUtcNow()));
        return (new Customer { Id = buyer.CustomerId, Name = buyer.Name.Trim() }, []);
    }

    /// <summary>Asks the connector to clear the sale's standard invoice with ZATCA; safe to call again (the uuid is the key).</summary>
    public async Task<ZatcaClearanceResult> ClearAsync(Guid saleId, ConnectorClient client, TillCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(credentials);
        var document = chain.Find(saleId);
        if (document is not { Authority: FiscalAuthority.Zatca, Clearance: "pending" })
        {
            return Stored(document);
        }

        var body = JsonSerializer.Serialize(
            new
            {
                authority = "ZATCA",
                uuid = document.Uuid,
                saleNumber = database.Scalar<string>("SELECT SaleNumber FROM Sales WHERE Id = ?", saleId.ToString()),
                counter = document.Counter,
                hash = document.Hash,
                document = document.Document,
                issuedAt = document.CreatedAtUtc,
            },
            Json);
        HttpStatusCode status;
        string text;
        try
        {
            (status, text) = await client.SendFiscalAsync(credentials, "/api/v1/fiscal/zatca/clearance", body, cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectorUnavailableException e)
        {
            chain.RecordClearanceAttempt(document.Uuid, e.Message);
            return new ZatcaClearanceResult(ZatcaClearanceOutcome.Offline, "The tax invoice is not cleared: the connector or ZATCA cannot be reached now. Do not give it; try again, or issue a simplified invoice instead.", null, [e.Message]);
        }

        if (status != HttpStatusCode.OK)
        {
            var detail = Detail(text);
            chain.RecordClearanceAttempt(document.Uuid, $"{(int)status}: {detail}");
            return new ZatcaClearanceResult(ZatcaClearanceOutcome.Failed, $"The tax invoice is not cleared: {detail} Do not give it; issue a simplified invoice instead if the customer cannot wait.", null, [detail]);
        }

        var answer = JsonNode.Parse(text)!;
        var warnings = Messages(answer["warnings"]);
        var errors = Messages(answer["errors"]);
        switch (answer["state"]?.GetValue<string>())
        {
            case "cleared" or "cleared-with-warnings":
                var cleared = Encoding.UTF8.GetString(Convert.FromBase64String(answer["clearedInvoice"]!.GetValue<string>()));
                var qr = ClearedQr(cleared) ?? throw new InvalidOperationException("ZATCA's cleared invoice carries no QR; it cannot be printed.");
                chain.RecordClearance(document.Uuid, "cleared", cleared, qr, warnings.Count == 0 ? null : string.Join(" ", warnings));
                break;
            case "not-cleared":
                chain.RecordClearance(document.Uuid, "not-cleared", null, null, string.Join(" ", errors));
                break;
            case "report":
                chain.RecordClearance(document.Uuid, "report", null, null, null);
                break;
            default:
                throw new InvalidOperationException($"The connector answered a clearance state this till does not know: {text}");
        }

        return Stored(chain.Find(saleId));
    }

    /// <summary>Where the sale's invoice stands now, as stored on the till; asks no one.</summary>
    public ZatcaClearanceResult Status(Guid saleId) => Stored(chain.Find(saleId));

    /// <summary>Issues a simplified invoice for a sale whose standard invoice was refused or could not be cleared.</summary>
    public ZatcaClearanceResult IssueSimplifiedInstead(Guid saleId)
    {
        try
        {
            var document = chain.IssueSimplifiedInstead(saleId);
            return new ZatcaClearanceResult(ZatcaClearanceOutcome.NothingToClear, string.Create(CultureInfo.InvariantCulture, $"A simplified invoice (number {document.Counter} in this till's chain) replaces the tax invoice: print or send it; it is reported within 24 hours."), document.Qr, []);
        }
        catch (InvalidOperationException e)
        {
            return new ZatcaClearanceResult(ZatcaClearanceOutcome.Failed, e.Message, null, []);
        }
    }

    /// <summary>The business customer registered under a customer id, or null (read in the sale's transaction).</summary>
    internal static ZatcaBuyer? FindBuyer(TillDatabase database, string customerId) =>
        database.Query<BuyerRow>("SELECT * FROM FiscalBuyers WHERE CustomerId = ?", customerId)
            .Select(r => new ZatcaBuyer(r.VatNumber, r.Name, r.StreetName, r.BuildingNumber, r.CitySubdivision, r.City, r.PostalZone, r.Country))
            .FirstOrDefault();

    /// <summary>The QR ZATCA put in the cleared invoice (its AdditionalDocumentReference with ID QR).</summary>
    internal static string? ClearedQr(string clearedXml)
    {
        var document = new XmlDocument { XmlResolver = null };
        using (var reader = XmlReader.Create(new StringReader(clearedXml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit }))
        {
            document.Load(reader);
        }

        var ns = new XmlNamespaceManager(document.NameTable);
        ns.AddNamespace("i", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2");
        ns.AddNamespace("cac", "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2");
        ns.AddNamespace("cbc", "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2");
        return document.SelectSingleNode("/*/cac:AdditionalDocumentReference[cbc:ID='QR']/cac:Attachment/cbc:EmbeddedDocumentBinaryObject", ns)?.InnerText.Trim() is { Length: > 0 } qr ? qr : null;
    }

    private bool IssuesStandard => chain.Zatca is not null && chain.ZatcaOptions?.IssuesStandardInvoices == true;

    private static ZatcaClearanceResult Stored(FiscalDocument? document) => document switch
    {
        null or { Authority: not FiscalAuthority.Zatca } => new(ZatcaClearanceOutcome.NothingToClear, "This sale has no ZATCA invoice to clear.", null, []),
        { Clearance: null } => new(ZatcaClearanceOutcome.NothingToClear, "This sale has a simplified invoice: it is reported, not cleared; print or send it.", document.Qr, []),
        { Clearance: "cleared" } => new(ZatcaClearanceOutcome.Cleared, "ZATCA cleared the tax invoice: print or send it.", document.Qr, []),
        { Clearance: "report" } => new(ZatcaClearanceOutcome.ReportInstead, "ZATCA has switched clearance off for now: the tax invoice is given as signed and reported within 24 hours.", document.Qr, []),
        { Clearance: "pending" } => new(ZatcaClearanceOutcome.Offline, "The tax invoice is not cleared yet.", null, []),
        _ => new(ZatcaClearanceOutcome.NotCleared, "ZATCA did not clear the tax invoice, so it cannot be given: correct the buyer's details and sell again, or issue a simplified invoice instead.", null, []),
    };

    private static List<string> Messages(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(m => $"{m?["code"]?.GetValue<string>()}: {m?["message"]?.GetValue<string>()}")] : [];

    private static string Detail(string text)
    {
        try
        {
            return JsonNode.Parse(text)?["detail"]?.GetValue<string>() ?? text;
        }
        catch (JsonException)
        {
            return text;
        }
    }

    private sealed class BuyerRow
    {
        public string VatNumber { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;

        public string StreetName { get; set; } = string.Empty;

        public string BuildingNumber { get; set; } = string.Empty;

        public string CitySubdivision { get; set; } = string.Empty;

        public string City { get; set; } = string.Empty;

        public string PostalZone { get; set; } = string.Empty;

        public string Country { get; set; } = string.Empty;
    }
}
