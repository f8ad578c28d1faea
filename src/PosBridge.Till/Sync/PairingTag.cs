using System.Text;
using PosBridge.Till.Nfc;

namespace PosBridge.Till.Sync;

/// <summary>
/// What a pairing tag carries: the connector's address and a one-time pairing code, as one NDEF record whose
/// text is <c>posbridge-pair:&lt;connector-url&gt;#&lt;code&gt;</c>, e.g.
/// <c>posbridge-pair:https://connector.example.com:5443#K7Q2MX9P</c>. The record may be a URI record (well-known
/// type "U", prefix byte 0, or TNF absolute-URI) or a text record ("T"); the till reads either.
/// </summary>
/// <remarks>
/// Why a one-time code on the tag and not a credential: the tag can be read by any phone held to it, so it must
/// be worth nothing once used. The manager makes the code with <c>posbridge tills pair</c> (it expires after
/// <c>PairingCodeLifetime</c>), writes the tag, and the till exchanges it at <c>POST /api/v1/pairing</c> for its
/// own credential, exactly as with a typed code.
/// </remarks>
public sealed record PairingTag(Uri Connector, string Code)
{
    /// <summary>The scheme that marks a pairing tag's text.</summary>
    public const string Scheme = "posbridge-pair:";

    /// <summary>The record's text: <c>posbridge-pair:&lt;connector-url&gt;#&lt;code&gt;</c>.</summary>
    public override string ToString() => Scheme + Connector.GetLeftPart(UriPartial.Path).TrimEnd('/') + "#" + Code;

    /// <summary>The NDEF URI record to write on a tag (well-known type "U", no abbreviation: prefix byte 0).</summary>
    public NfcRecord ToRecord()
    {
        var text = Encoding.UTF8.GetBytes(ToString());
        var payload = new byte[text.Length + 1];
        text.CopyTo(payload, 1);
        return new NfcRecord(NfcRecordFormat.WellKnown, "U", payload);
    }

    /// <summary>Finds the pairing record on a tag; <paramref name="problem"/> says what is wrong when there is none.</summary>
    public static bool TryRead(NfcTag tag, out PairingTag? pairing, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(tag);
        foreach (var record in tag.Records)
        {
            var text = UriText(record) ?? record.Text;
            if (text is not null && text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            {
                return TryParse(text, out pairing, out problem);
            }
        }

        pairing = null;
        problem = tag.Records.Count == 0
            ? $"The tag {tag.Uid} carries no NDEF record: it is not a pairing tag."
            : $"The tag {tag.Uid} has no '{Scheme}' record: it is not a pairing tag.";
        return false;
    }

    /// <summary>Reads <c>posbridge-pair:&lt;connector-url&gt;#&lt;code&gt;</c>.</summary>
    public static bool TryParse(string text, out PairingTag? pairing, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        pairing = null;
        text = text.Trim();
        if (!text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            problem = $"A pairing tag's text starts with '{Scheme}'.";
            return false;
        }

        var body = text[Scheme.Length..];
        var hash = body.LastIndexOf('#');
        if (hash < 0 || hash == body.Length - 1)
        {
            problem = "The pairing tag has no code: its text must end with '#' and the one-time code.";
            return false;
        }

        var code = body[(hash + 1)..].Trim();
        if (!Uri.TryCreate(body[..hash], UriKind.Absolute, out var connector) || connector.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(connector.Query))
        {
            problem = $"'{body[..hash]}' on the pairing tag is not a connector address (http:// or https://, no query).";
            return false;
        }

        if (code.Length is < 4 or > 64 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            problem = "The pairing tag's code is not a pairing code (4–64 letters, digits or dashes).";
            return false;
        }

        pairing = new PairingTag(connector, code);
        problem = null;
        return true;
    }

    // A URI record: well-known "U" (first byte abbreviates a prefix; the till writes 0, none) or TNF absolute-URI.
    private static string? UriText(NfcRecord record)
    {
        if (record.TypeFormat == NfcRecordFormat.Uri)
        {
            return Encoding.UTF8.GetString(record.Payload);
        }

        if (record.TypeFormat == NfcRecordFormat.WellKnown && record.MimeType == "U" && record.Payload.Length > 0)
        {
            // Only "no prefix" can carry our scheme; an abbreviated http:// record is not a pairing tag.
            return record.Payload[0] == 0 ? Encoding.UTF8.GetString(record.Payload, 1, record.Payload.Length - 1) : null;
        }

        return null;
    }
}
