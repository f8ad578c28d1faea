using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace PosBridge.Terminal.Tests.Fiscal;

/// <summary>
/// Checks an ETA e-receipt's uuid from the ETA's published serialization rules, not the till's writer: the
/// independent side of the chain tests here and of the connector's fiscal day test (linked there).
/// </summary>
internal static class EtaVerifier
{
    /// <summary>The ETA's uuid: SHA-256 (hex, upper case) of the serialization — names upper-cased and quoted, values quoted, array names repeated per element — with the uuid empty.</summary>
    public static string Uuid(JsonObject receipt)
    {
        var copy = (JsonObject)receipt.DeepClone();
        copy["header"]!["uuid"] = string.Empty;
        var text = new StringBuilder();
        void Serialize(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (name, value) in obj)
                    {
                        var key = $"\"{name.ToUpperInvariant()}\"";
                        text.Append(key);
                        if (value is JsonArray array)
                        {
                            foreach (var item in array)
                            {
                                text.Append(key);
                                Serialize(item);
                            }
                        }
                        else
                        {
                            Serialize(value);
                        }
                    }

                    break;
                case JsonValue value:
                    text.Append('"').Append(value.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString()).Append('"');
                    break;
                default:
                    text.Append("\"\"");
                    break;
            }
        }

        Serialize(copy);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
