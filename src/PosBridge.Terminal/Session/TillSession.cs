using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Catalog;
using PosBridge.Terminal.Customers;
using PosBridge.Terminal.Loyalty;
using PosBridge.Terminal.Refunds;
using PosBridge.Terminal.Sales;
using PosBridge.Terminal.Screen;
using PosBridge.Terminal.Shifts;
using PosBridge.Terminal.Staff;
using PosBridge.Terminal.Storage;
using PosBridge.Terminal.Sync;
using PosBridge.Till;
using PosBridge.Till.Catalog;
using PosBridge.Till.Nfc;
using PosBridge.Till.Payments;
using PosBridge.Till.Receipts;
using PosBridge.Till.Refunds;
using PosBridge.Till.Sales;
using PosBridge.Till.Shifts;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Session;

/// <summary>
/// A till without a screen: one command a line, from a script or typed (<c>posbridge-till session</c>). Each
/// command calls the engine (<see cref="Checkout"/>, <see cref="ShiftStore"/>, <see cref="RefundService"/>,
/// <see cref="ReceiptRenderer"/>, <see cref="SaleUploader"/> …) and prints what it did; a command it cannot
/// understand, or one the engine refuses, is answered with what to type and changes nothing.
/// </summary>
public sealed class TillSession : IDisposable
{
    /// <summary>The commands, as <c>help</c> prints them.</summary>
    public const string Usage = """
        open FLOAT                               open a shift with the counted float
        close COUNTED                            close the shift with the cash counted; prints the Z report
        cash in|out AMOUNT REASON…               put cash into or take it out of the drawer
        sell CODE [QTY] [discount N%|AMOUNT]     add a product by barcode or SKU (QTY in kg for weighed goods)
        qty LINE QTY | remove LINE               change or remove a line of the cart (lines count from 1)
        discount N% | discount LINE N%|AMOUNT    a discount on the whole order, or on one line
        cart                                     show the cart and what is left to pay
        pay cash TENDERED                        cash; the excess is change
        pay card|wallet [AMOUNT]                 through the payment terminal (needs the network)
        pay qr REFERENCE [AMOUNT]                a transfer confirmed by its bank reference
        pay later [AMOUNT]                       charge the attached customer's account
        customer PHONE | customer card CODE | customer tap [SECONDS]
                                                 attach a customer to the sale (tap: their card on the NFC reader)
        customer [none]                          show the sale's customer, or take them off
        customer add ID NAME [phone P] [card C] [email E] [tag UID]
                                                 save a customer (a known ID is replaced)
        points                                   the customer's points, what this sale earns, the rewards
        reward ID [POINTS] | reward none         spend points on a reward (POINTS: per-point rewards), or take it off
        promo CODE | promo remove | promo        apply the promotion code the customer gives, take it off, show it
        void REASON…                             cancel the cart (card payments are reversed)
        refund RECEIPT [LINE:QTY…] [cash] pin PIN [reason TEXT…]
                                                 refund all or part of a sale found by its number or code
        refunds [resolve ID NOTE…]               refunds whose payment outcome is unknown, for a manager
        receipt [RECEIPT|last] [32|48] [escpos FILE]
                                                 print a receipt as text, or write its ESC/POS bytes to FILE
        x | z [SHIFT]                            the running shift's report; a closed shift's Z report again
        pair CODE [CONNECTOR-URL] | pair tap [SECONDS]
                                                 pair with the connector by its one-time code, or a pairing tag
        sync                                     upload waiting sales, then pull the catalog (prices, taxes,
                                                 payment methods, loyalty programs) from the connector now
        status                                   sales waiting, the oldest's age, the connector's circuit, the shift
        network on|off                           pretend the network is there or not (card payments follow it)
        zatca | zatca onboard OTP                the till's ZATCA and ETA state; onboard with ZATCA by the
                                                 Fatoora portal's OTP (paired and online)
        help | quit
        """;

    private const string ConnectorUrlKey = "sync.connectorUrl";

    private readonly TillDatabase _database;
    private readonly TillOptions _options;
    private readonly ScreenOptions _settings;
    private readonly INfcReader _nfc;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggers;
    private readonly TextWriter _out;
    private readonly CatalogStore _catalog;
    private readonly SaleStore _sales;
    private readonly ShiftStore _shifts;
    private readonly Outbox _outbox;
    private readonly StaffStore _staff;
    private readonly Checkout _checkout;
    private readonly RefundService _refunds;
    private readonly CustomerStore _customers;
    private readonly LoyaltyService _loyalty;
    private readonly ManualNetworkStatus _network = new();
    private readonly Pins _pins;
    private readonly Currency _currency;
    private Cart? _cart;
    private Sale? _last;
    private HttpClient? _http;
    private SaleUploader? _uploader;
    private ConnectorClient? _client;
    private readonly Fiscal.FiscalChain _fiscal;
    private CatalogPuller? _puller;
    private TillNumberingCheck? _numbering;

