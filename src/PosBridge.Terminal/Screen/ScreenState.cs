
namespace PosBridge.Terminal.Screen;

// What the cashier page is sent. Amounts are strings written with the currency's minor units
// ("137.37", "1.250"), so the page shows exactly what the engine computed and never does money in
// floating point; it only swaps in the store's digits.

public sealed record ScreenStore(string StoreId, string TillId, string Currency, int MinorUnits, string Digits, string Language, string Cashier, bool HasManagers);

public sealed record ScreenShift(string Id, int Number, string OpenedAt, string OpeningFloat);

public sealed record ScreenLine(
    int Index, string ProductId, string Name, string Quantity, string Unit, bool IsWeighed, string UnitPrice, string DiscountPercent, bool PriceOverridden, string Total,
    bool IsReward = false);

public sealed record ScreenPayment(string MethodId, string Kind, string Amount, string? Tendered, string? Change, string? Scheme, string? Last4, string? Reference);

public sealed record ScreenCart(
    IReadOnlyList<ScreenLine> Lines,
    string ItemCount,
    string Untaxed,
    string Tax,
    string Discount,
    string Rounding,
    string AmountDue,
    string Paid,
    string Remaining,
    IReadOnlyList<ScreenPayment> Payments);

/// <summary>The sale just finished, kept on screen (change to give) until the cashier starts the next one.</summary>
public sealed record ScreenFinishedSale(
    string Id, string Number, string AmountDue, string Paid, string Change, IReadOnlyList<ScreenPayment> Payments, string At, bool IsRefund = false,
    string? Customer = null, string? PointsEarned = null, string? PointsSpent = null);

public sealed record ScreenMethod(string Id, string Kind, bool Available);

/// <summary>
/// The till's view of its connector. <see cref="Connection"/>: "online", "unreachable" (not answering) or "local"
/// (no connector configured); <see cref="Circuit"/>: "closed", "open" (the till has stopped calling it for a
/// moment), "half-open" (one probe goes through). <see cref="ReceiptsWaiting"/>: receipt e-mails/SMS queued.
/// <see cref="Payments"/>: the payment provider can be reached, so card, wallet and QR are offered; it has its own
/// network and does not depend on the connector.
/// </summary>
public sealed record ScreenSync(
    bool Online, bool Paired, int Pending, int Rejected, int OldestPendingSeconds, bool Warn, string? LastError,
    string Connection = "online", string Circuit = "closed", int ReceiptsWaiting = 0, bool Payments = true);

/// <summary>
/// A reward of the customer's program. <see cref="Affordable"/>: the balance reaches its <see cref="Points"/> (for an
/// amount-per-point reward, its minimum) and the till can give it; otherwise <see cref="Needed"/> says how many more
/// points it takes. Only a hint for the list: applying it is the engine's decision.
/// </summary>
public sealed record ScreenReward(string Id, string Description, string Kind, string Points, bool Affordable, string Needed, bool AtTill);

/// <summary>The reward on the cart: the points it spends and what it takes off (zero for a free product).</summary>
public sealed record ScreenAppliedReward(string Id, string Description, string Points, string Discount);

/// <summary>
/// The customer on the cart, with their points in the program they earn in as this till sees them (the engine's local
/// view), the points this cart earns as it stands, and the program's rewards.
/// </summary>
public sealed record ScreenCustomer(
    string Id,
    string Name,
    string? Phone,
    string? CardCode,
    string? ProgramId,
    string? ProgramName,
    string Balance,
    string PointsToEarn,
    ScreenAppliedReward? Reward,
    IReadOnlyList<ScreenReward> Rewards);

/// <summary><see cref="Nfc"/>: the till has an NFC reader to tap a customer's card on (otherwise the page hides the button).</summary>
public sealed record ScreenState(
    ScreenStore Store,
    ScreenShift? Shift,
    ScreenCart Cart,
    ScreenFinishedSale? LastSale,
    IReadOnlyList<ScreenMethod> Methods,
    ScreenSync Sync,
    long Version,
    ScreenCustomer? Customer = null,
    bool Nfc = false,
    ScreenPromotion? Promotion = null);

/// <summary>The promotion code on the cart: the program and reward it gives, and the amount it took off (zero for a free product).</summary>
public sealed record ScreenPromotion(string Code, string ProgramId, string ProgramName, string Description, string Discount);

