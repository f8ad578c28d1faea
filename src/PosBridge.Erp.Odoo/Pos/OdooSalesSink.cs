using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;
using PosBridge.Core.Adapters;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Erp.Odoo.Rpc;

namespace PosBridge.Erp.Odoo.Pos;

/// <summary>
/// Delivers sales as Odoo POS orders, exactly once: it looks our sale ids up before sending (in
/// <c>pos_reference</c> up to 17, <c>uuid</c> from 18), sends many orders per call, splits a refused batch to
/// find the order at fault, and reads back every order it sent: only an order Odoo holds as paid, posted or
/// invoiced, paid in full and with our totals, counts as delivered.
/// </summary>
public sealed class OdooSalesSink : ISalesSink, IShiftSink
{
    private static readonly string[] OrderFields = ["id", "state", "pos_reference", "amount_total", "amount_paid", "account_move", "session_id"];
    private static readonly HashSet<string> DoneStates = ["paid", "done", "invoiced"];

    // Odoo 17+ renders each invoiced order's PDF while saving it ("Send and Print"), which needs wkhtmltopdf on the
    // server and slows the call; the invoice is posted either way and its PDF can be printed from Odoo later.
    private static readonly Dictionary<string, JToken?> NoInvoicePdf = new(StringComparer.Ordinal) { ["generate_pdf"] = false };

    private readonly OdooClient _client;
    private readonly OdooPosOptions _options;
    private readonly OdooLookups _lookups;
    private readonly OdooSessions _sessions;
    private readonly ILogger _logger;

    public OdooSalesSink(OdooClient client, OdooPosOptions options, ILogger<OdooSalesSink> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _options = options;
        _logger = logger;
        _lookups = new OdooLookups(client, options);
        _sessions = new OdooSessions(client, logger);
    }

    public string Name => _options.AdapterName;

    public int PreferredBatchSize => _options.BatchSize;

    /// <summary>
    /// Closes the Odoo session of a till's shift with the counted cash alone (null: the cash Odoo expects), its
    /// float left as Odoo expects it; false when the shift never had one.
    /// </summary>
    public Task<bool> CloseShiftAsync(string storeId, string tillId, string shiftId, decimal? countedCash, CancellationToken cancellationToken = default) =>
        CloseShiftAsync(storeId, tillId, shiftId, countedCash is { } counted ? new ShiftCash(null, 0m, 0m, counted) : null, cancellationToken);

    /// <summary>Closes the shift's pos.session with the till's Z report: float, cash in/out and counted cash.</summary>
    public Task<bool> CloseShiftAsync(Core.Sync.ShiftClosing closing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(closing);
        return CloseShiftAsync(closing.StoreId, closing.TillId, closing.ShiftId, new ShiftCash(closing.OpeningFloat, closing.CashIn, closing.CashOut, closing.CountedCash), cancellationToken);
    }

    private Task<bool> CloseShiftAsync(string storeId, string tillId, string shiftId, ShiftCash? cash, CancellationToken cancellationToken)
    {
        var config = _lookups.ConfigFor(storeId, tillId)
            ?? throw new ArgumentException($"Till '{storeId}/{tillId}' has no pos.config in Odoo:Pos:Tills.", nameof(tillId));
        return _sessions.CloseShiftAsync(config, tillId, shiftId, cash, null, cancellationToken);
    }

