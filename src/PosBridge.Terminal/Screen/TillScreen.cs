using System.Globalization;
using Microsoft.Extensions.Logging;
using PosBridge.Core.Catalog;
using PosBridge.Core.Loyalty;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Catalog;
using PosBridge.Terminal.Customers;
using PosBridge.Terminal.Loyalty;
using PosBridge.Terminal.Printing;
using PosBridge.Terminal.Refunds;
using PosBridge.Terminal.Sales;
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

namespace PosBridge.Terminal.Screen;

/// <summary>
/// The cashier's session over the till engine: the one cart in progress, the shift, and the sale last
/// finished. Every rule (totals, taxes, what may be paid how, numbering, validation) is the engine's;
/// this class only calls it, keeps the cart in the database after each change, and says what happened
/// in words the page can show. One action runs at a time.
/// </summary>
internal sealed class TillScreen : IDisposable
{
    /// <summary>How long the screen waits for a customer to tap their card on the reader.</summary>
    internal static readonly TimeSpan TapTimeout = TimeSpan.FromSeconds(20);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TillDatabase _database;
    private readonly StaffStore _staff;
    private readonly CatalogStore _catalog;
    private readonly ShiftStore _shifts;
    private readonly Checkout _checkout;
    private readonly Outbox _outbox;
    private readonly RefundService _refunds;
    private readonly SaleStore _sales;
    private readonly TillOptions _till;
    private readonly ScreenOptions _options;
    private readonly Pins _pins;
    private readonly IReceiptPrinter _printer;
    private readonly ReceiptRequests _receiptRequests;
    private readonly CustomerStore _customers;
    private readonly LoyaltyService _loyalty;
    private readonly INfcReader _nfc;
    private readonly SyncState _sync;
    private readonly INetworkStatus _payments;
    private readonly CartKeeper _keeper;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Cashier _cashier;
    private readonly string _money;
    private Cart _cart;
    private TillPermissions _permissions;
    private ScreenFinishedSale? _lastSale;
    private CancellationTokenSource? _terminalPayment;
    private long _version;

    public TillScreen(
        TillDatabase database,
        CatalogStore catalog,
        ShiftStore shifts,
        Checkout checkout,
        Outbox outbox,
        RefundService refunds,
        SaleStore sales,
        TillOptions till,
        ScreenOptions options,
        Pins pins,
        SyncState sync,
        INetworkStatus payments,
        IReceiptPrinter printer,
        ReceiptRequests receiptRequests,
        CustomerStore customers,
        LoyaltyService loyalty,
        INfcReader nfc,
        TimeProvider timeProvider,
        ILogger<TillScreen> logger)
    {
        _database = database;
        _staff = new StaffStore(database);
        _catalog = catalog;
        _shifts = shifts;
        _checkout = checkout;
        _outbox = outbox;
        _refunds = refunds;
        _sales = sales;
        _till = till;
        _options = options;
        _pins = pins;
        _printer = printer;
        _receiptRequests = receiptRequests;
        _customers = customers;
        _loyalty = loyalty;
        _nfc = nfc;
        _sync = sync;
        _payments = payments;
        _keeper = new CartKeeper(database);
        _timeProvider = timeProvider;
        _logger = logger;
        _cashier = new Cashier { Id = options.CashierId, Name = options.CashierName };
        _money = "F" + till.CurrencyInfo.MinorUnits.ToString(CultureInfo.InvariantCulture);
        _cart = Restore();
    }

    // ---- reading ----

    public async Task<ScreenState> StateAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return State();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Only what changes without the cashier: online, waiting uploads. Never waits for an action to finish.</summary>
    public ScreenSync Sync()
    {
        var pending = _outbox.PendingCount;
        var oldest = pending == 0 ? null : _outbox.OldestPendingCreatedAtUtc();
        var age = oldest is { } since ? _timeProvider.GetUtcNow() - since : TimeSpan.Zero;
        var rejected = _outbox.ProblemCount;
        return new ScreenSync(
            _sync.Online,
            _sync.Paired,
            pending,
            rejected,
            (int)Math.Max(0, age.TotalSeconds),
            pending > 0 && age > _options.UploadWarningAge,
            _sync.LastError,
            !_sync.Configured ? "local" : _sync.Online ? "online" : "unreachable",
            _sync.Circuit switch
            {
                ConnectorCircuitState.Open or ConnectorCircuitState.Isolated => "open",
                ConnectorCircuitState.HalfOpen => "half-open",
                _ => "closed",
            },
            _receiptRequests.PendingCount,
            _payments.IsOnline);
    }

    public IReadOnlyList<ScreenCategory> Tiles()
    {
        var layout = new TileLayout(_database).Categories;
        return layout.Select(c => new ScreenCategory(
                c.Id,
                c.Name,
                c.NameAr,
                c.ProductIds.Select(_catalog.FindById).OfType<Product>().Where(p => p.Active).Select(Product).ToList()))
            .ToList();
    }