    public TillSession(TillDatabase database, TillOptions options, ScreenOptions settings, IPaymentTerminal terminal, INfcReader nfc, TimeProvider timeProvider, ILoggerFactory loggers, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(terminal);
        ArgumentNullException.ThrowIfNull(nfc);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggers);
        ArgumentNullException.ThrowIfNull(output);
        _database = database;
        _options = options;
        _settings = settings;
        _nfc = nfc;
        _timeProvider = timeProvider;
        _loggers = loggers;
        _out = output;
        _catalog = new CatalogStore(database, options);
        // The same fiscal chain as the screen's till: a Saudi sale is signed, an Egyptian one chained, in the sale's own transaction.
        _fiscal = new Fiscal.FiscalChain(database, options, options.Fiscal, timeProvider);
        _sales = new SaleStore(database, options, timeProvider, _fiscal);
        _shifts = new ShiftStore(database, options, timeProvider);
        _outbox = new Outbox(database, timeProvider);
        _staff = TillHost.ManagersFromSettings(new StaffStore(database), settings);
        _checkout = new Checkout(_catalog, _sales, options, terminal, _network, timeProvider, loggers.CreateLogger<Checkout>());
        _refunds = new RefundService(database, _sales, options, terminal, _network, timeProvider, loggers.CreateLogger<RefundService>());
        _pins = new Pins(settings, _staff, timeProvider);
        _customers = new CustomerStore(database);
        _loyalty = new LoyaltyService(database, options);
        _currency = options.CurrencyInfo;
        Cashier = new Cashier { Id = settings.CashierId, Name = settings.CashierName };
    }

    public Cashier Cashier { get; }

    /// <summary>For tests: the handler that reaches the connector instead of the network.</summary>
    internal HttpMessageHandler? ConnectorHandler { get; init; }

    /// <summary>The cart being rung up, if any.</summary>
    public Cart? Cart => _cart;

    /// <summary>
    /// Runs every line of <paramref name="input"/>. A script (<paramref name="interactive"/> false) stops at the
    /// first refused command and answers 1; typed sessions say what went wrong and go on. <c>quit</c> ends either.
    /// </summary>
    public async Task<int> RunAsync(TextReader input, bool interactive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        // Refunds a killed till left half-done are settled before anything else is sold or refunded.
        foreach (var settled in await _refunds.ReconcileAsync(cancellationToken).ConfigureAwait(false))
        {
            await _out.WriteLineAsync(settled.Message).ConfigureAwait(false);
        }

        var number = 0;
        while (true)
        {
            if (interactive)
            {
                await _out.WriteAsync("till> ").ConfigureAwait(false);
                await _out.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            var line = await input.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                break;
            }

            number++;
            if (!interactive && line.Trim().Length > 0 && !line.TrimStart().StartsWith('#'))
            {
                await _out.WriteLineAsync("> " + line.Trim()).ConfigureAwait(false);
            }

            var outcome = await ExecuteAsync(line, cancellationToken).ConfigureAwait(false);
            if (outcome == CommandOutcome.Quit)
            {
                break;
            }

            if (outcome == CommandOutcome.Refused && !interactive)
            {
                await _out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"The script stopped at line {number}.")).ConfigureAwait(false);
                return 1;
            }
        }

        if (_cart is { IsVoided: false, Lines.Count: > 0 })
        {
            await _out.WriteLineAsync("The cart in progress was not completed; nothing of it was saved.").ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>Runs one command line and prints its outcome.</summary>
    public async Task<CommandOutcome> ExecuteAsync(string line, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(line);
        try
        {
            var words = SessionLine.Parse(line);
            if (words.IsEmpty)
            {
                return CommandOutcome.Done;
            }

            var command = words.NextKeyword()!;
            switch (command)
            {
                case "help" or "?":
                    words.End("help");
                    await _out.WriteLineAsync(Usage).ConfigureAwait(false);
                    return CommandOutcome.Done;
                case "quit" or "exit":
                    words.End("quit");
                    return CommandOutcome.Quit;
                case "open":
                    Open(words);
                    break;
                case "close":
                    Close(words);
                    break;
                case "cash":
                    MoveCash(words);
                    break;
                case "sell" or "scan":
                    Sell(words);
                    break;
                case "qty":
                    ChangeQuantity(words);
                    break;
                case "remove":
                    RemoveLine(words);
                    break;
                case "discount":
                    OrderDiscount(words);
                    break;
                case "cart":
                    words.End("cart");
                    ShowCart();
                    break;
                case "pay":
                    return await PayAsync(words, cancellationToken).ConfigureAwait(false);
                case "customer":
                    await CustomerAsync(words, cancellationToken).ConfigureAwait(false);
                    break;
                case "points":
                    words.End("points");
                    Points();
                    break;
                case "reward":
                    Reward(words);
                    break;
                case "promo":
                    Promo(words);
                    break;
                case "void":
                    await VoidAsync(words, cancellationToken).ConfigureAwait(false);
                    break;
                case "refund":
                    return await RefundAsync(words, cancellationToken).ConfigureAwait(false);
                case "refunds":
                    await RefundIntentsAsync(words, cancellationToken).ConfigureAwait(false);
                    break;
                case "receipt":
                    await PrintReceiptAsync(words, cancellationToken).ConfigureAwait(false);
                    break;
                case "x":
                    words.End("x");
                    Print(_shifts.XReport());
                    break;
                case "z":
                    ZReport(words);
                    break;
                case "pair":
                    await PairAsync(words, cancellationToken).ConfigureAwait(false);
                    break;
                case "sync":
                    words.End("sync");
                    return await SyncAsync(cancellationToken).ConfigureAwait(false);
                case "status":
                    words.End("status");
                    Status();
                    break;
                case "network":
                    Network(words);
                    break;
                case "zatca":
                    return await ZatcaAsync(words, cancellationToken).ConfigureAwait(false);
                default:
                    throw new SessionUsageException($"'{command}' is not a command. Type 'help' for the list.");
            }

            return CommandOutcome.Done;
        }
        catch (SessionUsageException e)
        {
            return await RefuseAsync(e.Message).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or UnauthorizedAccessException or KeyNotFoundException)
        {
            // The engine refused (no shift open, a whole quantity of a counted product, …): its message says why.
            return await RefuseAsync(e.Message).ConfigureAwait(false);
        }
    }

    public void Dispose() => _http?.Dispose();

    private async Task<CommandOutcome> RefuseAsync(string message)
    {
        await _out.WriteLineAsync("error: " + message).ConfigureAwait(false);
        return CommandOutcome.Refused;
    }

    // ---- shifts ----
    private void Open(SessionLine words)
    {
        const string usage = "open FLOAT (the cash counted in the drawer, e.g. open 500)";
        var openingFloat = words.Amount("the opening float", usage);
        words.End(usage);
        if (_shifts.Current is { } open)
        {
            throw new SessionUsageException($"Shift {open.Id} is already open; type 'close COUNTED' first.");
        }

        var shift = _shifts.Open(Cashier, openingFloat);
        Write($"Shift {shift.Id} opened by {Cashier.Name} with a float of {Money(openingFloat)}.");
    }

    private void Close(SessionLine words)
    {
        const string usage = "close COUNTED (the cash counted in the drawer, e.g. close 1234.50)";
        var counted = words.Amount("the cash counted", usage);
        words.End(usage);
        RequireShift("close");
        if (_cart is { IsVoided: false, Lines.Count: > 0 })
        {
            throw new SessionUsageException("A cart is in progress: pay it or type 'void REASON' before closing the shift.");
        }

        Print(_shifts.Close(counted));
    }

    private void MoveCash(SessionLine words)
    {
        const string usage = "cash in AMOUNT REASON or cash out AMOUNT REASON";
        var direction = words.NextKeyword();
        if (direction is not ("in" or "out"))
        {
            throw new SessionUsageException($"Say whether cash goes in or out. Type: {usage}");
        }

        var amount = words.Amount("an amount", usage);
        var reason = words.Rest();
        if (reason.Length == 0 || amount == 0m)
        {
            throw new SessionUsageException($"A cash movement needs an amount above zero and a reason. Type: {usage}");
        }

        RequireShift("move cash");
        var movement = _shifts.MoveCash(direction == "in" ? amount : -amount, reason);
        Write($"Cash {direction}: {Money(amount)} ({movement.Reason}).");
    }

    private void ZReport(SessionLine words)
    {
        var shiftId = words.Next();
        words.End("z [SHIFT-ID]");
        if (shiftId is null)
        {
            throw new SessionUsageException("'z' reprints a closed shift's report: type 'z SHIFT-ID'. To close the open shift, type 'close COUNTED'.");
        }

        Print(_shifts.ZReport(shiftId));
    }

    // ---- the cart ----
    private void Sell(SessionLine words)
    {
        const string usage = "sell CODE [QTY] [discount N% | discount AMOUNT]";
        var code = words.Required("a barcode or SKU", usage);
        var quantity = words.OptionalAmount();
        string? discount = null;
        if (words.Take("discount"))
        {
            discount = words.Required("the discount", usage);
        }

        words.End(usage);
        RequireShift("sell");
        var match = _catalog.FindByBarcode(code) ?? (_catalog.FindBySku(code) is { } bySku ? new CatalogMatch(bySku, code) : null)
            ?? throw new SessionUsageException($"No product has the barcode or SKU '{code}'. Check the code, or look it up in the catalog.");
        if (quantity is <= 0m)
        {
            throw new SessionUsageException($"A quantity must be above zero. Type: {usage}");
        }

        if (quantity is { } q && !match.Product.IsWeighed && decimal.Truncate(q) != q)
        {
            throw new SessionUsageException($"'{match.Product.Name}' is sold in whole {match.Product.Unit}; give a whole quantity.");
        }

        if (quantity is not null && match.Quantity is not null)
        {
            throw new SessionUsageException($"The barcode '{code}' carries its own weight or price; scan it without a quantity.");
        }

        var lineDiscount = discount is null ? ((bool Percent, decimal Value)?)null : ParseDiscount(discount, usage);
        var cart = _cart is { IsVoided: false } ? _cart : _checkout.NewCart(Cashier);
        if (cart.Payments.Count > 0)
        {
            throw new SessionUsageException("Payment has started on this cart: finish paying, or type 'void REASON' to start again.");
        }

        // A promotion comes off while the lines change and its code is applied again after (its rule checked anew).
        var promotion = TakePromotionOff(cart);
        CartLine shown;
        int index;
        try
        {
            (shown, index) = AddScanned(cart, match, quantity, lineDiscount, discount);
        }
        finally
        {
            PutPromotionBack(cart, promotion);
        }

        Write($"{index + 1}. {shown.Product.Name} × {Quantity(shown.Quantity)} @ {Money(shown.UnitPrice)}"
            + (shown.DiscountPercent > 0m ? $" −{shown.DiscountPercent.ToString("0.##", CultureInfo.InvariantCulture)}%" : string.Empty)
            + $"   total {Money(cart.Totals.AmountDue)}");
    }

    private (CartLine Shown, int Index) AddScanned(Cart cart, CatalogMatch match, decimal? quantity, (bool Percent, decimal Value)? lineDiscount, string? discount)
    {
        var before = cart.Lines.Count;
        var added = quantity ?? match.Quantity ?? 1m;
        var line = quantity is { } qty ? cart.Add(match.Product, qty, scannedCode: match.ScannedCode) : cart.Add(match);
        var merged = cart.Lines.Count == before;
        var index = merged ? cart.Lines.ToList().IndexOf(line) : cart.Lines.Count - 1;
        if (lineDiscount is { } d)
        {
            if (merged)
            {
                // The scan joined an undiscounted line: undo it rather than discount units sold before.
                cart.SetQuantity(index, line.Quantity - added);
                throw new SessionUsageException($"'{match.Product.Name}' is already on line {index + 1}: type 'qty {index + 1} QTY' and 'discount {index + 1} {discount}' instead.");
            }

            try
            {
                ApplyLineDiscount(cart, index, d);
            }
            catch (ArgumentOutOfRangeException e)
            {
                cart.Remove(index);
                throw new SessionUsageException(FirstSentence(e.Message));
            }
        }

        _cart = cart;
        return (cart.Lines[index], index);
    }

    /// <summary>Takes the cart's promotion off before its lines or discounts change; <see cref="PutPromotionBack"/> applies the code again after.</summary>
    private static AppliedPromotion? TakePromotionOff(Cart cart)
    {
        var promotion = cart.Promotion;
        LoyaltyService.RemovePromotion(cart);
        return promotion;
    }

    /// <summary>Applies the promotion's code again on the changed cart; when its rule no longer holds it stays off and the cashier is told why.</summary>
    private void PutPromotionBack(Cart cart, AppliedPromotion? promotion)
    {
        if (promotion is null)
        {
            return;
        }

        var again = _loyalty.ApplyCode(cart, promotion.Code);
        if (!again.IsApplied)
        {
            Write($"The promotion code {promotion.Code} was taken off: {again.Message}");
        }
    }

    private static (bool Percent, decimal Value) ParseDiscount(string text, string usage)
    {
        if (text.EndsWith('%'))
        {
            var percent = SessionLine.ParseAmount(text[..^1], "a percentage", usage);
            return percent <= 100m ? (true, percent) : throw new SessionUsageException("A discount cannot be more than 100%.");
        }

        return (false, SessionLine.ParseAmount(text, "a discount amount", usage));
    }

    private static void ApplyLineDiscount(Cart cart, int index, (bool Percent, decimal Value) discount)
    {
        if (discount.Percent)
        {
            cart.SetLineDiscountPercent(index, discount.Value);
        }
        else
        {
            cart.SetLineDiscountAmount(index, discount.Value);
        }
    }

    private void ChangeQuantity(SessionLine words)
    {
        const string usage = "qty LINE QTY (e.g. qty 2 3)";
        var cart = OpenCart();
        var index = LineIndex(words, cart, usage);
        var quantity = words.Amount("a quantity", usage);
        words.End(usage);
        if (cart.Payments.Count > 0)
        {
            throw new SessionUsageException("Payment has started on this cart: finish paying, or type 'void REASON' to start again.");
        }

        if (quantity <= 0m)
        {
            throw new SessionUsageException($"A quantity must be above zero; to take a line off, type 'remove LINE'.");
        }

        // The line changes first (a free line may sit before it), then the promotion's code is applied again.
        cart.SetQuantity(index, quantity);
        PutPromotionBack(cart, TakePromotionOff(cart));
        ShowCart();
    }

    private void RemoveLine(SessionLine words)
    {
        const string usage = "remove LINE (e.g. remove 2)";
        var cart = OpenCart();
        var index = LineIndex(words, cart, usage);
        words.End(usage);
        if (cart.Payments.Count > 0)
        {
            throw new SessionUsageException("Payment has started on this cart: finish paying, or type 'void REASON' to start again.");
        }

        cart.Remove(index);
        PutPromotionBack(cart, TakePromotionOff(cart));
        ShowCart();
    }

    private void OrderDiscount(SessionLine words)
    {
        const string usage = "discount N% (the whole order) or discount LINE N%|AMOUNT (one line)";
        var first = words.Required("a percentage or a line number", usage);
        var second = words.Next();
        words.End(usage);
        var cart = OpenCart();
        if (cart.Payments.Count > 0)
        {
            throw new SessionUsageException("Payment has started on this cart: finish paying, or type 'void REASON' to start again.");
        }

        if (second is not null && int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var line) && line >= 1 && line <= cart.Lines.Count)
        {
            RefuseRewardLine(cart, line - 1);
        }

        // An order discount is set with the promotion off (its own discount is part of the order's); a line's
        // discount is set first (a free line may sit before it). Either way the code is applied again after.
        var promotion = second is null ? TakePromotionOff(cart) : null;
        try
        {
            ChangeDiscount(cart, first, second, usage);
        }
        finally
        {
            PutPromotionBack(cart, promotion ?? TakePromotionOff(cart));
        }

        ShowCart();
    }

    private static void ChangeDiscount(Cart cart, string first, string? second, string usage)
    {
        if (second is null)
        {
            var (percent, value) = ParseDiscount(first, usage);
            if (!percent)
            {
                throw new SessionUsageException($"An order discount is a percentage. Type: {usage}");
            }

            cart.SetOrderDiscountPercent(value);
        }
        else
        {
            if (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1 || number > cart.Lines.Count)
            {
                throw new SessionUsageException($"'{first}' is not a line of the cart (1 to {cart.Lines.Count.ToString(CultureInfo.InvariantCulture)}). Type: {usage}");
            }

            try
            {
                ApplyLineDiscount(cart, number - 1, ParseDiscount(second, usage));
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new SessionUsageException(FirstSentence(e.Message));
            }
        }
    }

    private void ShowCart()
    {
        if (_cart is not { IsVoided: false, Lines.Count: > 0 } cart)
        {
            Write("The cart is empty.");
            return;
        }

        for (var i = 0; i < cart.Lines.Count; i++)
        {
            var line = cart.Lines[i];
            Write($"{i + 1}. {line.Product.Name} × {Quantity(line.Quantity)} @ {Money(line.UnitPrice)}"
                + (line.DiscountPercent > 0m ? $" −{line.DiscountPercent.ToString("0.##", CultureInfo.InvariantCulture)}%" : string.Empty));
        }

        var totals = cart.Totals;
        if (cart.OrderDiscountPercent > 0m)
        {
            Write($"Order discount {cart.OrderDiscountPercent.ToString("0.##", CultureInfo.InvariantCulture)}%");
        }

        if (cart.Customer is { } customer)
        {
            Write($"Customer {CustomerName(customer)} ({customer.Id})"
                + (cart.LoyaltyProgram is null ? string.Empty : $", earning {Points(cart.PointsToEarn)} points")
                + (cart.Reward is { } reward ? $"; reward {reward.Description} for {Points(reward.Points)} points" : string.Empty));
        }

        if (cart.Promotion is { } promotion)
        {
            Write($"Promotion {promotion.Code}: {promotion.Description} ({promotion.ProgramName})"
                + (promotion.DiscountAmount > 0m ? $", {Money(promotion.DiscountAmount)} off" : string.Empty));
        }

        Write($"Tax {Money(totals.Tax)}   Total {Money(totals.AmountDue)}   Paid {Money(cart.Payments.Sum(p => p.Amount))}   To pay {Money(cart.Remaining)}");
    }

    // ---- payment ----
    private async Task<CommandOutcome> PayAsync(SessionLine words, CancellationToken cancellationToken)
    {
        const string usage = "pay cash TENDERED | pay card [AMOUNT] | pay wallet [AMOUNT] | pay qr REFERENCE [AMOUNT] | pay later [AMOUNT]";
        var method = words.NextKeyword() ?? throw new SessionUsageException($"Say how the customer pays. Type: {usage}");
        var cart = OpenCart();
        PaymentResult result;
        switch (method)
        {
            case "cash":
                var tendered = words.Amount("the cash tendered", usage);
                words.End(usage);
                if (tendered <= 0m)
                {
                    throw new SessionUsageException("The cash tendered must be above zero.");
                }

                result = _checkout.PayCash(cart, tendered);
                break;
            case "card" or "wallet":
                var amount = words.OptionalAmount();
                words.End(usage);
                result = await _checkout.PayByTerminalAsync(cart, method == "card" ? PaymentKind.Card : PaymentKind.Wallet, method, amount, cancellationToken).ConfigureAwait(false);
                break;
            case "qr":
                var reference = words.Required("the transfer's bank reference", usage);
                var part = words.OptionalAmount();
                words.End(usage);
                result = _checkout.PayByReference(cart, "qr", reference, part);
                break;
            case "later":
                var owed = words.OptionalAmount();
                words.End(usage);
                result = _checkout.PayLater(cart, amount: owed);
                if (!result.IsAccepted && cart.Customer is null)
                {
                    throw new SessionUsageException($"{result.Message} {AttachHint}");
                }

                break;
            default:
                throw new SessionUsageException($"'{method}' is not a way to pay. Type: {usage}");
        }

        if (!result.IsAccepted)
        {
            return await RefuseAsync(result.Message).ConfigureAwait(false);
        }

        Write(result.Message);
        if (cart.Remaining > 0m)
        {
            Write($"Still to pay: {Money(cart.Remaining)}.");
            return CommandOutcome.Done;
        }

        var completion = _checkout.Complete(cart);
        if (!completion.IsCommitted)
        {
            // The payments stay on the cart: the cashier fixes the cause (e.g. opens a shift) and pays nothing again.
            return await RefuseAsync((completion.Message ?? "The sale was not saved.") + (completion.Validation is { } v ? " " + v : string.Empty)).ConfigureAwait(false);
        }

        _last = completion.Sale!;
        _cart = null;
        var change = _last.Payments.Sum(p => p.Change ?? 0m);
        Write($"Sale {_last.SaleNumber} saved: {Money(_last.Totals.AmountDue)}" + (change > 0m ? $", change {Money(change)}." : "."));
        if (_last is { Loyalty: { } points, Customer: { } customer })
        {
            Write($"{CustomerName(customer)}: {Points(points.Earned)} points earned" + (points.Spent > 0m ? $", {Points(points.Spent)} spent." : "."));
        }

        return CommandOutcome.Done;
    }

    private async Task VoidAsync(SessionLine words, CancellationToken cancellationToken)
    {
        var reason = words.Rest();
        if (reason.Length == 0)
        {
            throw new SessionUsageException("A void needs a reason. Type: void REASON (e.g. void customer changed mind)");
        }

        var cart = OpenCart();
        var result = await _checkout.VoidAsync(cart, reason, cancellationToken).ConfigureAwait(false);
        if (!result.IsVoided)
        {
            throw new SessionUsageException(result.Message);
        }

        _cart = null;
        Write(result.Message);
    }

    // ---- customers and loyalty ----
    private const string AttachHint = "Type 'customer PHONE', 'customer card CODE' or 'customer tap' first.";

    private async Task CustomerAsync(SessionLine words, CancellationToken cancellationToken)
    {
        const string usage = "customer PHONE | customer card CODE | customer tap [SECONDS] | customer none | customer add ID NAME [phone P] [card C] [email E] [tag UID]";
        if (!words.HasMore)
        {
            Write(_cart is { IsVoided: false, Customer: { } shown }
                ? $"Customer {CustomerName(shown)} ({shown.Id}) is on this sale" + (shown.Phone is null ? "." : $", phone {shown.Phone}.")
                : "No customer is on this sale. Type 'customer PHONE', 'customer card CODE' or 'customer tap' to attach one.");
            return;
        }

        if (words.Take("add"))
        {
            AddCustomer(words);
            return;
        }

        if (words.Take("none"))
        {
            words.End(usage);
            if (_cart is not { IsVoided: false, Customer: { } attached } current)
            {
                throw new SessionUsageException("No customer is on this sale, so there is none to take off.");
            }

            RequireNoPayment(current);
            var reward = current.Reward;
            LoyaltyService.Detach(current);
            Write($"{CustomerName(attached)} taken off this sale" + (reward is null ? "." : $"; the reward {reward.Description} was taken off too."));
            return;
        }

        Customer customer;
        if (words.Take("card"))
        {
            var code = words.Required("the loyalty card's code", usage);
            words.End(usage);
            var cart = CartForCustomer();
            var holder = _customers.FindCardByCode(code)
                ?? throw new SessionUsageException($"No customer has the card '{code}': check it, or type 'customer add ID NAME card {code}' to add them.");
            Attach(cart, holder);
        }
        else if (words.Take("tap"))
        {
            var seconds = words.OptionalAmount() ?? 30m;
            words.End(usage);
            if (seconds <= 0m)
            {
                throw new SessionUsageException("Give the seconds to wait for the card, above zero.");
            }

            var cart = CartForCustomer();
            var tap = await _customers.FindByTapAsync(_nfc, TimeSpan.FromSeconds((double)seconds), cancellationToken).ConfigureAwait(false);
            if (tap.Read.Status != NfcReadStatus.Read)
            {
                throw new SessionUsageException((tap.Read.Message ?? "No card was read.") + " Type 'customer card CODE' or 'customer PHONE' instead.");
            }

            customer = tap.Customer
                ?? throw new SessionUsageException($"No customer has the tag {tap.Read.Tag!.Uid}: type 'customer add ID NAME tag {tap.Read.Tag.Uid}' to add them, or 'customer card CODE'.");
            Attach(cart, new CardHolder(customer, tap.ProgramId));
        }
        else
        {
            var phone = words.Next()!;
            words.End(usage);
            var cart = CartForCustomer();
            customer = _customers.FindByPhone(phone)
                ?? throw new SessionUsageException($"No customer has the phone '{phone}' on this till. Type: {usage}");
            Attach(cart, new CardHolder(customer, null));
        }
    }

    private void AddCustomer(SessionLine words)
    {
        const string usage = "customer add ID NAME [phone P] [card C] [email E] [tag UID] (quote a NAME with blanks: \"Salma Adel\")";
        var id = words.Required("the customer's id", usage);
        var name = words.Required("the customer's name", usage);
        string? phone = null, card = null, email = null, tag = null;
        while (words.HasMore)
        {
            var keyword = words.NextKeyword()!;
            switch (keyword)
            {
                case "phone":
                    phone = words.Required("the phone number", usage);
                    break;
                case "card":
                    card = words.Required("the loyalty card's code", usage);
                    break;
                case "email":
                    email = words.Required("the e-mail address", usage);
                    break;
                case "tag":
                    tag = words.Required("the NFC tag's UID", usage);
                    break;
                default:
                    throw new SessionUsageException($"'{keyword}' is not understood here. Type: {usage}");
            }
        }

        var known = _customers.FindById(id) is not null;
        try
        {
            _customers.Save(new Customer { Id = id, Name = name, Phone = phone, Email = email, LoyaltyCardCode = card }, tag);
        }
        catch (ArgumentException e)
        {
            throw new SessionUsageException($"{FirstSentence(e.Message)} Type: {usage}");
        }

        Write($"Customer {id} ({name}) {(known ? "replaced" : "added")}.");
    }

    /// <summary>The cart a customer is attached to (a new one before the first scan); refused once payment started.</summary>
    private Cart CartForCustomer()
    {
        RequireShift("attach a customer");
        var cart = _cart is { IsVoided: false } current ? current : _checkout.NewCart(Cashier);
        RequireNoPayment(cart);
        return cart;
    }

    /// <summary>Attaches the customer, earning in their card's program when they were found by a back-office card.</summary>
    private void Attach(Cart cart, CardHolder holder)
    {
        var reward = cart.Reward;
        _loyalty.Attach(cart, holder);
        var customer = cart.Customer!;
        _cart = cart;
        var name = CustomerName(customer);
        if (cart.LoyaltyProgram is not { } program)
        {
            Write($"Customer {name} ({customer.Id}) is on this sale; the till has no loyalty program, so no points.");
        }
        else
        {
            var balance = _loyalty.Balance(customer.Id, program.Id);
            Write($"Customer {name} ({customer.Id}) is on this sale: {Points(balance.Available)} points in {program.Name}"
                + (cart.Lines.Count > 0 ? $", this sale earns {Points(cart.PointsToEarn)}." : "."));
        }

        if (reward is not null)
        {
            Write($"The reward {reward.Description} was taken off: it was for the customer before.");
        }
    }

    private void Points()
    {
        if (_cart is not { IsVoided: false, Customer: { } customer } cart)
        {
            throw new SessionUsageException($"No customer is on this sale. {AttachHint}");
        }

        var name = CustomerName(customer);
        if (cart.LoyaltyProgram is not { } program)
        {
            Write($"{name} earns no points: the till has no loyalty program (programs come with the catalog the till pulls from the connector).");
            return;
        }

        var balance = _loyalty.Balance(customer.Id, program.Id);
        var backOffice = balance.BackOfficeAsOf is { } asOf
            ? $"{Points(balance.BackOffice)} from the back office as of {Local(asOf)}"
            : "no balance from the back office yet";
        Write($"{name}: {Points(balance.Available)} points in {program.Name} (this till's view: {backOffice}, {Points(balance.EarnedHere)} earned and {Points(balance.SpentHere)} spent here since).");
        Write($"This sale earns {Points(cart.PointsToEarn)} points" + (cart.Reward is { } applied ? $" and spends {Points(applied.Points)} on {applied.Description}." : "."));
        foreach (var reward in program.Rewards)
        {
            var state = cart.Reward?.RewardId == reward.Id ? "on this sale"
                : reward.RequiredPoints <= balance.Available ? "can be spent"
                : $"needs {Points(reward.RequiredPoints - balance.Available)} more";
            Write($"  reward {reward.Id}: {reward.Description}, {Points(reward.RequiredPoints)} points ({state})");
        }

        if (program.Rewards.Count == 0)
        {
            Write("  The program has no rewards.");
        }
    }

    private void Reward(SessionLine words)
    {
        const string usage = "reward ID [POINTS] | reward none (type 'points' for the rewards)";
        var id = words.Required("the reward's id", usage);
        if (string.Equals(id, "none", StringComparison.OrdinalIgnoreCase))
        {
            words.End(usage);
            if (_cart is not { IsVoided: false, Reward: { } reward } current)
            {
                throw new SessionUsageException("No reward is on this sale, so there is none to take off.");
            }

            RequireNoPayment(current);
            LoyaltyService.RemoveReward(current);
            Write($"The reward {reward.Description} was taken off; no points are spent.");
            ShowCart();
            return;
        }

        var points = words.OptionalAmount();
        words.End(usage);
        var cart = OpenCart();
        RequireNoPayment(cart);
        var result = _loyalty.Redeem(cart, id, points);
        if (!result.IsApplied)
        {
            throw new SessionUsageException(result.Message + (cart.Customer is null ? " " + AttachHint : " Type 'points' for the rewards and the customer's points."));
        }

        Write(result.Message);
        ShowCart();
    }

    private void Promo(SessionLine words)
    {
        const string usage = "promo CODE | promo remove | promo";
        if (!words.HasMore)
        {
            Write(_cart is { IsVoided: false, Promotion: { } shown }
                ? $"The promotion code {shown.Code} is on this sale: {shown.Description} ({shown.ProgramName})."
                : "No promotion code is on this sale. Type 'promo CODE' with the code the customer gives.");
            return;
        }

        var code = words.Required("the promotion code", usage);
        words.End(usage);
        if (string.Equals(code, "remove", StringComparison.OrdinalIgnoreCase) || string.Equals(code, "none", StringComparison.OrdinalIgnoreCase))
        {
            // Allowed after payment started: a sale the commit refused for its code is finished by paying the rest.
            if (_cart is not { IsVoided: false, Promotion: { } promotion } current)
            {
                throw new SessionUsageException("No promotion code is on this sale, so there is none to take off.");
            }

            LoyaltyService.RemovePromotion(current);
            Write($"The promotion code {promotion.Code} was taken off.");
            ShowCart();
            return;
        }

        var cart = OpenCart();
        RequireNoPayment(cart);
        var result = _loyalty.ApplyCode(cart, code);
        if (!result.IsApplied)
        {
            throw new SessionUsageException(result.Message);
        }

        Write(result.Message);
        ShowCart();
    }

    // ---- refunds ----
    private async Task<CommandOutcome> RefundAsync(SessionLine words, CancellationToken cancellationToken)
    {
        const string usage = "refund RECEIPT [LINE:QTY …] [cash] pin PIN [reason TEXT…]";
        var receipt = words.Required("the receipt number or code", usage);
        var lines = new List<RefundLineRequest>();
        var payout = RefundPayout.OriginalMethods;
        string? pin = null, reason = null, transfer = null;
        while (words.HasMore)
        {
            if (words.Take("cash"))
            {
                payout = RefundPayout.Cash;
            }
            else if (words.Take("pin"))
            {
                pin = words.Required("the manager's PIN", usage);
            }
            else if (words.Take("transfer"))
            {
                transfer = words.Required("the reference of the transfer sent back", usage);
            }
            else if (words.Take("reason"))
            {
                reason = words.Rest();
            }
            else
            {
                var word = words.Next()!;
                var colon = word.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0 || !int.TryParse(word[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var lineNumber))
                {
                    throw new SessionUsageException($"'{word}' is not LINE:QTY (e.g. 1:2 gives back two of line 1). Type: {usage}");
                }

                lines.Add(new RefundLineRequest(lineNumber, SessionLine.ParseAmount(word[(colon + 1)..], "a quantity", usage)));
            }
        }

        if (pin is null)
        {
            throw new SessionUsageException($"A refund needs a manager's PIN. Type: {usage}");
        }

        var sale = await _refunds.FindSaleAsync(receipt, cancellationToken).ConfigureAwait(false)
            ?? throw new SessionUsageException($"No sale '{receipt}' on this till: type the receipt's number (CAI1-T1-0001-000042) or its code (PBS:…).");
        var approval = _pins.Manager(pin, TillPermissions.Refund);
        if (!approval.Ok)
        {
            throw new SessionUsageException(approval.Error == "pin-locked"
                ? "Too many wrong PINs: PINs are refused for a while."
                : "That PIN is not a manager's who may refund.");
        }

        var result = await _refunds.RefundAsync(
            new RefundRequest
            {
                SaleId = sale.Id,
                Lines = lines.Count == 0 ? null : lines,
                Cashier = Cashier,
                Permissions = TillPermissions.Refund,
                Payout = payout,
                Reason = reason,
                TransferReference = transfer,
            },
            cancellationToken).ConfigureAwait(false);
        if (!result.IsRefunded)
        {
            return await RefuseAsync(result.Message).ConfigureAwait(false);
        }

        _last = result.Refund;
        Write(result.Message);
        return CommandOutcome.Done;
    }

    private async Task RefundIntentsAsync(SessionLine words, CancellationToken cancellationToken)
    {
        const string usage = "refunds | refunds resolve ID NOTE…";
        if (words.Take("resolve"))
        {
            var id = words.Required("the refund's id", usage);
            var note = words.Rest();
            if (note.Length == 0)
            {
                throw new SessionUsageException($"Say what was done about it. Type: {usage}");
            }

            _refunds.Resolve(id, note);
            Write($"Refund {id} marked resolved: {note}");
            return;
        }

        words.End(usage);
        var reconciled = await _refunds.ReconcileAsync(cancellationToken).ConfigureAwait(false);
        foreach (var outcome in reconciled)
        {
            Write(outcome.Message);
        }

        var open = _refunds.UnresolvedRefunds();
        if (open.Count == 0)
        {
            Write("No refund waits for a manager.");
        }

        foreach (var intent in open)
        {
            Write($"{intent.Id}  sale {intent.SaleNumber}  {Money(intent.Amount)}  {intent.Problem}");
        }
    }

    // ---- receipts and reports ----
    private async Task PrintReceiptAsync(SessionLine words, CancellationToken cancellationToken)
    {
        const string usage = "receipt [RECEIPT|last] [32|48] [escpos FILE]";
        Sale? sale = null;
        var columns = 48;
        string? escPosFile = null;
        while (words.HasMore)
        {
            if (words.Take("last"))
            {
                sale = _last ?? throw new SessionUsageException("No sale was made in this session yet: give the receipt's number.");
            }
            else if (words.Take("escpos"))
            {
                escPosFile = words.Required("the file to write the printer's bytes to", usage);
            }
            else if (words.Take("32"))
            {
                columns = 32;
            }
            else if (words.Take("48"))
            {
                columns = 48;
            }
            else
            {
                var text = words.Next()!;
                sale = sale is null
                    ? await _refunds.FindSaleAsync(text, cancellationToken).ConfigureAwait(false) ?? throw new SessionUsageException($"No sale '{text}' on this till. Type: {usage}")
                    : throw new SessionUsageException($"'{text}' is not understood here. Type: {usage}");
            }
        }

        sale ??= _last ?? throw new SessionUsageException($"No sale was made in this session yet. Type: {usage}");
        if (Fiscal.FiscalChain.NotGivenYet(_database, sale.Id) is { } notCleared)
        {
            throw new SessionUsageException(notCleared);
        }

        var receipt = Receipt.From(sale, _options.Receipt, Fiscal.FiscalChain.StoredQr(_database, sale.Id));
        if (escPosFile is null)
        {
            await _out.WriteAsync(ReceiptRenderer.RenderText(receipt, columns)).ConfigureAwait(false);
            return;
        }

        var bytes = ReceiptRenderer.RenderEscPos(receipt, columns == 32 ? EscPosOptions.Paper58mm : EscPosOptions.Paper80mm);
        try
        {
            await File.WriteAllBytesAsync(escPosFile, bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DirectoryNotFoundException)
        {
            throw new SessionUsageException($"Could not write '{escPosFile}': {e.Message}");
        }

        Write($"Receipt {sale.SaleNumber}: {bytes.Length.ToString(CultureInfo.InvariantCulture)} bytes of ESC/POS written to {escPosFile}.");
    }

    private void Print(ShiftReport report)
    {
        var text = new StringBuilder();
        var shift = report.Shift;
        var title = report.Kind == ShiftReportKind.X ? "X report (running)" : "Z report (closed)";
        text.AppendLine(CultureInfo.InvariantCulture, $"{title} — shift {shift.Id}");
        var closedAt = shift.ClosedAtUtc is { } closed ? ", closed " + Local(closed) : string.Empty;
        text.AppendLine(CultureInfo.InvariantCulture, $"  opened {Local(shift.OpenedAtUtc)}{closedAt}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  sales    {report.SalesCount,5}  {Money(report.SalesTotal),12}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  refunds  {report.RefundsCount,5}  {Money(report.RefundsTotal),12}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  voids    {report.VoidsCount,5}  {Money(report.VoidsTotal),12}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  discounts       {Money(report.Discounts),12}");
        foreach (var tax in report.Taxes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  tax {tax.Name}: base {Money(tax.Base)}, tax {Money(tax.Amount)}");
        }

        foreach (var payment in report.Payments)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  paid {payment.Name} ×{payment.Count}: {Money(payment.Amount)}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  float {Money(report.OpeningFloat)} + cash from sales {Money(report.CashFromSales)} + in {Money(report.CashIn)} − out {Money(-report.CashOut)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  expected cash   {Money(report.ExpectedCash),12}");
        if (report.CountedCash is { } counted)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  counted cash    {Money(counted),12}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  difference      {Money(report.Difference ?? 0m),12}");
        }

        _out.Write(text.ToString());
    }

    // ---- sync ----
    private async Task PairAsync(SessionLine words, CancellationToken cancellationToken)
    {
        const string usage = "pair CODE [CONNECTOR-URL] | pair tap [SECONDS]";
        var first = words.Required("the pairing code (or 'tap')", usage);
        Uri connector;
        string code;
        if (string.Equals(first, "tap", StringComparison.OrdinalIgnoreCase))
        {
            var seconds = words.OptionalAmount() ?? 30m;
            words.End(usage);
            if (seconds <= 0m)
            {
                throw new SessionUsageException("Give the seconds to wait for the tag, above zero.");
            }

            var read = await _nfc.ReadTagAsync(TimeSpan.FromSeconds((double)seconds), cancellationToken).ConfigureAwait(false);
            if (read.Status != NfcReadStatus.Read)
            {
                throw new SessionUsageException((read.Message ?? "No tag was read.") + " Type 'pair CODE CONNECTOR-URL' instead.");
            }

            if (!PairingTag.TryRead(read.Tag!, out var tag, out var problem))
            {
                throw new SessionUsageException(problem!);
            }

            (connector, code) = (tag!.Connector, tag.Code);
        }
        else
        {
            code = first;
            var url = words.Next();
            words.End(usage);
            var known = url ?? ConnectorUrl;
            if (known is null || !Uri.TryCreate(known, UriKind.Absolute, out connector!) || connector.Scheme is not ("http" or "https"))
            {
                throw new SessionUsageException(known is null
                    ? $"No connector address is known: type 'pair {code} https://HOST:PORT', or start with --connector URL."
                    : $"'{known}' is not a connector address (https://). Type: {usage}");
            }
        }

        if (ConnectorTransport.Problem(connector) is { } transport)
        {
            throw new SessionUsageException(transport);
        }

        var uploader = Uploader(connector);
        TillCredentials credentials;
        try
        {
            credentials = await uploader.PairAsync(code, _settings.CashierName + " (command line)", cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectorUnavailableException e)
        {
            throw new SessionUsageException($"{e.Message} Check the address {connector} and that the connector runs.");
        }

        _database.SetSetting(ConnectorUrlKey, connector.ToString());
        Write($"Paired with {connector} as till {credentials.TillId} of store {credentials.StoreId} (clock skew {credentials.ClockSkew.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s).");
    }

    private async Task<CommandOutcome> SyncAsync(CancellationToken cancellationToken)
    {
        var url = ConnectorUrl;
        if (url is null || _database.GetSetting("sync.credentials") is null)
        {
            throw new SessionUsageException("The till is not paired with a connector: type 'pair CODE CONNECTOR-URL' (the code from 'posbridge tills pair') or 'pair tap'.");
        }

        // The connector not answering says nothing about the payment provider's own network: card, wallet and QR stay
        // as 'network on|off' set them.
        var uploader = Uploader(new Uri(url));
        if (!_numbering!.IsAgreed && uploader.Credentials is { } credentials)
        {
            try
            {
                var agreement = await _numbering.AgreeAsync(credentials, cancellationToken).ConfigureAwait(false);
                if (agreement.Restored is { } why)
                {
                    Write($"This till was restored from a backup or reinstalled ({why}): its shifts and sales are numbered in epoch {agreement.Epoch} from now on."
                        + (agreement.EndedShiftId is { } ended ? $" Shift {ended}, open in the backup, was ended without its close; count the drawer and type 'open FLOAT'." : string.Empty));
                }
            }
            catch (ConnectorUnavailableException)
            {
                // Asked again at the next sync; the upload below says the connector is away.
            }
        }

        var report = await uploader.UploadPendingAsync(cancellationToken).ConfigureAwait(false);
        Write(string.Create(CultureInfo.InvariantCulture, $"Sent {report.Sent}, rejected {report.Rejected}, waiting {report.Pending}."));
        if (report.ConnectorUnavailable)
        {
            return await RefuseAsync($"The connector at {url} did not answer; the sales stay on the till and go at the next sync.").ConfigureAwait(false);
        }

        // Fiscal documents (ZATCA invoices, ETA receipts) after their sales, as the screen's sync loop sends them.
        var fiscal = await new Fiscal.FiscalUploader(_database, _timeProvider).UploadPendingAsync(_client!, _uploader!.Credentials!, cancellationToken).ConfigureAwait(false);
        if (fiscal.Sent + fiscal.Refused > 0)
        {
            Write(string.Create(CultureInfo.InvariantCulture, $"Fiscal documents: sent {fiscal.Sent}, refused {fiscal.Refused}."));
        }

        if (fiscal.ConnectorUnavailable)
        {
            return await RefuseAsync($"The connector at {url} stopped answering while the fiscal documents went; they stay on the till and go at the next sync.").ConfigureAwait(false);
        }

        // The sales went first; now what the back office changed since the last pull.
        var pulled = await _puller!.PullAsync(_uploader!.Credentials!, cancellationToken).ConfigureAwait(false);
        if (pulled.ConnectorUnavailable)
        {
            return await RefuseAsync($"The connector at {url} stopped answering during the catalog pull; what came is kept and the rest comes at the next sync.").ConfigureAwait(false);
        }

        if (pulled.Problem is not null)
        {
            return await RefuseAsync(pulled.Problem).ConfigureAwait(false);
        }

        Write(string.Create(
            CultureInfo.InvariantCulture,
            $"Catalog: {pulled.Products} products ({pulled.RemovedProducts} taken off sale), {pulled.Taxes} taxes, {pulled.PaymentMethods} payment methods, {pulled.LoyaltyPrograms} loyalty programs, {pulled.LoyaltyCards} loyalty cards changed ({pulled.RemovedLoyaltyCards} cards removed)."));
        return CommandOutcome.Done;
    }

    private void Status()
    {
        var pending = _outbox.PendingCount;
        var oldest = _outbox.OldestPendingCreatedAtUtc();
        var age = oldest is { } at ? _timeProvider.GetUtcNow() - at : (TimeSpan?)null;
        var circuit = _uploader is null ? "not called yet" : _uploader.Health().Circuit.ToString();
        Write($"Waiting to upload: {pending.ToString(CultureInfo.InvariantCulture)}" + (age is { } a ? $", the oldest for {Age(a)}" : string.Empty));
        Write($"Sent: {_outbox.SentCount.ToString(CultureInfo.InvariantCulture)}; refused by the connector: {_outbox.Problems().Count.ToString(CultureInfo.InvariantCulture)}");
        var credentials = _database.GetSetting("sync.credentials") is null ? null : "paired";
        Write($"Connector: {ConnectorUrl ?? "none"} ({credentials ?? "not paired"}), circuit {circuit}, network {(_network.IsOnline ? "on" : "off")}");
        Write(_shifts.Current is { } shift
            ? $"Shift {shift.Id} open since {Local(shift.OpenedAtUtc)}, float {Money(shift.OpeningFloat)}"
            : "No shift is open.");
        var unresolved = _refunds.UnresolvedRefunds().Count;
        if (unresolved > 0)
        {
            Write($"Refunds waiting for a manager: {unresolved.ToString(CultureInfo.InvariantCulture)} (type 'refunds')");
        }
    }

    private async Task<CommandOutcome> ZatcaAsync(SessionLine words, CancellationToken cancellationToken)
    {
        const string usage = "zatca | zatca onboard OTP";
        if (!words.HasMore)
        {
            foreach (var line in Fiscal.FiscalStatus.Lines(_fiscal, _database, _options, _timeProvider))
            {
                Write(line);
            }

            return CommandOutcome.Done;
        }

        if (!words.Take("onboard"))
        {
            throw new SessionUsageException($"'{words.Next()}' is not understood here. Type: {usage}");
        }

        var otp = words.Required("the OTP from the Fatoora portal", usage);
        words.End(usage);
        var url = ConnectorUrl;
        if (url is null || _database.GetSetting("sync.credentials") is null)
        {
            throw new SessionUsageException("The till is not paired with a connector, which makes ZATCA's calls: type 'pair CODE CONNECTOR-URL' first.");
        }

        var uploader = Uploader(new Uri(url));
        Fiscal.ZatcaOnboardingResult result;
        try
        {
            result = await new Fiscal.ZatcaOnboardingClient(_fiscal, _options, _client!, _timeProvider).OnboardAsync(uploader.Credentials!, otp, cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectorUnavailableException e)
        {
            throw new SessionUsageException($"{e.Message} Onboarding needs the connector: try again when it answers (the same OTP works until the portal's expiry).");
        }

        if (!result.Onboarded)
        {
            return await RefuseAsync(result.Message).ConfigureAwait(false);
        }

        Write(result.Message);
        return CommandOutcome.Done;
    }

    private void Network(SessionLine words)
    {
        const string usage = "network on | network off";
        var state = words.NextKeyword();
        words.End(usage);
        _network.IsOnline = state switch
        {
            "on" => true,
            "off" => false,
            _ => throw new SessionUsageException($"Type: {usage}"),
        };
        Write(_network.IsOnline ? "Network on: card, wallet and QR payments are offered." : "Network off: only cash (and accounts) are taken.");
    }

    private string? ConnectorUrl => _settings.ConnectorUrl ?? _database.GetSetting(ConnectorUrlKey);

    private SaleUploader Uploader(Uri connector)
    {
        if (_uploader is not null && _http?.BaseAddress == connector)
        {
            return _uploader;
        }

        _http?.Dispose();
        _http = ConnectorHandler is { } handler ? new HttpClient(handler, disposeHandler: false) : new HttpClient(ConnectorTransport.Handler(_settings.ConnectorCertificate));
        _http.BaseAddress = connector;
        _http.Timeout = TimeSpan.FromSeconds(15);
        var client = new ConnectorClient(_http, _timeProvider);
        _client = client;
        _uploader = new SaleUploader(_database, _outbox, client, _timeProvider, _loggers.CreateLogger<SaleUploader>());
        _puller = new CatalogPuller(_database, _options, client, _timeProvider, _loggers.CreateLogger<CatalogPuller>());
        _numbering = new TillNumberingCheck(_database, client, _timeProvider, _loggers.CreateLogger<TillNumberingCheck>());
        return _uploader;
    }

    // ---- helpers ----
    private void RequireShift(string what)
    {
        if (_shifts.Current is null)
        {
            throw new SessionUsageException($"No shift is open, so the till cannot {what}: type 'open FLOAT' first.");
        }
    }

    private static void RequireNoPayment(Cart cart)
    {
        if (cart.Payments.Count > 0)
        {
            throw new SessionUsageException("Payment has started on this cart: finish paying, or type 'void REASON' to start again.");
        }
    }

    private static string CustomerName(Customer customer) => customer.Name ?? customer.Phone ?? customer.Id;

    private static string Points(decimal points) => points.ToString("0.##", CultureInfo.InvariantCulture);

    private Cart OpenCart() =>
        _cart is { IsVoided: false, Lines.Count: > 0 } cart
            ? cart
            : throw new SessionUsageException("The cart is empty: type 'sell CODE' first.");

    private static int LineIndex(SessionLine words, Cart cart, string usage)
    {
        var text = words.Required("the line number", usage);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1 || number > cart.Lines.Count)
        {
            throw new SessionUsageException($"'{text}' is not a line of the cart (1 to {cart.Lines.Count.ToString(CultureInfo.InvariantCulture)}). Type: {usage}");
        }

        RefuseRewardLine(cart, number - 1);
        return number - 1;
    }

    /// <summary>A reward's or promotion's free line is changed only by taking the reward or promotion off.</summary>
    private static void RefuseRewardLine(Cart cart, int index)
    {
        if (cart.Lines[index].IsReward)
        {
            throw new SessionUsageException($"Line {(index + 1).ToString(CultureInfo.InvariantCulture)} is a free {cart.Lines[index].Product.Name} the "
                + (cart.Promotion is null ? "reward gives: type 'reward none' to take it off." : "promotion gives: type 'promo remove' to take it off."));
        }
    }

    private string Money(decimal amount) =>
        amount.ToString("F" + _currency.MinorUnits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " " + _currency.Code;

    private static string Quantity(decimal quantity) => quantity.ToString("0.###", CultureInfo.InvariantCulture);

    private string Local(DateTimeOffset utc) =>
        TimeZoneInfo.ConvertTime(utc, _options.TimeZoneInfo).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Age(TimeSpan age) =>
        age < TimeSpan.FromMinutes(1) ? $"{(int)age.TotalSeconds} s"
        : age < TimeSpan.FromHours(1) ? $"{(int)age.TotalMinutes} min"
        : string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours} h {age.Minutes} min");

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }

    private void Write(string text) => _out.WriteLine(text);
}

/// <summary>What became of one command line.</summary>
public enum CommandOutcome
{
    Done,

    /// <summary>The command was not understood or the engine refused it; nothing was changed.</summary>
    Refused,

    Quit,
}
