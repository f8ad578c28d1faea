using PosBridge.Core.Sales;

namespace PosBridge.Connector.Customers;

/// <summary>
/// Who a customer's request is about, as the customer can prove it: a phone number, an e-mail address, the customer id a
/// till gave them, or their loyalty card's code. A phone matches in the forms the shop's tills write it (spaces, dashes,
/// <c>+20</c>/<c>0020</c>/<c>0</c> for Egypt, <c>+966</c>/<c>0</c> for Saudi Arabia), nothing looser: an export must
/// never hand one person another's data.
/// </summary>
internal sealed record CustomerLookup
{
    public string? Phone { get; init; }

    public string? Email { get; init; }

    public string? CustomerId { get; init; }

    public string? CardCode { get; init; }

    public bool IsEmpty => Phone is null && Email is null && CustomerId is null && CardCode is null;

    /// <summary>The customer block of a sale or a loyalty card is this person's.</summary>
    public bool Matches(Customer? customer, string? cardCode = null) =>
        customer is not null && (Same(customer.Phone) || SameEmail(customer.Email) || (CustomerId is not null && customer.Id == CustomerId)
            || SameCard(customer.LoyaltyCardCode) || SameCard(cardCode));

    /// <summary>A receipt message went to this person (its recipient is their phone or e-mail).</summary>
    public bool IsRecipient(string channel, string recipient) => channel == "sms" ? Same(recipient) : SameEmail(recipient);

    /// <summary>What the request names, masked, for the audit log and the export's heading (never the full value).</summary>
    public string Masked() => string.Join(", ", new[]
    {
        Phone is null ? null : "phone …" + Digits(Phone)[^Math.Min(3, Digits(Phone).Length)..],
        Email is null ? null : "e-mail " + Email[..Math.Min(2, Email.Length)] + "…@" + Email.Split('@').Last(),
        CustomerId is null ? null : "customer " + CustomerId,
        CardCode is null ? null : "card …" + CardCode[^Math.Min(3, CardCode.Length)..],
    }.Where(p => p is not null));

    private bool Same(string? phone) =>
        Phone is not null && phone is not null && Forms(Phone).Overlaps(Forms(phone));

    private bool SameEmail(string? email) =>
        Email is not null && email is not null && string.Equals(email.Trim(), Email.Trim(), StringComparison.OrdinalIgnoreCase);

    private bool SameCard(string? code) =>
        CardCode is not null && code is not null && string.Equals(code.Trim(), CardCode.Trim(), StringComparison.Ordinal);

    /// <summary>The international forms a phone number stands for (digits only, country code first).</summary>
    public static HashSet<string> Forms(string phone)
    {
        var digits = Digits(phone);
        var forms = new HashSet<string>(StringComparer.Ordinal);
        if (digits.Length < 6)
        {
            return forms;
        }

        if (phone.TrimStart().StartsWith('+'))
        {
            forms.Add(digits);
        }
        else if (digits.StartsWith("00", StringComparison.Ordinal))
        {
            forms.Add(digits[2..]);
        }
        else if (digits.StartsWith('0'))
        {
            // A national number: Egypt's mobiles are 0 + 10 digits, Saudi Arabia's 0 + 9.
            forms.Add("20" + digits[1..]);
            forms.Add("966" + digits[1..]);
        }
        else
        {
            forms.Add(digits);
        }

        return forms;
    }

    private static string Digits(string text) => new([.. text.Where(char.IsAsciiDigit)]);
}

/// <summary>One sale the connector holds for the customer: the document as the till sent it, and where it went.</summary>
internal sealed record HeldSale(Guid Id, string StoreId, string TillId, string SaleNumber, DateTimeOffset ReceivedAt, string Document, IReadOnlyList<HeldDelivery> Deliveries);

/// <summary>What was handed to a back office: its state and the id the back office gave the sale.</summary>
internal sealed record HeldDelivery(string Adapter, string State, string? ExternalId, DateTimeOffset UpdatedAt);

internal sealed record HeldReceiptMessage(Guid RequestId, string StoreId, string TillId, string SaleNumber, string Channel, string Recipient, string State, DateTimeOffset ReceivedAt, DateTimeOffset? SentAt);

/// <summary>A loyalty card of the catalog the tills read (from the back office), as stored.</summary>
internal sealed record HeldLoyaltyCard(string Id, string Document);

internal sealed record HeldFiscalDocument(string Authority, Guid Uuid, string StoreId, string TillId, string SaleNumber, string State);

/// <summary>Everything the connector's database holds about one person.</summary>
internal sealed record CustomerHoldings(
    IReadOnlyList<HeldSale> Sales,
    IReadOnlyList<HeldReceiptMessage> ReceiptMessages,
    IReadOnlyList<HeldLoyaltyCard> LoyaltyCards,
    IReadOnlyList<HeldFiscalDocument> FiscalDocuments)
{
    public bool IsEmpty => Sales.Count == 0 && ReceiptMessages.Count == 0 && LoyaltyCards.Count == 0 && FiscalDocuments.Count == 0;
}

/// <summary>
/// What an erasure changed, and what it could not: the back offices that already received the person's sales (the owner
/// erases them there), loyalty cards that come from a back office (erased there, or the next pull brings them back),
/// and fiscal documents tax law keeps.
/// </summary>
internal sealed record CustomerErasure(
    int SalesPseudonymised,
    int ReceiptMessagesErased,
    IReadOnlyDictionary<string, int> DeliveredTo,
    IReadOnlyList<string> LoyaltyCardsFromBackOffice,
    int FiscalDocumentsKept,
    IReadOnlyDictionary<string, string> Pseudonyms);

/// <summary>Finds what the connector holds about a person, for a data subject's request (PDPL/GDPR access and erasure).</summary>
internal interface ICustomerDataStore
{
    /// <summary>Reads every sale, receipt message, loyalty card and fiscal document of the person; changes nothing.</summary>
    Task<CustomerHoldings> FindAsync(CustomerLookup who, CancellationToken cancellationToken = default);

    /// <summary>
    /// In one transaction: each of the person's sales keeps its amounts, taxes and numbers (tax law) but its customer
    /// becomes only the pseudonym <paramref name="pseudonymOf"/> gives their customer id, also in the report figures;
    /// their receipt messages lose recipient and receipt, and their links stop working. The stored content hash stays,
    /// so a till sending the original sale again is answered "already here", not "conflict".
    /// </summary>
    Task<CustomerErasure> EraseAsync(CustomerLookup who, Func<string, string> pseudonymOf, DateTimeOffset now, CancellationToken cancellationToken = default);
}
