using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using PosBridge.Connector.Hosting;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tills;

/// <summary>The outcome of checking a request: the till, or the problem to answer with.</summary>
internal sealed record TillAuthentication(Till? Till, IResult? Problem);

/// <summary>
/// Checks a till's request: bearer credential (looked up by its hash on every request, so a revoked
/// till is refused at once), the HMAC signature over method, path, timestamp, nonce and body, the
/// timestamp against the replay window, and the nonce against the ones already seen in that window.
/// </summary>
internal sealed class TillAuthenticator(ITillStore tills, SecretProtector secrets, TimeProvider timeProvider, IOptions<ConnectorOptions> options)
{
    // Nonces seen within the replay window, per till. One instance's memory: a cluster needs a shared
    // store here (the scale-out issue), since a replay could reach another instance.
    private readonly ConcurrentDictionary<string, long> _seen = new(StringComparer.Ordinal);
    private long _nextPrune;

    public static string HashCredential(string credential) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(credential)));

    public async Task<TillAuthentication> AuthenticateAsync(HttpRequest request, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || authorization.Length <= 7)
        {
            return Fail(Problems.MissingCredentials("Send 'Authorization: Bearer <credential>' from pairing."));
        }

        var timestampText = request.Headers[RequestSignature.TimestampHeader].ToString();
        var nonce = request.Headers[RequestSignature.NonceHeader].ToString();
        var signature = request.Headers[RequestSignature.SignatureHeader].ToString();
        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || nonce.Length is < 16 or > 64
            || signature.Length == 0)
        {
            return Fail(Problems.MissingCredentials(
                $"Send {RequestSignature.TimestampHeader} (Unix seconds), {RequestSignature.NonceHeader} (16–64 characters) and {RequestSignature.SignatureHeader}."));
        }

        var secretsOfTill = await tills.FindByCredentialHashAsync(HashCredential(authorization[7..]), cancellationToken).ConfigureAwait(false);
        if (secretsOfTill is null)
        {
            return Fail(Problems.UnknownCredentials());
        }

        var till = secretsOfTill.Till;
        if (till.RevokedAt is not null)
        {
            return Fail(Problems.TillRevoked(till.Id));
        }

        var key = secrets.Unprotect(secretsOfTill.EncryptedSigningKey);
        var pathAndQuery = request.Path.ToString() + request.QueryString.ToString();
        if (!RequestSignature.Verify(key, request.Method, pathAndQuery, timestamp, nonce, body.Span, signature))
        {
            return Fail(Problems.BadSignature());
        }

        var window = options.Value.ReplayWindow;
        var now = timeProvider.GetUtcNow();
        var sent = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(timestamp, 0, 253_402_300_799));
        if ((now - sent).Duration() > window)
        {
            return Fail(Problems.StaleTimestamp(window));
        }

        // Only signed requests reach here, so a stranger cannot fill this table.
        var expires = (now + window + window).ToUnixTimeSeconds();
        if (!_seen.TryAdd($"{till.Id}\n{nonce}", expires))
        {
            return Fail(Problems.Replayed());
        }

        Prune(now.ToUnixTimeSeconds());
        return new TillAuthentication(till, null);
    }

    private static TillAuthentication Fail(IResult problem) => new(null, problem);

    private void Prune(long now)
    {
        if (now < Interlocked.Read(ref _nextPrune))
        {
            return;
        }

        Interlocked.Exchange(ref _nextPrune, now + 60);
        foreach (var (key, expires) in _seen)
        {
            if (expires < now)
            {
                _seen.TryRemove(key, out _);
            }
        }
    }
}
