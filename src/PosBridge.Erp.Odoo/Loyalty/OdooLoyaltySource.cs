using System.Globalization;
using Newtonsoft.Json.Linq;
using PosBridge.Core.Loyalty;
using PosBridge.Core.Sales;
using PosBridge.Erp.Odoo.Rpc;

namespace PosBridge.Erp.Odoo.Loyalty;

/// <summary>
/// The loyalty programs tills apply, from Odoo 16+'s <c>loyalty.program</c>, <c>loyalty.rule</c> and
/// <c>loyalty.reward</c>: three reads, whatever the number of programs. The customers' cards
/// (<c>loyalty.card</c> with their holder's <c>res.partner</c>) come paged by <c>write_date</c>, so points a card
/// gains anywhere reach the tills on the next pull.
/// </summary>
public sealed class OdooLoyaltySource(OdooClient client, OdooLoyaltyOptions options, TimeProvider timeProvider) : ILoyaltySource
{
    private static readonly string[] CardFields = ["id", "program_id", "partner_id", "code", "points", "write_date"];
    private static readonly Dictionary<string, JToken?> ArchivedToo = new() { ["active_test"] = false };
    private readonly TimeProvider _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));

    private static readonly string[] ProgramFields = ["id", "name", "program_type", "trigger", "currency_id"];
    private static readonly string[] RuleFields = ["id", "program_id", "reward_point_mode", "reward_point_amount", "minimum_amount", "minimum_qty", "product_ids", "code"];
    private static readonly string[] RewardFields = ["id", "program_id", "reward_type", "description", "required_points", "discount", "discount_mode", "discount_max_amount", "reward_product_id", "reward_product_qty"];

    public string Name => options.AdapterName;

    public async Task<IReadOnlyList<LoyaltyProgram>> GetProgramsAsync(CancellationToken cancellationToken = default)
    {
        var programs = await client.SearchReadAsync("loyalty.program", [], ProgramFields, order: "id asc", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (programs.Count == 0)
        {
            return [];
        }

        var ids = new JArray(programs.Select(p => p["id"]!.Value<long>()));
        var rules = await client.SearchReadAsync("loyalty.rule", OdooValues.Domain(OdooValues.Leaf("program_id", "in", ids)), RuleFields, order: "id asc", cancellationToken: cancellationToken).ConfigureAwait(false);
        var rewards = await client.SearchReadAsync("loyalty.reward", OdooValues.Domain(OdooValues.Leaf("program_id", "in", ids)), RewardFields, order: "id asc", cancellationToken: cancellationToken).ConfigureAwait(false);
        var rulesOf = rules.ToLookup(r => OdooValues.Id(r["program_id"]));
        var rewardsOf = rewards.ToLookup(r => OdooValues.Id(r["program_id"]));
        return [.. programs.Select(p =>
        {
            var id = p["id"]!.Value<long>();
            return new LoyaltyProgram
            {
                Id = Text(id),
                Name = OdooValues.Text(p["name"]) ?? Text(id),
                Kind = OdooValues.Text(p["program_type"]) ?? "loyalty",
                Currency = OdooValues.Ref(p["currency_id"])?.Name is { Length: > 0 } code ? code : null,
                NeedsCode = OdooValues.Text(p["trigger"]) == "with_code",
                Rules = [.. rulesOf[id].Select(Rule)],
                Rewards = [.. rewardsOf[id].Select(Reward)],
            };
        })];
    }

    /// <summary>
    /// Cards changed after <paramref name="cursor"/>, and the cards of holders whose name, phone, e-mail or archiving
    /// changed since (a holder's edit leaves the card's own <c>write_date</c> alone). The cursor is
    /// <c>"&lt;cards&gt;;&lt;holders&gt;[;h]"</c>, two <see cref="WriteDatePager"/> cursors: a pull walks the card pages,
    /// then, in the call that ends them, the holders changed since the holders' cursor bring their cards again (<c>h</c>:
    /// the holders' pages go on). The first pull starts the holders' cursor at the newest holder, as its card pages
    /// bring every holder as they are. A card with no holder, or an archived holder, comes as removed: no till can
    /// attach it. Each card's points are as of the moment before the read. Each pull reads the last
    /// <see cref="WriteDatePager.DefaultWindow"/> of changes again, as for products.
    /// </summary>
    public async Task<LoyaltyCardChanges> GetCardsAsync(string? cursor, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var asOf = _time.GetUtcNow();
        var version = await client.GetVersionAsync(cancellationToken).ConfigureAwait(false);

        // 19 folded mobile into phone.
        string[] partnerFields = ["id", "name", "phone", "email", "active", "write_date", .. version.Major <= 18 ? new[] { "mobile" } : []];
        var (cardCursor, holderCursor, holdersGoOn) = SplitCursor(cursor);
        holderCursor ??= await NewestHolderCursorAsync(cancellationToken).ConfigureAwait(false);

        var cards = new List<LoyaltyCard>();
        var removed = new List<string>();
        var nextCards = cardCursor ?? string.Empty;
        if (!holdersGoOn)
        {
            var cardPage = await WriteDatePager.NextAsync(
                (domain, order, limit) => client.SearchReadAsync("loyalty.card", domain, CardFields, limit: limit, order: order, cancellationToken: cancellationToken),
                [],
                cardCursor,
                pageSize,
                asOf,
                WriteDatePager.DefaultWindow).ConfigureAwait(false);
            var partnerIds = cardPage.Rows.Select(r => OdooValues.Id(r["partner_id"])).OfType<long>().Distinct().ToList();
            var holders = partnerIds.Count == 0
                ? []
                : await client.SearchReadAsync("res.partner", OdooValues.Domain(OdooValues.Leaf("id", "in", new JArray(partnerIds))), partnerFields, context: ArchivedToo, cancellationToken: cancellationToken).ConfigureAwait(false);
            Collect(cardPage.Rows, holders, asOf, cards, removed);
            nextCards = cardPage.NextCursor;
            if (cardPage.HasMore)
            {
                return new LoyaltyCardChanges { Cards = cards, RemovedCardIds = removed, NextCursor = JoinCursor(nextCards, holderCursor, false), HasMore = true };
            }
        }

        var holderPage = await WriteDatePager.NextAsync(
            (domain, order, limit) => client.SearchReadAsync("res.partner", domain, partnerFields, limit: limit, order: order, context: ArchivedToo, cancellationToken: cancellationToken),
            [],
            holderCursor.Length == 0 ? null : holderCursor,
            pageSize,
            asOf,
            WriteDatePager.DefaultWindow).ConfigureAwait(false);
        var held = holderPage.Rows.Count == 0
            ? []
            : await client.SearchReadAsync("loyalty.card", OdooValues.Domain(OdooValues.Leaf("partner_id", "in", new JArray(holderPage.Rows.Select(p => p["id"]!.Value<long>())))), CardFields, order: "id asc", cancellationToken: cancellationToken).ConfigureAwait(false);
        Collect(held, holderPage.Rows, asOf, cards, removed);

        // A card met in both passes comes once, as the holders' pass read it (the later read).
        var distinct = cards.GroupBy(c => c.Id, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        var gone = removed.Distinct(StringComparer.Ordinal).Where(id => !distinct.Exists(c => c.Id == id)).ToList();
        return new LoyaltyCardChanges { Cards = distinct, RemovedCardIds = gone, NextCursor = JoinCursor(nextCards, holderPage.NextCursor, holderPage.HasMore), HasMore = holderPage.HasMore };
    }

    private static void Collect(IReadOnlyList<JObject> rows, IReadOnlyList<JObject> holders, DateTimeOffset asOf, List<LoyaltyCard> cards, List<string> removed)
    {
        var partners = holders.ToDictionary(p => p["id"]!.Value<long>());
        foreach (var row in rows)
        {
            var id = Text(row["id"]!.Value<long>());
            if (OdooValues.Id(row["partner_id"]) is not { } partnerId || !partners.TryGetValue(partnerId, out var partner) || !OdooValues.Bool(partner["active"]) || OdooValues.Id(row["program_id"]) is not { } program)
            {
                removed.Add(id);
                continue;
            }

            var code = OdooValues.Text(row["code"]);
            cards.Add(new LoyaltyCard
            {
                Id = id,
                ProgramId = Text(program),
                Code = code,
                Points = OdooValues.Number(row["points"]) ?? 0m,
                AsOf = asOf,
                Customer = new Customer
                {
                    Id = PosBridge.Erp.Odoo.Pos.OdooLookups.PartnerCustomerId(partnerId),
                    Name = OdooValues.Text(partner["name"]),
                    Phone = OdooValues.Text(partner["phone"]) ?? OdooValues.Text(partner["mobile"]),
                    Email = OdooValues.Text(partner["email"]),
                    LoyaltyCardCode = code,
                },
            });
        }

    }

    private async Task<string> NewestHolderCursorAsync(CancellationToken cancellationToken)
    {
        var newest = await client.SearchReadAsync("res.partner", [], ["id", "write_date"], limit: 1, order: "write_date desc, id desc", context: ArchivedToo, cancellationToken: cancellationToken).ConfigureAwait(false);
        return newest.Count == 0 ? string.Empty : WriteDatePager.CursorAt(newest[0]);
    }

    private static (string? Cards, string? Holders, bool HoldersGoOn) SplitCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return (null, null, false);
        }

        var parts = cursor.Split(';');
        if (parts.Length is < 2 or > 3 || (parts.Length == 3 && parts[2] != "h"))
        {
            throw new ArgumentException($"'{cursor}' is not a cursor this source made.", nameof(cursor));
        }

        return (parts[0].Length == 0 ? null : parts[0], parts[1], parts.Length == 3);
    }

    private static string JoinCursor(string cards, string holders, bool holdersGoOn) => cards + ";" + holders + (holdersGoOn ? ";h" : string.Empty);

    private static LoyaltyRule Rule(JObject row) => new()
    {
        Id = row["id"]!.ToString(),
        PointMode = OdooValues.Text(row["reward_point_mode"]) switch
        {
            "money" => LoyaltyPointMode.PerCurrencyUnit,
            "unit" => LoyaltyPointMode.PerUnit,
            _ => LoyaltyPointMode.PerOrder,
        },
        Points = OdooValues.Number(row["reward_point_amount"]) ?? 0m,
        MinimumAmount = OdooValues.Number(row["minimum_amount"]) ?? 0m,
        MinimumQuantity = OdooValues.Number(row["minimum_qty"]) ?? 0m,
        ProductIds = [.. OdooValues.Ids(row["product_ids"]).Select(Text)],
        Code = OdooValues.Text(row["code"]),
    };

    private static LoyaltyReward Reward(JObject row) => new()
    {
        Id = row["id"]!.ToString(),
        Kind = OdooValues.Text(row["reward_type"]) switch
        {
            "discount" => LoyaltyRewardKind.Discount,
            "product" => LoyaltyRewardKind.Product,
            _ => LoyaltyRewardKind.Other,
        },
        Description = OdooValues.Text(row["description"]) ?? string.Empty,
        RequiredPoints = OdooValues.Number(row["required_points"]) ?? 0m,
        Discount = OdooValues.Number(row["discount"]) ?? 0m,
        DiscountMode = OdooValues.Text(row["discount_mode"]) switch
        {
            "per_point" => LoyaltyDiscountMode.PerPoint,
            "per_order" => LoyaltyDiscountMode.PerOrder,
            _ => LoyaltyDiscountMode.Percent,
        },
        MaxDiscount = OdooValues.Number(row["discount_max_amount"]) ?? 0m,
        ProductId = OdooValues.Ref(row["reward_product_id"])?.Id is { } product ? Text(product) : null,
        ProductQuantity = OdooValues.Number(row["reward_product_qty"]) ?? 0m,
    };

    private static string Text(long id) => id.ToString(CultureInfo.InvariantCulture);
}
