using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using Newtonsoft.Json;
using Refit;

namespace PosBridge.Erp.Odoo.Rpc;

/// <summary>
/// Refit's content serializer on Newtonsoft.Json, as Refit's docs describe (the Refit.Newtonsoft.Json
/// package is not on our package mirror). Odoo's payloads are loosely typed (<c>false</c> for "no
/// value", <c>[id, name]</c> pairs), which JObject handles without ceremony.
/// </summary>
internal sealed class NewtonsoftContentSerializer(JsonSerializerSettings settings) : IHttpContentSerializer
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = Encoding.UTF8.WebName };

    public HttpContent ToHttpContent<T>(T item)
    {
        var text = JsonConvert.SerializeObject(item, settings);
        var content = new StringContent(text, Encoding.UTF8);
        content.Headers.ContentType = Json;
        return content;
    }

    public async Task<T?> FromHttpContentAsync<T>(HttpContent content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var json = new JsonTextReader(reader) { DateParseHandling = DateParseHandling.None };
        return JsonSerializer.Create(settings).Deserialize<T>(json);
    }

    public string? GetFieldNameForProperty(PropertyInfo propertyInfo) =>
        propertyInfo?.GetCustomAttribute<JsonPropertyAttribute>()?.PropertyName ?? propertyInfo?.Name;

    /// <summary>Odoo's dates are text ("2024-05-01 10:00:00"): never let Newtonsoft turn them into DateTime.</summary>
    public static JsonSerializerSettings DefaultSettings() => new()
    {
        DateParseHandling = DateParseHandling.None,
        FloatParseHandling = FloatParseHandling.Decimal,
        NullValueHandling = NullValueHandling.Include,
    };
}
