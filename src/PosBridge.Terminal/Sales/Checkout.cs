using Microsoft.Extensions.Logging;
using PosBridge.Core.Catalog;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Catalog;
using PosBridge.Terminal.Loyalty;
using PosBridge.Till;
using PosBridge.Till.Payments;
using PosBridge.Till.Sales;

namespace PosBridge.Terminal.Sales;

public enum PaymentStatus
{
    Accepted,

    /// <summary>Refused before anything was asked of a provider (offline, no customer, nothing to pay).</summary>
    Refused,
    Declined,
    Cancelled,
    TimedOut,
}

/// <summary>The outcome of one payment attempt; <see cref="Message"/> is for the cashier.</summary>
public sealed record PaymentResult(PaymentStatus Status, string Message, Payment? Payment = null)
{
    public bool IsAccepted => Status == PaymentStatus.Accepted;
}

/// <summary>A payment method the back office offers at this till, and whether the till can take it now.</summary>
public sealed record OfferedPaymentMethod(PaymentMethod Method, bool Available, string? Reason = null);

/// <summary>The outcome of completing a cart: the committed sale, or why it was not committed.</summary>
public sealed record CompletionResult(Sale? Sale, SaleValidationResult? Validation = null, string? Message = null)
{
    public bool IsCommitted => Sale is not null;
}

public enum VoidStatus
{
    /// <summary>The cart is cancelled; every card or wallet payment on it was reversed.</summary>
    Voided,

    /// <summary>A provider did not reverse a payment: the cart stays open with the payments not yet reversed.</summary>
    ReversalFailed,
}

/// <summary>
/// The outcome of voiding a cart. <see cref="CashToHandBack"/> is cash the customer had already handed
/// over; <see cref="NotReversed"/> are the payments still on the cart when a reversal failed.
/// </summary>
public sealed record VoidResult(VoidStatus Status, string Message, decimal CashToHandBack, IReadOnlyList<string> ReversedReferences, IReadOnlyList<Payment> NotReversed)
{
    public bool IsVoided => Status == VoidStatus.Voided;
}

/// <summary>
/// Rings up and takes payment for carts, and commits them. Cash always works; card, wallet and QR need
/// the network and are refused up front when the till is offline.
/// </summary>
public sealed class Checkout
{
    private readonly CatalogStore _catalog;
    private readonly SaleStore _sales;
    private readonly TillOptions _options;
    private readonly IPaymentTerminal _terminal;
    private readonly INetworkStatus _network;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public Checkout(CatalogStore catalog, SaleStore sales, TillOptions options, IPaymentTerminal terminal, INetworkStatus network, TimeProvider timeProvider, ILogger<Checkout> logger)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(sales);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(terminal);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _catalog = catalog;
        _sales = sales;
        _options = options;
        _terminal = terminal;
        _network = network;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>How long a provider may take before the till gives up on it.</summary>
    public TimeSpan TerminalTimeout { get; set; } = TimeSpan.FromSeconds(90);

    public Cart NewCart(Cashier cashier, TillPermissions permissions = TillPermissions.None)
    {
        ArgumentNullException.ThrowIfNull(cashier);
        return new Cart(_options, _catalog.Taxes(), cashier, permissions);
    }

    /// <summary>
    /// The payment methods to offer: those the back office defines for this till (pulled with the catalog), each
    /// marked unavailable with the reason while card, wallet and QR cannot be taken (offline). Empty when the till
    /// has never pulled methods; the checkout then takes the method ids it is given.
    /// </summary>
    public IReadOnlyList<OfferedPaymentMethod> PaymentMethods()
    {
        var online = _network.IsOnline;
        return _catalog.PaymentMethods().Select(m => m.Kind is PaymentKind.Card or PaymentKind.Wallet or PaymentKind.Qr && !online
            ? new OfferedPaymentMethod(m, false, $"{m.Name} needs the network and the till is offline.")
            : new OfferedPaymentMethod(m, true)).ToList();
    }