    public async Task<IReadOnlyList<SaleDeliveryResult>> DeliverAsync(IReadOnlyList<Sale> sales, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sales);
        if (sales.Count == 0)
        {
            return [];
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var results = new Dictionary<Guid, SaleDeliveryResult>();
        try
        {
            var version = await _client.GetVersionAsync(cancellationToken).ConfigureAwait(false);
            var uid = await _client.GetUserIdAsync(cancellationToken).ConfigureAwait(false);
            var existing = await FindOrdersAsync(version, [.. sales.Select(s => (s.Id, s.SaleNumber))], cancellationToken).ConfigureAwait(false);
            var toSend = new List<ResolvedSale>();
            var handedOver = new List<ResolvedSale>();
            foreach (var sale in sales)
            {
                if (existing.TryGetValue(sale.Id, out var order) && DoneStates.Contains(OdooValues.Text(order["state"]) ?? string.Empty))
                {
                    results[sale.Id] = SaleDeliveryResult.Duplicate(sale.Id, order["id"]!.ToString()) with { InvoiceNumber = await InvoiceNumberAsync(order, cancellationToken).ConfigureAwait(false) };
                    continue;
                }

                // The first sale of a till's next shift closes the previous shift's session: the previous shift's
                // sales waiting in this batch go in first, or Odoo would put them in a rescue session (up to 17) or
                // refuse them (18).
                if (toSend.Exists(r => r.Sale.StoreId == sale.StoreId && r.Sale.TillId == sale.TillId && r.Sale.ShiftId != sale.ShiftId))
                {
                    await SendAllAsync(version, uid, toSend, results, cancellationToken).ConfigureAwait(false);
                    handedOver.AddRange(toSend);
                    toSend.Clear();
                }

                // Not there, or there as a draft (an earlier underpaid or interrupted send): Odoo updates drafts.
                var (resolved, failure) = await ResolveAsync(version, sale, cancellationToken).ConfigureAwait(false);
                if (failure is not null)
                {
                    results[sale.Id] = failure;
                }
                else
                {
                    toSend.Add(resolved!);
                }
            }

            await SendAllAsync(version, uid, toSend, results, cancellationToken).ConfigureAwait(false);
            handedOver.AddRange(toSend);

            var sent = handedOver.Where(r => !results.ContainsKey(r.Sale.Id)).Select(r => r.Sale).ToList();
            if (sent.Count > 0)
            {
                var created = await FindOrdersAsync(version, [.. sent.Select(s => (s.Id, s.SaleNumber))], cancellationToken).ConfigureAwait(false);
                foreach (var sale in sent)
                {
                    results[sale.Id] = await CheckAsync(sale, created.GetValueOrDefault(sale.Id), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OdooException ex) when (ex.IsTransient)
        {
            // What was created is found by the look-up of the next attempt; nothing is sent twice.
            var unsent = sales.Where(s => !results.ContainsKey(s.Id)).ToList();
            Log.OdooDown(_logger, ex.Message, unsent.Count);
            Log.OdooDownDetail(_logger, ex);
            foreach (var sale in unsent)
            {
                results[sale.Id] = SaleDeliveryResult.RetryLater(sale.Id, ex.Message, ex.RetryAfter);
            }

            return [.. sales.Select(s => results[s.Id])];
        }

        var answer = sales.Select(s => results[s.Id]).ToList();
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        var counts = answer.CountBy(r => r.Outcome).ToDictionary();
        int done = counts.GetValueOrDefault(DeliveryOutcome.Done), duplicates = counts.GetValueOrDefault(DeliveryOutcome.Duplicate), rejected = counts.GetValueOrDefault(DeliveryOutcome.Rejected), waiting = counts.GetValueOrDefault(DeliveryOutcome.RetryLater);
        Log.BatchDelivered(_logger, answer.Count, elapsed, done, duplicates, rejected, waiting);
        return answer;
    }

    private async Task SendAllAsync(OdooServerVersion version, long uid, List<ResolvedSale> toSend, Dictionary<Guid, SaleDeliveryResult> results, CancellationToken cancellationToken)
    {
        // Up to 17 create_from_ui takes each order's session from the order: the tills' orders share calls of the
        // server's best size. From 18 every order of one sync_from_ui call must belong to one session.
        var groups = version.UsesSyncFromUi ? toSend.GroupBy(r => r.SessionId).Select(g => g.ToList()) : [toSend];
        foreach (var group in groups)
        {
            foreach (var chunk in group.Chunk(_options.BatchSize))
            {
                await SendAsync(version, uid, chunk, results, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task SendAsync(OdooServerVersion version, long uid, ResolvedSale[] batch, Dictionary<Guid, SaleDeliveryResult> results, CancellationToken cancellationToken)
    {
        var orders = new JArray(batch.Select(r => PosOrderPayload.Build(r, version, uid)));
        var call = version.UsesSyncFromUi
            ? new OdooCall("pos.order", "sync_from_ui") { Arguments = new Dictionary<string, JToken?> { ["orders"] = orders }, ByPosition = true, ExtraContext = NoInvoicePdf }
            : new OdooCall("pos.order", "create_from_ui") { Arguments = new Dictionary<string, JToken?> { ["orders"] = orders, ["draft"] = false }, ByPosition = true, ExtraContext = NoInvoicePdf };
        try
        {
            await _client.ExecuteAsync(call, cancellationToken).ConfigureAwait(false);
        }
        catch (OdooException ex) when (ex.Kind is OdooErrorKind.UserError && ex.Message.Contains("No open session available", StringComparison.Ordinal))
        {
            // 18+: the shift's session was closed in Odoo (by a person) after we opened it, and the config has no
            // other open one. Nothing was kept; forget the session, and the next attempt opens one for late sales.
            foreach (var resolved in batch)
            {
                _sessions.Forget(resolved.Sale.TillId, resolved.Sale.ShiftId);
                results[resolved.Sale.Id] = SaleDeliveryResult.RetryLater(resolved.Sale.Id, $"The pos.session of shift {resolved.Sale.ShiftId} was closed in Odoo; the next attempt opens a session for its late sales.", null);
            }
        }
        catch (OdooException ex) when (ex.Kind is OdooErrorKind.UserError or OdooErrorKind.MissingRecord or OdooErrorKind.AccessError or OdooErrorKind.ServerError)
        {
            // One call is one transaction: Odoo kept none of the batch. Halve it until the order at fault is alone.
            if (batch.Length == 1)
            {
                results[batch[0].Sale.Id] = SaleDeliveryResult.Rejected(batch[0].Sale.Id, Explain(ex.Message));
                return;
            }

            Log.BatchSplit(_logger, batch.Length, ex.Message);
            var half = batch.Length / 2;
            await SendAsync(version, uid, [.. batch.Take(half)], results, cancellationToken).ConfigureAwait(false);
            await SendAsync(version, uid, [.. batch.Skip(half)], results, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Odoo's reason, with what to do where Odoo does not say it.</summary>
    private static string Explain(string reason) =>
        reason.Contains("Wkhtmltopdf", StringComparison.OrdinalIgnoreCase)
            ? reason + " The Odoo server has no wkhtmltopdf, which it needs to print the invoice of an invoiced sale: install wkhtmltopdf on the Odoo server (see docs/odoo.md), then replay the sale."
            : reason;

    /// <summary>Only an order paid in full, in a final state and with our totals is delivered.</summary>
    private async Task<SaleDeliveryResult> CheckAsync(Sale sale, JObject? order, CancellationToken cancellationToken)
    {
        if (order is null)
        {
            return SaleDeliveryResult.RetryLater(sale.Id, $"Odoo accepted sale {sale.SaleNumber} but holds no order for it; it will be sent again.");
        }

        var id = order["id"]!.ToString();
        var state = OdooValues.Text(order["state"]) ?? "?";
        var total = OdooValues.Number(order["amount_total"]) ?? 0m;
        var paid = OdooValues.Number(order["amount_paid"]) ?? 0m;
        var currency = Currency.FromCode(sale.Currency);
        var tolerance = currency.Unit / 2m;
        if (!DoneStates.Contains(state))
        {
            return SaleDeliveryResult.Rejected(sale.Id, $"Odoo saved sale {sale.SaleNumber} as pos.order {id} in state '{state}', not paid: it counts {paid} paid against a total of {total}. Check the payments and the config's cash rounding, then replay.") with { ExternalId = id };
        }

        if (Math.Abs(total - sale.Totals.Total) > tolerance)
        {
            return SaleDeliveryResult.Rejected(sale.Id, $"Odoo holds pos.order {id} for sale {sale.SaleNumber} with a total of {total}, not the sale's {sale.Totals.Total}.") with { ExternalId = id };
        }

        if (Math.Abs(paid - sale.Totals.AmountDue) > tolerance)
        {
            return SaleDeliveryResult.Rejected(sale.Id, $"Odoo holds pos.order {id} for sale {sale.SaleNumber} as paid with {paid}, but the sale was paid {sale.Totals.AmountDue}.") with { ExternalId = id };
        }

        return SaleDeliveryResult.Done(sale.Id, id) with { InvoiceNumber = await InvoiceNumberAsync(order, cancellationToken).ConfigureAwait(false) };
    }

    private async Task<string?> InvoiceNumberAsync(JObject order, CancellationToken cancellationToken)
    {
        var move = OdooValues.Id(order["account_move"]);
        if (move is null)
        {
            return null;
        }

        var rows = await _client.SearchReadAsync("account.move", OdooValues.Domain(OdooValues.Leaf("id", "=", move.Value)), ["name"], limit: 1, cancellationToken: cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : OdooValues.Text(rows[0]["name"]);
    }

    private async Task<Dictionary<Guid, JObject>> FindOrdersAsync(OdooServerVersion version, (Guid Id, string SaleNumber)[] sales, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Guid, JObject>();
        var domain = version.UsesSyncFromUi
            ? OdooValues.Domain(OdooValues.Leaf("uuid", "in", new JArray(sales.Select(s => s.Id.ToString("D")))))
            : OdooValues.Domain(OdooValues.Leaf("pos_reference", "in", new JArray(sales.Select(s => PosOrderPayload.Reference(s.SaleNumber, s.Id)))));
        string[] fields = version.UsesSyncFromUi ? [.. OrderFields, "uuid"] : OrderFields;
        var rows = await _client.SearchReadAsync("pos.order", domain, fields, order: "id asc", cancellationToken: cancellationToken).ConfigureAwait(false);
        var byKey = sales.ToDictionary(s => version.UsesSyncFromUi ? s.Id.ToString("D") : PosOrderPayload.Reference(s.SaleNumber, s.Id), s => s.Id, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var key = OdooValues.Text(row[version.UsesSyncFromUi ? "uuid" : "pos_reference"]);
            if (key is not null && byKey.TryGetValue(key, out var saleId))
            {
                // Prefer a finished order over a draft when both exist (a re-send after a fix).
                if (!found.TryGetValue(saleId, out var earlier) || !DoneStates.Contains(OdooValues.Text(earlier["state"]) ?? string.Empty))
                {
                    found[saleId] = row;
                }
            }
        }

        return found;
    }

    private async Task<(ResolvedSale? Resolved, SaleDeliveryResult? Failure)> ResolveAsync(OdooServerVersion version, Sale sale, CancellationToken cancellationToken)
    {
        var config = _lookups.ConfigFor(sale.StoreId, sale.TillId);
        if (config is null)
        {
            return (null, SaleDeliveryResult.Rejected(sale.Id, $"Till '{sale.StoreId}/{sale.TillId}' is not mapped to a pos.config: add it to Odoo:Pos:Tills."));
        }

        if (await _lookups.CurrencyProblemAsync(config.Value, sale, cancellationToken).ConfigureAwait(false) is { } currencyProblem)
        {
            return (null, SaleDeliveryResult.Rejected(sale.Id, currencyProblem));
        }

        if (await _lookups.QuantityProblemAsync(sale, cancellationToken).ConfigureAwait(false) is { } quantityProblem)
        {
            return (null, SaleDeliveryResult.Rejected(sale.Id, quantityProblem));
        }

        var products = await _lookups.ResolveProductsAsync(sale.Lines, cancellationToken).ConfigureAwait(false);
        foreach (var line in sale.Lines)
        {
            if (!products.ContainsKey(line.ProductId))
            {
                return (null, SaleDeliveryResult.Rejected(sale.Id, OdooLookups.MissingProductReason(line)));
            }
        }

        var lineTaxes = new IReadOnlyList<long>[sale.Lines.Count];
        for (var i = 0; i < sale.Lines.Count; i++)
        {
            var ids = new List<long>();
            foreach (var taxId in sale.Lines[i].TaxIds)
            {
                if (_lookups.TaxFor(taxId) is not { } odooTax)
                {
                    return (null, SaleDeliveryResult.Rejected(sale.Id, $"Tax '{taxId}' has no account.tax in Odoo: add it to Odoo:Pos:Taxes."));
                }

                ids.Add(odooTax);
            }

            lineTaxes[i] = ids;
        }

        var methods = new List<long>();
        foreach (var payment in sale.Payments)
        {
            var (method, problem) = await _lookups.PaymentMethodForAsync(config.Value, payment, cancellationToken).ConfigureAwait(false);
            if (method is null)
            {
                return (null, SaleDeliveryResult.Rejected(sale.Id, problem!));
            }

            methods.Add(method.Value);
        }

        var refunded = new Dictionary<int, long>();
        if (sale.RefundOf is { } refundOf)
        {
            var original = await FindOrdersAsync(version, [(refundOf.SaleId, refundOf.SaleNumber)], cancellationToken).ConfigureAwait(false);
            if (!original.TryGetValue(refundOf.SaleId, out var originalOrder))
            {
                return (null, SaleDeliveryResult.RetryLater(sale.Id, $"Refund {sale.SaleNumber} waits for sale {refundOf.SaleNumber} to reach Odoo."));
            }

            var lines = await _client.SearchReadAsync("pos.order.line", OdooValues.Domain(OdooValues.Leaf("order_id", "=", originalOrder["id"]!.Value<long>())), ["id"], order: "id asc", cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var line in sale.Lines)
            {
                if (line.RefundOfLine is { } number)
                {
                    if (number < 1 || number > lines.Count)
                    {
                        return (null, SaleDeliveryResult.Rejected(sale.Id, $"Refund {sale.SaleNumber} refers to line {number} of sale {refundOf.SaleNumber}, which has {lines.Count} lines in Odoo."));
                    }

                    refunded[number] = lines[number - 1]["id"]!.Value<long>();
                }
            }
        }

        long? partner = null;
        SessionChoice session;
        try
        {
            if (sale.Customer is { } customer)
            {
                partner = await _lookups.PartnerForAsync(customer, cancellationToken).ConfigureAwait(false);
            }

            session = await _sessions.SessionForShiftAsync(config.Value, sale.TillId, sale.ShiftId, cancellationToken).ConfigureAwait(false);
        }
        catch (OdooException ex) when (ex.Kind is OdooErrorKind.UserError or OdooErrorKind.AccessError or OdooErrorKind.MissingRecord)
        {
            return (null, SaleDeliveryResult.Rejected(sale.Id, ex.Message));
        }

        return (new ResolvedSale(sale, session.SessionId, partner, products, lineTaxes, methods, refunded), null);
    }
}
