using System.Text;

namespace PosBridge.Till.Nfc;

/// <summary>How an NDEF record's type is written, as Plugin.NFC's <c>NFCNdefTypeFormat</c> names it.</summary>
public enum NfcRecordFormat
{
    Empty = 0,
    WellKnown = 1,
    Mime = 2,
    Uri = 3,
    External = 4,
    Unknown = 5,
    Unchanged = 6,
}

/// <summary>One NDEF record of a tag (Plugin.NFC's <c>NFCNdefRecord</c>).</summary>
public sealed record NfcRecord(NfcRecordFormat TypeFormat, string? MimeType, byte[] Payload)
{
    /// <summary>
    /// The text of a well-known text record ("T"): the payload's first byte holds the encoding (bit 7: UTF-16)
    /// and the length of the language code that follows; the rest is the text. Other records give null.
    /// </summary>
    public string? Text
    {
        get
        {
            if (TypeFormat != NfcRecordFormat.WellKnown || Payload.Length == 0 || (MimeType is { } type && type != "T"))
            {
                return null;
            }

            var status = Payload[0];
            var languageLength = status & 0x3F;
            if (1 + languageLength > Payload.Length)
            {
                return null;
            }

            var encoding = (status & 0x80) != 0 ? Encoding.BigEndianUnicode : Encoding.UTF8;
            return encoding.GetString(Payload, 1 + languageLength, Payload.Length - 1 - languageLength);
        }
    }

    /// <summary>A well-known text record, as a tag writer makes one.</summary>
    public static NfcRecord FromText(string text, string language = "en")
    {
        ArgumentNullException.ThrowIfNull(text);
        var languageBytes = Encoding.ASCII.GetBytes(language);
        var payload = new byte[1 + languageBytes.Length + Encoding.UTF8.GetByteCount(text)];
        payload[0] = (byte)languageBytes.Length;
        languageBytes.CopyTo(payload, 1);
        Encoding.UTF8.GetBytes(text, payload.AsSpan(1 + languageBytes.Length));
        return new NfcRecord(NfcRecordFormat.WellKnown, "T", payload);
    }
}

/// <summary>A tag that was read: its identifier (UID) and its NDEF records (Plugin.NFC's <c>ITagInfo</c>).</summary>
public sealed record NfcTag(byte[] Identifier, IReadOnlyList<NfcRecord> Records)
{
    /// <summary>The UID as upper-case hex without separators ("04A2B3C4D5E6F7"): how the till stores a tag id.</summary>
    public string Uid => Convert.ToHexString(Identifier);

    /// <summary>The first text record's text, if any.</summary>
    public string? Text => Records.Select(r => r.Text).FirstOrDefault(t => t is not null);

    /// <summary>Normalises a UID as typed or printed ("04:a2:b3 …") to <see cref="Uid"/>'s form; null when it is not hex.</summary>
    public static string? NormaliseUid(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var hex = new string(text.Where(c => !char.IsWhiteSpace(c) && c is not ':' and not '-').ToArray()).ToUpperInvariant();
        return hex.Length is >= 4 and <= 40 && hex.Length % 2 == 0 && hex.All(char.IsAsciiHexDigit) ? hex : null;
    }
}

public enum NfcReadStatus
{
    /// <summary>A tag was read: see <see cref="NfcReadResult.Tag"/>.</summary>
    Read,

    /// <summary>No tag came before the timeout.</summary>
    TimedOut,

    /// <summary>This device has no NFC reader, or it is switched off: say so, and offer typing the card code.</summary>
    NotAvailable,
}

/// <summary>What a wait for a tag gave.</summary>
public sealed record NfcReadResult(NfcReadStatus Status, NfcTag? Tag = null, string? Message = null)
{
    public static NfcReadResult Read(NfcTag tag) => new(NfcReadStatus.Read, tag);

    public static readonly NfcReadResult TimedOut = new(NfcReadStatus.TimedOut, Message: "No tag was presented in time.");

    public static NfcReadResult NotAvailable(string message) => new(NfcReadStatus.NotAvailable, Message: message);
}

/// <summary>
/// The till's NFC contract: read one NDEF tag (loyalty cards, product or table tags, pairing tags). Shaped after
/// Plugin.NFC (availability, listening for one tag, identifier and NDEF records) so a device build wires
/// <c>CrossNFC.Current</c> to it in a few lines; see the till's README. Bank cards never go through it.
/// </summary>
public interface INfcReader
{
    /// <summary>The device has an NFC reader (Plugin.NFC's <c>IsAvailable</c>).</summary>
    bool IsAvailable { get; }

    /// <summary>The reader is switched on (Plugin.NFC's <c>IsEnabled</c>).</summary>
    bool IsEnabled { get; }

    /// <summary>Listens until one tag is read, <paramref name="timeout"/> passes, or the cashier cancels.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<NfcReadResult> ReadTagAsync(TimeSpan timeout, CancellationToken cancellationToken = default);
}
