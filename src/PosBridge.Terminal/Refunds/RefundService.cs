using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Sales;
using PosBridge.Terminal.Shifts;
using PosBridge.Terminal.Storage;
using PosBridge.Till;
using PosBridge.Till.Catalog;
using PosBridge.Till.Payments;
using PosBridge.Till.Receipts;
using PosBridge.Till.Refunds;
using PosBridge.Till.Sales;

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
    private readonly ShiftStore _shifts;
    private readonly RefundIntentStore _intents;
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
        _shifts = new ShiftStore(database, options, timeProvider);
        _intents = new RefundIntentStore(database, timeProvider);
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

    /// <summary>
    /// Settles every refund a killed till left open (the provider was or was about to be called, and nothing was
    /// recorded after): parts never sent are sent, parts whose answer was lost are looked up with the provider by the
    /// till's reference (<see cref="IPaymentTerminal.FindAsync"/>), and then the refund is recorded, or marked as not
    /// done when no money moved, or left for a manager (<see cref="UnresolvedRefunds"/>) when the provider cannot say.
    /// The till runs it at start; a refund of the same sale runs it first too.
    /// </summary>
    public async Task<IReadOnlyList<RefundResult>> ReconcileAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var results = new List<RefundResult>();
            foreach (var intent in _intents.InState(RefundIntentState.Open))
            {
                results.Add(await DriveAsync(intent, cancellationToken).ConfigureAwait(false));
            }

            return results;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Refunds whose money moved (or may have) but that could not be recorded: what a manager must look at.</summary>
    public IReadOnlyList<UnresolvedRefund> UnresolvedRefunds() =>
        _intents.InState(RefundIntentState.Unresolved)
            .Select(i => new UnresolvedRefund(
                i.Id,
                i.SaleId,
                i.SaleNumber,
                i.Parts.Sum(p => p.Amount),
                i.Problem ?? string.Empty,
                [.. i.Parts.Where(p => p.State == RefundPartState.Approved).Select(p => p.ProviderReference ?? string.Empty)]))
            .ToList();

    /// <summary>A manager closes an unresolved refund, saying what was done (recorded by hand, reversed at the provider …).</summary>
    /// <exception cref="KeyNotFoundException">No unresolved refund has this id.</exception>
    public void Resolve(string id, string note)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(note);
        if (_intents.Find(id.Trim()) is not { State: RefundIntentState.Unresolved } intent)
        {
            throw new KeyNotFoundException($"No refund '{id.Trim()}' waits for a manager; the list shows the ids of those that do.");
        }

        _intents.SetState(intent.Id, RefundIntentState.Resolved, $"{intent.Problem} Resolved: {note.Trim()}");
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

        // An earlier attempt on this sale whose money may have moved is settled before anything else, so the same
        // items are never paid back twice.
        foreach (var open in _intents.Unsettled(original.Id).Where(i => i.State == RefundIntentState.Open))
        {
            await DriveAsync(open, cancellationToken).ConfigureAwait(false);
        }

        if (_intents.Unsettled(original.Id) is [var blocked, ..])
        {
            return new RefundResult(RefundStatus.Refused, $"Refund {blocked.Id} of {original.SaleNumber} is not settled ({blocked.Problem}); a manager must resolve it before this sale is refunded again.");
        }

        history = _sales.History(request.SaleId)!;
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

        if (!_shifts.AnyOpen())
        {
            // Checked before any money moves; the commit checks again.
            return new RefundResult(RefundStatus.Refused, new NoOpenShiftException().Message);
        }

        var parts = plan.Select(p => new RefundPart(
                p.Kind,
                p.MethodId,
                p.Amount,
                p.Kind is PaymentKind.Card or PaymentKind.Wallet ? RefundPartState.NotSent : RefundPartState.Local,
                OriginalReference: p.OriginalReference,
                OriginalCard: p.OriginalCard))
            .ToList();
        if (!parts.Any(p => p.ThroughProvider))
        {
            return Record(null, original, builder, parts, request);
        }

        // Durable before the provider is asked: a till killed from here on leaves an intent that says what it did.
        var intent = _intents.Create(original, request, parts);
        return await DriveAsync(intent, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes an open intent as far as it can go: provider calls, then the refund's commit.</summary>
    private async Task<RefundResult> DriveAsync(RefundIntent intent, CancellationToken cancellationToken)
    {
        var history = _sales.History(intent.SaleId) ?? throw new InvalidOperationException($"Refund intent {intent.Id} names sale {intent.SaleId}, which is not stored.");
        var original = history.Original;
        var parts = intent.Parts.ToList();
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            if (part.State == RefundPartState.NotSent && !parts.Any(p => p.State == RefundPartState.Declined))
            {
                parts[i] = part = part with { State = RefundPartState.Sent };
                intent = _intents.SaveParts(intent, parts);
                var outcome = await RefundThroughProviderAsync(original, part, cancellationToken).ConfigureAwait(false);
                if (outcome.Status is TerminalStatus.TimedOut or TerminalStatus.Cancelled)
                {
                    // No answer is not "no": ask the provider what became of our reference before deciding.
                    outcome = await _terminal.FindAsync(part.Reference!, cancellationToken).ConfigureAwait(false) ?? outcome;
                }

                parts[i] = Answered(part, outcome);
                intent = _intents.SaveParts(intent, parts);
            }
            else if (part.State == RefundPartState.Sent)
            {
                var outcome = await _terminal.FindAsync(part.Reference!, cancellationToken).ConfigureAwait(false);
                Log.RefundLookedUp(_logger, part.Reference!, outcome?.Status.ToString() ?? "unknown");
                if (outcome is null)
                {
                    return Unresolved(intent, parts, $"the provider cannot say whether refund {part.Reference} of {part.Amount} {original.Currency} to {part.OriginalReference} went through; check the provider's portal, then record or reverse it");
                }

                parts[i] = Answered(part, outcome);
                intent = _intents.SaveParts(intent, parts);
            }
        }

        var approved = parts.Where(p => p.State == RefundPartState.Approved).ToList();
        if (parts.FirstOrDefault(p => p.State == RefundPartState.Declined) is { } declined)
        {
            if (approved.Count == 0)
            {
                _intents.SetState(intent.Id, RefundIntentState.Failed, declined.Message);
                return new RefundResult(RefundStatus.PaymentFailed, $"The provider did not refund the {declined.Kind} payment {declined.OriginalReference} ({declined.Message}); nothing was refunded.");
            }

            return Unresolved(intent, parts, $"the provider did not refund the {declined.Kind} payment {declined.OriginalReference} ({declined.Message}) after it had refunded others");
        }

        var (builder, errors) = BuildRefund(original, Refundable(history), intent.Request);
        if (errors.Count > 0)
        {
            return Unresolved(intent, parts, string.Join(" ", errors.Select(e => e.Message)));
        }

        return Record(intent, original, builder, parts, intent.Request);
    }

    /// <summary>Commits the refund with its payments (and its intent marked recorded, in the same transaction).</summary>
    private RefundResult Record(RefundIntent? intent, Sale original, SaleBuilder builder, IReadOnlyList<RefundPart> parts, RefundRequest request)
    {
        foreach (var part in parts)
        {
            builder.AddPayment(part.State == RefundPartState.Approved
                ? new Payment
                {
                    MethodId = part.MethodId,
                    Kind = part.Kind,
                    Amount = -part.Amount,
                    Card = new CardDetails
                    {
                        Scheme = part.Scheme ?? part.OriginalCard?.Scheme ?? "card",
                        Last4 = part.Last4 ?? part.OriginalCard?.Last4 ?? string.Empty,
                        AuthorizationCode = part.AuthorizationCode ?? string.Empty,
                        ProviderReference = part.ProviderReference ?? string.Empty,
                    },

                    // Points at the payment given back, so later refunds know what it has left.
                    Reference = part.OriginalReference,
                }
                : new Payment
                {
                    MethodId = part.MethodId,
                    Kind = part.Kind,
                    Amount = -part.Amount,
                    Reference = part.Kind == PaymentKind.Qr ? request.TransferReference!.Trim() : null,
                });
        }

        var providerReferences = parts.Where(p => p.State == RefundPartState.Approved).Select(p => p.ProviderReference ?? string.Empty).ToList();
        try
        {
            var refund = _sales.Commit(builder, intent is null ? null : r => _intents.SetState(intent.Id, RefundIntentState.Recorded, null, r.Id));
            Log.RefundCommitted(_logger, refund.SaleNumber, original.SaleNumber, refund.Totals.AmountDue, refund.Currency);
            var cash = -refund.Payments.Where(p => p.Kind == PaymentKind.Cash).Sum(p => p.Amount);
            return new RefundResult(
                RefundStatus.Refunded,
                $"Refund {refund.SaleNumber}: {-refund.Totals.AmountDue} {refund.Currency} given back" + (cash > 0m ? $", {cash} in cash from the drawer." : "."),
                refund,
                ProviderReferences: providerReferences);
        }
        catch (Exception e) when (e is SaleInvalidException or NoOpenShiftException)
        {
            if (intent is not null)
            {
                return Unresolved(intent, parts, e.Message);
            }

            return e is SaleInvalidException invalid
                ? new RefundResult(RefundStatus.Invalid, "Nothing was refunded: " + string.Join(" ", invalid.Validation.Errors.Select(x => x.Message)), Errors: invalid.Validation.Errors)
                : new RefundResult(RefundStatus.Refused, e.Message);
        }
    }

    private RefundResult Unresolved(RefundIntent intent, IReadOnlyList<RefundPart> parts, string reason)
    {
        var providerReferences = parts.Where(p => p.State == RefundPartState.Approved).Select(p => p.ProviderReference ?? string.Empty).ToList();
        var references = string.Join(", ", providerReferences);
        _intents.SetState(intent.Id, RefundIntentState.Unresolved, reason);
        Log.RefundNotRecorded(_logger, intent.SaleNumber, references, reason);
        return new RefundResult(
            RefundStatus.NotRecorded,
            $"Refund {intent.Id} of {intent.SaleNumber} was not recorded: {reason}." + (references.Length > 0 ? $" Money went back through the provider ({references})." : string.Empty) + " It waits for a manager.",
            ProviderReferences: providerReferences);
    }

    private static RefundPart Answered(RefundPart part, TerminalOutcome outcome) =>
        outcome.Status == TerminalStatus.Approved
            ? part with
            {
                State = RefundPartState.Approved,
                ProviderReference = outcome.ProviderReference,
                AuthorizationCode = outcome.AuthorizationCode,
                Scheme = outcome.Scheme,
                Last4 = outcome.Last4,
            }
            : part with { State = RefundPartState.Declined, Message = outcome.Message ?? outcome.Status.ToString() };

    private async Task<TerminalOutcome> RefundThroughProviderAsync(Sale original, RefundPart part, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(TerminalTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var outcome = await _terminal.RefundAsync(part.OriginalReference!, new TerminalRequest(part.Kind, part.Amount, original.Currency, part.Reference!), linked.Token).ConfigureAwait(false);
        Log.TerminalReversal(_logger, "refund", part.Kind, part.Amount, outcome.Status, part.OriginalReference!);
        return outcome;
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
