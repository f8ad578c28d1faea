using PosBridge.Core.Catalog;
using PosBridge.Core.Loyalty;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;

namespace PosBridge.Till.Sales;

/// <summary>What a cashier may do beyond selling at catalog prices.</summary>
[Flags]
public enum TillPermissions
{
    None = 0,
    OverridePrice = 1,
    Refund = 2,
    ManageShift = 4,
}

/// <summary>A line of the cart. Totals are not kept here: they come from Core's calculator.</summary>
public sealed record CartLine(
    Product Product,
    decimal Quantity,
    decimal UnitPrice,
    decimal DiscountPercent = 0m,
    string? ScannedCode = null,
    string? Note = null,
    bool PriceOverridden = false,
    bool IsReward = false);

/// <summary>
/// A loyalty reward spent on the cart: <see cref="Points"/> come off the customer's balance when the sale commits.
/// <see cref="OrderDiscountBefore"/> is the order discount it replaced, put back if the reward is removed.
/// </summary>
public sealed record AppliedReward(string ProgramId, string RewardId, string Description, decimal Points, decimal DiscountAmount, decimal OrderDiscountBefore);

/// <summary>
/// A promotion code the customer gave, applied to the cart by <c>LoyaltyService.ApplyCode</c>: the reward of the
/// code's program (<see cref="ProgramId"/>), given because its rule is met, at no cost in points. It goes on the
/// sale's note (<see cref="Cart.PromotionNote"/>) so the back office sees which code was used.
/// <see cref="OrderDiscountBefore"/> is the order discount it replaced, put back if the promotion is removed.
/// </summary>
public sealed record AppliedPromotion(string Code, string ProgramId, string ProgramName, string RuleId, string RewardId, string Description, decimal DiscountAmount, decimal OrderDiscountBefore);

/// <summary>
/// The sale being rung up. It holds what the cashier did (lines, discounts, payments); every amount
/// it shows is computed by <see cref="SaleBuilder"/> and <see cref="SaleCalculator"/>, the same code
/// the connector checks sales with.
/// </summary>
public sealed class Cart
{
    private readonly List<CartLine> _lines = [];
    private readonly List<Payment> _payments = [];
    private readonly TillOptions _options;
    private readonly IReadOnlyDictionary<string, TaxDefinition> _taxes;

    internal Cart(TillOptions options, IReadOnlyDictionary<string, TaxDefinition> taxes, Cashier cashier, TillPermissions permissions)
    {
        _options = options;
        _taxes = taxes;
        Cashier = cashier;
        Permissions = permissions;
    }

    public Cashier Cashier { get; }

    public TillPermissions Permissions { get; }

    public IReadOnlyList<CartLine> Lines => _lines;

    public IReadOnlyList<Payment> Payments => _payments;

    public Customer? Customer { get; set; }

    public string? Note { get; set; }

    public decimal OrderDiscountPercent { get; private set; }

    /// <summary>The loyalty program the customer earns in on this sale (set with the customer by <c>LoyaltyService.Attach</c>).</summary>
    public LoyaltyProgram? LoyaltyProgram { get; internal set; }

    /// <summary>The reward spent on this sale, if any.</summary>
    public AppliedReward? Reward { get; internal set; }

    /// <summary>The promotion code applied to this sale, if any (one reward per sale: a promotion or a points reward).</summary>
    public AppliedPromotion? Promotion { get; internal set; }

    /// <summary>
    /// What the sale's note says about the promotion: the code, the program's name and id, and the reward, e.g.
    /// "Promotion code COFFEE10: Coffee lovers code (program 2), 10% on your order". Core's sale has no field for a
    /// promotion, so the note (printed on the receipt, carried to the connector) carries it; null without one.
    /// </summary>
    public string? PromotionNote => Promotion is { } promotion
        ? $"Promotion code {promotion.Code}: {promotion.ProgramName} (program {promotion.ProgramId}), {promotion.Description}"
        : null;

    /// <summary>Points this sale earns as it stands, by the program's rules on Core's totals; zero with no customer or program.</summary>
    public decimal PointsToEarn => Customer is null || LoyaltyProgram is null || _lines.Count == 0 ? 0m : Loyalty.LoyaltyRules.Earned(LoyaltyProgram, _lines, ToBuilder(withLoyalty: false).ComputeTotals());

