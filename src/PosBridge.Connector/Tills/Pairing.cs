using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using PosBridge.Connector.Hosting;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tills;

/// <summary>
/// Pairing a till: a manager asks for a one-time code (CLI or dashboard) and types it on the till,
/// which exchanges it for its bearer credential and signing key. Codes and credentials are stored
/// hashed, the signing key encrypted.
/// </summary>
internal sealed partial class Pairing(ITillStore tills, SecretProtector secrets, Stores.StoreDirectory stores, TimeProvider timeProvider, IOptions<ConnectorOptions> options)
{
    // No 0/O, 1/I/L: a cashier types this from a screen or a slip.
    internal const string CodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    public async Task<(Till Till, string Code, DateTimeOffset ExpiresAt)> CreateCodeAsync(string storeId, string tillId, string name, CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        if (!IdPattern().IsMatch(storeId ?? string.Empty))
        {
            problems.Add($"store '{storeId}' must be 1–32 letters, digits, '-' or '_'");
        }
        else if (stores.Find(storeId) is null)
        {
            // A till's sales are checked against its store's currency at every hop: a store without one cannot sell.
            problems.Add($"store '{storeId}' is not configured on this connector; {Stores.StoreDirectory.HowToConfigure(storeId!)}");
        }

        if (!IdPattern().IsMatch(tillId ?? string.Empty))
        {
            problems.Add($"till '{tillId}' must be 1–32 letters, digits, '-' or '_'");
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            problems.Add("the till's name must be 1–100 characters");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems) + ".");
        }

        var code = string.Create(11, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = i == 5 ? '-' : CodeAlphabet[RandomNumberGenerator.GetInt32(CodeAlphabet.Length)];
            }
        });
        var now = timeProvider.GetUtcNow();
        var expires = now + options.Value.PairingCodeLifetime;
        var till = await tills.AddPairingCodeAsync(tillId!, storeId!, name, HashCode(code), expires, now, cancellationToken).ConfigureAwait(false);
        return (till, code, expires);
    }

    public async Task<(PairingResponse? Response, string? Problem)> RedeemAsync(PairingRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Code))
        {
            return (null, "Type the pairing code the manager was given, e.g. ABCDE-FGHJK.");
        }

        var credential = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var signingKey = RandomNumberGenerator.GetBytes(32);
        var now = timeProvider.GetUtcNow();
        var (outcome, till) = await tills.RedeemAsync(
            HashCode(request.Code),
            TillAuthenticator.HashCredential(credential),
            secrets.Protect(signingKey),
            now,
            cancellationToken).ConfigureAwait(false);
        return outcome switch
        {
            PairingOutcome.Paired => (new PairingResponse
            {
                TillId = till!.Id,
                StoreId = till.StoreId,
                Credential = credential,
                SigningKey = Convert.ToBase64String(signingKey),
                ServerTime = now,
            }, null),
            PairingOutcome.Expired => (null, "This pairing code has expired; ask the manager for a new one."),
            PairingOutcome.AlreadyUsed => (null, "This pairing code was already used; each code pairs one till once."),
            _ => (null, "This pairing code is not known; check it for typing mistakes."),
        };
    }

    /// <summary>Codes are compared typed as a cashier would: case and dashes do not matter.</summary>
    private static string HashCode(string code)
    {
        var normalized = code.Replace("-", string.Empty, StringComparison.Ordinal).Trim().ToUpperInvariant();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex IdPattern();
}
