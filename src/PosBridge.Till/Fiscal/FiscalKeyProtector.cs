using System.Security.Cryptography;
using System.Text;
using PosBridge.Core.Privacy;

namespace PosBridge.Till.Fiscal;

/// <summary>The till's fiscal key file is missing or does not open the stored key: the owner must act.</summary>
public sealed class FiscalKeyException(string message, Exception? inner = null) : InvalidOperationException(message, inner);

/// <summary>
/// Keeps the till's signing key (the ZATCA EGS unit's secp256k1 private key) encrypted in the till database:
/// AES-256-GCM with a 32-byte key held in a file of its own (0600; <c>Till:Fiscal:KeyFile</c>, by default beside the
/// database), so a copy of the database alone — a backup, a support dump — does not give the key away. Stored text is
/// <c>v1:</c> + base64(nonce ‖ ciphertext ‖ tag). Losing the key file means onboarding the till again.
/// </summary>
internal sealed class FiscalKeyProtector(string keyFile)
{
    private const string Prefix = "v1:";
    private static readonly byte[] Purpose = Encoding.UTF8.GetBytes("PosBridge till fiscal signing key");
    private readonly Lock _gate = new();
    private byte[]? _key;

    public string KeyFile => keyFile;

    public static bool IsProtected(string stored) => stored.StartsWith(Prefix, StringComparison.Ordinal);

    public string Protect(byte[] pkcs8)
    {
        ArgumentNullException.ThrowIfNull(pkcs8);
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var cipher = new byte[pkcs8.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using (var aes = new AesGcm(Key(create: true), tag.Length))
        {
            aes.Encrypt(nonce, pkcs8, cipher, tag, Purpose);
        }

        return Prefix + Convert.ToBase64String([.. nonce, .. cipher, .. tag]);
    }

    public byte[] Unprotect(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (!IsProtected(stored))
        {
            throw new FiscalKeyException("The till's fiscal key is stored in a form this build does not know; onboard the till again.");
        }

        var data = Convert.FromBase64String(stored[Prefix.Length..]);
        var nonceSize = AesGcm.NonceByteSizes.MaxSize;
        var tagSize = AesGcm.TagByteSizes.MaxSize;
        var plain = new byte[data.Length - nonceSize - tagSize];
        try
        {
            using var aes = new AesGcm(Key(create: false), tagSize);
            aes.Decrypt(data.AsSpan(0, nonceSize), data.AsSpan(nonceSize, plain.Length), data.AsSpan(nonceSize + plain.Length), plain, Purpose);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new FiscalKeyException($"The key file {keyFile} does not open this till's signing key (another till's file, or a changed one): put back the file from this till's backup, or onboard the till again.", e);
        }

        return plain;
    }

    private byte[] Key(bool create)
    {
        lock (_gate)
        {
            if (_key is not null)
            {
                return _key;
            }

            if (!File.Exists(keyFile))
            {
                if (!create)
                {
                    throw new FiscalKeyException($"The key file {keyFile} that opens this till's signing key is missing: put it back from this till's backup (Till:Fiscal:KeyFile), or onboard the till again.");
                }

                // Written whole under another name and moved into place, so a crash never leaves half a key; two
                // processes starting at once keep the first file.
                var temporary = keyFile + "." + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)) + ".tmp";
                using (var stream = PrivateFiles.Create(temporary))
                {
                    stream.Write(RandomNumberGenerator.GetBytes(32));
                    stream.Flush(flushToDisk: true);
                }

                try
                {
                    File.Move(temporary, keyFile, overwrite: false);
                }
                catch (IOException) when (File.Exists(keyFile))
                {
                    File.Delete(temporary);
                }
            }

            var key = File.ReadAllBytes(keyFile);
            if (key.Length != 32)
            {
                throw new FiscalKeyException($"The key file {keyFile} is not a till key file (it must hold 32 bytes): put back the file from this till's backup.");
            }

            _key = key;
            return key;
        }
    }
}
