using PosBridge.Terminal.Storage;

namespace PosBridge.Terminal.Screen;

/// <summary>
/// What the sell screen keeps across a reload or a restart, as the screen wrote it (JSON text; empty for none): the
/// cart in progress, the sale last finished, and the tile layout. A desktop till keeps it in its SQLite settings
/// (<see cref="ScreenStateStore"/>); a browser till will keep it in its own store behind this interface.
/// </summary>
public interface IScreenStateStore
{
    string? CartInProgress();

    void SaveCartInProgress(string json);

    string? LastSale();

    void SaveLastSale(string json);

    string? TileLayout();

    void SaveTileLayout(string json);
}

/// <summary>The screen's state in the till's SQLite <c>Settings</c> table, one key each.</summary>
public sealed class ScreenStateStore : IScreenStateStore
{
    private const string CartKey = "screen.cart";
    private const string LastSaleKey = "screen.last-sale";
    private const string TilesKey = "screen.tiles";
    private readonly TillDatabase _database;

    public ScreenStateStore(TillDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    public string? CartInProgress() => _database.GetSetting(CartKey);

    public void SaveCartInProgress(string json) => _database.SetSetting(CartKey, json);

    public string? LastSale() => _database.GetSetting(LastSaleKey);

    public void SaveLastSale(string json) => _database.SetSetting(LastSaleKey, json);

    public string? TileLayout() => _database.GetSetting(TilesKey);

    public void SaveTileLayout(string json) => _database.SetSetting(TilesKey, json);
}