    /// <summary>Cash toward what remains: the excess is change; less than what remains leaves the rest for another method.</summary>
    public PaymentResult PayCash(Cart cart, decimal tendered, string methodId = "cash")
    {
        ArgumentNullException.ThrowIfNull(cart);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tendered);
        if (!_options.CurrencyInfo.IsWholeUnits(tendered))
        {
            return new PaymentResult(PaymentStatus.Refused, $"{tendered} is not an amount of {_options.Currency} cash.");
        }

        if (UnknownMethod(PaymentKind.Cash, ref methodId, "cash") is { } unknown)
        {
            return unknown;
        }

        var remaining = cart.Remaining;
        if (remaining <= 0m)
        {
            return new PaymentResult(PaymentStatus.Refused, "Nothing is left to pay.");
        }

        var amount = Math.Min(tendered, remaining);
        var payment = new Payment { MethodId = methodId, Kind = PaymentKind.Cash, Amount = amount, Tendered = tendered, Change = tendered - amount };
        cart.AddPayment(payment);
        return new PaymentResult(PaymentStatus.Accepted, payment.Change > 0m ? $"Change: {payment.Change}" : "Paid in cash.", payment);
    }

    /// <summary>A card or wallet payment through the payment provider; <paramref name="amount"/> defaults to what remains.</summary>
    public async Task<PaymentResult> PayByTerminalAsync(Cart cart, PaymentKind kind, string methodId, decimal? amount = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cart);
        if (kind is not (PaymentKind.Card or PaymentKind.Wallet))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), $"{kind} payments do not go through the payment terminal.");
        }

        if (UnknownMethod(kind, ref methodId, null) is { } unknown)
        {
            return unknown;
        }

        if (Refuse(cart, kind, amount, out var due) is { } refused)
        {
            return refused;
        }

        using var timeout = new CancellationTokenSource(TerminalTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var reference = $"{_options.TillId}-{cart.GetHashCode():x8}-{cart.Payments.Count + 1}";
        var outcome = await _terminal.PayAsync(new TerminalRequest(kind, due, _options.Currency, reference), linked.Token).ConfigureAwait(false);
        if (outcome.Status == TerminalStatus.Cancelled && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            outcome = outcome with { Status = TerminalStatus.TimedOut, Message = "The payment provider did not answer in time." };
        }

        Log.TerminalPayment(_logger, kind, due, outcome.Status, outcome.ProviderReference);
        switch (outcome.Status)
        {
            case TerminalStatus.Approved:
                var payment = new Payment
                {
                    MethodId = methodId,
                    Kind = kind,
                    Amount = due,
                    Card = new CardDetails
                    {
                        Scheme = outcome.Scheme ?? "card",
                        Last4 = outcome.Last4 ?? string.Empty,
                        AuthorizationCode = outcome.AuthorizationCode ?? string.Empty,
                        ProviderReference = outcome.ProviderReference ?? string.Empty,
                    },
                    Reference = outcome.ProviderReference,
                };
                cart.AddPayment(payment);
                return new PaymentResult(PaymentStatus.Accepted, $"Approved: {payment.Card.Scheme} •••• {payment.Card.Last4}", payment);
            case TerminalStatus.Declined:
                return new PaymentResult(PaymentStatus.Declined, outcome.Message ?? "Declined.");
            case TerminalStatus.TimedOut:
                return new PaymentResult(PaymentStatus.TimedOut, outcome.Message ?? "The payment provider did not answer in time.");
            default:
                return new PaymentResult(PaymentStatus.Cancelled, outcome.Message ?? "Cancelled.");
        }
    }

    /// <summary>A QR or instant-transfer payment the cashier confirmed by the bank's reference.</summary>
    public PaymentResult PayByReference(Cart cart, string methodId, string reference, decimal? amount = null)
    {
        ArgumentNullException.ThrowIfNull(cart);
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        if (UnknownMethod(PaymentKind.Qr, ref methodId, null) is { } unknown)
        {
            return unknown;
        }

        if (Refuse(cart, PaymentKind.Qr, amount, out var due) is { } refused)
        {
            return refused;
        }

        var payment = new Payment { MethodId = methodId, Kind = PaymentKind.Qr, Amount = due, Reference = reference.Trim() };
        cart.AddPayment(payment);
        return new PaymentResult(PaymentStatus.Accepted, $"Transfer {payment.Reference} recorded.", payment);
    }

    /// <summary>"Pay later": charges what remains (or <paramref name="amount"/>) to the cart's customer's account. Works offline.</summary>
    public PaymentResult PayLater(Cart cart, string methodId = "customer-account", decimal? amount = null)
    {
        ArgumentNullException.ThrowIfNull(cart);
        if (cart.Customer is null)
        {
            return new PaymentResult(PaymentStatus.Refused, "Attach a customer before charging to an account.");
        }

        if (UnknownMethod(PaymentKind.CustomerAccount, ref methodId, "customer-account") is { } unknown)
        {
            return unknown;
        }

        if (Refuse(cart, PaymentKind.CustomerAccount, amount, out var due) is { } refused)
        {
            return refused;
        }

        var payment = new Payment { MethodId = methodId, Kind = PaymentKind.CustomerAccount, Amount = due };
        cart.AddPayment(payment);
        return new PaymentResult(PaymentStatus.Accepted, $"{due} charged to {cart.Customer.Name ?? cart.Customer.Id}'s account.", payment);
    }

    /// <summary>Commits a fully paid cart as a sale (with its outbox row) in the open shift.</summary>
    public CompletionResult Complete(Cart cart)
    {
        ArgumentNullException.ThrowIfNull(cart);
        if (cart.IsVoided)
        {
            return new CompletionResult(null, Message: "The cart was voided; start a new one.");
        }

        if (cart.Lines.Count == 0)
        {
            return new CompletionResult(null, Message: "The cart is empty.");
        }

        var remaining = cart.Remaining;
        if (remaining != 0m)
        {
            return new CompletionResult(null, Message: $"{remaining} is still to pay.");
        }

        try
        {
            // The promotion's rule is checked again under the write lock, against the programs the till holds then
            // (a catalog pull may have ended it): a sale never commits with a promotion its cart does not meet.
            var sale = _sales.Commit(cart.ToBuilder(), cart.Promotion is null ? null : _ =>
            {
                if (LoyaltyService.PromotionProblem(_catalog.LoyaltyPrograms(), cart, id => _catalog.FindById(id)?.Name ?? id) is { } problem)
                {
                    throw new PromotionNotMetException($"{problem}; nothing was saved. Take the code off and take what is left to pay.");
                }
            });
            Log.SaleCommitted(_logger, sale.SaleNumber, sale.Totals.AmountDue, sale.Currency, sale.Lines.Count);
            return new CompletionResult(sale);
        }
        catch (NoOpenShiftException e)
        {
            return new CompletionResult(null, Message: e.Message);
        }
        catch (LoyaltyPointsShortException e)
        {
            return new CompletionResult(null, Message: e.Message);
        }
        catch (PromotionNotMetException e)
        {
            return new CompletionResult(null, Message: e.Message);
        }
        catch (Fiscal.ZatcaNotOnboardedException e)
        {
            return new CompletionResult(null, Message: e.Message);
        }
        catch (SaleInvalidException e)
        {
            Log.SaleInvalid(_logger, e.Validation.ToString());
            return new CompletionResult(null, e.Validation, "The sale is not valid; nothing was saved.");
        }
    }

    /// <summary>
    /// Cancels a sale before it is completed: every approved card or wallet payment on the cart is reversed
    /// through the provider by its reference, then the cart is emptied for good and the void recorded for
    /// the shift report. If a provider does not reverse a payment, the cart stays as it is (less the payments
    /// already reversed) so the cashier can try again; nothing is recorded until every reversal went through.
    /// </summary>
    public async Task<VoidResult> VoidAsync(Cart cart, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cart);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (cart.IsVoided)
        {
            throw new InvalidOperationException("This cart was already voided.");
        }

        var amount = cart.Lines.Count == 0 ? 0m : cart.Totals.AmountDue;
        var lines = cart.Lines.Count;
        var reversed = new List<string>();
        foreach (var payment in cart.Payments.Where(p => p.Kind is PaymentKind.Card or PaymentKind.Wallet).ToList())
        {
            var reference = payment.Card?.ProviderReference ?? payment.Reference;
            if (string.IsNullOrEmpty(reference))
            {
                throw new InvalidOperationException($"A {payment.Kind} payment on the cart has no provider reference to reverse it by.");
            }

            var outcome = await _terminal.VoidAsync(reference, new TerminalRequest(payment.Kind, payment.Amount, _options.Currency, reference), cancellationToken).ConfigureAwait(false);
            Log.TerminalReversal(_logger, "void", payment.Kind, payment.Amount, outcome.Status, reference);
            if (outcome.Status != TerminalStatus.Approved)
            {
                return new VoidResult(
                    VoidStatus.ReversalFailed,
                    $"The {payment.Kind} payment {reference} of {payment.Amount} was not reversed ({outcome.Message ?? outcome.Status.ToString()}); the cart is not voided. Try again.",
                    0m,
                    reversed,
                    [.. cart.Payments]);
            }

            cart.RemovePayment(payment);
            reversed.Add(reference);
        }

        var cash = cart.Payments.Where(p => p.Kind == PaymentKind.Cash).Sum(p => p.Amount);
        var others = cart.Payments.Where(p => p.Kind is PaymentKind.Qr or PaymentKind.CustomerAccount).ToList();
        _sales.RecordVoid(cart.Cashier, reason.Trim(), amount, lines, reversed);
        cart.MarkVoided();
        var message = "Sale voided."
            + (cash > 0m ? $" Hand back {cash} cash." : string.Empty)
            + (reversed.Count > 0 ? $" {reversed.Count} card/wallet payment(s) reversed." : string.Empty)
            + string.Concat(others.Select(p => p.Kind == PaymentKind.Qr
                ? $" Transfer {p.Reference} ({p.Amount}) must be sent back by the bank."
                : $" {p.Amount} was not charged to the customer's account."));
        return new VoidResult(VoidStatus.Voided, message, cash, reversed, []);
    }

    /// <summary>
    /// Once the till has pulled its payment methods, only those are taken, each as its own kind. The default ids
    /// ("cash", "customer-account") and a kind's own name ("card", "wallet", "qr") stand for the till's method of
    /// that kind, so <c>pay card</c> works whatever id the back office gives its card method.
    /// </summary>
    private PaymentResult? UnknownMethod(PaymentKind kind, ref string methodId, string? defaultId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(methodId);
        var methods = _catalog.PaymentMethods();
        if (methods.Count == 0)
        {
            return null;
        }

        var id = methodId;
        var method = methods.FirstOrDefault(m => m.Id == id);
        var byKind = methodId == defaultId || string.Equals(methodId, kind.ToString(), StringComparison.OrdinalIgnoreCase);
        if (method is null && byKind)
        {
            method = methods.FirstOrDefault(m => m.Kind == kind);
        }

        if (method is null)
        {
            return new PaymentResult(PaymentStatus.Refused, byKind
                ? $"The back office offers no {kind} payment method at this till."
                : $"Payment method '{methodId}' is not offered at this till.");
        }

        if (method.Kind != kind)
        {
            return new PaymentResult(PaymentStatus.Refused, $"'{method.Name}' is a {method.Kind} method, not {kind}.");
        }

        methodId = method.Id;
        return null;
    }

    private PaymentResult? Refuse(Cart cart, PaymentKind kind, decimal? amount, out decimal due)
    {
        var remaining = cart.Remaining;
        due = amount ?? remaining;
        if (kind is PaymentKind.Card or PaymentKind.Wallet or PaymentKind.Qr && !_network.IsOnline)
        {
            Log.RefusedOffline(_logger, kind);
            return new PaymentResult(PaymentStatus.Refused, $"{kind} payments need the network and the till is offline. Take cash, or charge a customer's account.");
        }

        if (remaining <= 0m)
        {
            return new PaymentResult(PaymentStatus.Refused, "Nothing is left to pay.");
        }

        if (due <= 0m || due > remaining)
        {
            return new PaymentResult(PaymentStatus.Refused, $"{due} is not between zero and the {remaining} still to pay.");
        }

        return null;
    }
}