    /// <summary>The cart was voided: it can no longer be changed, paid or completed.</summary>
    public bool IsVoided { get; private set; }

    /// <summary>Adds a product; a repeat scan of a unit-priced product adds to its line.</summary>
    public CartLine Add(Product product, decimal quantity = 1m, decimal? unitPrice = null, string? scannedCode = null)
    {
        ArgumentNullException.ThrowIfNull(product);
        CheckNotVoided();
        CheckQuantity(product, quantity);
        if (!product.Active)
        {
            throw new InvalidOperationException($"'{product.Name}' is archived and can no longer be sold.");
        }

        var price = unitPrice ?? product.ListPrice;
        var existing = _lines.FindIndex(l => l.Product.Id == product.Id && !product.IsWeighed && l.UnitPrice == price && l.DiscountPercent == 0m && !l.PriceOverridden && l.Note is null);
        if (existing >= 0)
        {
            _lines[existing] = _lines[existing] with { Quantity = _lines[existing].Quantity + quantity };
            return _lines[existing];
        }

        var line = new CartLine(product, quantity, price, ScannedCode: scannedCode);
        _lines.Add(line);
        return line;
    }

    /// <summary>Adds what a scan found, with the weight or price its label carried.</summary>
    public CartLine Add(Catalog.CatalogMatch match)
    {
        ArgumentNullException.ThrowIfNull(match);
        if (match.LinePrice is { } linePrice)
        {
            // A price label: the label's amount is the line's price, whatever the weight.
            var quantity = match.Quantity ?? 1m;
            var line = new CartLine(match.Product, quantity, linePrice / quantity, ScannedCode: match.ScannedCode);
            _lines.Add(line);
            return line;
        }

        return Add(match.Product, match.Quantity ?? 1m, scannedCode: match.ScannedCode);
    }

    public void SetQuantity(int index, decimal quantity)
    {
        var line = Line(index);
        CheckQuantity(line.Product, quantity);
        _lines[index] = line with { Quantity = quantity };
    }

    public void Remove(int index)
    {
        Line(index);
        _lines.RemoveAt(index);
    }

    /// <summary>A product given by a loyalty reward: its own line at 100 % off, never merged with a sold line.</summary>
    internal void AddRewardLine(Product product, decimal quantity, string description)
    {
        CheckNotVoided();
        _lines.Add(new CartLine(product, quantity, product.ListPrice, 100m, Note: description, IsReward: true));
    }

    internal void RemoveRewardLines() => _lines.RemoveAll(l => l.IsReward);

