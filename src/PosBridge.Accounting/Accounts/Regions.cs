namespace PosBridge.Accounting.Accounts;

/// <summary>
/// Names that differ by the region of the ledger's organisation, as a new organisation of that region starts with
/// them: Xero's tax rate for lines without tax, Sage 50's non-VAT code, QuickBooks Online's receivable account. A
/// ledger's own setting always wins; without one and without a region, start-up names what is missing.
/// </summary>
internal static class Regions
{
    public static IReadOnlyList<string> Known { get; } = ["UK", "IE", "AU", "NZ", "US", "CA", "Global"];

    // Xero's default no-tax rates per edition: UK "No VAT", Australia "BAS Excluded", New Zealand "No GST", the US
    // "Tax Exempt", and the global edition (which Egypt and Saudi Arabia use) "Tax Exempt".
    private static readonly Dictionary<string, string> XeroNoTax = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UK"] = "No VAT",
        ["IE"] = "No VAT",
        ["AU"] = "BAS Excluded",
        ["NZ"] = "No GST",
        ["US"] = "Tax Exempt",
        ["CA"] = "Tax Exempt",
        ["Global"] = "Tax Exempt",
    };

    // Sage 50's non-VAT code is T9 in the UK and Irish editions; no other edition takes this file.
    private static readonly Dictionary<string, string> Sage50NonVat = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UK"] = "T9",
        ["IE"] = "T9",
    };

    // QuickBooks Online's system receivable account: "Accounts Receivable (A/R)" in most editions, "Debtors" in the UK.
    private static readonly Dictionary<string, string> QuickBooksReceivable = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UK"] = "Debtors",
        ["IE"] = "Debtors",
        ["AU"] = "Accounts Receivable (A/R)",
        ["NZ"] = "Accounts Receivable (A/R)",
        ["US"] = "Accounts Receivable (A/R)",
        ["CA"] = "Accounts Receivable (A/R)",
        ["Global"] = "Accounts Receivable (A/R)",
    };

    public static bool IsKnown(string? region) => region is not null && Known.Contains(region, StringComparer.OrdinalIgnoreCase);

    /// <summary>Xero's rate for lines without tax in the region's edition, or null when the region gives none.</summary>
    public static string? XeroNonTaxCode(string? region) => region is null ? null : XeroNoTax.GetValueOrDefault(region);

    /// <summary>Sage 50's non-VAT code in the region's edition, or null when the region gives none.</summary>
    public static string? Sage50NonTaxCode(string? region) => region is null ? null : Sage50NonVat.GetValueOrDefault(region);

    /// <summary>The name QuickBooks knows the receivable account by in the region, or null.</summary>
    public static string? ReceivableName(string? region) => region is null ? null : QuickBooksReceivable.GetValueOrDefault(region);
}
