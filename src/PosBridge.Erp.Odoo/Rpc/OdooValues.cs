using System.Globalization;
using Newtonsoft.Json.Linq;

namespace PosBridge.Erp.Odoo.Rpc;

/// <summary>A many2one value: Odoo answers <c>[id, "display name"]</c>.</summary>
public sealed record OdooRef(long Id, string Name);

/// <summary>
/// Reads Odoo's loosely typed values. Odoo answers <c>false</c> for any unset field whatever its type, so
/// every reader here but <see cref="Bool"/> maps <c>false</c> (and null) to "no value".
/// </summary>
public static class OdooValues
{
    public static bool IsUnset(JToken? token) =>
        token is null || token.Type is JTokenType.Null or JTokenType.Undefined || (token.Type == JTokenType.Boolean && !token.Value<bool>());

    public static string? Text(JToken? token) => IsUnset(token) ? null : token!.Value<string>();

    public static long? Id(JToken? token) => IsUnset(token) ? null : token!.Type == JTokenType.Array ? Ref(token)!.Id : token!.Value<long>();

    public static decimal? Number(JToken? token) => IsUnset(token) ? null : token!.Value<decimal>();

    public static bool Bool(JToken? token) => token is not null && token.Type == JTokenType.Boolean && token.Value<bool>();

    /// <summary>A many2one: <c>[id, name]</c>, or (from some calls) a bare id.</summary>
    public static OdooRef? Ref(JToken? token)
    {
        if (IsUnset(token))
        {
            return null;
        }

        return token switch
        {
            JArray { Count: >= 1 } pair => new OdooRef(pair[0].Value<long>(), pair.Count > 1 ? pair[1].Value<string>() ?? string.Empty : string.Empty),
            JValue value when value.Type == JTokenType.Integer => new OdooRef(value.Value<long>(), string.Empty),
            _ => throw new OdooException(OdooErrorKind.ServerError, $"Expected a many2one value [id, name], got {token}."),
        };
    }

    /// <summary>A one2many or many2many: a list of ids.</summary>
    public static IReadOnlyList<long> Ids(JToken? token) =>
        IsUnset(token) ? [] : token is JArray array ? [.. array.Select(t => t.Value<long>())] : throw new OdooException(OdooErrorKind.ServerError, $"Expected a list of ids, got {token}.");

    /// <summary>Odoo's datetime text ("2024-05-01 10:00:00", UTC) as an instant.</summary>
    public static DateTimeOffset? Instant(JToken? token)
    {
        var text = Text(token);
        return text is null ? null : DateTimeOffset.ParseExact(text, ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFF"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }

    /// <summary>An instant as Odoo writes datetimes: UTC, no offset, whole seconds.</summary>
    public static string FormatInstant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A domain leaf <c>[field, operator, value]</c>.</summary>
    public static JArray Leaf(string field, string op, JToken value) => new(field, op, value);

    /// <summary>A prefix-notation domain of the given leaves joined by AND.</summary>
    public static JArray Domain(params JToken[] leaves) => new(leaves);
}
