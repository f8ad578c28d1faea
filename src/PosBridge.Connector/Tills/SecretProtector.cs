using System.Security.Cryptography;
using PosBridge.Core.Privacy;

namespace PosBridge.Connector.Tills;

/// <summary>
/// Encrypts secrets kept in the database (till signing keys, later back-office API keys) with
/// AES-256-GCM. The key lives in a file outside the database (<c>keys/secrets.key</c> in the data
/// directory, readable by the service's user only), so a copy of the database alone reveals nothing.
/// </summary>
internal sealed class SecretProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    private SecretProtector(byte[] key) => _key = key;

    public static SecretProtector FromKeyFile(string path)
    {
        if (!File.Exists(path))
        {
            PrivateFiles.CreateFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var key = RandomNumberGenerator.GetBytes(32);
            // 0600 from its creation: there is no moment at which another user could read the key.
            using (var stream = PrivateFiles.Create(path))
            {
                stream.Write(key);
                stream.Flush(flushToDisk: true);
            }
        }

        PrivateFiles.Tighten(path);

        var bytes = File.ReadAllBytes(path);
        return bytes.Length == 32
            ? new SecretProtector(bytes)
            : throw new InvalidOperationException($"The secrets key file {path} is damaged ({bytes.Length} bytes, expected 32). Restore it from backup; without it stored secrets cannot be read.");
    }

    public string Protect(ReadOnlySpan<byte> secret)
    {
        var output = new byte[NonceSize + TagSize + secret.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, secret, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize));
        return Convert.ToBase64String(output);
    }

    public byte[] Unprotect(string protectedSecret)
    {
        var input = Convert.FromBase64String(protectedSecret);
        if (input.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("A protected secret is too short to be one.");
        }

        var secret = new byte[input.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize + TagSize), input.AsSpan(NonceSize, TagSize), secret);
        return secret;
    }
}
