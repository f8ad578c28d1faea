using System.Security.Cryptography;
using System.Text;
using PosBridge.Terminal.Storage;
using PosBridge.Till.Sales;

namespace PosBridge.Terminal.Staff;

/// <summary>A person who works the till, with what they may do beyond selling.</summary>
public sealed record StaffMember(string Id, string Name, TillPermissions Permissions)
{
    public bool May(TillPermissions permission) => (Permissions & permission) == permission;
}

/// <summary>
/// The till's staff and their PINs, for approvals: the screen asks for a manager's PIN and the engine
/// checks it here. PINs are kept as salted PBKDF2 hashes, never as typed.
/// </summary>
/// <remarks>
/// A 4–6 digit PIN has at most a million values, so the hash does not make a stolen database safe;
/// it keeps the PINs from being read off it at a glance. The device's own lock is the real protection.
/// </remarks>
public sealed class StaffStore
{
    private const int Iterations = 20_000;
    private readonly TillDatabase _database;

    public StaffStore(TillDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <summary>Adds or replaces a staff member with a new PIN (4 to 12 digits).</summary>
    public void Save(StaffMember member, string pin)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentException.ThrowIfNullOrWhiteSpace(member.Id);
        ArgumentException.ThrowIfNullOrWhiteSpace(member.Name);
        if (pin is null || pin.Length is < 4 or > 12 || !pin.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("A PIN is 4 to 12 digits.", nameof(pin));
        }

        var salt = RandomNumberGenerator.GetBytes(16);
        _database.Execute(
            "INSERT OR REPLACE INTO Staff(Id, Name, PinSalt, PinHash, Permissions, Active) VALUES (?, ?, ?, ?, ?, 1)",
            member.Id, member.Name, Convert.ToBase64String(salt), Convert.ToBase64String(Hash(pin, salt)), (int)member.Permissions);
    }

    /// <summary>The staff member if <paramref name="pin"/> is theirs; null for an unknown id, a wrong PIN or someone who left.</summary>
    public StaffMember? Verify(string staffId, string pin) =>
        _database.Query<StaffRow>("SELECT * FROM Staff WHERE Id = ? AND Active = 1", staffId).FirstOrDefault() is { } row && row.Matches(pin)
            ? row.ToMember()
            : null;

    /// <summary>
    /// Whoever holds <paramref name="permission"/> and has <paramref name="pin"/>: the manager approving a
    /// refund or a price override at the cashier's till. Null when no such person has that PIN.
    /// </summary>
    public StaffMember? Approve(string pin, TillPermissions permission) =>
        _database.Query<StaffRow>("SELECT * FROM Staff WHERE Active = 1 AND (Permissions & ?) = ? ORDER BY Id", (int)permission, (int)permission)
            .FirstOrDefault(r => r.Matches(pin))?.ToMember();

    /// <summary>Whether anyone at all may sign in: with no staff the screen opens without a PIN.</summary>
    public bool AnyActive() => _database.Scalar<int>("SELECT COUNT(*) FROM Staff WHERE Active = 1") > 0;

    /// <summary>Whether the till knows <paramref name="staffId"/>, active or not.</summary>
    public bool Knows(string staffId) => _database.Scalar<int>("SELECT COUNT(*) FROM Staff WHERE Id = ?", staffId) > 0;

    /// <summary>Someone who left keeps their history but can approve nothing.</summary>
    public void Deactivate(string staffId) => _database.Execute("UPDATE Staff SET Active = 0 WHERE Id = ?", staffId);

    private static byte[] Hash(string pin, byte[] salt) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(pin), salt, Iterations, HashAlgorithmName.SHA256, 32);

    private sealed class StaffRow
    {
        public string Id { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;

        public string PinSalt { get; set; } = string.Empty;

        public string PinHash { get; set; } = string.Empty;

        public int Permissions { get; set; }

        public bool Matches(string? pin) =>
            !string.IsNullOrEmpty(pin)
            && CryptographicOperations.FixedTimeEquals(Hash(pin, Convert.FromBase64String(PinSalt)), Convert.FromBase64String(PinHash));

        public StaffMember ToMember() => new(Id, Name, (TillPermissions)Permissions);
    }
}
