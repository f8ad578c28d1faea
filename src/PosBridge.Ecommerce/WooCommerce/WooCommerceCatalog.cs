using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using PosBridge.Ecommerce.Catalog;
using Refit;

namespace PosBridge.Ecommerce.WooCommerce;

/// <summary>
/// A WooCommerce store's products as a catalog (REST v3 <c>GET /products</c> and <c>/products/{id}/variations</c>).
/// A full run pages through every product by id; a delta run asks for <c>modified_after</c> the newest change seen
/// so far, oldest change first, and moves that mark on with each page (keyset paging by the store's own clock, so a
/// product changed while the run goes on comes at the end rather than shifting a page). A variable product is read
/// with all its variations; the product itself is not sold, its variations are. Grouped and external products are
/// not sold in a shop and are left out.
/// </summary>
internal sealed class WooCommerceCatalog(IWooCommerceApi api, WooCommerceOptions options, TimeProvider timeProvider) : IWebStoreCatalog
{
    /// <summary>WooCommerce refuses <c>per_page</c> above 100.</summary>
    public const int MaxPerPage = 100;

    /// <summary>How often every product is read again, which is how products moved to the trash are found.</summary>
    public static readonly TimeSpan FullReadInterval = TimeSpan.FromDays(1);

    private static readonly JsonSerializerOptions CursorJson = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string Name => options.Name;

    public async Task<WebCatalogPage> ReadAsync(string? cursor, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var now = timeProvider.GetUtcNow();
        var state = Parse(cursor);
        if (state.Mode == Idle)
        {
            state = state.LastFull is { } lastFull && now - lastFull < FullReadInterval
                ? state with { Mode = Delta, Page = 1 }
                : new CursorState { Mode = Full, Page = 1, Since = state.Since, RunStarted = now, Seen = [] };
        }
        else if (state.Mode == Full && state.RunStarted is null)
        {
            state = state with { RunStarted = now, Seen = [] };
        }

        var perPage = Math.Min(pageSize, MaxPerPage);
        var full = state.Mode == Full;
        var listed = await CallAsync(
            "the product list",
            () => api.ListProductsAsync(
                state.Page,
                perPage,
                full ? "id" : "modified",
                "asc",
                full ? null : Stamp(state.Since),
                full || state.Since is null ? null : "true",
                cancellationToken)).ConfigureAwait(false);
        var products = listed.Content ?? [];
        var totalPages = TotalPages(listed);

        var items = new List<WebCatalogItem>();
        var parents = new List<string>();
        foreach (var product in products)
        {
            switch (product.Type)
            {
                case "variable":
                    items.AddRange(await VariationsAsync(product, perPage, cancellationToken).ConfigureAwait(false));
                    parents.Add(Id(product.Id));
                    break;
                case "simple" or null:
                    items.Add(Item(product, parent: null));
                    break;
                default:
                    // Grouped products are only a page listing other products; external ones are sold elsewhere.
                    break;
            }
        }

        var newest = products.Select(p => Modified(p)).Where(m => m is not null).DefaultIfEmpty(null).Max();
        var seen = full ? [.. state.Seen ?? [], .. items.Select(i => i.Id)] : state.Seen;
        var hasMore = state.Page < totalPages && products.Count > 0;
        CursorState next;
        if (hasMore)
        {
            // A delta page moves the mark to its newest change (less a second: the store's clock has whole seconds and
            // several products may share the last one); when the whole page shares it, the next page number is read.
            next = full
                ? state with { Page = state.Page + 1, Seen = seen, Since = Max(state.Since, newest) }
                : newest is { } mark && mark.AddSeconds(-1) > (state.Since ?? DateTimeOffset.MinValue)
                    ? state with { Page = 1, Since = mark.AddSeconds(-1) }
                    : state with { Page = state.Page + 1 };
        }
        else
        {
            var since = Max(state.Since, newest);
            next = new CursorState
            {
                Mode = Idle,
                Since = since?.AddSeconds(-1) ?? (full ? state.RunStarted?.AddSeconds(-1) : null),
                LastFull = full ? state.RunStarted : state.LastFull,
            };
        }

        return WebCatalogPage.Of(items, JsonSerializer.Serialize(next, CursorJson), hasMore, full, seen, parents);
    }

    private async Task<List<WebCatalogItem>> VariationsAsync(WooCatalogProduct parent, int perPage, CancellationToken cancellationToken)
    {
        var items = new List<WebCatalogItem>();
        for (var page = 1; ; page++)
        {
            var listed = await CallAsync(
                $"the variations of product {parent.Id}",
                () => api.ListVariationsAsync(parent.Id, page, perPage, "id", "asc", cancellationToken)).ConfigureAwait(false);
            var variations = listed.Content ?? [];
            items.AddRange(variations.Select(v => Item(v, parent)));
            if (page >= TotalPages(listed) || variations.Count == 0)
            {
                return items;
            }
        }
    }

