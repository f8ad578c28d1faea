namespace PosBridge.Accounting.Setup;

/// <summary>
/// The <c>Accounting</c> configuration section: the stores whose sales are exported and one entry per
/// ledger (an adapter: one store written in one dialect with one account map).
/// </summary>
public sealed class AccountingOptions
{
    public const string SectionName = "Accounting";

    /// <summary>Stores by id, as sales name them in <c>StoreId</c>.</summary>
    public Dictionary<string, StoreOptions> Stores { get; } = new(StringComparer.Ordinal);

    /// <summary>Ledgers by adapter name ("xero-cairo", "datev-berlin", …).</summary>
    public Dictionary<string, LedgerOptions> Ledgers { get; } = new(StringComparer.Ordinal);
}

public sealed class StoreOptions
{
    /// <summary>IANA time zone id ("Africa/Cairo", "Asia/Riyadh"): business days are cut in it.</summary>
    public string? TimeZone { get; set; }

    /// <summary>ISO 4217 code the store sells in.</summary>
    public string? Currency { get; set; }
}

/// <summary>One journal per sale, or one summary per business day and store.</summary>
public enum JournalMode
{
    PerSale,
    DailySummary,
}

/// <summary>What to do with text Windows-1252 cannot hold (DATEV, Sage 50).</summary>
public enum UnencodableTextHandling
{
    /// <summary>Write a Latin transliteration ("محمد" → "mhmd", "Łódź" → "Lodz").</summary>
    Transliterate,

    /// <summary>Refuse the export, naming the sale and the text.</summary>
    Refuse,
}

public sealed class LedgerOptions
{
    /// <summary>The store id (a key of <see cref="AccountingOptions.Stores"/>).</summary>
    public string? Store { get; set; }

    /// <summary>generic, xero-journals, xero-invoices, quickbooks, sage-cloud, sage50, datev, zoho.</summary>
    public string? Dialect { get; set; }

    /// <summary>The default chart the accounts come from: "generic", "skr03", or "none" (map everything).</summary>
    public string Chart { get; set; } = "generic";

    public JournalMode Mode { get; set; } = JournalMode.PerSale;

    /// <summary>The ledger's own currency; defaults to the store's.</summary>
    public string? BaseCurrency { get; set; }

    /// <summary>Store-currency units per one base-currency unit, when the store sells in another currency.</summary>
    public decimal? ExchangeRate { get; set; }

    /// <summary>Payment method id (as on the sale) → account code; overrides the chart's account for the method's kind.</summary>
    public Dictionary<string, string> PaymentMethods { get; } = new(StringComparer.Ordinal);

    /// <summary>Payment kind (Cash, Card, Wallet, Qr, CustomerAccount) → account code; overrides the chart.</summary>
    public Dictionary<string, string> PaymentKinds { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Tax id (as on the sale) → how the ledger books it. Every tax the store uses must be here.</summary>
    public Dictionary<string, TaxMappingOptions> Taxes { get; } = new(StringComparer.Ordinal);

    /// <summary>Account code → name, for accounts the chart does not name (QuickBooks and Zoho import by name).</summary>
    public Dictionary<string, string> AccountNames { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Revenue by product category, if wanted: category id → tax id (every tax of <see cref="Taxes"/>, and
    /// optionally <c>untaxed</c> for lines without tax) → revenue account. Lines of other categories, or of
    /// products the catalog does not place, book to the tax's own revenue account.
    /// </summary>
    public Dictionary<string, Dictionary<string, string>> RevenueCategories { get; } = new(StringComparer.Ordinal);

    public string? UntaxedRevenueAccount { get; set; }

    public string? RoundingAccount { get; set; }

    public string? OverShortAccount { get; set; }

    public string? TipsAccount { get; set; }

    public string? ProviderFeesAccount { get; set; }

    /// <summary>The tax rate name or code for lines that carry no tax (Xero "No VAT", Sage 50 "T9").</summary>
    public string? NonTaxCode { get; set; }

    /// <summary>Xero: a tracking category (e.g. "Store") whose option is the store id on every manual journal line; it must exist in Xero.</summary>
    public string? XeroTrackingCategory { get; set; }

    /// <summary>
    /// The region of the ledger's organisation (UK, IE, AU, NZ, US, CA, Global): it gives the defaults of names that
    /// differ by region (Xero's no-tax rate, Sage 50's non-VAT code, QuickBooks' receivable account). Xero, Sage 50 and
    /// QuickBooks ledgers need it unless those names are set (<see cref="NonTaxCode"/>, <see cref="AccountNames"/>).
    /// </summary>
    public string? Region { get; set; }

    /// <summary>Xero invoices: the contact of a sale with no named customer (a walk-in sale). Default "Walk-in customer".</summary>
    public string DefaultContactName { get; set; } = "Walk-in customer";

    /// <summary>Sage 50: text Windows-1252 cannot hold (Arabic names) is transliterated (default) or the export refused.</summary>
    public UnencodableTextHandling UnencodableText { get; set; } = UnencodableTextHandling.Transliterate;

    /// <summary>QuickBooks: the company's region date format, "MM/dd/yyyy" (US, default) or "dd/MM/yyyy".</summary>
    public string? DateFormat { get; set; }

    public DatevOptions Datev { get; set; } = new();
}

public sealed class TaxMappingOptions
{
    /// <summary>Percent, e.g. 14; picks the chart's accounts for the rate.</summary>
    public decimal? Rate { get; set; }

    /// <summary>The tax rate's name in the ledger (Xero's TaxRate, Zoho's tax name).</summary>
    public string? Name { get; set; }

    /// <summary>The ledger's tax code (Sage 50 T1, QuickBooks code); defaults to <see cref="Name"/>.</summary>
    public string? Code { get; set; }

    public string? RevenueAccount { get; set; }

    public string? TaxAccount { get; set; }
}

public sealed class DatevOptions
{
    /// <summary>Beraternummer (1001–9999999).</summary>
    public int ConsultantNumber { get; set; }

    /// <summary>Mandantennummer (1–99999).</summary>
    public int ClientNumber { get; set; }

    /// <summary>The month the fiscal year starts (1 = January).</summary>
    public int FiscalYearStartMonth { get; set; } = 1;

    /// <summary>Sachkontenlänge: digits of a general-ledger account (4–8).</summary>
    public int AccountLength { get; set; } = 4;

    public UnencodableTextHandling UnencodableText { get; set; } = UnencodableTextHandling.Transliterate;
}
