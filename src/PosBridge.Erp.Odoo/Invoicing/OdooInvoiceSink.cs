using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;
using PosBridge.Core.Adapters;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Erp.Odoo.Pos;
using PosBridge.Erp.Odoo.Rpc;

namespace PosBridge.Erp.Odoo.Invoicing;

/// <summary>
/// Delivers sales to an Odoo without the POS app as posted customer invoices (<c>out_invoice</c>; refunds as
/// <c>out_refund</c>) with their payments registered through <c>account.payment.register</c>, one journal per
/// payment method. Exactly once: each invoice's <c>ref</c> is ours (the sale id, or store + day + methods + part
/// for a daily summary) and is looked up before anything is created; each payment's memo is ours too, so a
/// retry after a lost answer finishes what is half done (posts a draft, registers the missing payment) and
/// creates nothing twice. Only an invoice Odoo holds as posted, with our total and paid (<c>paid</c> or
/// <c>in_payment</c>), counts as delivered.
/// </summary>
public sealed partial class OdooInvoiceSink : ISalesSink
{
    private const string SaleRefPrefix = "posbridge:";
    private const string DayRefPrefix = "posbridge-day:";
    private static readonly string[] MoveFields = ["id", "name", "ref", "state", "move_type", "amount_total", "amount_residual", "payment_state", "narration"];
    private static readonly HashSet<string> PaidStates = ["paid", "in_payment"];

    private readonly OdooClient _client;
    private readonly OdooInvoicingOptions _options;
    private readonly OdooLookups _lookups;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Products, taxes and customers are resolved as the POS sink does, with the mapping of <paramref name="mapping"/> (<c>Odoo:Pos</c>).</summary>
    public OdooInvoiceSink(OdooClient client, OdooInvoicingOptions options, OdooPosOptions mapping, TimeProvider timeProvider, ILogger<OdooInvoiceSink> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _options = options;
        _lookups = new OdooLookups(client, mapping);
        _time = timeProvider;
        _logger = logger;
    }

    public string Name => _options.AdapterName;

    public int PreferredBatchSize => _options.BatchSize;

    /// <summary>The <c>ref</c> of a sale's own invoice.</summary>
    public static string SaleReference(Guid saleId) => SaleRefPrefix + saleId.ToString("D");

    public async Task<IReadOnlyList<SaleDeliveryResult>> DeliverAsync(IReadOnlyList<Sale> sales, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sales);
        var results = new Dictionary<Guid, SaleDeliveryResult>();
        if (sales.Count == 0)
        {
            return [];
        }

