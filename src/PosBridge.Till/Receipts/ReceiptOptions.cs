namespace PosBridge.Till.Receipts;

/// <summary>Which digits a receipt prints numbers in.</summary>
public enum ReceiptDigits
{
    /// <summary>0123456789.</summary>
    Latin,

    /// <summary>٠١٢٣٤٥٦٧٨٩, with the Arabic decimal separator.</summary>
    ArabicIndic,
}

/// <summary>What a receipt says about the store, in which language, and which fiscal code it carries.</summary>
public sealed class ReceiptOptions
{
    /// <summary>The store's name as the receipt heads it (and, in Saudi Arabia, the ZATCA seller name).</summary>
    public string StoreName { get; set; } = string.Empty;

    public IList<string> AddressLines { get; } = [];

    public string? Phone { get; set; }

    /// <summary>The seller's VAT registration number (15 digits in Saudi Arabia; the RIN in Egypt).</summary>
    public string? VatNumber { get; set; }

    /// <summary>"ar" for Arabic labels, right to left; anything else prints English labels.</summary>
    public string Language { get; set; } = "en";

    public ReceiptDigits Digits { get; set; } = ReceiptDigits.Latin;

    /// <summary>ISO 3166 country of the store. "SA" adds the ZATCA simplified-invoice QR when <see cref="VatNumber"/> is set.</summary>
    public string? Country { get; set; }

    /// <summary>A last line, e.g. the returns policy.</summary>
    public string? Footer { get; set; }

    internal bool IsArabic => string.Equals(Language, "ar", StringComparison.OrdinalIgnoreCase);

    internal bool IsSaudi => string.Equals(Country, "SA", StringComparison.OrdinalIgnoreCase);
}
