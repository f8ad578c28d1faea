using System.Globalization;
using PosBridge.Core.Amounts;
using PosBridge.Core.Loyalty;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Catalog;
using PosBridge.Terminal.Customers;
using PosBridge.Terminal.Storage;
using PosBridge.Till;
using PosBridge.Till.Loyalty;
using PosBridge.Till.Sales;

namespace PosBridge.Terminal.Loyalty;

/// <summary>
/// A customer's points in a program as this till sees them: the balance the back office last gave
/// (<see cref="BackOffice"/>, as of <see cref="BackOfficeAsOf"/>: the card's points pulled with the catalog; zero
/// when it never did) plus <see cref="EarnedHere"/> and <see cref="SpentHere"/>, the points moved by this till's
/// sales and refunds the back office cannot have counted yet.
/// </summary>
/// <remarks>
/// <para>
/// A till sells offline, so when a sale was made says nothing about whether the back office has its points: a sale
/// made at 10:00 offline and uploaded at 17:00 is not in a balance read at 16:58. A sale's (or refund's) points
/// count on top of the back office's balance when the connector has not acknowledged it yet (its outbox row is
/// pending, or was refused and waits for the manager), or acknowledged it after <see cref="BackOfficeAsOf"/>. A sale
/// acknowledged before then is taken as already in the balance: the connector sets a card's as-of instant before
/// any sale it holds whose points have not reached the back office.
/// </para>
/// <para>
/// Acknowledgements are stamped with the till's clock and the as-of instant with the connector's; the catalog pull
/// moves the as-of instant onto the till's clock by the skew measured at pairing. Drift since then shifts the line
/// by as much: a sale acknowledged that close to the as-of instant may count twice, or not at all, until the next pull. With no balance
/// from the back office, every move on this till counts. Points earned at other tills or online are not seen until
/// the next pull brings the card's new balance.
/// </para>
/// </remarks>
public sealed record LoyaltyBalance(string CustomerId, string ProgramId, decimal BackOffice, DateTimeOffset? BackOfficeAsOf, decimal EarnedHere, decimal SpentHere)
{
    public decimal Available => BackOffice + EarnedHere - SpentHere;
}

public enum RedeemStatus
{
    Applied,

    /// <summary>Nothing changed on the cart; <see cref="RedeemResult.Message"/> says why.</summary>
    Refused,
}

/// <summary>Why a reward was refused, for a screen that words it in the cashier's language.</summary>
public enum RedeemRefusal
{
    None,
    NoCustomer,
    NoProgram,
    UnknownReward,
    RewardAlreadyApplied,
    EmptyCart,
    PointsShort,
    NotAtTill,
    NothingToDiscount,
    TooFewPoints,
    ProductNotSold,
}

/// <summary>The outcome of spending points on a reward; <see cref="Message"/> is for the cashier, <see cref="Refusal"/> says why it was refused.</summary>
public sealed record RedeemResult(RedeemStatus Status, string Message, AppliedReward? Reward = null, RedeemRefusal Refusal = RedeemRefusal.None)
{
    public bool IsApplied => Status == RedeemStatus.Applied;
}

/// <summary>Why a promotion code was refused, for a screen that words it in the cashier's language.</summary>
public enum PromotionRefusal
{
    None,

    /// <summary>No code was given.</summary>
    NoCode,

    /// <summary>No program on the till has the code (and no card either).</summary>
    UnknownCode,

    /// <summary>The code is a customer's loyalty card, not a promotion: attach the customer with it instead.</summary>
    LoyaltyCard,

    /// <summary>A single-use coupon, gift card or e-wallet: only the back office knows whether it was used.</summary>
    NeedsBackOffice,

    /// <summary>The code's rule is not met by the cart; <see cref="PromotionResult.AmountShort"/> and <see cref="PromotionResult.QuantityShort"/> say by how much.</summary>
    RuleNotMet,

    /// <summary>A promotion code is already on the sale (the same or another).</summary>
    AlreadyApplied,

    /// <summary>A points reward is on the sale: one reward per sale.</summary>
    RewardOn,

    EmptyCart,

