using PosBridge.Core.Amounts;
using PosBridge.Core.Loyalty;
using PosBridge.Core.Sales;
using PosBridge.Till.Sales;

namespace PosBridge.Till.Loyalty;

/// <summary>
/// The points a sale earns by a program's rules, from the line totals Core's calculator gave the sale (tax included,
/// after every discount, the loyalty reward's too): nothing is priced a second way. Each rule counts the lines it
/// covers (its products, or all), skipping lines a reward gave away; it applies when those lines reach its minimum
/// amount and quantity; rules of a program add up, as in Odoo. Rules that need a code earn no points here: a promotion
/// code's rule is checked by <see cref="Check"/> and its reward given by <c>LoyaltyService.ApplyCode</c>.
/// Points are rounded half away from zero to 2 decimals (Odoo keeps card points as a float).
/// </summary>
internal static class LoyaltyRules
{
    public static decimal Earned(LoyaltyProgram program, IReadOnlyList<CartLine> lines, ComputedTotals totals)
    {
        var points = 0m;
        foreach (var rule in program.Rules)
        {
            if (!string.IsNullOrEmpty(rule.Code))
            {
                continue;
            }

            var (covered, quantity, amount) = Covered(rule, lines, totals);
            if (covered == 0 || amount < rule.MinimumAmount || quantity < rule.MinimumQuantity)
            {
                continue;
            }

            points += Points(rule, quantity, amount);
        }

        return points <= 0m ? 0m : Rounding.ToDecimals(points, 2, RoundingMode.HalfUp);
    }

    /// <summary>
    /// How a rule with a code stands on the cart: the lines it covers (never a reward's), their quantity and amount
    /// (tax included, from <paramref name="totals"/>), whether it is met, and the points it earns this order when met
    /// (rounded like <see cref="Earned"/>).
    /// </summary>
    public static RuleCheck Check(LoyaltyRule rule, IReadOnlyList<CartLine> lines, ComputedTotals totals)
    {
        var (covered, quantity, amount) = Covered(rule, lines, totals);
        var met = covered > 0 && amount >= rule.MinimumAmount && quantity >= rule.MinimumQuantity;
        var points = met ? Math.Max(0m, Rounding.ToDecimals(Points(rule, quantity, amount), 2, RoundingMode.HalfUp)) : 0m;
        return new RuleCheck(covered, quantity, amount, met, points);
    }

    private static (int Covered, decimal Quantity, decimal Amount) Covered(LoyaltyRule rule, IReadOnlyList<CartLine> lines, ComputedTotals totals)
    {
        var quantity = 0m;
        var amount = 0m;
        var covered = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.IsReward || (rule.ProductIds.Count > 0 && !rule.ProductIds.Contains(line.Product.Id, StringComparer.Ordinal)))
            {
                continue;
            }

            covered++;
            quantity += line.Quantity;
            amount += totals.Lines[i].TotalIncluded;
        }

        return (covered, quantity, amount);
    }

    private static decimal Points(LoyaltyRule rule, decimal quantity, decimal amount) => rule.PointMode switch
    {
        LoyaltyPointMode.PerOrder => rule.Points,
        LoyaltyPointMode.PerCurrencyUnit => rule.Points * amount,
        _ => rule.Points * quantity,
    };

    /// <summary>
    /// What a refund gives back and takes back: the original's points in the share of its amount refunded so far
    /// (this refund included), less what earlier refunds already moved, so refunding everything in parts moves
    /// exactly the original's points. Earned points are taken back (the refund's <c>Spent</c>); spent points are
    /// given back (its <c>Earned</c>).
    /// </summary>
    public static LoyaltyPoints? ForRefund(Sale original, IReadOnlyList<Sale> earlierRefunds, decimal refundAmount)
    {
        if (original.Loyalty is not { } points || original.Totals.AmountDue == 0m)
        {
            return null;
        }

        var refunded = Math.Abs(refundAmount) + earlierRefunds.Sum(r => Math.Abs(r.Totals.AmountDue));
        var share = Math.Min(1m, refunded / Math.Abs(original.Totals.AmountDue));
        var earlier = earlierRefunds.Select(r => r.Loyalty).OfType<LoyaltyPoints>().Where(l => l.ProgramId == points.ProgramId).ToList();
        var takeBack = Math.Max(0m, Rounding.ToDecimals(points.Earned * share, 2, RoundingMode.HalfUp) - earlier.Sum(l => l.Spent));
        var giveBack = Math.Max(0m, Rounding.ToDecimals(points.Spent * share, 2, RoundingMode.HalfUp) - earlier.Sum(l => l.Earned));
        return takeBack == 0m && giveBack == 0m ? null : new LoyaltyPoints { ProgramId = points.ProgramId, Earned = giveBack, Spent = takeBack };
    }
}

/// <summary>How a rule stands on a cart: the lines it covers, their quantity and amount (tax included), met or not, and the points it earns.</summary>
internal sealed record RuleCheck(int CoveredLines, decimal Quantity, decimal Amount, bool Met, decimal Points);