public sealed record ScreenError(string Code, string Message);

/// <summary>Every answer to an action: the state after it, and what to tell the cashier.</summary>
public sealed record ScreenResponse(ScreenState State, ScreenError? Error = null, string? Notice = null);

public sealed record ScreenProduct(string Id, string Name, string Price, string Unit, bool IsWeighed);

public sealed record ScreenCategory(string Id, string Name, string NameAr, IReadOnlyList<ScreenProduct> Products);

public sealed record ScreenTaxLine(string Name, string Base, string Amount);

/// <summary>A method's takings; <paramref name="Name"/> is the back office's name, null for a method not in the catalog (the screen then shows the kind in the cashier's language).</summary>
public sealed record ScreenMethodTotal(string MethodId, string? Name, string Kind, int Count, string Amount);

public sealed record ScreenReport(
    string Kind,
    int ShiftNumber,
    string OpenedAt,
    string? ClosedAt,
    int SalesCount,
    string SalesTotal,
    int RefundsCount,
    string RefundsTotal,
    string Discounts,
    IReadOnlyList<ScreenTaxLine> Taxes,
    IReadOnlyList<ScreenMethodTotal> Payments,
    string OpeningFloat,
    string CashFromSales,
    string CashIn,
    string CashOut,
    string ExpectedCash,
    string? CountedCash,
    string? Difference);

public sealed record ScreenReportResponse(ScreenState State, ScreenReport? Report, ScreenError? Error = null);

// Requests from the page.
public sealed record ScanRequest(string Code);

public sealed record AddRequest(string ProductId);

public sealed record QuantityRequest(decimal Quantity);

public sealed record DiscountRequest(decimal? Percent, decimal? Amount);

public sealed record PriceRequest(decimal Price, string? ManagerPin);

public sealed record OrderDiscountRequest(decimal Percent);

public sealed record CashRequest(decimal Tendered);

public sealed record TerminalPayRequest(string Kind, decimal? Amount);

public sealed record QrPayRequest(string Reference, decimal? Amount);

public sealed record OpenShiftRequest(decimal OpeningFloat);

public sealed record CloseShiftRequest(decimal CountedCash);

public sealed record CashMoveRequest(decimal Amount, string Reason, string? ManagerPin);

public sealed record PinRequest(string Pin);

/// <summary>Find the customer by one of: the phone number typed, or the loyalty card's code typed or scanned.</summary>
public sealed record AttachCustomerRequest(string? Phone, string? CardCode);

public sealed record RedeemRequest(string RewardId);

public sealed record PromotionRequest(string? Code);

public sealed record PayLaterRequest(decimal? Amount);

public sealed record ScreenRefundLine(int LineNumber, string Name, string Unit, string UnitPrice, string Sold, string Refunded, string Left);

/// <summary>A sale found for a refund, with what is left to give back on each line.</summary>
public sealed record ScreenRefundable(string SaleId, string Number, string At, string AmountDue, IReadOnlyList<ScreenRefundLine> Lines);

public sealed record ScreenRefundableResponse(ScreenRefundable? Sale, ScreenError? Error = null);

public sealed record RefundLineInput(int LineNumber, decimal Quantity);

/// <summary>A sale found by search, for a refund.</summary>
public sealed record ScreenSaleFound(string SaleId, string Number, string At, string AmountDue, int Lines, string? Customer);

/// <summary>One page of a sale search (newest first); ask for <see cref="Page"/> + 1 while <see cref="HasMore"/>.</summary>
public sealed record ScreenSaleSearchResponse(IReadOnlyList<ScreenSaleFound> Sales, int Page, bool HasMore, ScreenError? Error = null);

/// <summary>The printer's answer: <see cref="Printed"/>, or the error with words for the cashier.</summary>
public sealed record ScreenPrintResponse(bool Printed, string Message, ScreenError? Error = null);

/// <summary>A receipt queued for e-mail or SMS (sent by the connector when the till is online), or why not.</summary>
public sealed record ScreenSendResponse(bool Queued, string? Channel, string? To, ScreenSync? Sync, ScreenError? Error = null);

public sealed record SendReceiptRequest(string Channel, string To, string? Language);

public sealed record RefundInput(Guid SaleId, IReadOnlyList<RefundLineInput> Lines, string Payout, string? Reason, string? ManagerPin);
