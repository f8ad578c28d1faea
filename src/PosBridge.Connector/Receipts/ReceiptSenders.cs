using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;
using Microsoft.Extensions.Options;

namespace PosBridge.Connector.Receipts;

/// <summary>One message to a customer: a few words and the link to their receipt.</summary>
internal sealed record ReceiptMessage(Guid RequestId, string To, string Subject, string Text, Uri Link);

internal enum ReceiptSendStatus
{
    Sent,

    /// <summary>Not sent, and trying again may work (no connection, a timeout, "try later").</summary>
    RetryLater,

    /// <summary>Refused for good (an unknown mailbox, a number the gateway rejects): never tried again.</summary>
    Failed,
}

internal sealed record ReceiptSendOutcome(ReceiptSendStatus Status, string? Error = null);

/// <summary>
/// Sends receipt messages on one channel. Expected refusals are outcomes; an exception is treated as
/// "try again later".
/// </summary>
internal interface IReceiptMessageSender
{
    /// <summary><c>email</c> or <c>sms</c>.</summary>
    string Channel { get; }

    Task<ReceiptSendOutcome> SendAsync(ReceiptMessage message, CancellationToken cancellationToken = default);
}

/// <summary>E-mail over SMTP (STARTTLS by default) with System.Net.Mail: plain UTF-8 text, one message per connection.</summary>
internal sealed class SmtpReceiptSender(IOptions<ReceiptMessagesOptions> options) : IReceiptMessageSender
{
    public string Channel => Core.Sync.ReceiptChannel.Email;

    public async Task<ReceiptSendOutcome> SendAsync(ReceiptMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var smtp = options.Value.Smtp;
        using var client = new SmtpClient(smtp.Host, smtp.Port)
        {
            EnableSsl = smtp.EnableSsl,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            Timeout = (int)smtp.Timeout.TotalMilliseconds,
            UseDefaultCredentials = false,
        };
        if (!string.IsNullOrEmpty(smtp.UserName))
        {
            client.Credentials = new NetworkCredential(smtp.UserName, smtp.Password);
        }

        using var mail = new MailMessage(new MailAddress(smtp.From!), new MailAddress(message.To))
        {
            Subject = message.Subject,
            SubjectEncoding = Encoding.UTF8,
            Body = message.Text,
            BodyEncoding = Encoding.UTF8,
            // Base64 keeps a long link in one piece; quoted-printable would fold it.
            BodyTransferEncoding = TransferEncoding.Base64,
            IsBodyHtml = false,
        };
        try
        {
            await client.SendMailAsync(mail, cancellationToken).ConfigureAwait(false);
            return new ReceiptSendOutcome(ReceiptSendStatus.Sent);
        }
        catch (SmtpFailedRecipientException e) when (IsPermanent(e.StatusCode))
        {
            return new ReceiptSendOutcome(ReceiptSendStatus.Failed, $"the mail server refused the recipient ({(int)e.StatusCode}): {e.Message}");
        }
        catch (SmtpException e) when (IsPermanent(e.StatusCode))
        {
            return new ReceiptSendOutcome(ReceiptSendStatus.Failed, $"the mail server refused the message ({(int)e.StatusCode}): {e.Message}");
        }
        catch (SmtpException e)
        {
            return new ReceiptSendOutcome(ReceiptSendStatus.RetryLater, $"SMTP: {e.Message}");
        }
    }

    // SMTP's 5yz replies are permanent; 4yz and "no reply" (GeneralFailure, -1) are worth another try.
    private static bool IsPermanent(SmtpStatusCode code) => (int)code >= 500;
}

/// <summary>SMS through a JSON-over-HTTP gateway (<see cref="SmsGatewayOptions"/>).</summary>
internal sealed class HttpSmsReceiptSender(IHttpClientFactory clients, IOptions<ReceiptMessagesOptions> options) : IReceiptMessageSender
{
    public const string ClientName = "receipt-sms";

    public string Channel => Core.Sync.ReceiptChannel.Sms;

    public async Task<ReceiptSendOutcome> SendAsync(ReceiptMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var sms = options.Value.Sms;
        using var request = new HttpRequestMessage(HttpMethod.Post, sms.Url)
        {
            Content = JsonContent.Create(new { to = message.To, from = sms.From, text = message.Text, reference = message.RequestId.ToString() }),
        };
        // A gateway that honours it drops a repeat of the same message.
        request.Headers.Add("Idempotency-Key", message.RequestId.ToString());
        if (!string.IsNullOrEmpty(sms.BearerToken))
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", sms.BearerToken);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(sms.Timeout);
        try
        {
            using var http = clients.CreateClient(ClientName);
            using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return new ReceiptSendOutcome(ReceiptSendStatus.Sent);
            }

            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var why = $"the SMS gateway answered {status}: {(body.Length > 200 ? body[..200] : body)}";
            return status is 408 or 429 || status >= 500
                ? new ReceiptSendOutcome(ReceiptSendStatus.RetryLater, why)
                : new ReceiptSendOutcome(ReceiptSendStatus.Failed, why);
        }
        catch (HttpRequestException e)
        {
            return new ReceiptSendOutcome(ReceiptSendStatus.RetryLater, $"the SMS gateway could not be reached: {e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ReceiptSendOutcome(ReceiptSendStatus.RetryLater, "the SMS gateway did not answer in time");
        }
    }
}
