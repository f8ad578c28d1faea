using System.Globalization;

namespace PosBridge.Till.Receipts;

/// <summary>
/// The scannable code of a sale id printed on every receipt, which the refund flow scans back.
/// "PBS:" and the id's 32 hex digits in capitals: only characters of the QR code's alphanumeric mode,
/// so the code stays a small QR (version 2), and a cashier can still type it when a scanner fails.
/// </summary>
public static class ReceiptCode
{
    public const string Prefix = "PBS:";

    public static string For(Guid saleId) => Prefix + saleId.ToString("N", CultureInfo.InvariantCulture).ToUpperInvariant();

    /// <summary>Reads a scanned receipt code (or a bare sale id); false for anything else, such as a sale number.</summary>
    public static bool TryParse(string? scanned, out Guid saleId)
    {
        saleId = Guid.Empty;
        if (string.IsNullOrWhiteSpace(scanned))
        {
            return false;
        }

        var text = scanned.Trim();
        if (text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return Guid.TryParseExact(text[Prefix.Length..], "N", out saleId);
        }

        return (text.Length == 32 && Guid.TryParseExact(text, "N", out saleId))
            || (text.Length == 36 && Guid.TryParseExact(text, "D", out saleId));
    }
}