    /// <summary>Payment has started: the amount to pay can no longer change.</summary>
    PaymentStarted,

    /// <summary>The program's rewards are nothing the till can give (e.g. free shipping).</summary>
    NotAtTill,

    NothingToDiscount,

    ProductNotSold,
}

/// <summary>
/// The outcome of a promotion code; <see cref="Message"/> is for the cashier, <see cref="Refusal"/> says why it was
/// refused, and for <see cref="PromotionRefusal.RuleNotMet"/> <see cref="AmountShort"/> (tax included) and
/// <see cref="QuantityShort"/> say what the cart lacks of the rule's products.
/// </summary>
public sealed record PromotionResult(RedeemStatus Status, string Message, AppliedPromotion? Promotion = null, PromotionRefusal Refusal = PromotionRefusal.None, decimal AmountShort = 0m, decimal QuantityShort = 0m)
{
    public bool IsApplied => Status == RedeemStatus.Applied;
}

/// <summary>
/// Loyalty at the till, by the programs pulled from the back office: attach a customer to a cart (the program they
/// earn in comes with them), show their points, spend points on a reward. Points earned are computed on the sale's
/// own totals when it commits and recorded on the sale (<see cref="Sale.Loyalty"/>), which the connector's loyalty
/// sink applies to the customer's card in the back office.
/// </summary>
public sealed class LoyaltyService
{
    private readonly ILoyaltyBalanceStore _balances;
    private readonly CatalogStore _catalog;
    private readonly CustomerStore _customers;
    private readonly TillOptions _options;

    public LoyaltyService(TillDatabase database, TillOptions options)
        : this(new LoyaltyBalanceStore(database ?? throw new ArgumentNullException(nameof(database))), new CatalogStore(database, options), new CustomerStore(database), options)
    {
    }

    /// <summary>Loyalty over any balance store: the seam a till that keeps its points elsewhere than SQLite plugs into.</summary>
    public LoyaltyService(ILoyaltyBalanceStore balances, CatalogStore catalog, CustomerStore customers, TillOptions options)
    {
        ArgumentNullException.ThrowIfNull(balances);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentNullException.ThrowIfNull(options);
        _balances = balances;
        _options = options;
        _catalog = catalog;
        _customers = customers;
    }

    public IReadOnlyList<LoyaltyProgram> Programs() => _catalog.LoyaltyPrograms();

    /// <summary>The program a customer earns in by default: the first points program that needs no code.</summary>
    public LoyaltyProgram? DefaultProgram() =>
        Programs().FirstOrDefault(p => !p.NeedsCode && string.Equals(p.Kind, "loyalty", StringComparison.OrdinalIgnoreCase))
        ?? Programs().FirstOrDefault(p => !p.NeedsCode);

    /// <summary>
    /// Attaches <paramref name="customer"/> to the cart, earning in <paramref name="programId"/> (default:
    /// <see cref="DefaultProgram"/>; none when the till has no program). A reward already on the cart is removed
    /// first: it was the previous customer's.
    /// </summary>
    /// <exception cref="ArgumentException">No program has the id given.</exception>
    public void Attach(Cart cart, Customer customer, string? programId = null)
    {
        ArgumentNullException.ThrowIfNull(cart);
        ArgumentNullException.ThrowIfNull(customer);
        var program = programId is null
            ? DefaultProgram()
            : Programs().FirstOrDefault(p => p.Id == programId) ?? throw new ArgumentException($"The till has no loyalty program '{programId}'; pull the catalog.", nameof(programId));
        RemoveReward(cart);
        cart.Customer = WithCardOf(customer, program);
        cart.LoyaltyProgram = program;
    }

    /// <summary>
    /// Attaches the holder of a scanned, typed or tapped card, earning in the card's program when the till has it
    /// (otherwise, or for a code given at this till, in <see cref="DefaultProgram"/>).
    /// </summary>
    public void Attach(Cart cart, CardHolder holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        var program = holder.ProgramId is { } id && Programs().Any(p => p.Id == id) ? id : null;
        Attach(cart, holder.Customer, program);
    }

