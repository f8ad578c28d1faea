using System.Globalization;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;
using PosBridge.Core.Adapters;
using PosBridge.Core.Sales;
using PosBridge.Erp.Odoo.Pos;
using PosBridge.Erp.Odoo.Rpc;

namespace PosBridge.Erp.Odoo.Loyalty;

/// <summary>
/// Pushes the points a sale earned and spent to the customer's <c>loyalty.card</c>, at most once per sale.
/// The record that a sale was applied lives in Odoo, written in the same <c>write</c> as the new balance (one
/// transaction): up to 17 a note in the card's chatter (<c>message_ids</c>; 17 has no <c>loyalty.history</c>),
/// from 18 a <c>loyalty.history</c> line (<c>history_ids</c>, issued/used). Both carry
/// <c>posbridge-sale:&lt;sale id&gt;</c> and are looked up before anything is changed, so a retry after a lost
/// answer, or a connector that lost its own database, never counts a sale twice. A sink of its own (not folded
/// into the POS sink) so it works as well beside the POS sink as beside the Invoicing fallback, with its own
/// cursor and dead letters: a card problem never holds up the sale itself.
/// </summary>
public sealed class OdooLoyaltySink : ISalesSink
{
    private const string Marker = "posbridge-sale:";
    private readonly OdooClient _client;
    private readonly OdooLoyaltyOptions _options;
    private readonly OdooLookups _lookups;
    private readonly ILogger _logger;

    /// <summary>Customers are resolved as the POS sink does, with the mapping of <paramref name="mapping"/> (<c>Odoo:Pos</c>).</summary>
    public OdooLoyaltySink(OdooClient client, OdooLoyaltyOptions options, OdooPosOptions mapping, ILogger<OdooLoyaltySink> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _options = options;
        _lookups = new OdooLookups(client, mapping);
        _logger = logger;
    }

    public string Name => _options.AdapterName;

    public int PreferredBatchSize => _options.BatchSize;

    /// <summary>The text that marks a sale as applied to a card.</summary>
    public static string MarkerFor(Guid saleId) => Marker + saleId.ToString("D");

    public async Task<IReadOnlyList<SaleDeliveryResult>> DeliverAsync(IReadOnlyList<Sale> sales, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sales);
        var results = new List<SaleDeliveryResult>(sales.Count);
        if (sales.Count == 0)
        {
            return results;
        }

