using System.Globalization;
using System.Text;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;

namespace PosBridge.Till.Receipts;

/// <summary>
/// The Saudi (ZATCA, Fatoora) phase-1 QR of a simplified tax invoice: base64 of five TLV records, each a
/// one-byte tag, a one-byte length that counts the value's UTF-8 <em>bytes</em> (an Arabic seller name is
/// longer in bytes than in characters), and the UTF-8 value.
/// </summary>
public static class ZatcaQr
{
    /// <summary>The TLV bytes: 1 seller name, 2 VAT number, 3 timestamp, 4 total with VAT, 5 VAT total.</summary>
    public static byte[] Tlv(string sellerName, string vatNumber, string timestamp, string totalWithVat, string vatTotal)
    {
        ReadOnlySpan<string> values = [sellerName, vatNumber, timestamp, totalWithVat, vatTotal];
        var records = new byte[values.Length][];
        for (var i = 0; i < values.Length; i++)
        {
            ArgumentException.ThrowIfNullOrEmpty(values[i]);
            records[i] = Encoding.UTF8.GetBytes(values[i]);
        }

        return Tlv(records);
    }

    /// <summary>TLV records tagged 1, 2, 3… in order (phase 2 adds binary tags: the public key, the certificate's signature).</summary>
    public static byte[] Tlv(ReadOnlySpan<byte[]> values)
    {
        using var stream = new MemoryStream();
        for (var i = 0; i < values.Length; i++)
        {
            var bytes = values[i];
            if (bytes.Length is 0 or > byte.MaxValue)
            {
                throw new ArgumentException($"ZATCA tag {i + 1} is {bytes.Length} bytes; a value is 1 to 255 bytes.");
            }

            stream.WriteByte((byte)(i + 1));
            stream.WriteByte((byte)bytes.Length);
            stream.Write(bytes);
        }

        return stream.ToArray();
    }

    public static string Encode(string sellerName, string vatNumber, string timestamp, string totalWithVat, string vatTotal) =>
        Convert.ToBase64String(Tlv(sellerName, vatNumber, timestamp, totalWithVat, vatTotal));

    /// <summary>
    /// The QR of a stored sale: its UTC instant to the second (ISO 8601, "Z"), and its amount due and VAT to
    /// the currency's decimals. A refund (credit note) states its amounts as positive numbers.
    /// </summary>
    public static string ForSale(Sale sale, string sellerName, string vatNumber)
    {
        ArgumentNullException.ThrowIfNull(sale);
        var decimals = "F" + Currency.FromCode(sale.Currency).MinorUnits.ToString(CultureInfo.InvariantCulture);
        return Encode(
            sellerName,
            vatNumber,
            sale.CreatedAtUtc.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            Math.Abs(sale.Totals.AmountDue).ToString(decimals, CultureInfo.InvariantCulture),
            Math.Abs(sale.Totals.Tax).ToString(decimals, CultureInfo.InvariantCulture));
    }

    /// <summary>Reads a phase-1 QR back into its tags (for tests and for checking a printed receipt).</summary>
    public static IReadOnlyDictionary<int, string> Decode(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        var tags = new Dictionary<int, string>();
        for (var i = 0; i + 2 <= bytes.Length;)
        {
            int tag = bytes[i], length = bytes[i + 1];
            if (i + 2 + length > bytes.Length)
            {
                throw new FormatException($"ZATCA tag {tag} says {length} bytes but only {bytes.Length - i - 2} remain.");
            }

            tags[tag] = Encoding.UTF8.GetString(bytes, i + 2, length);
            i += 2 + length;
        }

        return tags;
    }
}
