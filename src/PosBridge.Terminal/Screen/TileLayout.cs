using System.Text.Json;
using PosBridge.Terminal.Storage;

namespace PosBridge.Terminal.Screen;

/// <summary>One tab of product tiles: a category's name in both languages and its products in order.</summary>
public sealed record TileCategory(string Id, string Name, string NameAr, IReadOnlyList<string> ProductIds);

/// <summary>
/// The quick-key layout of the sell screen. It is the screen's own (like a till's button layout), kept in
/// the till's settings: the catalog copy does not carry categories yet, and the store arranges tiles
/// by how it sells, not by how the back office files products.
/// </summary>
public sealed class TileLayout(IScreenStateStore store)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public TileLayout(TillDatabase database)
        : this(new ScreenStateStore(database))
    {
    }

    public IReadOnlyList<TileCategory> Categories =>
        store.TileLayout() is { Length: > 0 } json ? JsonSerializer.Deserialize<List<TileCategory>>(json, Json) ?? [] : [];

    public void Save(IReadOnlyList<TileCategory> categories)
    {
        ArgumentNullException.ThrowIfNull(categories);
        store.SaveTileLayout(JsonSerializer.Serialize(categories, Json));
    }
}
