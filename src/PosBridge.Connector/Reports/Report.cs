namespace PosBridge.Connector.Reports;

/// <summary>
/// A report as the dashboard, its JSON API and <c>posbridge report</c> give it. Amounts are in each row's currency
/// (never summed across currencies); refunds and their amounts are negative, as the sale documents have them.
/// </summary>
internal sealed record Report(
    DateTimeOffset GeneratedAt,
    string? StoreId,
    string Period,
    IReadOnlyList<ReportStoreDays> Stores,
    long LastSale,
    IReadOnlyList<SummaryView> Summary,
    IReadOnlyList<HourView> Hours,
    IReadOnlyList<DayView> Days,
    ProductsView Products,
    IReadOnlyList<CategoryView> Categories,
    IReadOnlyList<PaymentView> Payments,
    IReadOnlyList<FeeView> Fees,
    IReadOnlyList<TillView> Tills,
    IReadOnlyList<ShiftView> Shifts,
    IReadOnlyList<CustomersView> Customers,
    IReadOnlyList<UndeliveredView> Undelivered);

/// <summary>The local days each store's figures cover, and the same days a week earlier (the comparison).</summary>
internal sealed record ReportStoreDays(string StoreId, string Name, string Currency, string Digits, string TimeZone, string From, string To, string CompareFrom, string CompareTo);

internal sealed record Totals(long SaleCount, long RefundCount, long Transactions, decimal Sales, decimal Refunds, decimal Discounts, decimal Net, decimal Untaxed, decimal Tax, decimal Rounding, decimal AverageBasket);

internal sealed record SummaryView(string Currency, Totals Current, Totals WeekEarlier);

internal sealed record HourView(string Currency, int Hour, long Transactions, decimal Net);

internal sealed record DayView(string Currency, string Day, long Transactions, decimal Net);

internal sealed record ProductView(string Currency, string ProductId, string Name, decimal Quantity, decimal Revenue, decimal Untaxed);

internal sealed record ProductsView(IReadOnlyList<ProductView> TopByQuantity, IReadOnlyList<ProductView> BottomByQuantity, IReadOnlyList<ProductView> TopByRevenue, IReadOnlyList<ProductView> BottomByRevenue);

/// <summary>Products by their catalog category; <c>CategoryId</c> is empty for products the catalog does not place.</summary>
internal sealed record CategoryView(string Currency, string CategoryId, string Name, decimal Quantity, decimal Revenue);

internal sealed record PaymentView(string Currency, string Kind, string MethodId, long Count, decimal Amount);

/// <summary>Providers' fees imported with <c>posbridge fees import</c>, by the local day they were reported on.</summary>
internal sealed record FeeView(string StoreId, string Currency, string MethodId, long Count, decimal Amount);

internal sealed record TillView(string StoreId, string Currency, string TillId, string CashierId, string CashierName, long SaleCount, long RefundCount, decimal Sales, decimal Refunds, decimal Discounts, decimal Net);

/// <summary>A Z report closed in the period: the drawer's count against what the till expected.</summary>
internal sealed record ShiftView(string StoreId, string TillId, string ShiftId, DateTimeOffset ClosedAt, string Currency, int SaleCount, decimal CashTaken, decimal ExpectedCash, decimal CountedCash, decimal OverShort);

/// <summary>
/// Loyalty customers who bought in the period: new ones bought for the first time in the chain in it (at this store);
/// <c>ReturningCustomers</c> is null for a period longer than <see cref="IReportQueries.ReturningDays"/> days.
/// </summary>
internal sealed record CustomersView(string Currency, long NewCustomers, long? ReturningCustomers, long Sales, decimal Net, decimal PointsEarned, decimal PointsSpent);

/// <summary>Sales stored here that a back office has not yet taken (waiting, to retry, or dead-lettered).</summary>
internal sealed record UndeliveredView(string Adapter, string StoreId, string Currency, long Count, decimal Amount, long DeadLetters);