    private static WebCatalogItem Item(WooCatalogProduct product, WooCatalogProduct? parent)
    {
        var name = WebUtility.HtmlDecode(product.Name ?? string.Empty).Trim();
        if (parent is not null)
        {
            // A variation's own name is not in every version's answer; the product's name and its options always are.
            var options = string.Join(", ", (product.Attributes ?? []).Select(a => WebUtility.HtmlDecode(a.Option ?? string.Empty).Trim()).Where(o => o.Length > 0));
            var parentName = WebUtility.HtmlDecode(parent.Name ?? string.Empty).Trim();
            name = options.Length > 0 ? $"{parentName} – {options}" : (name.Length > 0 ? name : parentName);
        }

        var taxClass = product.TaxClass is "parent" ? parent?.TaxClass : product.TaxClass;
        var manage = product.ManageStock.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.String when product.ManageStock.GetString() == "parent" => parent?.ManageStock.ValueKind == JsonValueKind.True,
            _ => false,
        };
        return new WebCatalogItem
        {
            Id = parent is null ? Id(product.Id) : $"{Id(parent.Id)}/{Id(product.Id)}",
            ParentId = parent is null ? null : Id(parent.Id),
            Name = name,
            Sku = Blank(product.Sku),
            Barcode = Blank(product.GlobalUniqueId),
            Price = decimal.TryParse(product.Price, NumberStyles.Number, CultureInfo.InvariantCulture, out var price) ? price : null,
            Taxable = (product.TaxStatus ?? parent?.TaxStatus) == "taxable",
            TaxClass = string.IsNullOrEmpty(taxClass) ? WebCatalogItem.StandardTaxClass : taxClass,
            Categories = (parent ?? product).Categories?.Select(c => new WebCatalogCategory(Id(c.Id), WebUtility.HtmlDecode(c.Name ?? string.Empty).Trim())).ToList() ?? [],
            StockTracked = manage,
            StockQuantity = manage ? product.StockQuantity ?? parent?.StockQuantity : null,
            Published = product.Status == "publish" && (parent is null || parent.Status == "publish"),
        };
    }

    private async Task<IApiResponse<List<WooCatalogProduct>>> CallAsync(string what, Func<Task<IApiResponse<List<WooCatalogProduct>>>> call)
    {
        IApiResponse<List<WooCatalogProduct>> response;
        try
        {
            response = await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or TaskCanceledException { InnerException: TimeoutException })
        {
            throw new WebStoreCatalogException($"Web store {Name} ({options.BaseUrl}) could not be reached for {what}: {ex.Message}", ex);
        }
        catch (ApiException ex)
        {
            throw new WebStoreCatalogException($"Web store {Name} ({options.BaseUrl}) answered {what} with something that is not WooCommerce's product list ({ex.Message}); check {options.Section}:BaseUrl.", ex);
        }

        // Refit hands back a failed connection as the answer's error, with no status.
        if (response.StatusCode is null || (response.Error is { } failure && failure is not ApiException))
        {
            var cause = (Exception?)response.Error ?? new HttpRequestException("no answer");
            throw new WebStoreCatalogException($"Web store {Name} ({options.BaseUrl}) could not be reached for {what}: {(cause.InnerException ?? cause).Message}", cause);
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new WebStoreCatalogException(
                $"Web store {Name} refused the consumer key ({(int?)response.StatusCode} {response.StatusCode}); check {options.Section}:ConsumerKey and ConsumerSecret, and that the key may read products.");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new WebStoreCatalogException(
                $"Web store {Name} ({options.BaseUrl}) answered {(int?)response.StatusCode} {response.StatusCode} to {what}{ErrorText(response)}.");
        }

        if (response.Error is { } error)
        {
            throw new WebStoreCatalogException($"Web store {Name} ({options.BaseUrl}) answered {what} with something that is not WooCommerce's product list ({error.Message}); check {options.Section}:BaseUrl.", error);
        }

        return response;
    }

    private int TotalPages(IApiResponse<List<WooCatalogProduct>> response) =>
        response.Headers is { } headers && headers.TryGetValues("X-WP-TotalPages", out var values) && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var pages)
            ? pages
            : throw new WebStoreCatalogException($"Web store {Name} ({options.BaseUrl}) answered the product list without X-WP-TotalPages: it is not WooCommerce's REST API v3, or something in between drops the header.");

    private static string ErrorText(IApiResponse<List<WooCatalogProduct>> response)
    {
        var content = (response.Error as ApiException)?.Content;
        if (string.IsNullOrWhiteSpace(content))
        {
            return string.Empty;
        }

        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String ? ": " + message.GetString() : string.Empty;
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }

    private static DateTimeOffset? Modified(WooCatalogProduct product) =>
        DateTimeOffset.TryParse(product.DateModifiedGmt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static string? Stamp(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static CursorState Parse(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return new CursorState { Mode = Full, Page = 1 };
        }

        try
        {
            return JsonSerializer.Deserialize<CursorState>(cursor, CursorJson) is { Mode: Full or Delta or Idle, Page: >= 1 } state ? state : new CursorState { Mode = Full, Page = 1 };
        }
        catch (JsonException)
        {
            // A cursor from another kind of source (the store's catalog was something else before): start afresh.
            return new CursorState { Mode = Full, Page = 1 };
        }
    }

    private const string Full = "full";
    private const string Delta = "delta";
    private const string Idle = "idle";

    /// <summary>
    /// Where a run is: <c>full</c> (page by id, ids seen so far), <c>delta</c> (changes after <see cref="Since"/>, on
    /// the store's clock), <c>idle</c> (between runs: the next delta starts at <see cref="Since"/>).
    /// </summary>
    private sealed record CursorState
    {
        public string Mode { get; init; } = Full;

        public int Page { get; init; } = 1;

        public DateTimeOffset? Since { get; init; }

        public DateTimeOffset? RunStarted { get; init; }

        public DateTimeOffset? LastFull { get; init; }

        public List<string>? Seen { get; init; }
    }
}
