using System.Security.Cryptography;
using System.Text;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Hosting;

/// <summary>
/// Secrets in configuration (Odoo API keys, web-store keys) can be kept encrypted at rest: a value written as
/// <c>enc:&lt;base64&gt;</c> (made by <c>posbridge secrets protect</c>) is decrypted at start with the connector's
/// AES-256-GCM key (<c>keys/secrets.key</c> in the data directory, outside the settings file). The plain value
/// lives only in memory and is never logged.
/// </summary>
internal static class ProtectedSettings
{
    public const string Prefix = "enc:";

    /// <summary>Replaces every <c>enc:</c> value with its plain text. A value that cannot be decrypted stops the start, naming the setting.</summary>
    public static int Decrypt(IConfigurationManager configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var root = (IConfiguration)configuration;
        var protectedValues = root.AsEnumerable().Where(kv => kv.Value is not null && kv.Value.StartsWith(Prefix, StringComparison.Ordinal)).ToList();
        if (protectedValues.Count == 0)
        {
            return 0;
        }

        var keyPath = KeyPath(root);
        if (!File.Exists(keyPath))
        {
            throw new ConfigurationProblemException($"Settings {string.Join(", ", protectedValues.Select(kv => kv.Key))} are encrypted, but the key file {keyPath} is missing: restore it, or set the values again with 'posbridge secrets protect'.");
        }

        var protector = SecretProtector.FromKeyFile(keyPath);
        var plain = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in protectedValues)
        {
            try
            {
                plain[key] = Encoding.UTF8.GetString(protector.Unprotect(value![Prefix.Length..]));
            }
            catch (Exception ex) when (ex is CryptographicException or FormatException)
            {
                _ = ex;
                throw new ConfigurationProblemException($"Setting {key} is encrypted but cannot be decrypted with the key in {keyPath} (made with another key, or damaged). Set it again with 'posbridge secrets protect'.");
            }
        }

        configuration.AddInMemoryCollection(plain);
        return plain.Count;
    }

    /// <summary>Encrypts <paramref name="secret"/> for a settings file, with the data directory's key (made if missing).</summary>
    public static string Protect(string dataDirectory, string secret) =>
        Prefix + SecretProtector.FromKeyFile(Path.Combine(dataDirectory, "keys", "secrets.key")).Protect(Encoding.UTF8.GetBytes(secret));

    private static string KeyPath(IConfiguration configuration) =>
        Path.Combine(configuration[$"{ConnectorOptions.Section}:DataDirectory"] ?? "data", "keys", "secrets.key");
}