    /// <summary>Takes the customer (and any reward) off the cart.</summary>
    public static void Detach(Cart cart)
    {
        ArgumentNullException.ThrowIfNull(cart);
        RemoveReward(cart);
        cart.Customer = null;
        cart.LoyaltyProgram = null;
    }

    /// <summary>The customer's points in a program as this till knows them (see <see cref="LoyaltyBalance"/>).</summary>
    public LoyaltyBalance Balance(string customerId, string programId)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        ArgumentException.ThrowIfNullOrEmpty(programId);
        return _balances.Balance(customerId, programId);
    }

    /// <summary>
    /// Records the balance the back office gave for a customer's card as of <paramref name="asOf"/> (the catalog pull
    /// does, for each card): sales on this till the connector acknowledged before that instant are taken as already
    /// in it, the others are added to it (see <see cref="LoyaltyBalance"/>).
    /// </summary>
    public void SetBackOfficeBalance(string customerId, string programId, decimal points, DateTimeOffset asOf)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        ArgumentException.ThrowIfNullOrEmpty(programId);
        _balances.SetBackOffice(customerId, programId, points, asOf);
    }

    /// <summary>
    /// Forgets the back office's balance of a card it deleted, unless the customer still has another card in the
    /// program: the till's view falls back to the points moved on this till.
    /// </summary>
    internal void ForgetBackOfficeBalance(string customerId, string programId) =>
        _balances.ForgetBackOfficeUnlessCarded(customerId, programId);

    /// <summary>
    /// The customer as the sale carries them: when the till holds the back office's cards of the customer, the card
    /// code on the sale is their card in the sale's program (none when they have none there), so the back office
    /// credits the right card; otherwise the customer as given.
    /// </summary>
    private Customer WithCardOf(Customer customer, LoyaltyProgram? program)
    {
        if (!_customers.HasBackOfficeCard(customer.Id))
        {
            return customer;
        }

        var code = program is null ? null : _customers.BackOfficeCardCode(customer.Id, program.Id);
        return customer.LoyaltyCardCode == code ? customer : customer with { LoyaltyCardCode = code };
    }

    /// <summary>
    /// Spends points on one of the cart's program's rewards: a discount (percent, an amount, or an amount per point,
    /// up to its maximum) taken as an order discount through Core's calculator, or a product added at 100 % off.
    /// Refused, with nothing changed, without a customer or program, for an unknown reward or one the till cannot
    /// apply, when a reward is already on the cart, or when the customer's points are short.
    /// </summary>
    /// <param name="cart">The cart, with its customer attached.</param>
    /// <param name="rewardId">A reward of the cart's program.</param>
    /// <param name="points">For an amount-per-point reward, how many points to spend (default: as many as the sale can use).</param>
    public RedeemResult Redeem(Cart cart, string rewardId, decimal? points = null)
    {
        ArgumentNullException.ThrowIfNull(cart);
        ArgumentException.ThrowIfNullOrEmpty(rewardId);
        if (cart.Customer is not { } customer)
        {
            return Refused(RedeemRefusal.NoCustomer, "Attach the customer first: points are spent from their card.");
        }

        if (cart.LoyaltyProgram is not { } program)
        {
            return Refused(RedeemRefusal.NoProgram, "This till has no loyalty program for the customer to spend points in; pull the catalog.");
        }

        if (program.Rewards.FirstOrDefault(r => r.Id == rewardId) is not { } reward)
        {
            return Refused(RedeemRefusal.UnknownReward, $"'{program.Name}' has no reward '{rewardId}'.");
        }

        if (cart.Reward is not null)
        {
            return Refused(RedeemRefusal.RewardAlreadyApplied, $"'{cart.Reward.Description}' is already on this sale; one reward per sale (remove it first).");
        }

        if (cart.Lines.Count == 0)
        {
            return Refused(RedeemRefusal.EmptyCart, "The cart is empty: add what the customer buys before spending points.");
        }

        if (cart.Promotion is { } promotion)
        {
            return Refused(RedeemRefusal.RewardAlreadyApplied, $"The promotion code {promotion.Code} ({promotion.Description}) is already on this sale; one reward per sale (remove it first).");
        }

        var result = Give(cart, program, reward, Balance(customer.Id, program.Id).Available, points, customer.Name ?? customer.Id);
        if (result.Reward is { } applied)
        {
            cart.Reward = applied;
        }

        return result;
    }

    /// <summary>
    /// Gives <paramref name="reward"/> on the cart, within <paramref name="available"/> points, through Core's
    /// calculator: the reward's product as a line of its own at 100 % off, or its discount as an order discount.
    /// Changes the cart only when it answers Applied (its <see cref="RedeemResult.Reward"/> says what was given);
    /// the caller records it as a points reward or a promotion.
    /// </summary>
    private RedeemResult Give(Cart cart, LoyaltyProgram program, LoyaltyReward reward, decimal available, decimal? points, string name)
    {
        switch (reward.Kind)
        {
            case LoyaltyRewardKind.Product:
                {
                    if (reward.RequiredPoints > available)
                    {
                        return Short(name, available, reward.RequiredPoints);
                    }

                    if (reward.ProductId is null || _catalog.FindById(reward.ProductId) is not { Active: true } product)
                    {
                        return Refused(RedeemRefusal.ProductNotSold, $"'{reward.Description}' gives a product this till does not sell; pull the catalog.");
                    }

                    cart.AddRewardLine(product, reward.ProductQuantity, reward.Description);
                    var applied = new AppliedReward(program.Id, reward.Id, reward.Description, reward.RequiredPoints, 0m, cart.OrderDiscountPercent);
                    return new RedeemResult(RedeemStatus.Applied, $"{reward.Description}: {reward.RequiredPoints.ToString(CultureInfo.InvariantCulture)} points.", applied);
                }

            case LoyaltyRewardKind.Discount:
                {
                    var total = cart.Totals.Total;
                    if (total <= 0m)
                    {
                        return Refused(RedeemRefusal.NothingToDiscount, "Nothing is left to discount on this sale.");
                    }

                    decimal spend, amount;
                    if (reward.DiscountMode == LoyaltyDiscountMode.PerPoint)
                    {
                        if (reward.Discount <= 0m)
                        {
                            return Refused(RedeemRefusal.NotAtTill, $"'{reward.Description}' gives nothing per point.");
                        }

                        // As many points as asked (or as the sale can use), never fewer than the reward's minimum.
                        var cap = reward.MaxDiscount > 0m ? Math.Min(reward.MaxDiscount, total) : total;
                        spend = points ?? Math.Min(available, Math.Ceiling(cap / reward.Discount * 100m) / 100m);
                        if (spend <= 0m || spend < reward.RequiredPoints)
                        {
                            return spend > available || available < reward.RequiredPoints
                                ? Short(name, available, Math.Max(spend, reward.RequiredPoints))
                                : Refused(RedeemRefusal.TooFewPoints, $"'{reward.Description}' needs at least {reward.RequiredPoints.ToString(CultureInfo.InvariantCulture)} points.");
                        }

                        amount = Math.Min(cap, spend * reward.Discount);
                    }
                    else
                    {
                        spend = reward.RequiredPoints;
                        amount = reward.DiscountMode == LoyaltyDiscountMode.Percent ? total * reward.Discount / 100m : reward.Discount;
                        amount = Math.Min(total, reward.MaxDiscount > 0m ? Math.Min(reward.MaxDiscount, amount) : amount);
                    }

                    if (spend > available)
                    {
                        return Short(name, available, spend);
                    }

                    amount = Rounding.ToDecimals(amount, _options.CurrencyInfo.MinorUnits, RoundingMode.HalfUp);
                    if (amount <= 0m)
                    {
                        return Refused(RedeemRefusal.NothingToDiscount, $"'{reward.Description}' takes nothing off this sale.");
                    }

                    // The whole order's total is linear in (100 − order discount) %, so this order discount takes
                    // the amount off (to the minor unit, up to per-line rounding); Core computes the rest.
                    var before = cart.OrderDiscountPercent;
                    var after = 100m - ((100m - before) * (total - amount) / total);
                    cart.SetOrderDiscountPercent(Math.Min(100m, decimal.Round(after, 10)));
                    var applied = new AppliedReward(program.Id, reward.Id, reward.Description, spend, amount, before);
                    return new RedeemResult(RedeemStatus.Applied, $"{reward.Description}: {amount.ToString(CultureInfo.InvariantCulture)} off for {spend.ToString(CultureInfo.InvariantCulture)} points.", applied);
                }

            default:
                return Refused(RedeemRefusal.NotAtTill, $"'{reward.Description}' cannot be given at the till; the back office gives it.");
        }
    }

    /// <summary>Takes the reward off the cart: the order discount it replaced comes back, a product it gave goes.</summary>
    public static void RemoveReward(Cart cart)
    {
        ArgumentNullException.ThrowIfNull(cart);
        if (cart.Reward is not { } reward)
        {
            return;
        }

        cart.RemoveRewardLines();
        cart.SetOrderDiscountPercent(reward.OrderDiscountBefore);
        cart.Reward = null;
    }

    /// <summary>
    /// The program kinds whose codes are single-use cards (Odoo's coupons, gift cards, e-wallets): whether a card was
    /// already used only the back office knows, so the till refuses them rather than accept one twice offline.
    /// </summary>
    private static readonly string[] SingleUseKinds = ["coupons", "coupon", "gift_card", "ewallet", "next_order_coupons"];

    /// <summary>
    /// Applies a promotion code the customer gives ("COFFEE10"; any case, blanks around ignored): the program whose
    /// rule carries the code gives its reward when the rule is met — the covered products (all when the rule lists
    /// none) reach its minimum amount (tax included, from Core's line totals, reward lines not counted) and quantity.
    /// The rule earns its points for this order (per order, per currency unit or per unit) and the first reward
    /// those points cover is given (as in Odoo, a promotion's reward costs the points its rule just earned), through
    /// the same calculator path as a points reward: an order discount or a free line. The customer's points are not
    /// touched and no customer is needed.
    /// </summary>
    /// <remarks>
    /// Refused, with nothing changed: no code, an unknown code, a customer's loyalty card, a single-use coupon, gift
    /// card or e-wallet code (the till cannot know offline whether it was used), the rule not met (with what is
    /// short), a promotion or points reward already on the sale, an empty cart, payment started, or a reward the till
    /// cannot give. Apply it last, like a reward: a later change to the cart keeps its percent, so a caller that
    /// changes lines calls <see cref="ReapplyPromotion"/>; the commit checks the rule again and refuses a sale that
    /// no longer meets it.
    /// </remarks>
    public PromotionResult ApplyCode(Cart cart, string? code)
    {
        ArgumentNullException.ThrowIfNull(cart);
        var typed = code?.Trim();
        if (string.IsNullOrEmpty(typed))
        {
            return PromoRefused(PromotionRefusal.NoCode, "Type or scan the promotion code the customer gives.");
        }

        if (cart.Promotion is { } on)
        {
            return PromoRefused(
                PromotionRefusal.AlreadyApplied,
                string.Equals(on.Code, typed, StringComparison.OrdinalIgnoreCase)
                    ? $"The promotion code {on.Code} is already on this sale."
                    : $"The promotion code {on.Code} is already on this sale; one promotion per sale (remove it first).");
        }

        var match = Programs()
            .SelectMany(p => p.Rules.Where(r => string.Equals(r.Code?.Trim(), typed, StringComparison.OrdinalIgnoreCase)).Select(r => (Program: p, Rule: r)))
            .FirstOrDefault();
        if (match.Program is not { } program)
        {
            if (_customers.FindCardByCode(typed) is { } holder)
            {
                return Programs().FirstOrDefault(p => p.Id == holder.ProgramId) is { } cardProgram && IsSingleUse(cardProgram)
                    ? PromoRefused(PromotionRefusal.NeedsBackOffice, $"'{typed}' is a {cardProgram.Kind.Replace('_', ' ')} code of {cardProgram.Name}: single-use coupons need the back office; not accepted at the till yet.")
                    : PromoRefused(PromotionRefusal.LoyaltyCard, $"'{typed}' is the loyalty card of {holder.Customer.Name ?? holder.Customer.Id}, not a promotion code: attach the customer with it instead.");
            }

            return PromoRefused(PromotionRefusal.UnknownCode, $"No promotion on this till has the code '{typed}': check it, or pull the catalog if the back office has just made it.");
        }

        var rule = match.Rule;
        if (IsSingleUse(program))
        {
            return PromoRefused(PromotionRefusal.NeedsBackOffice, $"'{typed}' belongs to {program.Name} ({program.Kind.Replace('_', ' ')}): single-use coupons need the back office; not accepted at the till yet.");
        }

        if (cart.Reward is { } reward)
        {
            return PromoRefused(PromotionRefusal.RewardOn, $"'{reward.Description}' is already on this sale for points; one reward per sale: take it off to use the code {typed}.");
        }

        if (!cart.Lines.Any(l => !l.IsReward))
        {
            return PromoRefused(PromotionRefusal.EmptyCart, "The cart is empty: add what the customer buys before the promotion code.");
        }

        if (cart.Payments.Count > 0)
        {
            return PromoRefused(PromotionRefusal.PaymentStarted, "Payment has started on this sale: a promotion code must be given before paying.");
        }

        var check = LoyaltyRules.Check(rule, cart.Lines, cart.Totals);
        if (!check.Met)
        {
            return NotMet(rule, program, check);
        }

        var rewards = program.Rewards.Where(r => r.Kind != LoyaltyRewardKind.Other).ToList();
        if (rewards.Count == 0)
        {
            return PromoRefused(PromotionRefusal.NotAtTill, $"{program.Name} gives nothing the till can give; the back office gives it.");
        }

        var covered = rewards.Where(r => r.RequiredPoints <= check.Points).ToList();
        if (covered.Count == 0)
        {
            var cheapest = rewards.Min(r => r.RequiredPoints);
            return PromoRefused(PromotionRefusal.RuleNotMet, $"The code {rule.Code} earns {Number(check.Points)} points on this sale; {program.Name}'s reward needs {Number(cheapest)}.");
        }

        PromotionResult? firstRefusal = null;
        foreach (var candidate in covered)
        {
            var given = Give(cart, program, candidate, check.Points, null, program.Name);
            if (given.Reward is { } applied)
            {
                var promotion = new AppliedPromotion(rule.Code!.Trim(), program.Id, program.Name, rule.Id, candidate.Id, candidate.Description, applied.DiscountAmount, applied.OrderDiscountBefore);
                cart.Promotion = promotion;
                return new PromotionResult(
                    RedeemStatus.Applied,
                    $"{promotion.Code}: {candidate.Description}" + (applied.DiscountAmount > 0m ? $", {Number(applied.DiscountAmount)} off." : "."),
                    promotion);
            }

            firstRefusal ??= PromoRefused(
                given.Refusal switch
                {
                    RedeemRefusal.ProductNotSold => PromotionRefusal.ProductNotSold,
                    RedeemRefusal.NothingToDiscount => PromotionRefusal.NothingToDiscount,
                    _ => PromotionRefusal.NotAtTill,
                },
                given.Message);
        }

        return firstRefusal!;
    }

    /// <summary>Takes the promotion off the cart: the order discount it replaced comes back, a product it gave goes.</summary>
    public static void RemovePromotion(Cart cart)
    {
        ArgumentNullException.ThrowIfNull(cart);
        if (cart.Promotion is not { } promotion)
        {
            return;
        }

        cart.RemoveRewardLines();
        cart.SetOrderDiscountPercent(promotion.OrderDiscountBefore);
        cart.Promotion = null;
    }

    /// <summary>
    /// After the cart's lines changed: takes the promotion off and applies its code again, so its rule is checked on
    /// the cart as it now is and an amount reward stays that amount. Null when no promotion was on; refused (the
    /// promotion stays off, the message says why) when the rule is no longer met.
    /// </summary>
    public PromotionResult? ReapplyPromotion(Cart cart)
    {
        ArgumentNullException.ThrowIfNull(cart);
        if (cart.Promotion is not { } promotion)
        {
            return null;
        }

        RemovePromotion(cart);
        return ApplyCode(cart, promotion.Code);
    }

    /// <summary>
    /// Why the cart's promotion may not be committed, read from the programs the till holds now (the commit calls it
    /// under the write lock): the program or its code is gone, or its rule is no longer met by the cart's lines, or
    /// its points no longer cover the reward. Null when it holds (or there is none).
    /// </summary>
    internal static string? PromotionProblem(IReadOnlyList<LoyaltyProgram> programs, Cart cart, Func<string, string> productName)
    {
        if (cart.Promotion is not { } promotion)
        {
            return null;
        }

        var program = programs.FirstOrDefault(p => p.Id == promotion.ProgramId);
        var rule = program?.Rules.FirstOrDefault(r => r.Id == promotion.RuleId && string.Equals(r.Code?.Trim(), promotion.Code, StringComparison.OrdinalIgnoreCase));
        if (program is null || rule is null || IsSingleUse(program))
        {
            return $"The promotion code {promotion.Code} is no longer offered by the back office";
        }

        var check = LoyaltyRules.Check(rule, cart.Lines, cart.TotalsBeforePromotion());
        if (!check.Met)
        {
            return $"The promotion code {promotion.Code} no longer applies: {Shortfall(rule, check, rule.ProductIds.Select(productName).ToList())}";
        }

        return program.Rewards.FirstOrDefault(r => r.Id == promotion.RewardId) is { } reward && reward.RequiredPoints <= check.Points
            ? null
            : $"The promotion code {promotion.Code} no longer gives {promotion.Description}";
    }

    private static bool IsSingleUse(LoyaltyProgram program) => SingleUseKinds.Contains(program.Kind.Trim(), StringComparer.OrdinalIgnoreCase);

    private PromotionResult NotMet(LoyaltyRule rule, LoyaltyProgram program, RuleCheck check)
    {
        var names = rule.ProductIds.Select(id => _catalog.FindById(id)?.Name ?? id).ToList();
        var amountShort = Math.Max(0m, rule.MinimumAmount - check.Amount);
        var quantityShort = check.CoveredLines == 0 ? Math.Max(1m, rule.MinimumQuantity) : Math.Max(0m, rule.MinimumQuantity - check.Quantity);
        return new PromotionResult(
            RedeemStatus.Refused,
            $"{program.Name} ({rule.Code}) does not apply yet: {Shortfall(rule, check, names)}.",
            Refusal: PromotionRefusal.RuleNotMet,
            AmountShort: amountShort,
            QuantityShort: quantityShort);
    }

    /// <summary>What the rule needs and the cart lacks, e.g. "it needs 50 of Coffee, Milk (tax included); the cart has 23.37: 26.63 short".</summary>
    private static string Shortfall(LoyaltyRule rule, RuleCheck check, IReadOnlyList<string> productNames)
    {
        var of = rule.ProductIds.Count == 0 ? "on the order" : "of " + string.Join(", ", productNames);
        var parts = new List<string>();
        if (check.Amount < rule.MinimumAmount)
        {
            parts.Add($"it needs {Number(rule.MinimumAmount)} {of} (tax included); the cart has {Number(check.Amount)}: {Number(rule.MinimumAmount - check.Amount)} short");
        }

        if (check.CoveredLines == 0 || check.Quantity < rule.MinimumQuantity)
        {
            var needed = Math.Max(1m, rule.MinimumQuantity);
            parts.Add($"it needs {Number(needed)} {(rule.ProductIds.Count == 0 ? "items" : "units " + of)}; the cart has {Number(check.Quantity)}");
        }

        return string.Join("; ", parts);
    }

    private static string Number(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static PromotionResult PromoRefused(PromotionRefusal why, string message) => new(RedeemStatus.Refused, message, Refusal: why);

    private static RedeemResult Refused(RedeemRefusal why, string message) => new(RedeemStatus.Refused, message, Refusal: why);

    private static RedeemResult Short(string customer, decimal available, decimal needed) =>
        Refused(RedeemRefusal.PointsShort, $"{customer} has {available.ToString(CultureInfo.InvariantCulture)} points here; this reward needs {needed.ToString(CultureInfo.InvariantCulture)}.");
}