        var version = await _client.GetVersionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var sale in sales)
        {
            try
            {
                results.Add(await ApplyAsync(version, sale, cancellationToken).ConfigureAwait(false));
            }
            catch (OdooException ex) when (ex.IsTransient)
            {
                // The look-up of the next attempt tells whether the write went through.
                results.Add(SaleDeliveryResult.RetryLater(sale.Id, ex.Message, ex.RetryAfter));
            }
            catch (OdooException ex) when (ex.Kind is OdooErrorKind.UserError or OdooErrorKind.AccessError or OdooErrorKind.MissingRecord or OdooErrorKind.ServerError)
            {
                results.Add(SaleDeliveryResult.Rejected(sale.Id, $"Odoo refused the points of sale {sale.SaleNumber}: {ex.Message}"));
            }
        }

        return results;
    }

    private async Task<SaleDeliveryResult> ApplyAsync(OdooServerVersion version, Sale sale, CancellationToken cancellationToken)
    {
        if (sale.Loyalty is not { } loyalty || (loyalty.Earned == 0m && loyalty.Spent == 0m))
        {
            // Nothing to record: delivered as far as this sink is concerned.
            return SaleDeliveryResult.Done(sale.Id);
        }

        if (sale.Customer is not { } customer)
        {
            return SaleDeliveryResult.Rejected(sale.Id, $"Sale {sale.SaleNumber} earns or spends points but has no customer.");
        }

        long? program = _options.Programs.TryGetValue(loyalty.ProgramId, out var mapped) ? mapped
            : long.TryParse(loyalty.ProgramId, NumberStyles.None, CultureInfo.InvariantCulture, out var numeric) && numeric > 0 ? numeric : null;
        if (program is null)
        {
            return SaleDeliveryResult.Rejected(sale.Id, $"Loyalty program '{loyalty.ProgramId}' has no loyalty.program in Odoo: add it to Odoo:Loyalty:Programs.");
        }

        var (card, failure) = await CardForAsync(sale, customer, program.Value, cancellationToken).ConfigureAwait(false);
        if (card is null)
        {
            return SaleDeliveryResult.Rejected(sale.Id, failure!);
        }

        var cardId = card["id"]!.Value<long>();
        var external = cardId.ToString(CultureInfo.InvariantCulture);
        var marker = MarkerFor(sale.Id);
        if (await IsAppliedAsync(version, cardId, marker, cancellationToken).ConfigureAwait(false))
        {
            return SaleDeliveryResult.Duplicate(sale.Id, external);
        }

        var before = OdooValues.Number(card["points"]) ?? 0m;
        var after = before + loyalty.Earned - loyalty.Spent;
        if (after < 0m)
        {
            return SaleDeliveryResult.Rejected(sale.Id, $"Sale {sale.SaleNumber} spends {loyalty.Spent} points, but card {OdooValues.Text(card["code"])} has {before} (+{loyalty.Earned} earned).") with { ExternalId = external };
        }

        var text = $"{marker} sale {sale.SaleNumber}: +{loyalty.Earned.ToString(CultureInfo.InvariantCulture)} earned, -{loyalty.Spent.ToString(CultureInfo.InvariantCulture)} spent ({before.ToString(CultureInfo.InvariantCulture)} → {after.ToString(CultureInfo.InvariantCulture)})";
        var values = new JObject { ["points"] = after };
        if (version.Major >= 18)
        {
            values["history_ids"] = new JArray((object)new JArray(0, 0, new JObject { ["description"] = text, ["issued"] = loyalty.Earned, ["used"] = loyalty.Spent }));
        }
        else
        {
            values["message_ids"] = new JArray((object)new JArray(0, 0, new JObject { ["model"] = "loyalty.card", ["body"] = text, ["message_type"] = "comment" }));
        }

        // Not marked idempotent: after a lost answer the client must not send it again blind; the next delivery's
        // look-up of the marker decides.
        await _client.ExecuteAsync(new OdooCall("loyalty.card", "write") { Ids = [cardId], Arguments = new Dictionary<string, JToken?> { ["vals"] = values }, ByPosition = true }, cancellationToken).ConfigureAwait(false);

        var read = await _client.SearchReadAsync("loyalty.card", OdooValues.Domain(OdooValues.Leaf("id", "=", cardId)), ["points"], cancellationToken: cancellationToken).ConfigureAwait(false);
        var now = read.Count == 0 ? null : OdooValues.Number(read[0]["points"]);
        if (now is null || Math.Abs(now.Value - after) > 0.000001m || !await IsAppliedAsync(version, cardId, marker, cancellationToken).ConfigureAwait(false))
        {
            return SaleDeliveryResult.Rejected(sale.Id, $"Card {OdooValues.Text(card["code"])} holds {now?.ToString(CultureInfo.InvariantCulture) ?? "nothing"} points after sale {sale.SaleNumber}, not the {after} written (changed meanwhile in Odoo?).") with { ExternalId = external };
        }

        Log.LoyaltyApplied(_logger, cardId, before, after, sale.Id);
        return SaleDeliveryResult.Done(sale.Id, external);
    }

    private async Task<bool> IsAppliedAsync(OdooServerVersion version, long cardId, string marker, CancellationToken cancellationToken)
    {
        var rows = version.Major >= 18
            ? await _client.SearchReadAsync("loyalty.history", OdooValues.Domain(OdooValues.Leaf("card_id", "=", cardId), OdooValues.Leaf("description", "ilike", marker)), ["id"], limit: 1, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await _client.SearchReadAsync("mail.message", OdooValues.Domain(OdooValues.Leaf("model", "=", "loyalty.card"), OdooValues.Leaf("res_id", "=", cardId), OdooValues.Leaf("body", "ilike", marker)), ["id"], limit: 1, cancellationToken: cancellationToken).ConfigureAwait(false);
        return rows.Count > 0;
    }

    private async Task<(JObject? Card, string? Failure)> CardForAsync(Sale sale, Customer customer, long program, CancellationToken cancellationToken)
    {
        string[] fields = ["id", "code", "points", "partner_id"];
        if (customer.LoyaltyCardCode is { Length: > 0 } code)
        {
            var byCode = await _client.SearchReadAsync("loyalty.card", OdooValues.Domain(OdooValues.Leaf("code", "=", code), OdooValues.Leaf("program_id", "=", program)), fields, limit: 1, cancellationToken: cancellationToken).ConfigureAwait(false);
            return byCode.Count > 0 ? (byCode[0], null) : (null, $"Loyalty card '{code}' of sale {sale.SaleNumber} is not a card of loyalty.program {program} in Odoo.");
        }

        var partner = await _lookups.PartnerForAsync(customer, cancellationToken).ConfigureAwait(false);
        var domain = OdooValues.Domain(OdooValues.Leaf("partner_id", "=", partner), OdooValues.Leaf("program_id", "=", program));
        var cards = await _client.SearchReadAsync("loyalty.card", domain, fields, limit: 1, order: "id asc", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (cards.Count > 0)
        {
            return (cards[0], null);
        }

        if (!_options.CreateMissingCards)
        {
            return (null, $"Customer {customer.Name ?? customer.Id} has no card in loyalty.program {program}, and Odoo:Loyalty:CreateMissingCards is off.");
        }

        // A lost answer here is harmless: the next attempt finds the card by partner and program.
        await _client.CreateAsync("loyalty.card", [new JObject { ["program_id"] = program, ["partner_id"] = partner, ["points"] = 0 }], cancellationToken).ConfigureAwait(false);
        cards = await _client.SearchReadAsync("loyalty.card", domain, fields, limit: 1, order: "id asc", cancellationToken: cancellationToken).ConfigureAwait(false);
        return (cards[0], null);
    }
}
