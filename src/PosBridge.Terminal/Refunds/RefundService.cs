using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Catalog;
using PosBridge.Terminal.Payments;
using PosBridge.Terminal.Receipts;
using PosBridge.Terminal.Sales;
using PosBridge.Terminal.Storage;

namespace PosBridge.Terminal.Refunds;

/// <summary>
/// Refunds all or part of an earlier sale: find it (receipt number, scanned receipt code, or search),
/// see what is left to give back, and refund. A refund is a sale document of its own (negative
/// quantities, each line pointing at the original's line) committed with its outbox row in the open
/// shift, so it uploads like a sale; its cash comes out of that shift's drawer.
/// </summary>
public sealed class RefundService
{
    // One refund at a time per database file, so two cashiers on one till process never both send the
    // same card refund to the provider; the store's in-transaction check covers other processes.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    private readonly SaleStore _sales;
    private readonly TillOptions _options;
    private readonly IPaymentTerminal _terminal;
    private readonly INetworkStatus _network;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate;

    public RefundService(TillDatabase database, SaleStore sales, TillOptions options, IPaymentTerminal terminal, INetworkStatus network, TimeProvider timeProvider, ILogger<RefundService> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(sales);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(terminal);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _sales = sales;
        _options = options;
        _terminal = terminal;
        _network = network;
        _timeProvider = timeProvider;
        _logger = logger;
        _gate = Gates.GetOrAdd(Path.GetFullPath(database.Path), _ => new SemaphoreSlim(1, 1));
    }

    /// <summary>How long a provider may take to answer a refund.</summary>
    public TimeSpan TerminalTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Whether these permissions allow refunds; without them the screen asks for a manager's PIN.</summary>
    public static bool CanRefund(TillPermissions permissions) => permissions.HasFlag(TillPermissions.Refund);

    /// <summary>
    /// The sale (or refund) a receipt names: by its sale number as printed (<c>CAI1-T2-0001-000042</c>), by
    /// the receipt's scanned code (<see cref="ReceiptCode"/>), or by its id. Null when this till has no such sale.
    /// </summary>
    public Task<Sale?> FindSaleAsync(string receiptNumberOrCode, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(receiptNumberOrCode);
        cancellationToken.ThrowIfCancellationRequested();
        var sale = ReceiptCode.TryParse(receiptNumberOrCode, out var id)
            ? _sales.FindById(id)
            : _sales.FindByNumber(receiptNumberOrCode);
        return Task.FromResult(sale);
    }

    /// <summary>Sales (not refunds) matching what the cashier typed, newest first.</summary>
    public Task<IReadOnlyList<Sale>> SearchSalesAsync(SaleSearch search, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(search.Limit);
        ArgumentOutOfRangeException.ThrowIfNegative(search.Skip);
        cancellationToken.ThrowIfCancellationRequested();
        var zone = _options.TimeZoneInfo;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(_timeProvider.GetUtcNow(), zone).DateTime);
        var to = search.To ?? today;
        var from = search.From ?? to.AddDays(-30);
        if (from > to)
        {
            throw new ArgumentException($"The search runs from {from} to {to}: the first day is after the last.", nameof(search));
        }

        var fromUtc = StartOfDay(from, zone);
        var toUtc = StartOfDay(to.AddDays(1), zone);
        var words = SearchText.Fold(search.Text).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var raw = search.Text?.Trim() ?? string.Empty;

