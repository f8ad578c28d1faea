using PosBridge.Till.Receipts;

namespace PosBridge.Terminal.Tests.Receipts;

public sealed class ZatcaQrTests
{
    [Fact]
    public void Encode_PublishedTestVector_MatchesByteForByte()
    {
        var qr = ZatcaQr.Encode("Salla", "1234567891", "2021-07-12T14:25:09Z", "100.00", "15.00");

        Assert.Equal("AQVTYWxsYQIKMTIzNDU2Nzg5MQMUMjAyMS0wNy0xMlQxNDoyNTowOVoEBjEwMC4wMAUFMTUuMDA=", qr);
        Assert.Equal([1, 5, (byte)'S', (byte)'a', (byte)'l', (byte)'l', (byte)'a', 2, 10], ZatcaQr.Tlv("Salla", "1234567891", "2021-07-12T14:25:09Z", "100.00", "15.00")[..9]);
    }

    [Fact]
    public void Tlv_ArabicSellerName_LengthCountsUtf8Bytes()
    {
        var tlv = ZatcaQr.Tlv("متجر الورد", "300000000000003", "2026-11-23T08:00:00Z", "115.00", "15.00");

        Assert.Equal(1, tlv[0]);
        Assert.Equal(19, tlv[1]); // 9 Arabic letters × 2 bytes + 1 space
        Assert.Equal("متجر الورد", ZatcaQr.Decode(Convert.ToBase64String(tlv))[1]);
    }

    [Fact]
    public void Tlv_ValueLongerThan255Bytes_Throws()
    {
        Assert.Throws<ArgumentException>(() => ZatcaQr.Tlv(new string('م', 128), "300000000000003", "2026-11-23T08:00:00Z", "1.00", "0.13"));
    }
}
