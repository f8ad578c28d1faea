using PosBridge.Core.Sales;

namespace PosBridge.Core.Adapters;

/// <summary>
/// A back office that can say, before the first sale, what in its set-up or in ours would stop or falsify the
/// delivery of the shop's sales: a till with no mapping, a payment kind with no method, a tax with no counterpart,
/// a right the API user lacks. The connector asks at start, in <c>posbridge status</c> and on the dashboard.
/// </summary>
public interface ISetupCheck : IAdapter
{
    /// <summary>
    /// What is wrong for <paramref name="scope"/>, most serious first; empty when sales will go through. Reads only,
    /// never changes the back office. An unreachable back office throws (the caller says so and asks again later).
    /// </summary>
    Task<IReadOnlyList<SetupFinding>> CheckSetupAsync(SetupScope scope, CancellationToken cancellationToken = default);
}

/// <summary>What the shop sells with, as the connector knows it: its tills, the payment methods and taxes they use.</summary>
public sealed record SetupScope
{
    public IReadOnlyList<SetupTill> Tills { get; init; } = [];

    /// <summary>The payment methods the tills offer (the catalog's or the store's), by the till's method id.</summary>
    public IReadOnlyList<SetupPaymentMethod> PaymentMethods { get; init; } = [];

    /// <summary>The tax ids the catalog's products carry.</summary>
    public IReadOnlyList<string> TaxIds { get; init; } = [];
}

/// <summary>A paired till and the currency its store sells in.</summary>
public sealed record SetupTill(string StoreId, string TillId, string Currency);

public sealed record SetupPaymentMethod(string MethodId, PaymentKind Kind);

public enum SetupSeverity
{
    /// <summary>Sales (or the shift closes) will not reach the back office until it is fixed.</summary>
    Blocking,

    /// <summary>Sales go through, but something a manager or an accountant expects will not be right.</summary>
    Warning,
}

/// <summary>
/// One thing to fix: what it is about ("till CAI1/T3", "payment method card"), what is wrong, and what to do,
/// naming the setting or the screen of the back office.
/// </summary>
public sealed record SetupFinding(SetupSeverity Severity, string Subject, string Problem, string Fix)
{
    public override string ToString() => $"{Subject}: {Problem} {Fix}";
}
