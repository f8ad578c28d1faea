using System.Threading.Channels;

namespace PosBridge.Till.Nfc;

/// <summary>
/// An NFC reader for tests and demos: tags are presented by <see cref="Present(NfcTag)"/> (before or during a wait);
/// with none presented a wait times out on the injected clock.
/// </summary>
public sealed class ScriptedNfcReader : INfcReader
{
    private readonly Channel<NfcTag> _tags = Channel.CreateUnbounded<NfcTag>();
    private readonly TimeProvider _timeProvider;

    public ScriptedNfcReader(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
    }

    public bool IsAvailable { get; set; } = true;

    public bool IsEnabled { get; set; } = true;

    /// <summary>Holds a tag to the reader.</summary>
    public void Present(NfcTag tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        _tags.Writer.TryWrite(tag);
    }

    /// <summary>Holds a tag with this UID (hex) to the reader.</summary>
    public void Present(string uid) =>
        Present(new NfcTag(Convert.FromHexString(NfcTag.NormaliseUid(uid) ?? throw new ArgumentException("Not a hex UID.", nameof(uid))), []));

    public async Task<NfcReadResult> ReadTagAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (!IsAvailable || !IsEnabled)
        {
            return NfcReadResult.NotAvailable(IsAvailable ? "NFC is switched off on this device." : "This device has no NFC reader.");
        }

        using var deadline = new CancellationTokenSource(timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return NfcReadResult.Read(await _tags.Reader.ReadAsync(linked.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return NfcReadResult.TimedOut;
        }
    }
}