        try
        {
            if (_options.Mode == OdooInvoicingMode.DailySummary)
            {
                await DeliverSummariesAsync(sales, results, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await DeliverPerSaleAsync(sales, results, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OdooException ex) when (ex.IsTransient)
        {
            // Whatever was created is found by its ref on the next attempt and finished, not made again.
            foreach (var sale in sales.Where(s => !results.ContainsKey(s.Id)))
            {
                results[sale.Id] = SaleDeliveryResult.RetryLater(sale.Id, ex.Message, ex.RetryAfter);
            }
        }

        return [.. sales.Select(s => results[s.Id])];
    }

    private async Task DeliverPerSaleAsync(IReadOnlyList<Sale> sales, Dictionary<Guid, SaleDeliveryResult> results, CancellationToken cancellationToken)
    {
        var existing = (await FindMovesAsync(OdooValues.Leaf("ref", "in", new JArray(sales.Select(s => SaleReference(s.Id)))), cancellationToken).ConfigureAwait(false))
            .GroupBy(m => OdooValues.Text(m["ref"])!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(m => OdooValues.Text(m["state"]) == "cancel" ? 1 : 0).First(), StringComparer.Ordinal);
        foreach (var sale in sales)
        {
            var found = existing.GetValueOrDefault(SaleReference(sale.Id));
            var (document, failure) = found is not null && IsComplete(found, sale.Totals.Total, sale.Currency)
                ? (null, null)
                : await BuildDocumentAsync(SaleReference(sale.Id), [sale], null, cancellationToken).ConfigureAwait(false);
            if (failure is not null)
            {
                results[sale.Id] = SaleDeliveryResult.Rejected(sale.Id, failure);
                continue;
            }

            if (document is null)
            {
                results[sale.Id] = SaleDeliveryResult.Duplicate(sale.Id, found!["id"]!.ToString()) with { InvoiceNumber = OdooValues.Text(found["name"]) };
                continue;
            }

            results[sale.Id] = await EnsureAsync(document, found, [sale.Id], cancellationToken).ConfigureAwait(false) is var outcome && outcome.Failure is null
                ? SaleDeliveryResult.Done(sale.Id, outcome.MoveId?.ToString(CultureInfo.InvariantCulture)) with { InvoiceNumber = outcome.Name }
                : SaleDeliveryResult.Rejected(sale.Id, outcome.Failure!) with { ExternalId = outcome.MoveId?.ToString(CultureInfo.InvariantCulture) };
        }
    }

    private async Task DeliverSummariesAsync(IReadOnlyList<Sale> sales, Dictionary<Guid, SaleDeliveryResult> results, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var closed = new List<Sale>();
        foreach (var sale in sales)
        {
            var day = BusinessDay(sale);
            var closesAt = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), sale.StoreUtcOffset) + _options.DayClosesAfter;
            if (now < closesAt)
            {
                results[sale.Id] = SaleDeliveryResult.RetryLater(sale.Id, $"Sale {sale.SaleNumber} belongs to {day:yyyy-MM-dd}, whose daily summary is made when the day closes ({closesAt:yyyy-MM-dd HH:mm zzz}).", closesAt - now);
            }
            else
            {
                closed.Add(sale);
            }
        }

        foreach (var storeDay in closed.GroupBy(s => (s.StoreId, Day: BusinessDay(s))))
        {
            var (store, day) = storeDay.Key;
            var prefix = $"{DayRefPrefix}{store}:{day:yyyy-MM-dd}:";
            var summaries = await FindMovesAsync(OdooValues.Leaf("ref", "=like", prefix + "%"), cancellationToken).ConfigureAwait(false);

            // Summaries already made for this day, each describing itself in its narration: finish any left half
            // done, and answer for the sales they hold.
            var holding = new Dictionary<Guid, (JObject Move, SummaryNote Note)>();
            foreach (var move in summaries.Where(m => OdooValues.Text(m["state"]) != "cancel"))
            {
                var note = SummaryNote.Parse(OdooValues.Text(move["narration"]));
                foreach (var id in note.SaleIds)
                {
                    holding[id] = (move, note);
                }
            }

            var finished = new Dictionary<long, (long? MoveId, string? Name, string? Failure, bool WasComplete)>();
            var fresh = new List<Sale>();
            foreach (var sale in storeDay)
            {
                if (!holding.TryGetValue(sale.Id, out var held))
                {
                    fresh.Add(sale);
                    continue;
                }

                var moveId = held.Move["id"]!.Value<long>();
                if (!finished.TryGetValue(moveId, out var state))
                {
                    if (IsComplete(held.Move, held.Note.Total, sale.Currency))
                    {
                        state = (moveId, OdooValues.Text(held.Move["name"]), null, true);
                    }
                    else
                    {
                        var document = new InvoiceDocument(OdooValues.Text(held.Move["ref"])!, OdooValues.Text(held.Move["move_type"]) ?? "out_invoice", 0, day, [], held.Note.Payments, held.Note.Total, sale.Currency, string.Empty);
                        var outcome = await EnsureAsync(document, held.Move, held.Note.SaleIds, cancellationToken).ConfigureAwait(false);
                        state = (outcome.MoveId, outcome.Name, outcome.Failure, false);
                    }

                    finished[moveId] = state;
                }

                results[sale.Id] = Answer(sale.Id, state.MoveId, state.Name, state.Failure, state.WasComplete);
            }

            var parts = summaries.Select(m => SummaryPart(OdooValues.Text(m["ref"]))).DefaultIfEmpty(0).Max();
            foreach (var group in fresh.GroupBy(s => (Refund: s.IsRefund, Methods: string.Join('+', s.Payments.Select(p => p.MethodId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)))))
            {
                var methods = group.Key.Methods.Length == 0 ? "none" : group.Key.Methods;
                var reference = $"{prefix}{Regex.Replace(methods, "[^A-Za-z0-9_+.-]", "_")}:{(group.Key.Refund ? "refund" : "invoice")}:{++parts}";
                var (document, failure) = await BuildDocumentAsync(reference, [.. group], results, cancellationToken).ConfigureAwait(false);
                if (document is null)
                {
                    foreach (var sale in group.Where(s => !results.ContainsKey(s.Id)))
                    {
                        results[sale.Id] = SaleDeliveryResult.Rejected(sale.Id, failure ?? "Nothing to invoice.");
                    }

                    continue;
                }

                Log.SummaryCreating(_logger, reference, document.SaleIds.Count);
                var outcome = await EnsureAsync(document, null, document.SaleIds, cancellationToken).ConfigureAwait(false);
                foreach (var id in document.SaleIds)
                {
                    results[id] = Answer(id, outcome.MoveId, outcome.Name, outcome.Failure, wasComplete: false);
                }
            }
        }
    }

