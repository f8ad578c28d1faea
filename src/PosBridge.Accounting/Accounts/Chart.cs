using PosBridge.Accounting.Journals;
using PosBridge.Core.Sales;

namespace PosBridge.Accounting.Accounts;

/// <summary>
/// A default chart of accounts: what a payment kind, a tax rate and the cash adjustments book to when the
/// configuration does not say. Configuration overrides any of it.
/// </summary>
internal sealed class Chart
{
    private readonly Dictionary<string, string> _names;
    private readonly Dictionary<decimal, (string Revenue, string Tax)> _byRate;

    private Chart(
        string name,
        int? accountLength,
        Dictionary<PaymentKind, string> payments,
        Dictionary<decimal, (string Revenue, string Tax)> byRate,
        string? untaxedRevenue,
        string? rounding,
        string? overShort,
        string? tips,
        string? providerFees,
        Dictionary<string, string> names)
    {
        Name = name;
        AccountLength = accountLength;
        Payments = payments;
        _byRate = byRate;
        UntaxedRevenue = untaxedRevenue;
        Rounding = rounding;
        OverShort = overShort;
        Tips = tips;
        ProviderFees = providerFees;
        _names = names;
    }

    public static IEnumerable<string> KnownNames => ["generic", "skr03", "none"];

    public string Name { get; }

    /// <summary>The account length the chart is written for (SKR03: 4), when it has one.</summary>
    public int? AccountLength { get; }

    public IReadOnlyDictionary<PaymentKind, string> Payments { get; }

    public string? UntaxedRevenue { get; }

    public string? Rounding { get; }

    public string? OverShort { get; }

    public string? Tips { get; }

    public string? ProviderFees { get; }

    /// <summary>A chart with no defaults: every account comes from configuration.</summary>
    public static Chart None { get; } = new("none", null, [], [], null, null, null, null, null, []);

    /// <summary>A plain numbered chart for ledgers set up by hand (1xxx assets, 2xxx liabilities, 4xxx income).</summary>
    public static Chart Generic { get; } = new(
        "generic",
        null,
        new()
        {
            [PaymentKind.Cash] = "1000",
            [PaymentKind.Card] = "1100",
            [PaymentKind.Wallet] = "1110",
            [PaymentKind.Qr] = "1120",
            [PaymentKind.CustomerAccount] = "1200",
        },
        [],
        "4000",
        "4910",
        "4920",
        "2300",
        "6100",
        new(StringComparer.Ordinal)
        {
            ["1000"] = "Cash on hand",
            ["1100"] = "Card clearing",
            ["1110"] = "Wallet clearing",
            ["1120"] = "Instant transfer clearing",
            ["1200"] = "Accounts receivable",
            ["2200"] = "Output VAT",
            ["2300"] = "Tips payable",
            ["4000"] = "Sales",
            ["4910"] = "Cash rounding",
            ["4920"] = "Cash over and short",
            ["6100"] = "Card and wallet fees",
        });

    /// <summary>
    /// DATEV SKR03. Revenue goes to the rate's revenue account and the tax to its own tax account, each as
    /// its own booking; the DATEV writer switches the revenue accounts' automatic tax off (BU 40) so the
    /// tax is never counted twice and stays exactly the receipts' tax.
    /// </summary>
    public static Chart Skr03 { get; } = new(
        "skr03",
        4,
        new()
        {
            [PaymentKind.Cash] = "1000",
            [PaymentKind.Card] = "1360",
            [PaymentKind.Wallet] = "1360",
            [PaymentKind.Qr] = "1360",
            [PaymentKind.CustomerAccount] = "1400",
        },
        new()
        {
            [19m] = ("8400", "1776"),
            [7m] = ("8300", "1771"),
            [0m] = ("8200", "1776"),
        },
        "8200",
        "2700",
        "4900",
        "1590",
        "4970",
        new(StringComparer.Ordinal)
        {
            ["1000"] = "Kasse",
            ["1360"] = "Geldtransit",
            ["1400"] = "Forderungen aus Lieferungen und Leistungen",
            ["1590"] = "Durchlaufende Posten",
            ["1771"] = "Umsatzsteuer 7 %",
            ["1776"] = "Umsatzsteuer 19 %",
            ["2700"] = "Sonstige Erträge",
            ["4900"] = "Sonstige betriebliche Aufwendungen",
            ["4970"] = "Nebenkosten des Geldverkehrs",
            ["8200"] = "Erlöse",
            ["8300"] = "Erlöse 7 % USt",
            ["8400"] = "Erlöse 19 % USt",
        });

    public static Chart? Find(string? name) => name?.Trim().ToUpperInvariant() switch
    {
        "GENERIC" => Generic,
        "SKR03" => Skr03,
        "NONE" => None,
        _ => null,
    };

    /// <summary>The generic chart books every rate to one revenue and one output-tax account.</summary>
    public (string Revenue, string Tax)? ForRate(decimal rate) =>
        _byRate.TryGetValue(rate, out var accounts)
            ? accounts
            : ReferenceEquals(this, Generic) ? ("4000", "2200") : null;

    public string? NameOf(string code) => _names.GetValueOrDefault(code);

    public LedgerAccount? Account(string? code) => code is null ? null : new LedgerAccount(code, NameOf(code) ?? code);
}