    public IReadOnlyList<ScreenProduct> Search(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : [.. _catalog.Search(text, 24).Select(Product)];

    // ---- selling ----

    public Task<ScreenResponse> ScanAsync(string code, CancellationToken cancellationToken = default) => ActAsync(() =>
    {
        if (NeedsShift() is { } noShift)
        {
            return noShift;
        }

        code = (code ?? string.Empty).Trim();
        var match = _catalog.FindByBarcode(code);
        if (match is not null)
        {
            WithTaxesOf(match.Product);
            return KeepingReward(() => _cart.Add(match));
        }

        if (_catalog.FindBySku(code) is { } bySku)
        {
            WithTaxesOf(bySku);
            return KeepingReward(() => _cart.Add(bySku, scannedCode: code));
        }

        // A product's code wins; a code no product has may be a loyalty card, which attaches its customer.
        if (_customers.FindCardByCode(code) is { } cardHolder)
        {
            return AttachCustomer(cardHolder.Customer, cardHolder.ProgramId);
        }

        return Fail(Barcode.IsValid(code) || code.Length == 0 ? "not-found" : "bad-barcode", $"No product or loyalty card has the code '{code}'.");
    }, cancellationToken);

    public Task<ScreenResponse> AddAsync(string productId, CancellationToken cancellationToken = default) => ActAsync(() =>
    {
        if (NeedsShift() is { } noShift)
        {
            return noShift;
        }

        if (_catalog.FindById(productId) is not { } product)
        {
            return Fail("not-found", $"No product '{productId}'.");
        }

        WithTaxesOf(product);
        return KeepingReward(() => _cart.Add(product));
    }, cancellationToken);

    /// <summary>
    /// A cart knows the taxes the catalog had when it was made. A till that started empty and got its first catalog (or
    /// a new tax) since then rebuilds the cart in progress with the catalog's taxes before adding the product, instead of
    /// failing the sale until the next one.
    /// </summary>
    private void WithTaxesOf(Product product)
    {
        if (!_cart.KnowsTaxes(product.TaxIds))
        {
            _cart = Replay(CartKeeper.Snapshot(_cart, _permissions));
        }
    }

    public Task<ScreenResponse> SetQuantityAsync(int index, decimal quantity, CancellationToken cancellationToken = default) =>
        ActAsync(() => RewardLine(index) ?? ChangeLines(() => _cart.SetQuantity(index, quantity)), cancellationToken);

    public Task<ScreenResponse> RemoveAsync(int index, CancellationToken cancellationToken = default) =>
        ActAsync(() => RewardLine(index) ?? ChangeLines(() => _cart.Remove(index)), cancellationToken);

    public Task<ScreenResponse> DiscountAsync(int index, decimal? percent, decimal? amount, CancellationToken cancellationToken = default) => ActAsync(() =>
        RewardLine(index) ?? ChangeLines(() =>
        {
            if (amount is { } off)
            {
                _cart.SetLineDiscountAmount(index, off);
            }
            else
            {
                _cart.SetLineDiscountPercent(index, percent ?? 0m);
            }
        }), cancellationToken);

    /// <summary>The cashier's order discount; a reward on the cart is taken off first and applied again on top.</summary>
    public Task<ScreenResponse> OrderDiscountAsync(decimal percent, CancellationToken cancellationToken = default) =>
        ActAsync(() => ChangeLines(() => _cart.SetOrderDiscountPercent(percent), rewardFirst: true), cancellationToken);

    /// <summary>A price override: the engine allows it on a cart a manager has opened up; the manager's PIN opens it.</summary>
    public Task<ScreenResponse> OverridePriceAsync(int index, decimal price, string? managerPin, CancellationToken cancellationToken = default) => ActAsync(() =>
    {
        if (RewardLine(index) is { } rewardLine)
        {
            return rewardLine;
        }

        var check = _pins.Manager(managerPin, TillPermissions.OverridePrice);
        if (!check.Ok)
        {
            return Fail(check.Error!, "A manager's PIN is needed to change a price.");
        }

        return ChangeLines(() =>
        {
            if (!_cart.Permissions.HasFlag(TillPermissions.OverridePrice))
            {
                // The engine fixes a cart's permissions when it is made: rebuild it, with the manager's grant.
                _permissions |= TillPermissions.OverridePrice;
                _cart = Replay(CartKeeper.Snapshot(_cart, _permissions));
            }

            _cart.OverridePrice(index, price);
            Log.PriceOverridden(_logger, check.Manager!.Id, _cart.Lines[index].Product.Id, price);
        });
    }, cancellationToken);

    /// <summary>Empties the cart in progress. Refused once a card, wallet or QR payment is in it: that money has moved.</summary>
    public Task<ScreenResponse> ClearAsync(CancellationToken cancellationToken = default) => ActAsync(() =>
    {
        if (_cart.Payments.Any(p => p.Kind != PaymentKind.Cash))
        {
            return Fail("has-payments", "A card or transfer payment is already in this sale; finish it.");
        }

        _cart = _checkout.NewCart(_cashier);
        _permissions = TillPermissions.None;
        return Saved();
    }, cancellationToken);

    /// <summary>Takes back the cash payments of the cart in progress (to change the lines or pay otherwise).</summary>
    public Task<ScreenResponse> RemoveCashPaymentsAsync(CancellationToken cancellationToken = default) => ActAsync(() =>
        _cart.Payments.Any(p => p.Kind != PaymentKind.Cash)
            ? Fail("has-payments", "A card or transfer payment is already in this sale; finish it.")
            : Change(_cart.RemovePayments), cancellationToken);

    // ---- customers and loyalty (the engine's CustomerStore and LoyaltyService) ----

    /// <summary>Attaches the customer with this phone number or loyalty card code; the program they earn in comes with them.</summary>
    public Task<ScreenResponse> AttachCustomerAsync(AttachCustomerRequest request, CancellationToken cancellationToken = default) => ActAsync(() =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var phone = request.Phone?.Trim();
        var card = request.CardCode?.Trim();
        if (string.IsNullOrEmpty(phone) == string.IsNullOrEmpty(card))
        {
            return Fail("customer-how", "Type the customer's phone number or their loyalty card's code (one of them).");
        }

        if (!string.IsNullOrEmpty(phone))
        {
            // Arabic-Indic digits typed on an Arabic keyboard are digits too.
            var digits = new string([.. phone.Select(c => char.IsDigit(c) ? (char)('0' + (int)char.GetNumericValue(c)) : c)]);
            return _customers.FindByPhone(digits) is { } byPhone
                ? AttachCustomer(byPhone)
                : Fail("customer-not-found", $"No customer has the phone number '{phone}'.");
        }

        return _customers.FindCardByCode(card!) is { } byCard
            ? AttachCustomer(byCard.Customer, byCard.ProgramId)
            : Fail("customer-not-found", $"No customer has the loyalty card '{card}'.");
    }, cancellationToken);

    /// <summary>Puts a business customer on the cart (registered by <see cref="Fiscal.ZatcaClearing.RegisterBuyer"/>): the sale gets a tax invoice.</summary>
    public Task<ScreenResponse> AttachBusinessCustomerAsync(Customer customer, CancellationToken cancellationToken = default) =>
        ActAsync(() => AttachCustomer(customer), cancellationToken);