    public void SetLineDiscountPercent(int index, decimal percent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100m);
        _lines[index] = Line(index) with { DiscountPercent = percent };
    }

    /// <summary>
    /// A discount of a fixed amount off the line. Core's sale line carries discounts in percent only, so
    /// the amount becomes the percent of the line's gross that it is; the line total then lands on the
    /// amount off to the currency's minor unit.
    /// </summary>
    public void SetLineDiscountAmount(int index, decimal amount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        var line = Line(index);
        var gross = line.Quantity * line.UnitPrice;
        if (amount > gross)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), $"The discount {amount} is more than the line's {gross}.");
        }

        _lines[index] = line with { DiscountPercent = gross == 0m ? 0m : decimal.Round(amount / gross * 100m, 10) };
    }

    public void SetOrderDiscountPercent(decimal percent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100m);
        OrderDiscountPercent = percent;
    }

    /// <summary>Sells a line at another price. Needs <see cref="TillPermissions.OverridePrice"/>.</summary>
    public void OverridePrice(int index, decimal unitPrice)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(unitPrice);
        if (!Permissions.HasFlag(TillPermissions.OverridePrice))
        {
            throw new UnauthorizedAccessException($"Cashier {Cashier.Id} may not override prices; a manager must.");
        }

        _lines[index] = Line(index) with { UnitPrice = unitPrice, PriceOverridden = true };
    }

    public void SetLineNote(int index, string? note) => _lines[index] = Line(index) with { Note = note };

    /// <summary>The totals now, from Core's calculator.</summary>
    public ComputedTotals Totals => ToBuilder(withLoyalty: false).ComputeTotals();

    /// <summary>
    /// The totals as they were before the promotion's discount (its order discount replaced, its free lines still
    /// skipped by the rules): what a promotion's rule is checked against, as Odoo checks it without reward lines.
    /// </summary>
    internal ComputedTotals TotalsBeforePromotion()
    {
        var builder = ToBuilder(withLoyalty: false);
        if (Promotion is { } promotion)
        {
            builder.OrderDiscountPercent = promotion.OrderDiscountBefore;
        }

        return builder.ComputeTotals();
    }

    /// <summary>What is still to pay.</summary>
    public decimal Remaining => ToBuilder(withLoyalty: false).Remaining;

    internal void AddPayment(Payment payment)
    {
        CheckNotVoided();
        _payments.Add(payment);
    }

    internal void RemovePayment(Payment payment) => _payments.Remove(payment);

    /// <summary>Empties the cart for good; see Checkout.VoidAsync.</summary>
    internal void MarkVoided()
    {
        _lines.Clear();
        _payments.Clear();
        IsVoided = true;
    }

    private void CheckNotVoided()
    {
        if (IsVoided)
        {
            throw new InvalidOperationException("This cart was voided; start a new one.");
        }
    }

    public void RemovePayments() => _payments.Clear();

    /// <summary>A builder holding everything but the identity (id, number, shift, time), which the commit fills in.</summary>
    internal SaleBuilder ToBuilder() => ToBuilder(withLoyalty: true);

    private SaleBuilder ToBuilder(bool withLoyalty)
    {
        var builder = new SaleBuilder(_options.CurrencyInfo, _options.TaxRounding)
        {
            StoreId = _options.StoreId,
            TillId = _options.TillId,
            Cashier = Cashier,
            Customer = Customer,
            Note = PromotionNote is { } promotion ? (string.IsNullOrWhiteSpace(Note) ? promotion : promotion + "\n" + Note) : Note,
            OrderDiscountPercent = OrderDiscountPercent,
            CashRounding = _options.CashRoundingStep is { } step ? new CashRounding { Step = step, Mode = _options.CashRoundingMode } : null,
        };
        foreach (var line in _lines)
        {
            foreach (var taxId in line.Product.TaxIds)
            {
                AddTax(builder, taxId);
            }
        }

        foreach (var line in _lines)
        {
            builder.AddLine(line.Product.Id, line.Product.Name, line.Quantity, line.UnitPrice, line.Product.TaxIds, line.DiscountPercent, line.Product.Unit, line.Product.Sku, line.ScannedCode ?? line.Product.Barcode);
        }

        foreach (var payment in _payments)
        {
            builder.AddPayment(payment);
        }

        if (withLoyalty && Customer is not null && LoyaltyProgram is { } program)
        {
            // Earned on Core's own totals of this very sale (reward discount included), never on a second computation.
            var earned = _lines.Count == 0 ? 0m : Loyalty.LoyaltyRules.Earned(program, _lines, builder.ComputeTotals());
            var spent = Reward?.Points ?? 0m;
            if (earned > 0m || spent > 0m)
            {
                builder.Loyalty = new LoyaltyPoints { ProgramId = program.Id, Earned = earned, Spent = spent };
            }
        }

        return builder;
    }

    /// <summary>Whether every one of <paramref name="taxIds"/> (and their children) is among the taxes this cart was made with.</summary>
    internal bool KnowsTaxes(IEnumerable<string> taxIds) =>
        taxIds.All(id => _taxes.TryGetValue(id, out var tax) && KnowsTaxes(tax.Children));

    private void AddTax(SaleBuilder builder, string taxId)
    {
        if (!_taxes.TryGetValue(taxId, out var tax))
        {
            throw new InvalidOperationException($"Tax '{taxId}' is not in the till's catalog; pull the catalog again.");
        }

        builder.AddTax(tax);
        foreach (var child in tax.Children)
        {
            AddTax(builder, child);
        }
    }

    private CartLine Line(int index) =>
        index >= 0 && index < _lines.Count ? _lines[index] : throw new ArgumentOutOfRangeException(nameof(index), $"The cart has no line {index}.");

    private static void CheckQuantity(Product product, decimal quantity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        if (!product.IsWeighed && decimal.Truncate(quantity) != quantity)
        {
            throw new ArgumentOutOfRangeException(nameof(quantity), $"'{product.Name}' is sold in whole {product.Unit}; {quantity} is not whole.");
        }
    }
}