    private static SaleDeliveryResult Answer(Guid saleId, long? moveId, string? name, string? failure, bool wasComplete)
    {
        var external = moveId?.ToString(CultureInfo.InvariantCulture);
        if (failure is not null)
        {
            return SaleDeliveryResult.Rejected(saleId, failure) with { ExternalId = external };
        }

        return (wasComplete ? SaleDeliveryResult.Duplicate(saleId, external) : SaleDeliveryResult.Done(saleId, external)) with { InvoiceNumber = name };
    }

    /// <summary>
    /// Everything one invoice needs, with the sales that cannot be invoiced answered in <paramref name="rejections"/>
    /// (summary) or as the failure (one sale). A summary holds the rest.
    /// </summary>
    private async Task<(InvoiceDocument? Document, string? Failure)> BuildDocumentAsync(string reference, IReadOnlyList<Sale> sales, Dictionary<Guid, SaleDeliveryResult>? rejections, CancellationToken cancellationToken)
    {
        var lines = new JArray();
        var payments = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var included = new List<Sale>();
        var products = await _lookups.ResolveProductsAsync(sales.SelectMany(s => s.Lines), cancellationToken).ConfigureAwait(false);
        string? lastFailure = null;
        foreach (var sale in sales)
        {
            var saleLines = new JArray();
            var failure = sale.Totals.Rounding != 0m
                ? $"Sale {sale.SaleNumber} uses cash rounding ({sale.Totals.Rounding}), which the Invoicing fallback does not post yet; deliver it through the POS sink or without cash rounding."
                : null;
            failure ??= await _lookups.QuantityProblemAsync(sale, cancellationToken).ConfigureAwait(false);
            foreach (var line in sale.Lines)
            {
                if (failure is not null)
                {
                    break;
                }

                if (!products.TryGetValue(line.ProductId, out var product))
                {
                    failure = OdooLookups.MissingProductReason(line);
                    break;
                }

                var taxes = new JArray();
                foreach (var taxId in line.TaxIds)
                {
                    if (_lookups.TaxFor(taxId) is not { } odooTax)
                    {
                        failure = $"Tax '{taxId}' has no account.tax in Odoo: add it to Odoo:Pos:Taxes.";
                        break;
                    }

                    taxes.Add(odooTax);
                }

                saleLines.Add(new JArray(0, 0, new JObject
                {
                    ["product_id"] = product,
                    ["name"] = sales.Count == 1 && rejections is null ? line.Name : $"{line.Name} ({sale.SaleNumber})",

                    // A credit note carries positive quantities; the refund's sign is its move type.
                    ["quantity"] = Math.Abs(line.Quantity),
                    ["price_unit"] = line.UnitPrice,
                    ["discount"] = SaleCalculator.EffectiveDiscountPercent(line.DiscountPercent, sale.OrderDiscountPercent),
                    ["tax_ids"] = new JArray((object)new JArray(6, 0, taxes)),
                }));
            }

            var salePayments = new Dictionary<string, decimal>(StringComparer.Ordinal);
            foreach (var payment in sale.Payments)
            {
                if (failure is not null)
                {
                    break;
                }

                if (!_options.Journals.ContainsKey(payment.MethodId))
                {
                    failure = $"Payment method '{payment.MethodId}' has no journal: add it to Odoo:Invoicing:Journals.";
                    break;
                }

                salePayments[payment.MethodId] = salePayments.GetValueOrDefault(payment.MethodId) + Math.Abs(payment.Amount);
            }

            if (failure is not null)
            {
                lastFailure = failure;
                if (rejections is not null)
                {
                    rejections[sale.Id] = SaleDeliveryResult.Rejected(sale.Id, failure);
                }

                continue;
            }

            foreach (var line in saleLines)
            {
                lines.Add(line);
            }

            foreach (var (method, amount) in salePayments)
            {
                payments[method] = payments.GetValueOrDefault(method) + amount;
            }

            included.Add(sale);
        }

        if (included.Count == 0)
        {
            return (null, lastFailure);
        }

        var first = included[0];
        long partner = _options.WalkInPartnerId;
        if (included.Count == 1 && rejections is null && first.Customer is { } customer)
        {
            try
            {
                partner = await _lookups.PartnerForAsync(customer, cancellationToken).ConfigureAwait(false);
            }
            catch (OdooException ex) when (ex.Kind is OdooErrorKind.UserError or OdooErrorKind.AccessError or OdooErrorKind.MissingRecord)
            {
                return (null, ex.Message);
            }
        }

        var total = included.Sum(s => Math.Abs(s.Totals.Total));
        var paymentList = payments.Select(p => new InvoicePayment(p.Key, p.Value)).ToList();
        var narration = rejections is null
            ? $"PosBridge sale {first.SaleNumber} ({first.Id:D}), till {first.StoreId}/{first.TillId}"
            : new SummaryNote(total, paymentList, [.. included.Select(s => s.Id)]).Format(reference);
        return (new InvoiceDocument(reference, first.IsRefund ? "out_refund" : "out_invoice", partner, BusinessDay(first), lines, paymentList, total, first.Currency, narration) { SaleIds = [.. included.Select(s => s.Id)] }, null);
    }