    /// <summary>
    /// Waits (up to <see cref="TapTimeout"/>, or until the page gives up) for the customer to tap their card on the
    /// till's NFC reader, then attaches them. The wait holds no other action back.
    /// </summary>
    public async Task<ScreenResponse> TapCustomerAsync(CancellationToken cancellationToken = default)
    {
        var tap = await _customers.FindByTapAsync(_nfc, TapTimeout, cancellationToken).ConfigureAwait(false);
        return await ActAsync(() => tap switch
        {
            { Customer: { } customer } => AttachCustomer(customer, tap.ProgramId),
            { Read.Status: NfcReadStatus.NotAvailable } => Fail("nfc-unavailable", tap.Read.Message ?? "This till has no NFC reader."),
            { Read.Status: NfcReadStatus.TimedOut } => Fail("nfc-timeout", "No card was tapped in time."),
            _ => Fail("customer-not-found", $"No customer has the card tapped ({tap.Read.Tag?.Uid})."),
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes the customer, and any reward they spent points on, off the cart.</summary>
    public Task<ScreenResponse> DetachCustomerAsync(CancellationToken cancellationToken = default) => ActAsync(() =>
    {
        if (_cart.Payments.Any(p => p.Kind == PaymentKind.CustomerAccount))
        {
            return Fail("has-account-payment", "Part of this sale is charged to the customer's account; give it back first.");
        }

        return _cart.Reward is null ? Change(() => LoyaltyService.Detach(_cart)) : ChangeLines(() => LoyaltyService.Detach(_cart));
    }, cancellationToken);

    /// <summary>Spends the customer's points on a reward of their program; the engine says yes or why not.</summary>
    public Task<ScreenResponse> RedeemAsync(string rewardId, CancellationToken cancellationToken = default) => ActAsync(() =>
    {
        if (string.IsNullOrWhiteSpace(rewardId))
        {
            return Fail("unknown-reward", "Choose a reward.");
        }

        if (_cart.Payments.Any(p => p.Kind != PaymentKind.Cash))
        {
            return Fail("has-payments", "A card or transfer payment is already in this sale; finish it.");
        }

        // Refused: the engine changed nothing, so cash already taken stays. Applied: the total changed, so it goes back.
        var result = _loyalty.Redeem(_cart, rewardId.Trim());
        if (!result.IsApplied)
        {
            return Fail(Code(result.Refusal), result.Message);
        }

        var hadCash = _cart.Payments.Count > 0;
        _cart.RemovePayments();
        Log.RewardApplied(_logger, result.Reward!.RewardId, result.Reward.Points);
        return Saved(hadCash ? "cash-returned" : "reward-applied");
    }, cancellationToken);

    /// <summary>Takes the reward off the cart; its points stay on the customer's card.</summary>
    public Task<ScreenResponse> RemoveRewardAsync(CancellationToken cancellationToken = default) => ActAsync(() =>
        _cart.Reward is null ? Saved() : ChangeLines(() => LoyaltyService.RemoveReward(_cart)), cancellationToken);

    /// <summary>
    /// Applies the promotion code the customer gives (typed or scanned); the engine checks the code's rule on the cart
    /// and says yes or why not. Cash already taken goes back when it applies (the total changed).
    /// </summary>
    public Task<ScreenResponse> ApplyPromotionAsync(string? code, CancellationToken cancellationToken = default) => ActAsync(() =>
    {
        if (_cart.Payments.Any(p => p.Kind != PaymentKind.Cash))
        {
            return Fail("has-payments", "A card or transfer payment is already in this sale; finish it.");
        }

        // Cash taken is given back first (the engine refuses a code once payment started); on a refusal it is put back.
        var cash = _cart.Payments.ToList();
        _cart.RemovePayments();
        var result = _loyalty.ApplyCode(_cart, code);
        if (!result.IsApplied)
        {
            foreach (var payment in cash)
            {
                _cart.AddPayment(payment);
            }

            return Fail(Code(result.Refusal), result.Message);
        }

        Log.PromotionApplied(_logger, result.Promotion!.Code, result.Promotion.ProgramId, result.Promotion.RewardId);
        return Saved(cash.Count > 0 ? "cash-returned" : "promo-applied");
    }, cancellationToken);

    /// <summary>
    /// Takes the promotion code off the cart. Payments already taken stay: the sale then costs more and the rest is
    /// paid as usual (how a sale whose code no longer applies at the commit is finished).
    /// </summary>
    public Task<ScreenResponse> RemovePromotionAsync(CancellationToken cancellationToken = default) => ActAsync(() =>
    {
        if (_cart.Promotion is not { } promotion)
        {
            return Saved();
        }

        LoyaltyService.RemovePromotion(_cart);
        Log.PromotionDropped(_logger, promotion.Code, "taken off by the cashier");
        return Saved("promo-removed");
    }, cancellationToken);

    // ---- paying ----

    /// <summary>"Pay later": what remains (or <paramref name="amount"/>) charged to the attached customer's account.</summary>
    public Task<ScreenResponse> PayLaterAsync(decimal? amount, CancellationToken cancellationToken = default) => ActAsync(() =>
        _cart.Customer is null
            ? Fail("no-customer", "Attach a customer before charging to an account.")
            : Paid(_checkout.PayLater(_cart, amount: amount)), cancellationToken);

    public Task<ScreenResponse> PayCashAsync(decimal tendered, CancellationToken cancellationToken = default) =>
        ActAsync(() => Paid(_checkout.PayCash(_cart, tendered)), cancellationToken);

    public async Task<ScreenResponse> PayByTerminalAsync(string kind, decimal? amount, CancellationToken cancellationToken = default)
    {
        var paymentKind = kind switch
        {
            "card" => PaymentKind.Card,
            "wallet" => PaymentKind.Wallet,
            _ => (PaymentKind?)null,
        };
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (paymentKind is null)
            {
                return Fail("invalid", $"'{kind}' is not a terminal payment.");
            }

            using var payment = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _terminalPayment = payment;
            try
            {
                var result = await _checkout.PayByTerminalAsync(_cart, paymentKind.Value, kind, amount, payment.Token).ConfigureAwait(false);
                return Paid(result);
            }
            finally
            {
                _terminalPayment = null;
            }
        }
        catch (ArgumentException e)
        {
            return Fail("invalid", e.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The customer walked away from the card reader: asks the provider to abort.</summary>
    public void CancelTerminalPayment() => _terminalPayment?.Cancel();

    public Task<ScreenResponse> PayByReferenceAsync(string reference, decimal? amount, CancellationToken cancellationToken = default) =>
        ActAsync(() => string.IsNullOrWhiteSpace(reference)
            ? Fail("invalid", "Enter the transfer's reference.")
            : Paid(_checkout.PayByReference(_cart, "qr", reference, amount)), cancellationToken);

    /// <summary>Clears the finished sale from the screen, for the next customer.</summary>
    public Task<ScreenResponse> NextSaleAsync(CancellationToken cancellationToken = default) => ActAsync(() =>
    {
        _lastSale = null;
        _keeper.SaveLastSale(null);
        return Saved();
    }, cancellationToken);

    // ---- refunds and receipts (the engine's RefundService and ReceiptRenderer) ----

    /// <summary>The sale a receipt names (its number, or its scanned code), with what is left to refund per line.</summary>
    public async Task<ScreenRefundableResponse> FindForRefundAsync(string? text, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new ScreenRefundableResponse(null, new ScreenError("not-found", "Scan the receipt's code or type its number."));
        }

        var sale = await _refunds.FindSaleAsync(text.Trim(), cancellationToken).ConfigureAwait(false);
        if (sale is null || sale.IsRefund)
        {
            return new ScreenRefundableResponse(null, new ScreenError("sale-not-found", $"No sale '{text.Trim()}' on this till."));
        }

        var lines = await _refunds.RefundableLinesAsync(sale.Id, cancellationToken).ConfigureAwait(false);
        return new ScreenRefundableResponse(new ScreenRefundable(
            sale.Id.ToString(),
            sale.SaleNumber,
            Local(sale.CreatedAtUtc),
            Money(sale.Totals.AmountDue),
            [.. lines.Select(l => new ScreenRefundLine(l.LineNumber, l.Name, l.Unit, Money(l.UnitPrice), Quantity(l.Sold), Quantity(l.Refunded), Quantity(l.Left)))]));
    }

    /// <summary>Refunds lines of an earlier sale with a manager's PIN; the engine checks quantities and pays back.</summary>
    public async Task<ScreenResponse> RefundAsync(RefundInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_cart.Lines.Count > 0)
            {
                return Fail("cart-not-empty", "Finish or clear the sale in progress before a refund.");
            }

            var check = _pins.Manager(input.ManagerPin, TillPermissions.Refund);
            if (!check.Ok)
            {
                return Fail(check.Error!, "A manager's PIN is needed for a refund.");
            }

            var result = await _refunds.RefundAsync(
                new RefundRequest
                {
                    SaleId = input.SaleId,
                    Lines = [.. input.Lines.Where(l => l.Quantity > 0m).Select(l => new RefundLineRequest(l.LineNumber, l.Quantity))],
                    Cashier = _cashier,
                    Permissions = TillPermissions.Refund,
                    Payout = input.Payout == "cash" ? RefundPayout.Cash : RefundPayout.OriginalMethods,
                    Reason = string.IsNullOrWhiteSpace(input.Reason) ? $"approved by {check.Manager!.Id}" : $"{input.Reason.Trim()} (approved by {check.Manager!.Id})",
                },
                cancellationToken).ConfigureAwait(false);
            if (!result.IsRefunded)
            {
                var code = result.Status switch
                {
                    RefundStatus.NotFound => "sale-not-found",
                    RefundStatus.Refused when !_payments.IsOnline => "offline",
                    _ => "refund-refused",
                };
                var detail = result.Errors is { Count: > 0 } errors ? " " + string.Join("; ", errors.Select(e => e.Message)) : string.Empty;
                return Fail(code, result.Message + detail);
            }

            Finished(result.Refund!);
            _sync.Nudge();
            return Saved("refunded");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Sales on this till matching part of the receipt number, a customer, a product or a card's last four,
    /// on one business day and/or of one amount (the engine's search, newest first), a page at a time.
    /// </summary>
    public async Task<ScreenSaleSearchResponse> SearchSalesAsync(string? text, string? date, string? amount, int page, CancellationToken cancellationToken = default)
    {
        const int PageSize = 10;
        DateOnly? day = null;
        decimal? paid = null;
        if (!string.IsNullOrWhiteSpace(date))
        {
            if (!DateOnly.TryParseExact(date.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                return new ScreenSaleSearchResponse([], page, false, new ScreenError("invalid", $"'{date}' is not a date (yyyy-mm-dd)."));
            }

            day = parsed;
        }

        if (!string.IsNullOrWhiteSpace(amount))
        {
            if (!decimal.TryParse(amount.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed))
            {
                return new ScreenSaleSearchResponse([], page, false, new ScreenError("invalid", $"'{amount}' is not an amount."));
            }

            paid = parsed;
        }

        if (page < 0 || page > 1000)
        {
            return new ScreenSaleSearchResponse([], page, false, new ScreenError("invalid", "The page must be 0 to 1000."));
        }

        if (string.IsNullOrWhiteSpace(text) && day is null && paid is null)
        {
            return new ScreenSaleSearchResponse([], page, false, new ScreenError("search-empty", "Type part of the receipt number, a customer, a date or an amount."));
        }

        // A day without a year range: that day alone; no day: the engine's default (the last 30 days).
        var found = await _refunds.SearchSalesAsync(
            new SaleSearch { Text = text?.Trim(), From = day, To = day, Amount = paid, Skip = page * PageSize, Limit = PageSize + 1 },
            cancellationToken).ConfigureAwait(false);
        return new ScreenSaleSearchResponse(
            [.. found.Take(PageSize).Select(s => new ScreenSaleFound(s.Id.ToString(), s.SaleNumber, Local(s.CreatedAtUtc), Money(s.Totals.AmountDue), s.Lines.Count, s.Customer?.Name ?? s.Customer?.Phone))],
            page,
            found.Count > PageSize);
    }

    /// <summary>Prints a stored sale's or refund's receipt on the till's printer, as ESC/POS in the printer's format.</summary>
    public async Task<ScreenPrintResponse> PrintAsync(Guid saleId, CancellationToken cancellationToken = default)
    {
        var sale = _sales.FindById(saleId);
        if (sale is null)
        {
            return new ScreenPrintResponse(false, "No such sale on this till.", new ScreenError("sale-not-found", $"No sale {saleId} on this till."));
        }

        if (Fiscal.FiscalChain.NotGivenYet(_database, sale.Id) is { } notCleared)
        {
            return new ScreenPrintResponse(false, notCleared, new ScreenError("zatca-not-cleared", notCleared));
        }

        var bytes = ReceiptRenderer.RenderEscPos(Receipt.From(sale, _till.Receipt, Fiscal.FiscalChain.StoredQr(_database, sale.Id)), _printer.Format);
        var result = await _printer.PrintAsync(bytes, cancellationToken).ConfigureAwait(false);
        Log.ReceiptPrinted(_logger, sale.SaleNumber, result.Status, result.Message);
        return result.IsPrinted
            ? new ScreenPrintResponse(true, result.Message)
            : new ScreenPrintResponse(false, result.Message, new ScreenError(
                result.Status switch
                {
                    PrintStatus.NotConfigured => "printer-none",
                    PrintStatus.TimedOut => "printer-timeout",
                    _ => "printer-offline",
                },
                result.Message));
    }

    /// <summary>
    /// Queues a stored sale's receipt for the customer by e-mail or SMS: committed in the till's database at once
    /// (so nothing is lost offline) and sent by the connector once the till uploads it.
    /// </summary>
    public async Task<ScreenSendResponse> SendReceiptAsync(Guid saleId, SendReceiptRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sale = _sales.FindById(saleId);
        if (sale is null)
        {
            return new ScreenSendResponse(false, null, null, null, new ScreenError("sale-not-found", $"No sale {saleId} on this till."));
        }

        if (Fiscal.FiscalChain.NotGivenYet(_database, sale.Id) is { } notCleared)
        {
            return new ScreenSendResponse(false, null, null, null, new ScreenError("zatca-not-cleared", notCleared));
        }

        var language = request.Language is "en" or "ar" ? request.Language : _options.Language;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var queued = _receiptRequests.Queue(sale, request.Channel, request.To, language, _till.Receipt.StoreName, ReceiptRenderer.RenderHtml(Receipt.From(sale, _till.Receipt, Fiscal.FiscalChain.StoredQr(_database, sale.Id))));
            Log.ReceiptQueued(_logger, sale.SaleNumber, queued.Channel);
            _sync.Nudge();
            return new ScreenSendResponse(true, queued.Channel, queued.Recipient, Sync());
        }
        catch (ArgumentException e)
        {
            var code = request.Channel switch
            {
                "email" => "bad-email",
                "sms" => "bad-phone",
                _ => "invalid",
            };
            return new ScreenSendResponse(false, request.Channel, null, null, new ScreenError(code, e.Message.Split(" (Parameter", 2)[0]));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The receipt of a stored sale or refund, as the engine renders it for a screen or an e-mail.</summary>
    public string? ReceiptHtml(Guid saleId) =>
        _sales.FindById(saleId) is { } sale ? ReceiptRenderer.RenderHtml(Receipt.From(sale, _till.Receipt, Fiscal.FiscalChain.StoredQr(_database, sale.Id))) : null;

    // ---- shifts ----

    public Task<ScreenResponse> OpenShiftAsync(decimal openingFloat, CancellationToken cancellationToken = default) => ActAsync(() =>
    {
        if (_shifts.Current is not null)
        {
            return Fail("shift-open", "A shift is already open.");
        }

        _shifts.Open(_cashier, openingFloat);
        return Saved();
    }, cancellationToken);

    public async Task<ScreenReportResponse> XReportAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _shifts.Current is null
                ? new ScreenReportResponse(State(), null, new ScreenError("no-shift", "No shift is open."))
                : new ScreenReportResponse(State(), Report(_shifts.XReport()));
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<ScreenReportResponse> CloseShiftAsync(decimal countedCash, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_shifts.Current is null)
            {
                return new ScreenReportResponse(State(), null, new ScreenError("no-shift", "No shift is open."));
            }

            if (_cart.Lines.Count > 0)
            {
                return new ScreenReportResponse(State(), null, new ScreenError("cart-not-empty", "Finish or clear the sale in progress before closing the shift."));
            }

            var z = _shifts.Close(countedCash);
            _lastSale = null;
            _keeper.SaveLastSale(null);
            Changed();
            return new ScreenReportResponse(State(), Report(z));
        }
        catch (ArgumentException e)
        {
            return new ScreenReportResponse(State(), null, new ScreenError("invalid", e.Message));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Cash put in or taken out of the drawer; taking out needs a manager's PIN.</summary>
    public Task<ScreenResponse> MoveCashAsync(decimal amount, string reason, string? managerPin, CancellationToken cancellationToken = default) => ActAsync(() =>
    {
        if (_shifts.Current is null)
        {
            return Fail("no-shift", "No shift is open.");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            return Fail("reason", "Say why the cash moves.");
        }

        if (amount < 0m)
        {
            var check = _pins.Manager(managerPin, TillPermissions.ManageShift);
            if (!check.Ok)
            {
                return Fail(check.Error!, "A manager's PIN is needed to take cash out.");
            }

            reason = $"{reason.Trim()} (approved by {check.Manager!.Id})";
        }

        _shifts.MoveCash(amount, reason.Trim());
        return Saved(amount > 0m ? "cash-in" : "cash-out");
    }, cancellationToken);

    public void Dispose() => _gate.Dispose();

    // ---- the machinery ----

    private async Task<ScreenResponse> ActAsync(Func<ScreenResponse> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return action();
        }
        catch (ArgumentException e)
        {
            // The engine's argument checks are the cashier's mistakes here (a quantity of 0, a discount over 100 %).
            return Fail("invalid", e.Message);
        }
        catch (InvalidOperationException e)
        {
            return Fail("refused", e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            return Fail("pin-wrong", e.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    private ScreenResponse? NeedsShift() => _shifts.Current is null ? Fail("no-shift", "Open a shift before selling.") : null;

    private ScreenResponse Change(Action change)
    {
        change();
        return Saved();
    }

    private ScreenResponse Change<T>(Func<T> change)
    {
        change();
        return Saved();
    }

    /// <summary>Lines change what is due, so cash already taken goes back first; a card payment cannot.</summary>
    private ScreenResponse ChangeLines(Action change, bool rewardFirst = false)
    {
        if (_cart.Payments.Any(p => p.Kind != PaymentKind.Cash))
        {
            return Fail("has-payments", "A card or transfer payment is already in this sale; finish it.");
        }

        var hadCash = _cart.Payments.Count > 0;
        _cart.RemovePayments();
        var answer = KeepingReward(change, rewardFirst);
        return hadCash && answer.Notice is null ? answer with { Notice = "cash-returned" } : answer;
    }

    /// <summary>
    /// Makes a change to a cart that may carry a reward, then applies the reward again through the engine so it is
    /// worth what it says on the new cart (the engine keeps a reward's percent, not its amount, across changes).
    /// If the engine no longer gives it (the cart is empty, say), it stays off and the cashier is told.
    /// </summary>
    private ScreenResponse KeepingReward(Action change, bool rewardFirst = false)
    {
        if (_cart.Promotion is { } promotion)
        {
            return KeepingPromotion(promotion, change, rewardFirst);
        }

        var reward = _cart.Reward;
        if (reward is null)
        {
            change();
            return Saved();
        }

        if (rewardFirst)
        {
            LoyaltyService.RemoveReward(_cart);
            change();
        }
        else
        {
            change();
            if (_cart.Reward is null)
            {
                return Saved();
            }

            LoyaltyService.RemoveReward(_cart);
        }

        var again = _loyalty.Redeem(_cart, reward.RewardId);
        if (!again.IsApplied)
        {
            Log.RewardDropped(_logger, reward.RewardId, again.Message);
            return Saved("reward-dropped");
        }

        return Saved();
    }

    /// <summary>
    /// <see cref="KeepingReward"/> for a promotion code: after the change the code is applied again through the
    /// engine, so its rule is checked on the new cart (an order discount is set with the promotion off, since its own
    /// discount is part of the order's). When the rule no longer holds it stays off and the cashier is told.
    /// </summary>
    private ScreenResponse KeepingPromotion(AppliedPromotion promotion, Action change, bool promotionFirst)
    {
        if (promotionFirst)
        {
            LoyaltyService.RemovePromotion(_cart);
        }

        try
        {
            change();
        }
        catch
        {
            // The change was refused: the cart is as it was, so the code goes back on as it was.
            LoyaltyService.RemovePromotion(_cart);
            _loyalty.ApplyCode(_cart, promotion.Code);
            throw;
        }

        LoyaltyService.RemovePromotion(_cart);
        var again = _loyalty.ApplyCode(_cart, promotion.Code);
        if (!again.IsApplied)
        {
            Log.PromotionDropped(_logger, promotion.Code, again.Message);
            return Saved("promo-dropped");
        }

        return Saved();
    }

    private ScreenResponse? RewardLine(int index) =>
        index >= 0 && index < _cart.Lines.Count && _cart.Lines[index].IsReward
            ? Fail("reward-line", "This line is a reward: remove the reward instead.")
            : null;

    /// <summary>Attaches the customer, earning in <paramref name="cardProgramId"/> (their back-office card's program) when the till has it.</summary>
    private ScreenResponse AttachCustomer(Customer customer, string? cardProgramId = null)
    {
        if (_cart.Payments.Any(p => p.Kind == PaymentKind.CustomerAccount))
        {
            return Fail("has-account-payment", "Part of this sale is charged to the customer's account; give it back first.");
        }

        var hadReward = _cart.Reward is not null;
        var holder = new CardHolder(customer, cardProgramId);
        var answer = hadReward ? ChangeLines(() => _loyalty.Attach(_cart, holder)) : Change(() => _loyalty.Attach(_cart, holder));
        Log.CustomerAttached(_logger, customer.Id);
        return answer with { Notice = "customer-attached" };
    }

    private static string Code(RedeemRefusal refusal) => refusal switch
    {
        RedeemRefusal.NoCustomer => "no-customer",
        RedeemRefusal.NoProgram => "no-program",
        RedeemRefusal.UnknownReward => "unknown-reward",
        RedeemRefusal.RewardAlreadyApplied => "reward-on",
        RedeemRefusal.EmptyCart => "cart-empty",
        RedeemRefusal.PointsShort => "points-short",
        RedeemRefusal.NothingToDiscount => "nothing-to-discount",
        RedeemRefusal.TooFewPoints => "too-few-points",
        RedeemRefusal.ProductNotSold => "product-not-sold",
        _ => "not-at-till",
    };

    private static string Code(PromotionRefusal refusal) => refusal switch
    {
        PromotionRefusal.NoCode => "promo-none",
        PromotionRefusal.UnknownCode => "promo-unknown",
        PromotionRefusal.LoyaltyCard => "promo-is-card",
        PromotionRefusal.NeedsBackOffice => "promo-back-office",
        PromotionRefusal.RuleNotMet => "promo-not-met",
        PromotionRefusal.AlreadyApplied => "promo-on",
        PromotionRefusal.RewardOn => "reward-on",
        PromotionRefusal.EmptyCart => "cart-empty",
        PromotionRefusal.PaymentStarted => "has-payments",
        PromotionRefusal.NothingToDiscount => "nothing-to-discount",
        PromotionRefusal.ProductNotSold => "product-not-sold",
        _ => "not-at-till",
    };

    private ScreenResponse Paid(PaymentResult result)
    {
        if (!result.IsAccepted)
        {
            var code = result.Status switch
            {
                PaymentStatus.Declined => "declined",
                PaymentStatus.Cancelled => "cancelled",
                PaymentStatus.TimedOut => "timed-out",
                _ when !_payments.IsOnline && result.Message.Contains("offline", StringComparison.Ordinal) => "offline",
                _ => "refused",
            };
            return Fail(code, result.Message);
        }

        // Saved before anything else: money has moved, and a crash now must not forget it.
        _keeper.Save(CartKeeper.Snapshot(_cart, _permissions));
        // A code the page words in the cashier's language; the provider's own words stay in the log.
        var notice = result.Payment?.Kind switch
        {
            PaymentKind.Cash => "cash-taken",
            PaymentKind.Card or PaymentKind.Wallet => "approved",
            PaymentKind.Qr => "transfer-recorded",
            PaymentKind.CustomerAccount => "charged-to-account",
            _ => result.Message,
        };
        return _cart.Remaining != 0m ? Saved(notice) : Complete(notice);
    }

    private ScreenResponse Complete(string paymentMessage)
    {
        var shift = _shifts.Current;
        if (shift is null)
        {
            return Fail("no-shift", "Open a shift before selling.");
        }

        // Marked first: if the till dies between the commit and the next write, the restart sees the shift
        // has one more sale than the marker says and knows this cart is done, so it is never sold twice.
        _keeper.Save(CartKeeper.Snapshot(_cart, _permissions, new CommitMarker(shift.Id, SalesIn(shift.Id))));
        var result = _checkout.Complete(_cart);
        if (!result.IsCommitted)
        {
            _keeper.Save(CartKeeper.Snapshot(_cart, _permissions));
            return Fail("invalid", result.Message + (result.Validation is null ? string.Empty : " " + result.Validation));
        }

        Finished(result.Sale!);
        _sync.Nudge();
        return Saved(paymentMessage);
    }

    private void Finished(Sale sale)
    {
        _lastSale = new ScreenFinishedSale(
            sale.Id.ToString(),
            sale.SaleNumber,
            Money(sale.Totals.AmountDue),
            Money(sale.Totals.Paid),
            Money(sale.Payments.Sum(p => p.Change ?? 0m)),
            [.. sale.Payments.Select(Payment)],
            Local(sale.CreatedAtUtc),
            sale.IsRefund,
            sale.Customer?.Name ?? sale.Customer?.Phone,
            sale.Loyalty is { Earned: > 0m } earned ? Quantity(earned.Earned) : null,
            sale.Loyalty is { Spent: > 0m } spent ? Quantity(spent.Spent) : null);
        _keeper.SaveLastSale(_lastSale);
        _cart = _checkout.NewCart(_cashier);
        _permissions = TillPermissions.None;
    }

    private int SalesIn(string shiftId) => _sales.CountInShift(shiftId);

    private ScreenResponse Saved(string? notice = null)
    {
        _keeper.Save(_cart.Lines.Count == 0 && _cart.Payments.Count == 0 ? null : CartKeeper.Snapshot(_cart, _permissions));
        Changed();
        return new ScreenResponse(State(), Notice: notice);
    }

    private ScreenResponse Fail(string code, string message) => new(State(), new ScreenError(code, message));

    private void Changed() => Interlocked.Increment(ref _version);

    /// <summary>The cart as it was saved, rebuilt through the engine; a sale the till committed just before dying is not rebuilt.</summary>
    private Cart Restore()
    {
        _lastSale = _keeper.LoadLastSale();
        var saved = _keeper.Load();
        if (saved is null)
        {
            return _checkout.NewCart(_cashier);
        }

        if (saved.Committing is { } marker && SalesIn(marker.ShiftId) > marker.SalesBefore)
        {
            var sale = _sales.LastInShift(marker.ShiftId);
            Finished(sale);
            _keeper.Save(null);
            Log.CartFoundCommitted(_logger, sale.SaleNumber);
            return _cart;
        }

        _permissions = saved.Permissions;
        var cart = Replay(saved);
        Log.CartRestored(_logger, cart.Lines.Count, cart.Payments.Count);
        return cart;
    }

    private Cart Replay(SavedCart saved)
    {
        var cart = _checkout.NewCart(_cashier, saved.Permissions);
        foreach (var line in saved.Lines)
        {
            var product = _catalog.FindById(line.ProductId);
            if (product is null)
            {
                Log.CartLineDropped(_logger, line.ProductId);
                continue;
            }

            var added = cart.Add(product, line.Quantity, line.UnitPrice, line.ScannedCode);
            var index = cart.Lines.Count - 1;
            if (!ReferenceEquals(cart.Lines[index], added))
            {
                index = cart.Lines.ToList().IndexOf(added);
            }

            if (line.DiscountPercent != 0m)
            {
                cart.SetLineDiscountPercent(index, line.DiscountPercent);
            }

            if (line.PriceOverridden)
            {
                cart.OverridePrice(index, line.UnitPrice);
            }

            if (line.Note is not null)
            {
                cart.SetLineNote(index, line.Note);
            }
        }

        cart.SetOrderDiscountPercent(saved.OrderDiscountPercent);
        if (saved.Loyalty is { } loyalty)
        {
            ReplayLoyalty(cart, loyalty);
        }

        if (saved.PromotionCode is { } code && _loyalty.ApplyCode(cart, code) is { IsApplied: false } dropped)
        {
            Log.PromotionDropped(_logger, code, dropped.Message);
        }

        foreach (var payment in saved.Payments)
        {
            cart.AddPayment(payment);
        }

        return cart;
    }

    /// <summary>
    /// The customer (as the till now knows them), their program (if the till still has it) and the reward, applied
    /// again by the engine on the rebuilt cart. A reward the engine no longer gives is left off, and logged.
    /// </summary>
    private void ReplayLoyalty(Cart cart, SavedLoyalty saved)
    {
        var customer = _customers.FindById(saved.Customer.Id) ?? saved.Customer;
        var program = saved.ProgramId is { } id ? _loyalty.Programs().FirstOrDefault(p => p.Id == id) : null;
        _loyalty.Attach(cart, customer, program?.Id);
        if (saved.ProgramId is not null && program is null)
        {
            Log.RewardDropped(_logger, saved.RewardId ?? "-", $"the program '{saved.ProgramId}' is no longer on this till");
            return;
        }

        if (saved.RewardId is not { } rewardId || program is null)
        {
            return;
        }

        var perPoint = program.Rewards.FirstOrDefault(r => r.Id == rewardId) is { Kind: LoyaltyRewardKind.Discount, DiscountMode: LoyaltyDiscountMode.PerPoint };
        var again = _loyalty.Redeem(cart, rewardId, perPoint ? saved.RewardPoints : null);
        if (!again.IsApplied)
        {
            Log.RewardDropped(_logger, rewardId, again.Message);
        }
    }

    private ScreenCustomer? CustomerView()
    {
        if (_cart.Customer is not { } customer)
        {
            return null;
        }

        var program = _cart.LoyaltyProgram;
        var balance = program is null ? 0m : _loyalty.Balance(customer.Id, program.Id).Available;
        var rewards = program is null
            ? []
            : program.Rewards.Select(r =>
            {
                var atTill = r.Kind != LoyaltyRewardKind.Other;
                var needed = Math.Max(0m, r.RequiredPoints - balance);
                return new ScreenReward(r.Id, r.Description, r.Kind.ToString().ToLowerInvariant(), Quantity(r.RequiredPoints), atTill && needed == 0m, Quantity(needed), atTill);
            }).ToList();
        return new ScreenCustomer(
            customer.Id,
            customer.Name ?? customer.Phone ?? customer.Id,
            customer.Phone,
            customer.LoyaltyCardCode,
            program?.Id,
            program?.Name,
            Quantity(balance),
            Quantity(_cart.PointsToEarn),
            _cart.Reward is { } reward ? new ScreenAppliedReward(reward.RewardId, reward.Description, Quantity(reward.Points), Money(reward.DiscountAmount)) : null,
            rewards);
    }

    private ScreenState State()
    {
        var totals = _cart.Totals;
        var paid = _cart.Payments.Sum(p => p.Amount);
        var lines = _cart.Lines.Select((l, i) => new ScreenLine(
                i,
                l.Product.Id,
                l.Product.Name,
                Quantity(l.Quantity),
                l.Product.Unit,
                l.Product.IsWeighed,
                Money(l.UnitPrice),
                Quantity(l.DiscountPercent),
                l.PriceOverridden,
                Money(totals.Lines[i].TotalIncluded),
                l.IsReward))
            .ToList();
        var items = _cart.Lines.Sum(l => l.Product.IsWeighed ? 1m : l.Quantity);
        var cart = new ScreenCart(
            lines,
            Quantity(items),
            Money(totals.Untaxed),
            Money(totals.Tax),
            Money(totals.Discount),
            Money(totals.Rounding),
            Money(totals.AmountDue),
            Money(paid),
            Money(totals.AmountDue - paid),
            [.. _cart.Payments.Select(Payment)]);
        var shift = _shifts.Current;
        var sync = Sync();
        return new ScreenState(
            new ScreenStore(_till.StoreId, _till.TillId, _till.Currency, _till.CurrencyInfo.MinorUnits, _options.Digits, _options.Language, _cashier.Name, _staff.AnyActive()),
            shift is null ? null : new ScreenShift(shift.Id, shift.Number, Local(shift.OpenedAtUtc), Money(shift.OpeningFloat)),
            cart,
            _lastSale,
            [
                new ScreenMethod("cash", "cash", true),
                new ScreenMethod("card", "card", sync.Payments),
                new ScreenMethod("wallet", "wallet", sync.Payments),
                new ScreenMethod("qr", "qr", sync.Payments),
                new ScreenMethod("later", "later", _cart.Customer is not null),
            ],
            sync,
            Interlocked.Read(ref _version),
            CustomerView(),
            _nfc.IsAvailable,
            _cart.Promotion is { } promotion ? new ScreenPromotion(promotion.Code, promotion.ProgramId, promotion.ProgramName, promotion.Description, Money(promotion.DiscountAmount)) : null);
    }

    private ScreenProduct Product(Product p) => new(p.Id, p.Name, Money(p.ListPrice), p.Unit, p.IsWeighed);

    private ScreenPayment Payment(Payment p) => new(
        p.MethodId,
        p.Kind.ToString().ToLowerInvariant(),
        Money(p.Amount),
        p.Tendered is { } t ? Money(t) : null,
        p.Change is { } c ? Money(c) : null,
        p.Card?.Scheme,
        p.Card?.Last4,
        p.Reference);

    private ScreenReport Report(ShiftReport r) => new(
        r.Kind.ToString(),
        r.Shift.Number,
        Local(r.Shift.OpenedAtUtc),
        r.Shift.ClosedAtUtc is { } closed ? Local(closed) : null,
        r.SalesCount,
        Money(r.SalesTotal),
        r.RefundsCount,
        Money(r.RefundsTotal),
        Money(r.Discounts),
        [.. r.Taxes.Select(t => new ScreenTaxLine(t.Name, Money(t.Base), Money(t.Amount)))],
        [.. r.Payments.Select(p => new ScreenMethodTotal(p.MethodId, _catalog.PaymentMethods().FirstOrDefault(m => m.Id == p.MethodId)?.Name, p.Kind.ToString().ToLowerInvariant(), p.Count, Money(p.Amount)))],
        Money(r.OpeningFloat),
        Money(r.CashFromSales),
        Money(r.CashIn),
        Money(r.CashOut),
        Money(r.ExpectedCash),
        r.CountedCash is { } counted ? Money(counted) : null,
        r.Difference is { } difference ? Money(difference) : null);

    private string Money(decimal amount) => amount.ToString(_money, CultureInfo.InvariantCulture);

    private static string Quantity(decimal quantity) => quantity.Normalize().ToString(CultureInfo.InvariantCulture);

    private string Local(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, _till.TimeZoneInfo).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}

internal static class DecimalText
{
    /// <summary>Drops trailing zeros (2.500 → 2.5) without changing the value.</summary>
    public static decimal Normalize(this decimal value) => value / 1.000000000000000000000000000000000m;
}
