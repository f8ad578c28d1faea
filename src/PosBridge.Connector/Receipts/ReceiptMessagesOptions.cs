using System.Net;
using System.Net.Mail;
using Microsoft.Extensions.Options;

namespace PosBridge.Connector.Receipts;

/// <summary>Receipts sent to customers by e-mail or SMS (section <c>PosBridge:ReceiptMessages</c>).</summary>
internal sealed class ReceiptMessagesOptions
{
    public const string Section = "PosBridge:ReceiptMessages";

    /// <summary>
    /// The connector's address as customers' phones reach it (e.g. https://receipts.example.com); links are
    /// <c>{PublicBaseUrl}/receipts/{token}</c>. Required once a sender is configured; https unless loopback.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>How long a receipt link works after the request arrived.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often the send job looks for messages to send.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Tries per message before it is given up ('dead').</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait after the first failure; doubles per try up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    public SmtpOptions Smtp { get; set; } = new();

    public SmsGatewayOptions Sms { get; set; } = new();
}

/// <summary>E-mail over SMTP; on when <see cref="Host"/> is set.</summary>
internal sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>STARTTLS. Off only for a relay on loopback or the shop's own network.</summary>
    public bool EnableSsl { get; set; } = true;

    public string? UserName { get; set; }

    /// <summary>Kept encrypted in configuration like every secret (<c>posbridge protect</c>).</summary>
    public string? Password { get; set; }

    /// <summary>The sender address (e.g. receipts@example.com).</summary>
    public string? From { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}

/// <summary>
/// SMS through an HTTP gateway; on when <see cref="Url"/> is set. The connector POSTs
/// <c>{"to", "from", "text", "reference"}</c> as JSON with an <c>Idempotency-Key</c> header (the request id);
/// any 2xx is sent, 408/429/5xx or no answer is retried, any other status is given up.
/// </summary>
internal sealed class SmsGatewayOptions
{
    public string? Url { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer …</c> when set.</summary>
    public string? BearerToken { get; set; }

    /// <summary>The sender id or number the gateway shows.</summary>
    public string? From { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);
}

/// <summary>Collects every problem with <see cref="ReceiptMessagesOptions"/> before the connector starts.</summary>
internal sealed class ReceiptMessagesOptionsValidator : IValidateOptions<ReceiptMessagesOptions>
{
    public ValidateOptionsResult Validate(string? name, ReceiptMessagesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string S = ReceiptMessagesOptions.Section;
        if (options.Smtp.Enabled || options.Sms.Enabled || !string.IsNullOrWhiteSpace(options.PublicBaseUrl))
        {
            if (!Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
            {
                failures.Add($"{S}:PublicBaseUrl '{options.PublicBaseUrl}' must be the absolute http(s) address customers reach the connector at (e.g. https://receipts.example.com).");
            }
            else if (url.Scheme != "https" && !IsLoopback(url.Host))
            {
                failures.Add($"{S}:PublicBaseUrl '{options.PublicBaseUrl}' must use https: receipt links travel by SMS and e-mail.");
            }
        }

        if (options.LinkLifetime <= TimeSpan.Zero || options.Interval <= TimeSpan.Zero || options.RetryBaseDelay <= TimeSpan.Zero || options.RetryMaxDelay < options.RetryBaseDelay)
        {
            failures.Add($"{S}:LinkLifetime, Interval and RetryBaseDelay must be positive, and RetryMaxDelay at least RetryBaseDelay.");
        }

        if (options.MaxAttempts < 1)
        {
            failures.Add($"{S}:MaxAttempts must be at least 1.");
        }

        if (options.Smtp.Enabled)
        {
            if (options.Smtp.Port is < 1 or > 65535)
            {
                failures.Add($"{S}:Smtp:Port {options.Smtp.Port} must be 1–65535.");
            }

            if (string.IsNullOrWhiteSpace(options.Smtp.From) || !MailAddress.TryCreate(options.Smtp.From, out _))
            {
                failures.Add($"{S}:Smtp:From '{options.Smtp.From}' must be the sender's e-mail address.");
            }

            if (string.IsNullOrEmpty(options.Smtp.UserName) != string.IsNullOrEmpty(options.Smtp.Password))
            {
                failures.Add($"{S}:Smtp:UserName and Password go together: set both or neither.");
            }

            if (options.Smtp.Timeout <= TimeSpan.Zero)
            {
                failures.Add($"{S}:Smtp:Timeout must be positive.");
            }
        }

        if (options.Sms.Enabled)
        {
            if (!Uri.TryCreate(options.Sms.Url, UriKind.Absolute, out var gateway) || gateway.Scheme is not ("http" or "https"))
            {
                failures.Add($"{S}:Sms:Url '{options.Sms.Url}' must be the gateway's absolute http(s) address.");
            }
            else if (gateway.Scheme != "https" && !IsLoopback(gateway.Host) && !string.IsNullOrEmpty(options.Sms.BearerToken))
            {
                failures.Add($"{S}:Sms:Url must use https when a BearerToken is sent.");
            }

            if (options.Sms.Timeout <= TimeSpan.Zero)
            {
                failures.Add($"{S}:Sms:Timeout must be positive.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
