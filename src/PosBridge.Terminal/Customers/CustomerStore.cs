using PosBridge.Core.Loyalty;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Storage;
using PosBridge.Till.Nfc;

namespace PosBridge.Terminal.Customers;

/// <summary>
/// What a tap of a customer's card found; <see cref="ProgramId"/> is the program of the back office's card when the
/// tag carried that card's code (the customer earns in it), null otherwise.
/// </summary>
public sealed record CustomerTap(NfcReadResult Read, Customer? Customer, string? ProgramId = null)
{
    public bool Found => Customer is not null;
}

/// <summary>
/// The customer a card code belongs to. <see cref="ProgramId"/> is the program of the back office's card with that
/// code (the customer earns in it); null for a code given to the customer at this till (<see cref="CustomerStore.Save"/>).
/// </summary>
public sealed record CardHolder(Customer Customer, string? ProgramId);

/// <summary>
/// The till's customers, for attaching one to a cart: by phone, by loyalty card code (printed or scanned), or by
/// the UID of an NFC tag (a card or sticker) read through <see cref="INfcReader"/>. Customers come from the cashier
/// (<see cref="Save"/>) and from the back office's loyalty cards pulled with the catalog; a back-office card's code
/// wins over the same code given at the till.
/// </summary>
public sealed class CustomerStore
{
    private readonly TillDatabase _database;

    public CustomerStore(TillDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <summary>Adds or replaces a customer, with the UID of their NFC tag if they have one.</summary>
    /// <exception cref="ArgumentException">
    /// No id; a phone with fewer than 6 digits (it could not be found by them); an e-mail without <c>@</c>; a tag UID
    /// that is not hex; or a card code or tag another customer already has. The message is for the cashier; nothing is saved.
    /// </exception>
    public void Save(Customer customer, string? nfcTagId = null)
    {
        ArgumentNullException.ThrowIfNull(customer);
        if (string.IsNullOrWhiteSpace(customer.Id))
        {
            throw new ArgumentException("A customer needs an id.", nameof(customer));
        }

        if (customer.Phone is { } phone && phone.Count(char.IsAsciiDigit) < 6)
        {
            throw new ArgumentException($"'{phone}' is not a phone number: give at least 6 digits.", nameof(customer));
        }

        if (customer.Email is { } email && (email.IndexOf('@', StringComparison.Ordinal) is <= 0 || email.EndsWith('@')))
        {
            throw new ArgumentException($"'{email}' is not an e-mail address (name@example.com).", nameof(customer));
        }

        var uid = nfcTagId is null ? null : NfcTag.NormaliseUid(nfcTagId) ?? throw new ArgumentException($"'{nfcTagId}' is not a tag UID (hex).", nameof(nfcTagId));
        if (customer.LoyaltyCardCode is { } code && FindByCardCode(code) is { } cardHolder && cardHolder.Id != customer.Id)
        {
            throw new ArgumentException($"The card {code.Trim()} is already {cardHolder.Name ?? cardHolder.Id}'s ({cardHolder.Id}).", nameof(customer));
        }

        if (uid is not null && FindByNfcTag(uid) is { } tagHolder && tagHolder.Id != customer.Id)
        {
            throw new ArgumentException($"The tag {uid} is already {tagHolder.Name ?? tagHolder.Id}'s ({tagHolder.Id}).", nameof(nfcTagId));
        }

        _database.Execute(
            """
            INSERT INTO Customers(Id, Name, Phone, Email, CardCode, NfcTagId) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(Id) DO UPDATE SET Name = excluded.Name, Phone = excluded.Phone, Email = excluded.Email,
                CardCode = excluded.CardCode, NfcTagId = excluded.NfcTagId
            """,
            customer.Id, customer.Name, customer.Phone, customer.Email, customer.LoyaltyCardCode?.Trim(), uid);
    }

    public Customer? FindById(string id) => One("SELECT * FROM Customers WHERE Id = ?", id);

    /// <summary>The customer with this card code (any case, blanks around ignored): see <see cref="FindCardByCode"/>.</summary>
    public Customer? FindByCardCode(string code) => FindCardByCode(code)?.Customer;

    /// <summary>
    /// The customer holding a card with this code (any case, blanks around ignored), and the card's program: first the
    /// back office's cards (the customer's <see cref="Customer.LoyaltyCardCode"/> is then that card's code), then the
    /// codes given to customers at this till. Null when no one has it.
    /// </summary>
    public CardHolder? FindCardByCode(string code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }

        var trimmed = code.Trim();
        var card = _database.Query<CardRow>(
                """
                SELECT c.CustomerId, c.ProgramId, c.Code FROM LoyaltyCards c
                WHERE c.Code = ? COLLATE NOCASE AND EXISTS (SELECT 1 FROM Customers u WHERE u.Id = c.CustomerId)
                ORDER BY c.Id LIMIT 1
                """,
                trimmed)
            .FirstOrDefault();
        if (card is not null && FindById(card.CustomerId) is { } holder)
        {
            return new CardHolder(holder with { LoyaltyCardCode = card.Code }, card.ProgramId);
        }

        return One("SELECT * FROM Customers WHERE CardCode = ? COLLATE NOCASE", trimmed) is { } local ? new CardHolder(local, null) : null;
    }

