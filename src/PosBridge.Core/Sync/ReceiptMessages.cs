using System.Globalization;
using System.Net.Mail;
using System.Text;

namespace PosBridge.Core.Sync;

/// <summary>
/// A customer asked at the till for their receipt by e-mail or SMS. The till queues it in its own database
/// and uploads it (<c>POST /api/v1/receipts</c>); the connector stores it and sends a message carrying a
/// link to <see cref="ReceiptHtml"/>, which it serves under an unguessable token. <see cref="RequestId"/> is
/// the idempotency key: sent again, the same request is a duplicate and never a second message.
/// </summary>
public sealed record ReceiptMessageRequest
{
    /// <summary>Largest receipt page accepted (the till's HTML receipt with its QR images is a few tens of KB).</summary>
    public const int MaxHtmlChars = 512 * 1024;

    /// <summary>A UUID made on the till for this request.</summary>
    public required Guid RequestId { get; init; }

    public required Guid SaleId { get; init; }

    public required string SaleNumber { get; init; }

    /// <summary><see cref="ReceiptChannel.Email"/> or <see cref="ReceiptChannel.Sms"/>.</summary>
    public required string Channel { get; init; }

    /// <summary>The e-mail address, or the phone number in international form (+ and 8–15 digits).</summary>
    public required string To { get; init; }

    /// <summary>"en" or "ar": the language of the message around the link.</summary>
    public required string Language { get; init; }

    /// <summary>The store's name as its receipts print it, for the message's first words.</summary>
    public string? StoreName { get; init; }

    /// <summary>The receipt as the till renders it (self-contained HTML: inline styles, QR codes as data URIs).</summary>
    public required string ReceiptHtml { get; init; }

    /// <summary>Checks the request as a whole; an empty list when it is valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (RequestId == Guid.Empty)
        {
            problems.Add("requestId must be a UUID made on the till.");
        }

        if (SaleId == Guid.Empty)
        {
            problems.Add("saleId must be the sale's UUID.");
        }

        if (string.IsNullOrWhiteSpace(SaleNumber) || SaleNumber.Length > 64 || SaleNumber.Any(char.IsControl))
        {
            problems.Add("saleNumber must be 1 to 64 characters without control characters.");
        }

        if (ReceiptAddress.Normalize(Channel, To, out _) is { } problem)
        {
            problems.Add("to: " + problem);
        }

        if (Language is not ("en" or "ar"))
        {
            problems.Add($"language '{Language}' must be 'en' or 'ar'.");
        }

        if (StoreName is { Length: > 200 } || (StoreName is not null && StoreName.Any(char.IsControl)))
        {
            problems.Add("storeName must be at most 200 characters without control characters.");
        }

        if (string.IsNullOrWhiteSpace(ReceiptHtml) || ReceiptHtml.Length > MaxHtmlChars)
        {
            problems.Add($"receiptHtml must be the receipt's HTML, at most {MaxHtmlChars} characters.");
        }
        else if (ReceiptHtml.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            problems.Add("receiptHtml contains a control character other than a line break or tab.");
        }

        return problems;
    }
}

/// <summary>The connector's answer to a <see cref="ReceiptMessageRequest"/>: stored now, or stored before with the same content.</summary>
public sealed record ReceiptMessageResponse
{
    /// <summary>"accepted" or "duplicate".</summary>
    public required string Status { get; init; }
}

/// <summary>How a receipt reaches a customer.</summary>
public static class ReceiptChannel
{
    public const string Email = "email";
    public const string Sms = "sms";
}

/// <summary>Checks and normalises where a receipt is sent, the same on the till and the connector.</summary>
public static class ReceiptAddress
{
    /// <summary>
    /// Null when <paramref name="to"/> is a usable address for <paramref name="channel"/> (then
    /// <paramref name="normalized"/> is it in one canonical form); otherwise what is wrong, in words a cashier can act on.
    /// </summary>
    public static string? Normalize(string? channel, string? to, out string normalized)
    {
        normalized = string.Empty;
        var text = (to ?? string.Empty).Trim();
        switch (channel)
        {
            case ReceiptChannel.Email:
                // One plain address: no display name, no list, a dot in the domain.
                if (text.Length is 0 or > 254 || !MailAddress.TryCreate(text, out var address) || address.Address != text
                    || !address.Host.Contains('.', StringComparison.Ordinal) || address.Host.EndsWith('.') || text.Contains(' ', StringComparison.Ordinal))
                {
                    return $"'{Shorten(text)}' is not an e-mail address (name@example.com).";
                }

                normalized = address.User + "@" + address.Host.ToLowerInvariant();
                return null;
            case ReceiptChannel.Sms:
                var digits = new StringBuilder();
                var plus = false;
                foreach (var c in text)
                {
                    if (c == '+' && digits.Length == 0 && !plus)
                    {
                        plus = true;
                    }
                    else if (char.IsDigit(c) && CharUnicodeInfo.GetDecimalDigitValue(c) is var d and >= 0)
                    {
                        // Arabic-Indic and other digit sets typed on the till count as their values.
                        digits.Append((char)('0' + d));
                    }
                    else if (c is ' ' or '-' or '(' or ')' or '.')
                    {
                        continue;
                    }
                    else
                    {
                        return $"'{Shorten(text)}' is not a phone number: use + and the country code, then the number (e.g. +20 100 123 4567).";
                    }
                }

                if (text.StartsWith("00", StringComparison.Ordinal) && !plus)
                {
                    // 00 is the international prefix in most countries the till sells in.
                    digits.Remove(0, 2);
                    plus = true;
                }

                if (!plus || digits.Length is < 8 or > 15 || digits[0] == '0')
                {
                    return $"'{Shorten(text)}' is not a phone number in international form: start with + and the country code (e.g. +20 100 123 4567).";
                }

                normalized = "+" + digits;
                return null;
            default:
                return $"channel '{channel}' must be '{ReceiptChannel.Email}' or '{ReceiptChannel.Sms}'.";
        }
    }

    private static string Shorten(string text) => text.Length > 60 ? text[..60] + "…" : text;
}
