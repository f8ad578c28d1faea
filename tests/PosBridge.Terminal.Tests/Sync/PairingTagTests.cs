using System.Text;
using PosBridge.Till.Nfc;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Tests.Sync;

public sealed class PairingTagTests
{
    [Fact]
    public void ToRecord_ReadBack_GivesTheConnectorAndCode()
    {
        var tag = new PairingTag(new Uri("https://connector.example.com:5443/"), "ABCDE-FGHJK");
        var record = tag.ToRecord();

        Assert.Equal((NfcRecordFormat.WellKnown, "U", (byte)0), (record.TypeFormat, record.MimeType, record.Payload[0]));
        Assert.Equal("posbridge-pair:https://connector.example.com:5443#ABCDE-FGHJK", Encoding.UTF8.GetString(record.Payload, 1, record.Payload.Length - 1));
        Assert.True(PairingTag.TryRead(new NfcTag([1, 2, 3, 4], [NfcRecord.FromText("a loyalty card"), record]), out var read, out _));
        Assert.Equal(tag, read);
    }

    [Theory]
    [InlineData(NfcRecordFormat.WellKnown, "T")]
    [InlineData(NfcRecordFormat.Uri, null)]
    public void TryRead_TextOrAbsoluteUriRecord_IsReadToo(NfcRecordFormat format, string? type)
    {
        const string text = "posbridge-pair:http://127.0.0.1:5080#ABCDE-FGHJK";
        var record = format == NfcRecordFormat.Uri ? new NfcRecord(format, type, Encoding.UTF8.GetBytes(text)) : NfcRecord.FromText(text);

        Assert.True(PairingTag.TryRead(new NfcTag([1, 2, 3, 4], [record]), out var read, out var problem), problem);
        Assert.Equal((new Uri("http://127.0.0.1:5080"), "ABCDE-FGHJK"), (read!.Connector, read.Code));
    }

    [Theory]
    [InlineData("posbridge-pair:http://127.0.0.1:5080", "has no code")]
    [InlineData("posbridge-pair:http://127.0.0.1:5080#", "has no code")]
    [InlineData("posbridge-pair:ftp://127.0.0.1#ABCDE-FGHJK", "is not a connector address")]
    [InlineData("posbridge-pair:http://h/?x=1#ABCDE-FGHJK", "is not a connector address")]
    [InlineData("posbridge-pair:http://h#AB C", "is not a pairing code")]
    [InlineData("https://h#ABCDE", "starts with 'posbridge-pair:'")]
    public void TryParse_Malformed_SaysWhatIsWrong(string text, string expected)
    {
        Assert.False(PairingTag.TryParse(text, out var pairing, out var problem));
        Assert.Null(pairing);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }
}
