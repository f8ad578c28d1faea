using System.Text;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Terminal.Nfc;
using PosBridge.Till.Nfc;

namespace PosBridge.Terminal.Tests.Nfc;

public sealed class NfcReaderTests
{
    [Fact]
    public async Task KeyboardWedge_TypedUidLine_ReadsTagWithThatUid()
    {
        using var reader = new KeyboardWedgeNfcReader(new StringReader("\n04:a2:b3:c4:d5:e6:f7\n"), TimeProvider.System);

        var result = await reader.ReadTagAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        Assert.Equal(NfcReadStatus.Read, result.Status);
        Assert.Equal("04A2B3C4D5E6F7", result.Tag!.Uid);
    }

    [Fact]
    public async Task KeyboardWedge_TypedText_ReadsTagCarryingThatText()
    {
        using var reader = new KeyboardWedgeNfcReader(new StringReader("LOY-0042\n"), TimeProvider.System);

        var result = await reader.ReadTagAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        Assert.Equal("LOY-0042", result.Tag!.Text);
        Assert.Empty(result.Tag.Identifier);
    }

    [Fact]
    public async Task KeyboardWedge_InputEnded_SaysNotAvailable()
    {
        using var reader = new KeyboardWedgeNfcReader(new StringReader(string.Empty), TimeProvider.System);

        var result = await reader.ReadTagAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        Assert.Equal(NfcReadStatus.NotAvailable, result.Status);
    }

    [Fact]
    public async Task KeyboardWedge_NothingTyped_TimesOut()
    {
        // A pipe nobody writes to: the reader waits, and the timeout (on the real clock, short) ends the wait.
        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream();
        using var client = new System.IO.Pipes.AnonymousPipeClientStream(pipe.GetClientHandleAsString());
        using var input = new StreamReader(client);
        using var reader = new KeyboardWedgeNfcReader(input, TimeProvider.System);

        var result = await reader.ReadTagAsync(TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken);

        Assert.Equal(NfcReadStatus.TimedOut, result.Status);
    }

    [Fact]
    public async Task Scripted_TagPresentedDuringWait_IsRead()
    {
        var clock = new FakeTimeProvider();
        var reader = new ScriptedNfcReader(clock);
        var wait = reader.ReadTagAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.False(wait.IsCompleted);

        reader.Present("04A2B3C4");

        Assert.Equal("04A2B3C4", (await wait).Tag!.Uid);
    }

    [Fact]
    public async Task Scripted_NoTagBeforeTimeout_TimesOut()
    {
        var clock = new FakeTimeProvider();
        var reader = new ScriptedNfcReader(clock);
        var wait = reader.ReadTagAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        clock.Advance(TimeSpan.FromSeconds(11));

        Assert.Equal(NfcReadStatus.TimedOut, (await wait).Status);
    }

    [Fact]
    public async Task Scripted_CashierCancels_Throws()
    {
        var reader = new ScriptedNfcReader(new FakeTimeProvider());
        using var cancel = new CancellationTokenSource();
        var wait = reader.ReadTagAsync(TimeSpan.FromSeconds(10), cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }

    [Fact]
    public async Task Unavailable_AnyRead_SaysSoAtOnce()
    {
        var result = await new UnavailableNfcReader().ReadTagAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(NfcReadStatus.NotAvailable, result.Status);
        Assert.Contains("no NFC reader", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TextRecord_Utf16WithLanguage_DecodesText()
    {
        var text = "بطاقة";
        var payload = new byte[] { 0x80 | 2, (byte)'a', (byte)'r' }.Concat(Encoding.BigEndianUnicode.GetBytes(text)).ToArray();

        Assert.Equal(text, new NfcRecord(NfcRecordFormat.WellKnown, "T", payload).Text);
        Assert.Equal("LOY-1", NfcRecord.FromText("LOY-1").Text);
        Assert.Null(new NfcRecord(NfcRecordFormat.Mime, "application/json", [1, 2]).Text);
    }
}
