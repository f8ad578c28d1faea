namespace PosBridge.Till.Receipts;

/// <summary>How a thermal printer is driven: its width, whether it draws QR codes itself, and its code page.</summary>
public sealed class EscPosOptions
{
    /// <summary>58 mm paper: 32 columns of font A (384 dots).</summary>
    public static EscPosOptions Paper58mm => new() { Columns = 32, DotsPerLine = 384 };

    /// <summary>80 mm paper: 48 columns of font A (576 dots).</summary>
    public static EscPosOptions Paper80mm => new() { Columns = 48, DotsPerLine = 576 };

    public int Columns { get; set; } = 48;

    public int DotsPerLine { get; set; } = 576;

    /// <summary>
    /// The printer draws QR codes from <c>GS ( k</c> (most Epson-compatible printers since about 2010).
    /// Off, the till draws the QR itself and sends it as a raster image (<c>GS v 0</c>).
    /// </summary>
    public bool NativeQr { get; set; } = true;

    /// <summary>Dots per QR module (1–16).</summary>
    public int QrModuleSize { get; set; } = 4;

    /// <summary>
    /// The printer has the Arabic code page PC864: Arabic is shaped and sent through it, selected with
    /// <c>ESC t <see cref="ArabicCodeTable"/></c>. Off, the printer is driven in PC437 and every character it
    /// cannot print (Arabic included) becomes '?': a receipt never carries bytes the printer would misread.
    /// </summary>
    public bool ArabicCodePage { get; set; }

    /// <summary>The printer's number for PC864 in <c>ESC t n</c>: 37 on Epson; clones differ (see the self-test page).</summary>
    public byte ArabicCodeTable { get; set; } = 37;
}
