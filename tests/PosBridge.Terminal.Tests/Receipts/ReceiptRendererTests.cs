using System.Text;
using PosBridge.Terminal.Tests.Refunds;
using PosBridge.Till.Receipts;
using PosBridge.Till.Refunds;
using PosBridge.Till.Sales;

namespace PosBridge.Terminal.Tests.Receipts;

public sealed class ReceiptRendererTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(32)]
    [InlineData(48)]
    public void RenderText_Sale_FitsTheWidthAndShowsWhatTheCustomerPaid(int columns)
    {
        using var till = StoreTill();
        var sale = till.SellForCash();

        var text = ReceiptRenderer.RenderText(Receipt.From(sale, till.Options.Receipt), columns);

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.True(l.Length <= columns, $"'{l}' is {l.Length} wide"));
        Assert.Contains(lines, l => l.StartsWith("Total", StringComparison.Ordinal) && l.EndsWith("137.37 EGP", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Cash", StringComparison.Ordinal) && l.EndsWith("200.00", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Change", StringComparison.Ordinal) && l.EndsWith("62.63", StringComparison.Ordinal));
        Assert.Contains("قهوة تركي", text, StringComparison.Ordinal);
        Assert.Contains("  2 x 50.00", text, StringComparison.Ordinal);
        Assert.Contains("2026-11-23 10:00", text, StringComparison.Ordinal); // Cairo time, not UTC
        Assert.Contains("Sale", text, StringComparison.Ordinal);
        Assert.Contains(ReceiptCode.For(sale.Id), text.Replace("\n", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.EndsWith(sale.SaleNumber + "\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderText_Refund_SaysWhatWasGivenBackAndForWhichSale()
    {
        using var till = StoreTill();
        var sale = till.SellForCash();
        var refund = (await till.Refunds.RefundAsync(
            new RefundRequest { SaleId = sale.Id, Cashier = TestTill.Cashier, Permissions = TillPermissions.Refund, Lines = [new RefundLineRequest(2, 1m)], Reason = "Expired" },
            Token)).Refund!;

        var text = ReceiptRenderer.RenderText(Receipt.From(refund, till.Options.Receipt), 32);

        Assert.StartsWith(new string(' ', 13) + "Refund\n", text, StringComparison.Ordinal);
        Assert.Contains("Refund of    " + sale.SaleNumber, text, StringComparison.Ordinal);
        Assert.Contains("-23.37 EGP", text, StringComparison.Ordinal);
        Assert.Contains("Expired", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaleCode_ScannedBackFromTheReceipt_FindsTheSaleForRefund()
    {
        using var till = StoreTill();
        var sale = till.SellForCash();
        var receipt = Receipt.From(till.Sales.FindById(sale.Id)!, till.Options.Receipt);

        // What a scanner reads from the printed QR is the code's text, in any case.
        var escPos = ReceiptRenderer.RenderEscPos(receipt, EscPosOptions.Paper58mm);
        var scanned = Encoding.ASCII.GetString(escPos).Contains(receipt.SaleCode, StringComparison.Ordinal) ? receipt.SaleCode : null;
        var found = await till.Refunds.FindSaleAsync(scanned!, Token);

        Assert.Equal(sale.Id, found!.Id);
        Assert.True(receipt.SaleCode.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c) || c == ':'), "only QR alphanumeric-mode characters");
    }

    [Fact]
    public void RenderEscPos_NativeQr_InitialisesPrintsBoldTotalQrAndCuts()
    {
        using var till = StoreTill();
        var sale = till.SellForCash();
        var receipt = Receipt.From(sale, till.Options.Receipt);

        var bytes = ReceiptRenderer.RenderEscPos(receipt, EscPosOptions.Paper80mm);

        Assert.Equal([0x1B, 0x40, 0x1B, 0x74, 0], bytes[..5]); // ESC @, ESC t 0 (PC437)
        Assert.Equal([0x1D, 0x56, 66, 3], bytes[^4..]); // feed and cut
        var code = Encoding.ASCII.GetBytes(receipt.SaleCode);
        var store = Find(bytes, [0x1D, 0x28, 0x6B, (byte)(code.Length + 3), 0, 49, 80, 48]);
        Assert.True(store >= 0, "GS ( k store command");
        Assert.Equal(code, bytes[(store + 8)..(store + 8 + code.Length)]);
        Assert.True(Find(bytes, [0x1D, 0x28, 0x6B, 3, 0, 49, 81, 48]) > store, "GS ( k print command after the data");
        var total = Find(bytes, Encoding.ASCII.GetBytes("Total"));
        Assert.Equal([0x1B, 0x45, 1], bytes[(total - 6)..(total - 3)]); // bold on for the total
        Assert.Equal(-1, Find(bytes, [0x1D, 0x76, 0x30])); // no raster image
    }

    [Fact]
    public void RenderEscPos_ArabicWithoutArabicCodePage_PrintsQuestionMarksNotUtf8()
    {
        using var till = StoreTill();
        var receipt = Receipt.From(till.SellForCash(), till.Options.Receipt);

        var bytes = ReceiptRenderer.RenderEscPos(receipt, EscPosOptions.Paper58mm);

        Assert.Equal(-1, Find(bytes, Encoding.UTF8.GetBytes("قهوة")));
        Assert.True(Find(bytes, "????"u8.ToArray()) >= 0);
        Assert.True(Find(bytes, [0x8A, 0x6D, 0x65]) >= 0, "'ème' of Crème in PC437 (è is 0x8A)");
    }

    [Fact]
    public void RenderEscPos_ArabicCodePage_SelectsPc864AndSendsShapedGlyphs()
    {
        using var till = StoreTill();
        var receipt = Receipt.From(till.SellForCash(), till.Options.Receipt);
        var options = EscPosOptions.Paper58mm;
        options.ArabicCodePage = true;

        var bytes = ReceiptRenderer.RenderEscPos(receipt, options);

        Assert.Equal([0x1B, 0x40, 0x1B, 0x74, 37], bytes[..5]);
        var coffee = ArabicPrintText.Encode(ArabicPrintText.ToVisual("قهوة تركي"), Encoding.GetEncoding(864));
        Assert.DoesNotContain((byte)'?', coffee);
        Assert.True(Find(bytes, coffee) >= 0, "the shaped, visually ordered name in PC864");
        Assert.Equal("قهوة تركي".Length, coffee.Length);
        Assert.Equal(-1, Find(bytes, Encoding.UTF8.GetBytes("قهوة")));
    }

    [Fact]
    public void RenderEscPos_PrinterWithoutQrCommand_SendsRasterImage()
    {
        using var till = StoreTill();
        var receipt = Receipt.From(till.SellForCash(), till.Options.Receipt);
        var options = EscPosOptions.Paper58mm;
        options.NativeQr = false;

        var bytes = ReceiptRenderer.RenderEscPos(receipt, options);

        var raster = Find(bytes, [0x1D, 0x76, 0x30, 0]);
        Assert.True(raster >= 0);
        var modules = ReceiptQr.Modules(receipt.SaleCode).GetLength(0);
        var dots = bytes[raster + 6] | (bytes[raster + 7] << 8);
        Assert.Equal(modules * 4, dots);
        Assert.Equal((dots + 7) / 8, bytes[raster + 4] | (bytes[raster + 5] << 8));
        Assert.Equal(-1, Find(bytes, [0x1D, 0x28, 0x6B]));
    }

    [Fact]
    public void RenderHtml_ArabicStore_IsRightToLeftWithReadableNumbersAndQrImages()
    {
        using var till = StoreTill();
        till.Options.Receipt.Language = "ar";
        till.Options.Receipt.Digits = ReceiptDigits.ArabicIndic;
        till.Options.Receipt.Country = "SA";
        till.Options.Receipt.VatNumber = "300000000000003";
        var sale = till.SellForCash();

        var html = ReceiptRenderer.RenderHtml(Receipt.From(sale, till.Options.Receipt));

        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", html, StringComparison.Ordinal);
        Assert.Contains("<meta charset=\"utf-8\">", html, StringComparison.Ordinal);
        Assert.Contains("فاتورة ضريبية مبسطة", html, StringComparison.Ordinal);
        Assert.Contains("<bdi dir=\"ltr\">١٣٧٫٣٧ EGP</bdi>", html, StringComparison.Ordinal);
        Assert.Contains("<bdi dir=\"ltr\">٣٠٠٠٠٠٠٠٠٠٠٠٠٠٣</bdi>", html, StringComparison.Ordinal);
        Assert.Equal(2, CountOf(html, "src=\"data:image/png;base64,"));
        var png = html[(html.IndexOf("base64,", StringComparison.Ordinal) + 7)..];
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], Convert.FromBase64String(png[..png.IndexOf('"', StringComparison.Ordinal)])[..4]);
    }

    [Fact]
    public void RenderHtml_TextFromTheSale_IsEscaped()
    {
        using var till = StoreTill();
        till.Shifts.Open(TestTill.Cashier, 0m);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Milk);
        cart.Note = "<script>alert(1)</script>";
        till.Checkout.PayCash(cart, 50m);
        var sale = till.Checkout.Complete(cart).Sale!;

        var html = ReceiptRenderer.RenderHtml(Receipt.From(sale, till.Options.Receipt));

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\" dir=\"ltr\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Receipt_SaudiStore_CarriesZatcaQrOfTheSale()
    {
        using var till = StoreTill();
        till.Options.Receipt.Country = "SA";
        till.Options.Receipt.StoreName = "متجر الورد";
        till.Options.Receipt.VatNumber = "300000000000003";
        var sale = till.SellForCash();

        var receipt = Receipt.From(sale, till.Options.Receipt);

        var tags = ZatcaQr.Decode(receipt.ZatcaQr!);
        Assert.Equal(["متجر الورد", "300000000000003", "2026-11-23T08:00:00Z", "137.37", "16.87"], tags.OrderBy(t => t.Key).Select(t => t.Value));
        Assert.Equal("Simplified tax invoice", receipt.Title);
        var text = ReceiptRenderer.RenderText(receipt, 48);
        Assert.Contains("ZATCA QR:", text, StringComparison.Ordinal);
        Assert.Contains(receipt.ZatcaQr!, text.Replace("\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Receipt_OtherCountry_HasNoZatcaQr()
    {
        using var till = StoreTill();
        till.Options.Receipt.VatNumber = "123456789";
        Assert.Null(Receipt.From(till.SellForCash(), till.Options.Receipt).ZatcaQr);
    }

    [Fact]
    public async Task Receipt_CardPayment_ShowsMaskedCardAndAuthorisationOnly()
    {
        using var till = StoreTill();
        var sale = await RefundServiceTests.SellByCardAsync(till);

        var text = ReceiptRenderer.RenderText(Receipt.From(sale, till.Options.Receipt), 48);

        Assert.Contains("VISA **** 4242 auth A00001", text, StringComparison.Ordinal);
    }

    private static TestTill StoreTill()
    {
        var till = new TestTill();
        till.Options.Receipt.StoreName = "Bab Al Louq Grocery";
        till.Options.Receipt.AddressLines.Add("12 Falaki St, Cairo");
        till.Options.Receipt.Phone = "+20 2 2795 0000";
        return till;
    }

    private static int Find(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
