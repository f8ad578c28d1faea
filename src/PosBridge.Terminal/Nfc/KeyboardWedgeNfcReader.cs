using PosBridge.Till.Nfc;

namespace PosBridge.Terminal.Nfc;

/// <summary>
/// The desktop till's NFC reader: a USB "keyboard wedge" reader types the tag's UID in hex and presses Enter,
/// so a tag read is a line of input — from stdin, a configured file, or the screen's input field. A line that
/// is not a hex UID is taken as a tag carrying that text (what a reader set to type NDEF text sends).
/// </summary>
public sealed class KeyboardWedgeNfcReader : INfcReader, IDisposable
{
    private readonly TextReader _input;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public KeyboardWedgeNfcReader(TextReader input, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _input = input;
        _timeProvider = timeProvider;
    }

    public bool IsAvailable => true;

    public bool IsEnabled => true;

    public void Dispose() => _gate.Dispose();

    public async Task<NfcReadResult> ReadTagAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        using var deadline = new CancellationTokenSource(timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        // One reader of the input at a time: two waits must not split one typed UID between them.
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                string? line;
                try
                {
                    line = await _input.ReadLineAsync(linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return NfcReadResult.TimedOut;
                }

                if (line is null)
                {
                    return NfcReadResult.NotAvailable("The NFC reader's input has ended (reader unplugged or file read to the end).");
                }

                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                return NfcReadResult.Read(NfcTag.NormaliseUid(line) is { } uid
                    ? new NfcTag(Convert.FromHexString(uid), [])
                    : new NfcTag([], [NfcRecord.FromText(line.Trim())]));
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>A till without NFC: every read says so at once, cleanly.</summary>
public sealed class UnavailableNfcReader : INfcReader
{
    public bool IsAvailable => false;

    public bool IsEnabled => false;

    public Task<NfcReadResult> ReadTagAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(NfcReadResult.NotAvailable("This till has no NFC reader; type or scan the card code instead."));
    }
}