    /// <summary>The code of the customer's back-office card in a program; null when the till has none.</summary>
    internal string? BackOfficeCardCode(string customerId, string programId) =>
        _database.Scalar<string?>("SELECT Code FROM LoyaltyCards WHERE CustomerId = ? AND ProgramId = ? AND Code IS NOT NULL ORDER BY Id LIMIT 1", customerId, programId);

    /// <summary>Whether the till holds any back-office card of the customer.</summary>
    internal bool HasBackOfficeCard(string customerId) =>
        _database.Scalar<int>("SELECT COUNT(*) FROM LoyaltyCards WHERE CustomerId = ?", customerId) > 0;

    /// <summary>
    /// Writes a card pulled from the back office, inside the caller's transaction: the holder is added or their name,
    /// phone and e-mail replaced (the back office is authoritative, so a short phone is kept: it only cannot be found
    /// by), and the card recorded. Its code is taken from any till-made customer or older card that had it.
    /// Returns the (customer, program) the card held before, when that changed.
    /// </summary>
    internal (string CustomerId, string ProgramId)? SaveBackOfficeCard(LoyaltyCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var customer = card.Customer;
        var code = string.IsNullOrWhiteSpace(card.Code) ? null : card.Code.Trim();
        var before = _database.Query<CardRow>("SELECT CustomerId, ProgramId, Code FROM LoyaltyCards WHERE Id = ?", card.Id).FirstOrDefault();
        _database.Execute(
            """
            INSERT INTO Customers(Id, Name, Phone, Email) VALUES (?, ?, ?, ?)
            ON CONFLICT(Id) DO UPDATE SET Name = excluded.Name, Phone = excluded.Phone, Email = excluded.Email
            """,
            customer.Id, customer.Name, customer.Phone, customer.Email);
        if (code is not null)
        {
            _database.Execute("UPDATE Customers SET CardCode = NULL WHERE CardCode = ? COLLATE NOCASE", code);
            _database.Execute("UPDATE LoyaltyCards SET Code = NULL WHERE Code = ? COLLATE NOCASE AND Id <> ?", code, card.Id);
        }

        _database.Execute(
            """
            INSERT INTO LoyaltyCards(Id, CustomerId, ProgramId, Code) VALUES (?, ?, ?, ?)
            ON CONFLICT(Id) DO UPDATE SET CustomerId = excluded.CustomerId, ProgramId = excluded.ProgramId, Code = excluded.Code
            """,
            card.Id, customer.Id, card.ProgramId, code);
        return before is not null && (before.CustomerId != customer.Id || before.ProgramId != card.ProgramId) ? (before.CustomerId, before.ProgramId) : null;
    }

    /// <summary>Deletes a card the back office removed (the customer stays); returns its (customer, program), or null when the till never had it.</summary>
    internal (string CustomerId, string ProgramId)? RemoveBackOfficeCard(string cardId)
    {
        var card = _database.Query<CardRow>("SELECT CustomerId, ProgramId, Code FROM LoyaltyCards WHERE Id = ?", cardId).FirstOrDefault();
        if (card is null)
        {
            return null;
        }

        _database.Execute("DELETE FROM LoyaltyCards WHERE Id = ?", cardId);
        return (card.CustomerId, card.ProgramId);
    }

    /// <summary>The customer whose NFC tag has this UID, in any usual spelling ("04:a2:…", "04A2…").</summary>
    public Customer? FindByNfcTag(string uid) => NfcTag.NormaliseUid(uid) is { } normal ? One("SELECT * FROM Customers WHERE NfcTagId = ?", normal) : null;

    public Customer? FindByPhone(string phone)
    {
        var digits = new string((phone ?? string.Empty).Where(char.IsAsciiDigit).ToArray());
        return digits.Length < 6 ? null : One("SELECT * FROM Customers WHERE replace(replace(replace(Phone, ' ', ''), '-', ''), '+', '') LIKE ?", "%" + digits);
    }

    /// <summary>
    /// Waits for the customer to tap their card, and finds them by the tag's UID or, failing that, by a card
    /// code written on the tag as NDEF text. Reader problems and timeouts come back in <see cref="CustomerTap.Read"/>.
    /// </summary>
    public async Task<CustomerTap> FindByTapAsync(INfcReader reader, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var read = await reader.ReadTagAsync(timeout, cancellationToken).ConfigureAwait(false);
        if (read.Tag is not { } tag)
        {
            return new CustomerTap(read, null);
        }

        if (tag.Identifier.Length > 0 && FindByNfcTag(tag.Uid) is { } byTag)
        {
            return new CustomerTap(read, byTag);
        }

        var byCode = tag.Text is { } text ? FindCardByCode(text) : null;
        return new CustomerTap(read, byCode?.Customer, byCode?.ProgramId);
    }

    private Customer? One(string sql, string key) =>
        _database.Query<CustomerRow>(sql, key).Select(r => new Customer
        {
            Id = r.Id,
            Name = r.Name,
            Phone = r.Phone,
            Email = r.Email,
            LoyaltyCardCode = r.CardCode,
        }).FirstOrDefault();

    private sealed class CardRow
    {
        public string CustomerId { get; set; } = string.Empty;

        public string ProgramId { get; set; } = string.Empty;

        public string? Code { get; set; }
    }

    private sealed class CustomerRow
    {
        public string Id { get; set; } = string.Empty;

        public string? Name { get; set; }

        public string? Phone { get; set; }

        public string? Email { get; set; }

        public string? CardCode { get; set; }

        public string? NfcTagId { get; set; }
    }
}