        // A till sells a few thousand sales a week: reading a bounded window and matching here keeps the
        // search folded like the catalog's (Arabic letter forms, accents, case) without a second index.
        const int window = 5000;
        IReadOnlyList<Sale> found = _sales.Find(fromUtc, toUtc, window)
            .Where(s => search.Amount is not { } amount || s.Totals.AmountDue == amount)
            .Where(s => words.Length == 0 || Matches(s, raw, words))
            .Skip(search.Skip)
            .Take(search.Limit)
            .ToList();
        return Task.FromResult(found);
    }

    /// <summary>Each line of the sale with what was sold, what earlier refunds gave back, and what is left.</summary>
    /// <exception cref="KeyNotFoundException">The sale is not on this till.</exception>
    public Task<IReadOnlyList<RefundableLine>> RefundableLinesAsync(Guid saleId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var history = _sales.History(saleId) ?? throw new KeyNotFoundException($"Sale {saleId} is not stored on this till.");
        return Task.FromResult<IReadOnlyList<RefundableLine>>(Refundable(history));
    }

    /// <summary>
    /// Gives back the lines asked for: checks the approval and the quantities, sends card and wallet
    /// amounts back through the provider by the original payment's reference, and commits the refund
    /// document with its outbox row. The store checks the quantities again inside the commit's transaction.
    /// </summary>
    public async Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Cashier);
        if (!CanRefund(request.Permissions))
        {
            return new RefundResult(RefundStatus.NotAllowed, $"Cashier {request.Cashier.Name} may not refund; a manager must approve with their PIN.");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RefundLockedAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<RefundResult> RefundLockedAsync(RefundRequest request, CancellationToken cancellationToken)
    {
        var history = _sales.History(request.SaleId);
        if (history is null)
        {
            return new RefundResult(RefundStatus.NotFound, $"Sale {request.SaleId} is not stored on this till.");
        }

        var original = history.Original;
        if (original.IsRefund)
        {
            return new RefundResult(RefundStatus.NotFound, $"{original.SaleNumber} is itself a refund; refund the original sale {original.RefundOf!.SaleNumber}.");
        }

        var refundable = Refundable(history);
        var (builder, errors) = BuildRefund(original, refundable, request);
        if (errors.Count > 0)
        {
            return new RefundResult(RefundStatus.Invalid, "Nothing was refunded: " + string.Join(" ", errors.Select(e => e.Message)), Errors: errors);
        }

        var currency = Currency.FromCode(original.Currency);
        var toPayBack = -builder.ComputeTotals().AmountDue;
        var plan = Plan(original, history.EarlierRefunds, toPayBack, request.Payout, currency);
        if (plan.Any(p => p.Kind is PaymentKind.Card or PaymentKind.Wallet) && !_network.IsOnline)
        {
            return new RefundResult(RefundStatus.Refused, "Card and wallet refunds need the network and the till is offline. Pay back in cash, or try again when online.");
        }

        if (plan.Any(p => p.Kind == PaymentKind.Qr) && string.IsNullOrWhiteSpace(request.TransferReference))
        {
            return new RefundResult(RefundStatus.Refused, "Part of this sale was paid by transfer: send it back and give the transfer's reference, or pay back in cash.");
        }

        var providerReferences = new List<string>();
        foreach (var part in plan)
        {
            if (part.Kind is PaymentKind.Card or PaymentKind.Wallet)
            {
                var payment = await RefundThroughProviderAsync(original, part, history.EarlierRefunds.Count + 1, providerReferences.Count + 1, cancellationToken).ConfigureAwait(false);
                if (payment is null)
                {
                    if (providerReferences.Count == 0)
                    {
                        return new RefundResult(RefundStatus.PaymentFailed, $"The provider did not refund the {part.Kind} payment {part.OriginalReference}; nothing was refunded.");
                    }

                    return NotRecorded(original, providerReferences, $"the provider did not refund the {part.Kind} payment {part.OriginalReference}");
                }

                providerReferences.Add(payment.Card?.ProviderReference ?? string.Empty);
                builder.AddPayment(payment);
            }
            else
            {
                builder.AddPayment(new Payment
                {
                    MethodId = part.MethodId,
                    Kind = part.Kind,
                    Amount = -part.Amount,
                    Reference = part.Kind == PaymentKind.Qr ? request.TransferReference!.Trim() : null,
                });
            }
        }

        try
        {
            var refund = _sales.Commit(builder);
            Log.RefundCommitted(_logger, refund.SaleNumber, original.SaleNumber, refund.Totals.AmountDue, refund.Currency);
            var cash = -refund.Payments.Where(p => p.Kind == PaymentKind.Cash).Sum(p => p.Amount);
            return new RefundResult(
                RefundStatus.Refunded,
                $"Refund {refund.SaleNumber}: {toPayBack} {refund.Currency} given back" + (cash > 0m ? $", {cash} in cash from the drawer." : "."),
                refund,
                ProviderReferences: providerReferences);
        }
        catch (Exception e) when (e is SaleInvalidException or NoOpenShiftException)
        {
            if (providerReferences.Count > 0)
            {
                return NotRecorded(original, providerReferences, e.Message);
            }

            return e is SaleInvalidException invalid
                ? new RefundResult(RefundStatus.Invalid, "Nothing was refunded: " + string.Join(" ", invalid.Validation.Errors.Select(x => x.Message)), Errors: invalid.Validation.Errors)
                : new RefundResult(RefundStatus.Refused, e.Message);
        }
    }

    private RefundResult NotRecorded(Sale original, List<string> providerReferences, string reason)
    {
        var references = string.Join(", ", providerReferences);
        Log.RefundNotRecorded(_logger, original.SaleNumber, references, reason);
        return new RefundResult(
            RefundStatus.NotRecorded,
            $"Money went back through the provider ({references}) but the refund of {original.SaleNumber} was not recorded: {reason}. Call a manager.",
            ProviderReferences: providerReferences);
    }

    private async Task<Payment?> RefundThroughProviderAsync(Sale original, PayoutPart part, int refundNumber, int partNumber, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(TerminalTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var reference = string.Create(CultureInfo.InvariantCulture, $"{original.SaleNumber}-R{refundNumber}-{partNumber}");
        var outcome = await _terminal.RefundAsync(part.OriginalReference!, new TerminalRequest(part.Kind, part.Amount, original.Currency, reference), linked.Token).ConfigureAwait(false);
        Log.TerminalReversal(_logger, "refund", part.Kind, part.Amount, outcome.Status, part.OriginalReference!);
        if (outcome.Status != TerminalStatus.Approved)
        {
            return null;
        }

        return new Payment
        {
            MethodId = part.MethodId,
            Kind = part.Kind,
            Amount = -part.Amount,
            Card = new CardDetails
            {
                Scheme = outcome.Scheme ?? part.OriginalCard?.Scheme ?? "card",
                Last4 = outcome.Last4 ?? part.OriginalCard?.Last4 ?? string.Empty,
                AuthorizationCode = outcome.AuthorizationCode ?? string.Empty,
                ProviderReference = outcome.ProviderReference ?? string.Empty,
            },

            // Points at the payment given back, so later refunds know what it has left.
            Reference = part.OriginalReference,
        };
    }

    private (SaleBuilder Builder, List<ValidationError> Errors) BuildRefund(Sale original, IReadOnlyList<RefundableLine> refundable, RefundRequest request)
    {
        var errors = new List<ValidationError>();
        var byNumber = refundable.ToDictionary(l => l.LineNumber);
        var asked = request.Lines
            ?? refundable.Where(l => l.Left > 0m).Select(l => new RefundLineRequest(l.LineNumber, l.Left)).ToList();
        if (asked.Count == 0)
        {
            errors.Add(new ValidationError("lines", request.Lines is null ? $"everything sold on {original.SaleNumber} was already refunded." : "name at least one line to refund."));
        }

        var builder = new SaleBuilder(Currency.FromCode(original.Currency), original.TaxRounding)
        {
            StoreId = _options.StoreId,
            TillId = _options.TillId,
            Cashier = request.Cashier,
            Customer = original.Customer,
            OrderDiscountPercent = original.OrderDiscountPercent,
            CashRounding = original.CashRounding,
            RefundOf = new RefundOf { SaleId = original.Id, SaleNumber = original.SaleNumber },
            Note = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim(),
        };
        foreach (var tax in original.Taxes)
        {
            builder.AddTax(tax);
        }

        var seen = new HashSet<int>();
        for (var i = 0; i < asked.Count; i++)
        {
            var (lineNumber, quantity) = asked[i];
            var field = $"lines[{i}]";
            if (!byNumber.TryGetValue(lineNumber, out var line))
            {
                errors.Add(new ValidationError(field + ".lineNumber", $"sale {original.SaleNumber} has no line {lineNumber}."));
                continue;
            }

            if (!seen.Add(lineNumber))
            {
                errors.Add(new ValidationError(field + ".lineNumber", $"line {lineNumber} is named twice; give its whole quantity once."));
                continue;
            }

            if (quantity <= 0m)
            {
                errors.Add(new ValidationError(field + ".quantity", $"is {quantity}; give the quantity to take back as a positive number."));
                continue;
            }

            if (quantity > line.Left)
            {
                errors.Add(new ValidationError(field + ".quantity", $"{quantity} {line.Unit} of {line.Name} cannot be refunded: {line.Sold} were sold, {line.Refunded} already refunded, {line.Left} left."));
                continue;
            }

            var sold = original.Lines.First(l => l.LineNumber == lineNumber);
            builder.AddLine(sold.ProductId, sold.Name, -quantity, sold.UnitPrice, sold.TaxIds, sold.DiscountPercent, sold.Unit, sold.Sku, sold.Barcode, refundOfLine: lineNumber);
        }

        return (builder, errors);
    }

    private static List<RefundableLine> Refundable(RefundHistory history)
    {
        var refunded = history.EarlierRefunds
            .SelectMany(r => r.Lines)
            .Where(l => l.RefundOfLine is not null)
            .GroupBy(l => l.RefundOfLine!.Value)
            .ToDictionary(g => g.Key, g => -g.Sum(l => l.Quantity));
        return history.Original.Lines
            .Select(l => new RefundableLine(l.LineNumber, l.ProductId, l.Name, l.Unit, l.UnitPrice, l.DiscountPercent, l.Quantity, refunded.GetValueOrDefault(l.LineNumber), l.TotalIncluded))
            .ToList();
    }

    private sealed record PayoutPart(PaymentKind Kind, string MethodId, decimal Amount, string? OriginalReference = null, CardDetails? OriginalCard = null);

    /// <summary>Splits what is to be given back over the original's payments, each up to what it has left.</summary>
    private static List<PayoutPart> Plan(Sale original, IReadOnlyList<Sale> earlierRefunds, decimal toPayBack, RefundPayout payout, Currency currency)
    {
        var cashMethod = original.Payments.FirstOrDefault(p => p.Kind == PaymentKind.Cash)?.MethodId ?? "cash";
        if (payout == RefundPayout.Cash)
        {
            return toPayBack == 0m ? [] : [new PayoutPart(PaymentKind.Cash, cashMethod, toPayBack)];
        }

        var earlierPayments = earlierRefunds.SelectMany(r => r.Payments).ToList();
        var plan = new List<PayoutPart>();
        var left = toPayBack;

        // Card and wallet first, one original payment at a time: the provider refunds each by its reference.
        foreach (var paid in original.Payments.Where(p => p.Kind is PaymentKind.Card or PaymentKind.Wallet))
        {
            var reference = paid.Card?.ProviderReference ?? paid.Reference;
            if (string.IsNullOrEmpty(reference))
            {
                continue;
            }

            var given = -earlierPayments.Where(p => p.Kind == paid.Kind && p.Reference == reference).Sum(p => p.Amount);
            Take(new PayoutPart(paid.Kind, paid.MethodId, 0m, reference, paid.Card), paid.Amount - given);
        }

        // Then the pooled methods, per method id: the customer's account, transfers, and cash last.
        foreach (var kind in new[] { PaymentKind.CustomerAccount, PaymentKind.Qr, PaymentKind.Cash })
        {
            foreach (var group in original.Payments.Where(p => p.Kind == kind).GroupBy(p => p.MethodId))
            {
                var given = -earlierPayments.Where(p => p.Kind == kind && p.MethodId == group.Key).Sum(p => p.Amount);
                Take(new PayoutPart(kind, group.Key, 0m), group.Sum(p => p.Amount) - given);
            }
        }

        // What no original payment can cover (rounding of partial refunds, or a cash-rounded sale) is cash.
        if (left > 0m)
        {
            var cash = plan.FindIndex(p => p.Kind == PaymentKind.Cash);
            if (cash >= 0)
            {
                plan[cash] = plan[cash] with { Amount = plan[cash].Amount + left };
            }
            else
            {
                plan.Add(new PayoutPart(PaymentKind.Cash, cashMethod, left));
            }
        }

        return plan;

        void Take(PayoutPart part, decimal available)
        {
            var amount = currency.Round(Math.Min(left, available));
            if (amount > 0m)
            {
                plan.Add(part with { Amount = amount });
                left -= amount;
            }
        }
    }

    private static bool Matches(Sale sale, string raw, string[] words)
    {
        if (sale.SaleNumber.Contains(raw, StringComparison.OrdinalIgnoreCase)
            || sale.Payments.Any(p => p.Card?.Last4 == raw))
        {
            return true;
        }

        var haystack = SearchText.Fold(string.Join(
            ' ',
            new[] { sale.SaleNumber, sale.Customer?.Name, sale.Customer?.Phone, sale.Customer?.Email, sale.Customer?.LoyaltyCardCode, sale.Note }
                .Concat(sale.Lines.Select(l => l.Name))
                .Concat(sale.Lines.Select(l => l.Sku))));
        return words.All(w => haystack.Contains(w, StringComparison.Ordinal));
    }

    private static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