    /// <summary>
    /// Brings the invoice to posted and paid: creates it unless <paramref name="existing"/>, checks its total while
    /// it is a draft (a wrong total stays a draft to fix), posts it, registers each payment not registered yet
    /// (found by its memo), and reads back. Anything short of posted, our total and paid is a failure with a reason.
    /// </summary>
    private async Task<(long? MoveId, string? Name, string? Failure)> EnsureAsync(InvoiceDocument document, JObject? existing, IReadOnlyCollection<Guid> saleIds, CancellationToken cancellationToken)
    {
        long moveId;
        if (existing is null)
        {
            var values = new JObject
            {
                ["move_type"] = document.MoveType,
                ["partner_id"] = document.PartnerId,
                ["invoice_date"] = document.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["ref"] = document.Reference,
                ["narration"] = document.Narration,
                ["invoice_line_ids"] = document.Lines,
            };
            try
            {
                moveId = (await _client.CreateAsync("account.move", [values], cancellationToken).ConfigureAwait(false))[0];
            }
            catch (OdooException ex) when (ex.Kind is OdooErrorKind.UserError or OdooErrorKind.AccessError or OdooErrorKind.MissingRecord or OdooErrorKind.ServerError)
            {
                return (null, null, $"Odoo refused the invoice {document.Reference}: {ex.Message}");
            }
        }
        else
        {
            moveId = existing["id"]!.Value<long>();
        }

        var move = await ReadMoveAsync(moveId, cancellationToken).ConfigureAwait(false);
        var tolerance = Currency.FromCode(document.Currency).Unit / 2m;
        var state = OdooValues.Text(move["state"]);
        var total = OdooValues.Number(move["amount_total"]) ?? 0m;
        if (state == "cancel")
        {
            return (moveId, OdooValues.Text(move["name"]), $"Invoice {OdooValues.Text(move["name"]) ?? moveId.ToString(CultureInfo.InvariantCulture)} ({document.Reference}) was cancelled in Odoo; reset it to draft or delete it, then replay.");
        }

        if (Math.Abs(total - document.Total) > tolerance)
        {
            return (moveId, OdooValues.Text(move["name"]), $"Odoo computes {total} for invoice {document.Reference} (account.move {moveId}, {state}), not our {document.Total}: check the taxes and the company's rounding method. A draft is left to fix, then replay.");
        }

        try
        {
            if (state == "draft")
            {
                await _client.ExecuteAsync(new OdooCall("account.move", "action_post") { Ids = [moveId] }, cancellationToken).ConfigureAwait(false);
            }

            var memos = document.Payments.ToDictionary(p => $"{document.Reference}/{p.MethodId}", StringComparer.Ordinal);
            var registered = memos.Count == 0
                ? []
                : (await _client.SearchReadAsync("account.payment", OdooValues.Domain(OdooValues.Leaf("ref", "in", new JArray(memos.Keys)), OdooValues.Leaf("state", "!=", "cancel")), ["ref"], cancellationToken: cancellationToken).ConfigureAwait(false))
                    .Select(p => OdooValues.Text(p["ref"])).ToHashSet(StringComparer.Ordinal);
            var date = document.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            foreach (var (memo, payment) in memos)
            {
                if (registered.Contains(memo) || payment.Amount == 0m)
                {
                    continue;
                }

                await RegisterPaymentAsync(moveId, memo, _options.Journals[payment.MethodId], payment.Amount, date, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OdooException ex) when (ex.Kind is OdooErrorKind.UserError or OdooErrorKind.AccessError or OdooErrorKind.MissingRecord or OdooErrorKind.ServerError)
        {
            return (moveId, OdooValues.Text(move["name"]), $"Odoo refused to post or pay invoice {document.Reference} (account.move {moveId}): {ex.Message}");
        }

        move = await ReadMoveAsync(moveId, cancellationToken).ConfigureAwait(false);
        var name = OdooValues.Text(move["name"]);
        if (!IsComplete(move, document.Total, document.Currency))
        {
            return (moveId, name, $"Odoo holds invoice {name} ({document.Reference}) in state '{OdooValues.Text(move["state"])}', payment state '{OdooValues.Text(move["payment_state"])}', {OdooValues.Number(move["amount_residual"])} still due of {OdooValues.Number(move["amount_total"])}: it is not posted and paid.");
        }

        Log.InvoicePosted(_logger, name ?? "?", document.Reference, saleIds.Count);
        return (moveId, name, null);
    }

    private async Task RegisterPaymentAsync(long moveId, string memo, long journalId, decimal amount, string date, CancellationToken cancellationToken)
    {
        // The wizard reads the invoice from the context, as the "Register Payment" button sends it.
        var context = new Dictionary<string, JToken?> { ["active_model"] = "account.move", ["active_ids"] = new JArray(moveId) };
        var values = new JObject { ["journal_id"] = journalId, ["amount"] = amount, ["payment_date"] = date, ["communication"] = memo };
        var wizard = await _client.ExecuteAsync(new OdooCall("account.payment.register", "create") { Arguments = new Dictionary<string, JToken?> { ["vals_list"] = new JArray(values) }, ByPosition = true, ExtraContext = context }, cancellationToken).ConfigureAwait(false);
        var wizardId = wizard is JArray ids ? ids[0].Value<long>() : wizard!.Value<long>();
        await _client.ExecuteAsync(new OdooCall("account.payment.register", "action_create_payments") { Ids = [wizardId], ExtraContext = context }, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsComplete(JObject move, decimal total, string currency) =>
        OdooValues.Text(move["state"]) == "posted"
        && PaidStates.Contains(OdooValues.Text(move["payment_state"]) ?? string.Empty)
        && Math.Abs((OdooValues.Number(move["amount_total"]) ?? 0m) - total) <= Currency.FromCode(currency).Unit / 2m;

    private async Task<JObject> ReadMoveAsync(long moveId, CancellationToken cancellationToken) =>
        (await FindMovesAsync(OdooValues.Leaf("id", "=", moveId), cancellationToken).ConfigureAwait(false)).Single();

    private async Task<IReadOnlyList<JObject>> FindMovesAsync(JArray leaf, CancellationToken cancellationToken)
    {
        var rows = await _client.SearchReadAsync("account.move", OdooValues.Domain(leaf, OdooValues.Leaf("move_type", "in", new JArray("out_invoice", "out_refund"))), MoveFields, order: "id asc", cancellationToken: cancellationToken).ConfigureAwait(false);

        // Odoo hands floats back raw (6.0200000000000005): round what is compared.
        foreach (var row in rows)
        {
            foreach (var field in new[] { "amount_total", "amount_residual" })
            {
                if (OdooValues.Number(row[field]) is { } value)
                {
                    row[field] = Math.Round(value, 6);
                }
            }
        }

        return rows;
    }

    private static DateOnly BusinessDay(Sale sale) => DateOnly.FromDateTime(sale.CreatedAtStoreTime.DateTime);

    private static int SummaryPart(string? reference) =>
        reference is not null && int.TryParse(reference.AsSpan(reference.LastIndexOf(':') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var part) ? part : 0;

    private sealed record InvoicePayment(string MethodId, decimal Amount);

    private sealed record InvoiceDocument(string Reference, string MoveType, long PartnerId, DateOnly Day, JArray Lines, IReadOnlyList<InvoicePayment> Payments, decimal Total, string Currency, string Narration)
    {
        public IReadOnlyList<Guid> SaleIds { get; init; } = [];
    }

    /// <summary>
    /// What a daily summary holds, written into its narration so that the summary describes itself: the total it
    /// must come to, the payment per method, and the sale ids (the look-up key of every sale in it).
    /// </summary>
    private sealed partial record SummaryNote(decimal Total, IReadOnlyList<InvoicePayment> Payments, IReadOnlyList<Guid> SaleIds)
    {
        public string Format(string reference)
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"PosBridge daily summary {reference}. total: {Total.ToString(CultureInfo.InvariantCulture)}.");
            foreach (var payment in Payments)
            {
                text.Append(CultureInfo.InvariantCulture, $" payment {payment.MethodId}: {payment.Amount.ToString(CultureInfo.InvariantCulture)}.");
            }

            text.Append(" sales: ").AppendJoin(' ', SaleIds.Select(id => id.ToString("D"))).Append('.');
            return text.ToString();
        }

        public static SummaryNote Parse(string? narration)
        {
            var text = narration ?? string.Empty;
            var total = TotalPattern().Match(text) is { Success: true } t ? decimal.Parse(t.Groups[1].Value, CultureInfo.InvariantCulture) : 0m;
            var payments = PaymentPattern().Matches(text).Select(m => new InvoicePayment(m.Groups[1].Value, decimal.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
            var sales = SalesPattern().Match(text) is { Success: true } s
                ? GuidPattern().Matches(s.Groups[1].Value).Select(m => Guid.Parse(m.Value)).ToList()
                : [];
            return new SummaryNote(total, payments, sales);
        }

        [GeneratedRegex(@"total: (-?[0-9]+(?:\.[0-9]+)?)\.")]
        private static partial Regex TotalPattern();

        [GeneratedRegex(@"payment (\S+): (-?[0-9]+(?:\.[0-9]+)?)\.")]
        private static partial Regex PaymentPattern();

        [GeneratedRegex(@"sales: ([0-9a-fA-F\- ]*)")]
        private static partial Regex SalesPattern();

        [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
        private static partial Regex GuidPattern();
    }
}
