using System.Text.Json.Serialization;
using PosBridge.Core.Adapters;
using PosBridge.Core.Catalog;

namespace PosBridge.Core.Loyalty;

/// <summary>How a rule counts points.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<LoyaltyPointMode>))]
public enum LoyaltyPointMode
{
    /// <summary>A fixed number of points per order that meets the rule.</summary>
    PerOrder,

    /// <summary>Points per unit of currency spent on the products the rule covers.</summary>
    PerCurrencyUnit,

    /// <summary>Points per unit of product bought.</summary>
    PerUnit,
}

/// <summary>What a reward gives.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<LoyaltyRewardKind>))]
public enum LoyaltyRewardKind
{
    Discount,
    Product,

    /// <summary>Something the till does not apply itself (e.g. free shipping); shown, never computed.</summary>
    Other,
}

/// <summary>How a discount reward is measured.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<LoyaltyDiscountMode>))]
public enum LoyaltyDiscountMode
{
    /// <summary><see cref="LoyaltyReward.Discount"/> percent off.</summary>
    Percent,

    /// <summary><see cref="LoyaltyReward.Discount"/> of money off per point spent.</summary>
    PerPoint,

    /// <summary><see cref="LoyaltyReward.Discount"/> of money off the order.</summary>
    PerOrder,
}

/// <summary>
/// A loyalty, coupon or promotion program as a till applies it, from the back office (Odoo's
/// <c>loyalty.program</c> with its rules and rewards). The till earns and spends points with it and reports
/// them on the sale (<see cref="Sales.LoyaltyPoints"/>); the back office keeps the card balances.
/// </summary>
public sealed record LoyaltyProgram
{
    /// <summary>The back office's id; a sale's <see cref="Sales.LoyaltyPoints.ProgramId"/> refers to it.</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>The back office's kind of program as it names it ("loyalty", "coupons", "promotion", "gift_card", …).</summary>
    public required string Kind { get; init; }

    /// <summary>ISO 4217 code of the currency points are earned in, when the back office says.</summary>
    public string? Currency { get; init; }

    /// <summary>True when the customer must enter a code (a coupon or promo code) for the program to apply.</summary>
    public bool NeedsCode { get; init; }

    public required IReadOnlyList<LoyaltyRule> Rules { get; init; }

    public required IReadOnlyList<LoyaltyReward> Rewards { get; init; }
}

/// <summary>When and how many points an order earns.</summary>
public sealed record LoyaltyRule
{
    public required string Id { get; init; }

    public required LoyaltyPointMode PointMode { get; init; }

    /// <summary>Points per order, per currency unit or per product unit, as <see cref="PointMode"/> says.</summary>
    public required decimal Points { get; init; }

    /// <summary>The order (or the covered products) must come to at least this, tax included.</summary>
    public decimal MinimumAmount { get; init; }

    /// <summary>At least this many units of the covered products.</summary>
    public decimal MinimumQuantity { get; init; }

    /// <summary>The products the rule covers; empty: every product.</summary>
    public IReadOnlyList<string> ProductIds { get; init; } = [];

    /// <summary>The code that triggers the rule, for programs applied with a code.</summary>
    public string? Code { get; init; }
}

/// <summary>What a customer can spend points on.</summary>
public sealed record LoyaltyReward
{
    public required string Id { get; init; }

    public required LoyaltyRewardKind Kind { get; init; }

    public required string Description { get; init; }

    /// <summary>Points the reward costs.</summary>
    public required decimal RequiredPoints { get; init; }

    /// <summary>For a discount: the percent or amount, per <see cref="DiscountMode"/>.</summary>
    public decimal Discount { get; init; }

    public LoyaltyDiscountMode DiscountMode { get; init; }

    /// <summary>For a discount: the most it may take off; zero means no limit.</summary>
    public decimal MaxDiscount { get; init; }

    /// <summary>For a product reward: the product given and how many.</summary>
    public string? ProductId { get; init; }

    public decimal ProductQuantity { get; init; }
}

/// <summary>
/// A customer's card in a program, as the back office holds it (Odoo's <c>loyalty.card</c>): who holds it, the code
/// printed or written on it, and its points. Tills find the customer by the code and start from these points.
/// </summary>
public sealed record LoyaltyCard
{
    /// <summary>The back office's id of the card.</summary>
    public required string Id { get; init; }

    /// <summary>The program the card is in (<see cref="LoyaltyProgram.Id"/>).</summary>
    public required string ProgramId { get; init; }

    /// <summary>The code on the card (scanned, typed or read from an NFC tag); may be empty for a card with none.</summary>
    public string? Code { get; init; }

    /// <summary>The card holder: the back office's customer, with the phone and e-mail a cashier finds them by.</summary>
    public required Sales.Customer Customer { get; init; }

    /// <summary>The card's points as the back office read them at <see cref="AsOf"/>.</summary>
    public required decimal Points { get; init; }

    /// <summary>
    /// The points include every sale whose loyalty reached the back office before this instant. A till adds the
    /// points of its own sales the back office may not have had by then.
    /// </summary>
    public required DateTimeOffset AsOf { get; init; }
}

/// <summary>One page of cards changed since a cursor; <see cref="RemovedCardIds"/> are cards deleted or whose program ended.</summary>
public sealed record LoyaltyCardChanges
{
    public required IReadOnlyList<LoyaltyCard> Cards { get; init; }

    public IReadOnlyList<string> RemovedCardIds { get; init; } = [];

    /// <summary>Opaque to the caller: pass it back to continue after this page.</summary>
    public required string NextCursor { get; init; }

    /// <summary>More changes are waiting: ask again with <see cref="NextCursor"/> now.</summary>
    public bool HasMore { get; init; }
}

/// <summary>Where tills get the loyalty programs they apply and the customers' cards (Odoo by default).</summary>
public interface ILoyaltySource : IAdapter
{
    /// <summary>Every active program with its rules and rewards.</summary>
    Task<IReadOnlyList<LoyaltyProgram>> GetProgramsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Cards held by a customer that changed after <paramref name="cursor"/> (null: all), at most
    /// <paramref name="pageSize"/>, oldest change first; a large first pull is walked page by page.
    /// </summary>
    Task<LoyaltyCardChanges> GetCardsAsync(string? cursor, int pageSize, CancellationToken cancellationToken = default);
}
