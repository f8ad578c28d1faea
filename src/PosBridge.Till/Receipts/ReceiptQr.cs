using QRCoder;

namespace PosBridge.Till.Receipts;

/// <summary>QR images of a receipt's codes, drawn by QRCoder: PNG for HTML and e-mail, a 1-bit raster for printers.</summary>
public static class ReceiptQr
{
    /// <summary>A PNG of <paramref name="text"/>, <paramref name="pixelsPerModule"/> pixels per module, with the standard quiet zone.</summary>
    public static byte[] Png(string text, int pixelsPerModule = 4)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        using var data = Encode(text);
        return new PngByteQRCode(data).GetGraphic(pixelsPerModule);
    }

    /// <summary>The module matrix, quiet zone included; true is a dark module.</summary>
    public static bool[,] Modules(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        using var data = Encode(text);
        var size = data.ModuleMatrix.Count;
        var modules = new bool[size, size];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                modules[y, x] = data.ModuleMatrix[y][x];
            }
        }

        return modules;
    }

    // Level M: a receipt's QR survives a smudge, and the ZATCA text still fits a 58 mm roll.
    private static QRCodeData Encode(string text) => QRCodeGenerator.GenerateQrCode(text, QRCodeGenerator.ECCLevel.M);
}
