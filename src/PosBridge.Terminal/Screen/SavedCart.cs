using System.Text.Json;
using System.Text.Json.Serialization;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Storage;
using PosBridge.Till.Sales;

namespace PosBridge.Terminal.Screen;

/// <summary>A cart line as the cashier made it, to rebuild the engine's cart after a restart.</summary>
internal sealed record SavedLine(string ProductId, decimal Quantity, decimal UnitPrice, decimal DiscountPercent, string? ScannedCode, string? Note, bool PriceOverridden);

/// <summary>Set just before a commit: which shift the sale goes to and how many sales it had before.</summary>
internal sealed record CommitMarker(string ShiftId, int SalesBefore);

/// <summary>
/// The customer on the cart, the program they earn in, and the reward they spend points on (its id, and the points
/// given for an amount-per-point reward): replayed through the engine's <c>LoyaltyService</c>, never trusted for amounts.
/// </summary>
internal sealed record SavedLoyalty(Customer Customer, string? ProgramId, string? RewardId, decimal? RewardPoints);

/// <summary>
/// The cart in progress, written to the till's database after every change. <see cref="OrderDiscountPercent"/> is the
/// cashier's own order discount (before a reward's or promotion's); a reward's free line is not in <see cref="Lines"/>:
/// both come back when the reward is applied again. <see cref="PromotionCode"/> is the promotion code on the cart,
/// applied again through the engine (its rule checked anew) after the lines and the customer.
/// </summary>
internal sealed record SavedCart(
    IReadOnlyList<SavedLine> Lines,
    decimal OrderDiscountPercent,
    IReadOnlyList<Payment> Payments,
    TillPermissions Permissions,
    CommitMarker? Committing = null,
    SavedLoyalty? Loyalty = null,
    string? PromotionCode = null);

/// <summary>
/// Keeps the cart in progress and the sale last finished in the till's own database, so a page reload,
/// a browser crash or a till restart loses neither. The engine stays the truth: a saved cart is
/// replayed through the engine's cart, never trusted for amounts.
/// </summary>
internal sealed class CartKeeper(IScreenStateStore store)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public CartKeeper(TillDatabase database)
        : this(new ScreenStateStore(database))
    {
    }

    public SavedCart? Load() => store.CartInProgress() is { Length: > 0 } json ? JsonSerializer.Deserialize<SavedCart>(json, Json) : null;

    public void Save(SavedCart? cart) => store.SaveCartInProgress(cart is null ? string.Empty : JsonSerializer.Serialize(cart, Json));

    public ScreenFinishedSale? LoadLastSale() =>
        store.LastSale() is { Length: > 0 } json ? JsonSerializer.Deserialize<ScreenFinishedSale>(json, Json) : null;

    public void SaveLastSale(ScreenFinishedSale? sale) => store.SaveLastSale(sale is null ? string.Empty : JsonSerializer.Serialize(sale, Json));

    public static SavedCart Snapshot(Cart cart, TillPermissions permissions, CommitMarker? committing = null) => new(
        cart.Lines.Where(l => !l.IsReward).Select(l => new SavedLine(l.Product.Id, l.Quantity, l.UnitPrice, l.DiscountPercent, l.ScannedCode, l.Note, l.PriceOverridden)).ToList(),
        cart.Reward?.OrderDiscountBefore ?? cart.Promotion?.OrderDiscountBefore ?? cart.OrderDiscountPercent,
        [.. cart.Payments],
        permissions,
        committing,
        cart.Customer is { } customer ? new SavedLoyalty(customer, cart.LoyaltyProgram?.Id, cart.Reward?.RewardId, cart.Reward?.Points) : null,
        cart.Promotion?.Code);
}
