using PosBridge.Core.Amounts;
using PosBridge.Core.Taxes;

namespace PosBridge.Till;

/// <summary>What a till needs to know about itself and its store to sell.</summary>
public sealed class TillOptions
{
    public string StoreId { get; set; } = string.Empty;

    public string TillId { get; set; } = string.Empty;

    /// <summary>ISO 4217 code of the store's currency.</summary>
    public string Currency { get; set; } = "EGP";

    public TaxRoundingMethod TaxRounding { get; set; } = TaxRoundingMethod.RoundPerLine;

    /// <summary>The store's time zone id (IANA or Windows); shifts and business days are cut in it.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Cash rounding step of the amount due (0.05, 0.25, 1.00); null for none.</summary>
    public decimal? CashRoundingStep { get; set; }

    public RoundingMode CashRoundingMode { get; set; } = RoundingMode.HalfUp;

    /// <summary>In-store barcodes that carry a weight or a price (GS1 prefixes 20–29).</summary>
    public IList<Catalog.EmbeddedBarcodeRule> EmbeddedBarcodes { get; } = [];

    /// <summary>What receipts print about the store, and in which language and digits.</summary>
    public Receipts.ReceiptOptions Receipt { get; } = new();

    /// <summary>The tax authority documents issued with each sale (ZATCA in Saudi Arabia, the ETA in Egypt).</summary>
    public Fiscal.FiscalOptions Fiscal { get; } = new();

    internal Currency CurrencyInfo => Core.Amounts.Currency.FromCode(Currency);

    internal TimeZoneInfo TimeZoneInfo => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}
