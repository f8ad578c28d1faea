using System.Globalization;
using System.Security.Cryptography;

namespace PosBridge.Connector.Dashboard;

/// <summary>
/// The manager's password as PBKDF2-HMAC-SHA256 (<c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c>, base64), so the
/// configuration need not hold the password, and a stolen configuration file is slow to guess from.
/// </summary>
internal sealed class DashboardPassword
{
    public const string Scheme = "pbkdf2-sha256";

    // OWASP's figure for PBKDF2-HMAC-SHA256 (2023): about a third of a second per check on a small server.
    public const int Iterations = 600_000;

    private const int MinIterations = 100_000;
    private const int MinLength = 12;

    // The passwords a shop is most likely to pick; a long list belongs in a password manager, not here.
    private static readonly string[] Common = ["password", "posbridge", "dashboard", "manager", "admin", "qwerty", "letmein", "welcome", "123456", "abc123", "changeme"];

    private readonly int _iterations;
    private readonly byte[] _salt;
    private readonly byte[] _hash;

    private DashboardPassword(int iterations, byte[] salt, byte[] hash)
    {
        _iterations = iterations;
        _salt = salt;
        _hash = hash;
    }

    /// <summary>From the setting: a hash as is, or a password hashed now with a new salt.</summary>
    public static DashboardPassword FromSetting(string setting)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(setting);
        return IsHash(setting) ? Parse(setting) ?? throw new ArgumentException(HashProblem(setting), nameof(setting)) : Parse(Hash(setting))!;
    }

    public static bool IsHash(string setting) => setting.StartsWith(Scheme + "$", StringComparison.Ordinal);

    public static string Hash(string password, int iterations = Iterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, 32);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Why a password is too weak to guard the dashboard, or null when it is not.</summary>
    public static string? Weakness(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length < MinLength)
        {
            return $"use at least {MinLength} characters (it has {password.Length}).";
        }

        if (password.Distinct().Count() < 6)
        {
            return "use at least 6 different characters.";
        }

        var lower = password.ToLowerInvariant();
        if (Common.FirstOrDefault(c => lower.Contains(c, StringComparison.Ordinal)) is { } common)
        {
            return $"it contains the common word or sequence '{common}'.";
        }

        return null;
    }

    /// <summary>What is wrong with a configured hash (never the hash itself), or null.</summary>
    public static string? HashProblem(string setting) =>
        Parse(setting) is { } parsed
            ? parsed._iterations < MinIterations ? $"uses {parsed._iterations} iterations; make a new hash with 'posbridge dashboard hash-password' (at least {MinIterations})." : null
            : $"is not a hash of the form {Scheme}$ITERATIONS$SALT$HASH; make one with 'posbridge dashboard hash-password'.";

    /// <summary>Checks <paramref name="password"/> in time that does not depend on how much of it matches.</summary>
    public bool Verify(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var candidate = Rfc2898DeriveBytes.Pbkdf2(password, _salt, _iterations, HashAlgorithmName.SHA256, _hash.Length);
        return CryptographicOperations.FixedTimeEquals(candidate, _hash);
    }

    private static DashboardPassword? Parse(string setting)
    {
        var parts = setting.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
        {
            return null;
        }

        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var hash = Convert.FromBase64String(parts[3]);
            return salt.Length >= 16 && hash.Length >= 32 ? new DashboardPassword(iterations, salt, hash) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
