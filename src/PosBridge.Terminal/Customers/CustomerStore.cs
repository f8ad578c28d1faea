using PosBridge.Core.Sales;
using PosBridge.Terminal.Nfc;
using PosBridge.Terminal.Storage;

namespace PosBridge.Terminal.Customers;

/// <summary>What a tap of a customer's card found.</summary>
public sealed record CustomerTap(NfcReadResult Read, Customer? Customer)
{
    public bool Found => Customer is not null;
}

/// <summary>
/// The till's customers, for attaching one to a cart: by phone, by loyalty card code (printed or scanned), or by
/// the UID of an NFC tag (a card or sticker) read through <see cref="INfcReader"/>.
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

    public Customer? FindByCardCode(string code) =>
        string.IsNullOrWhiteSpace(code) ? null : One("SELECT * FROM Customers WHERE CardCode = ? COLLATE NOCASE", code.Trim());

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

        var customer = (tag.Identifier.Length > 0 ? FindByNfcTag(tag.Uid) : null) ?? (tag.Text is { } text ? FindByCardCode(text) : null);
        return new CustomerTap(read, customer);
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
