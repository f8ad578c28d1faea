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
internal sealed class TillAuthenticator(ITillStore tills, INonceCache nonces, SecretProtector secrets, TimeProvider timeProvider, IOptions<ConnectorOptions> options)
{
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

        // Only signed requests reach here, so a stranger cannot fill this table. Kept in the database for the whole
        // window either side of the timestamp: a replay after a restart, or to another connector, is refused too.
        if (!await nonces.UseNonceAsync(till.Id, nonce, sent + window + window, now, cancellationToken).ConfigureAwait(false))
        {
            return Fail(Problems.Replayed());
        }

        // Every signed request is a contact (pairing, catalog pulls, numbering checks, shift closes, receipts), not only
        // uploads: a paired till that has not sold yet must not read "never". The time read with the credential keeps
        // this to one write per till per interval, on any number of connector instances.
        if (till.LastContactAt is not { } last || now - last >= ContactWriteInterval)
        {
            await tills.RecordContactAsync(till.Id, now, cancellationToken).ConfigureAwait(false);
        }

        return new TillAuthentication(till, null);
    }

    /// <summary>How stale a till's last contact may be before a request writes it again: the dashboard shows minutes.</summary>
    public static readonly TimeSpan ContactWriteInterval = TimeSpan.FromSeconds(30);

    private static TillAuthentication Fail(IResult problem) => new(null, problem);
}
