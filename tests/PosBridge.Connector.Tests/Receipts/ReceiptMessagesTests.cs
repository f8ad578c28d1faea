using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Receipts;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tests.Receipts;

/// <summary>
/// Receipts by e-mail and SMS link, end to end inside the connector: a till's signed request, the message
/// through a loopback SMTP server or a fake SMS gateway, the link it carries, retries, and never a second copy.
/// </summary>
public sealed partial class ReceiptMessagesTests
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EmailRequest_SentOnceWithWorkingLink_AndResendsAreDuplicates()
    {
        await using var smtp = new FakeSmtpServer();
        await using var host = await StartAsync(smtp);
        var till = await host.PairTillAsync();
        var request = Request(ReceiptChannel.Email, "Layla@Example.COM");

        var first = await till.SendAsync(HttpMethod.Post, "/api/v1/receipts", Body(request));
        var run = await Messenger(host).SendDueAsync(Ct);
        var again = await till.SendAsync(HttpMethod.Post, "/api/v1/receipts", Body(request));
        var secondRun = await Messenger(host).SendDueAsync(Ct);

        Assert.Equal("accepted", await StatusAsync(first));
        Assert.Equal("duplicate", await StatusAsync(again));
        Assert.Equal(new ReceiptSendRun(1, 0, 0, 0), run);
        Assert.Equal(new ReceiptSendRun(0, 0, 0, 0), secondRun);
        Assert.Empty(smtp.Problems);
        var mail = Assert.Single(smtp.Messages);
        Assert.Equal("receipts@nile.example", mail.From);
        Assert.Equal(["Layla@example.com"], mail.To);
        Assert.Contains("Nile Café", mail.Body, StringComparison.Ordinal);
        var link = Link().Match(mail.Body);
        Assert.True(link.Success, mail.Body);
        var page = await host.Client.GetAsync(new Uri(link.Value).PathAndQuery, Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("<html><body>receipt CAI1-T2-0001-000007</body></html>", await page.Content.ReadAsStringAsync(Ct));
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal(new ReceiptMessageCounts(0, 1, 0, 0), await host.Services.GetRequiredService<IReceiptMessageStore>().CountsAsync(Ct));
    }

    [Fact]
    public async Task Link_WrongOrExpiredToken_IsNotFound()
    {
        await using var smtp = new FakeSmtpServer();
        await using var host = await StartAsync(smtp);
        var till = await host.PairTillAsync();
        await till.SendAsync(HttpMethod.Post, "/api/v1/receipts", Body(Request(ReceiptChannel.Email, "a@example.com")));
        await Messenger(host).SendDueAsync(Ct);
        var path = new Uri(Link().Match(Assert.Single(smtp.Messages).Body).Value).AbsolutePath;

        var guessed = await host.Client.GetAsync("/receipts/" + new string('A', 43), Ct);
        var fine = await host.Client.GetAsync(path, Ct);
        host.Clock.Advance(TimeSpan.FromDays(91));
        var expired = await host.Client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.NotFound, guessed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
    }

    [Fact]
    public async Task Email_ServerSaysTryLater_IsRetriedAfterTheDelayAndSentOnce()
    {
        await using var smtp = new FakeSmtpServer();
        await using var host = await StartAsync(smtp);
        var till = await host.PairTillAsync();
        await till.SendAsync(HttpMethod.Post, "/api/v1/receipts", Body(Request(ReceiptChannel.Email, "a@example.com")));
        smtp.RefuseNextRecipient("451 4.3.0 mailbox busy, try later");

        var first = await Messenger(host).SendDueAsync(Ct);
        var tooSoon = await Messenger(host).SendDueAsync(Ct);
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var later = await Messenger(host).SendDueAsync(Ct);

        Assert.Equal(new ReceiptSendRun(0, 1, 0, 0), first);
        Assert.Equal(new ReceiptSendRun(0, 0, 0, 0), tooSoon);
        Assert.Equal(new ReceiptSendRun(1, 0, 0, 0), later);
        Assert.Single(smtp.Messages);
        Assert.Empty(smtp.Problems);
    }

    [Fact]
    public async Task Email_UnknownMailbox_IsGivenUpAndNeverRetried()
    {
        await using var smtp = new FakeSmtpServer();
        await using var host = await StartAsync(smtp);
        var till = await host.PairTillAsync();
        await till.SendAsync(HttpMethod.Post, "/api/v1/receipts", Body(Request(ReceiptChannel.Email, "nobody@example.com")));
        smtp.RefuseNextRecipient("550 5.1.1 no such user");

        var run = await Messenger(host).SendDueAsync(Ct);
        host.Clock.Advance(TimeSpan.FromHours(2));
        var later = await Messenger(host).SendDueAsync(Ct);

        Assert.Equal(new ReceiptSendRun(0, 0, 1, 0), run);
        Assert.Equal(new ReceiptSendRun(0, 0, 0, 0), later);
        Assert.Empty(smtp.Messages);
        Assert.Equal(new ReceiptMessageCounts(0, 0, 1, 0), await host.Services.GetRequiredService<IReceiptMessageStore>().CountsAsync(Ct));
    }

    [Fact]
    public async Task Sms_GatewayDownThenUp_SendsOnceWithLinkAndIdempotencyKey()
    {
        await using var smtp = new FakeSmtpServer();
        var gateway = new FakeSmsGateway();
        gateway.AnswerNext(HttpStatusCode.ServiceUnavailable);
        await using var host = await StartAsync(smtp, gateway);
        var till = await host.PairTillAsync();
        var request = Request(ReceiptChannel.Sms, "+20 100 123 4567") with { Language = "ar" };
        await till.SendAsync(HttpMethod.Post, "/api/v1/receipts", Body(request));

        var first = await Messenger(host).SendDueAsync(Ct);
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await Messenger(host).SendDueAsync(Ct);
        host.Clock.Advance(TimeSpan.FromHours(2));
        var third = await Messenger(host).SendDueAsync(Ct);

        Assert.Equal(new ReceiptSendRun(0, 1, 0, 0), first);
        Assert.Equal(new ReceiptSendRun(1, 0, 0, 0), second);
        Assert.Equal(new ReceiptSendRun(0, 0, 0, 0), third);
        Assert.Empty(gateway.Problems);
        var sms = Assert.Single(gateway.Sent);
        Assert.Equal("+201001234567", sms.To);
        Assert.Equal("NileCafe", sms.From);
        Assert.Equal(request.RequestId.ToString(), sms.Reference);
        Assert.Equal(request.RequestId.ToString(), sms.IdempotencyKey);
        Assert.StartsWith("إيصالك من Nile Café", sms.Text, StringComparison.Ordinal);
        Assert.Matches(Link(), sms.Text);
        Assert.Empty(smtp.Messages);
    }

    [Fact]
    public async Task Send_InterruptedByACrash_IsNeverSentAgain()
    {
        await using var smtp = new FakeSmtpServer();
        await using var host = await StartAsync(smtp);
        var till = await host.PairTillAsync();
        var request = Request(ReceiptChannel.Email, "a@example.com");
        await till.SendAsync(HttpMethod.Post, "/api/v1/receipts", Body(request));
        // What a process killed between "sending" and the server's answer leaves behind.
        Assert.True(await host.Services.GetRequiredService<IReceiptMessageStore>().ClaimAsync(request.RequestId, Ct));

        var run = await Messenger(host).SendDueAsync(Ct);

        Assert.Equal(new ReceiptSendRun(0, 0, 0, 1), run);
        Assert.Empty(smtp.Messages);
        Assert.Equal(new ReceiptMessageCounts(0, 0, 0, 1), await host.Services.GetRequiredService<IReceiptMessageStore>().CountsAsync(Ct));
    }

    [Fact]
    public async Task Request_SameIdOtherRecipient_IsConflictAndKeepsTheFirst()
    {
        await using var smtp = new FakeSmtpServer();
        await using var host = await StartAsync(smtp);
        var till = await host.PairTillAsync();
        var request = Request(ReceiptChannel.Email, "a@example.com");
        await till.SendAsync(HttpMethod.Post, "/api/v1/receipts", Body(request));

        var other = await till.SendAsync(HttpMethod.Post, "/api/v1/receipts", Body(request with { To = "b@example.com" }));
        await Messenger(host).SendDueAsync(Ct);

        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Equal("urn:posbridge:problem:receipt-request-conflict", await TestTill.ProblemTypeAsync(other));
        Assert.Equal(["a@example.com"], Assert.Single(smtp.Messages).To);
    }

    [Theory]
    [InlineData("email", "not-an-address", "is not an e-mail address")]
    [InlineData("email", "Layla <a@example.com>", "is not an e-mail address")]
    [InlineData("sms", "0100 123 4567", "international form")]
    [InlineData("sms", "+20 abc", "is not a phone number")]
    [InlineData("fax", "+201001234567", "channel 'fax'")]
    public async Task Request_BadAddress_IsRefusedWithWhyAndStoresNothing(string channel, string to, string why)
    {
        await using var smtp = new FakeSmtpServer();
        await using var host = await StartAsync(smtp);
        var till = await host.PairTillAsync();

        var response = await till.SendAsync(HttpMethod.Post, "/api/v1/receipts", Body(Request(channel, to)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(why, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(new ReceiptMessageCounts(0, 0, 0, 0), await host.Services.GetRequiredService<IReceiptMessageStore>().CountsAsync(Ct));
    }

    [Fact]
    public async Task Request_Unsigned_IsRefused()
    {
        await using var smtp = new FakeSmtpServer();
        await using var host = await StartAsync(smtp);

        var response = await host.Client.PostAsync("/api/v1/receipts", new ByteArrayContent(Body(Request(ReceiptChannel.Email, "a@example.com"))), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Start_SenderWithoutPublicHttpsAddress_NamesTheSetting()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => ConnectorHost.StartAsync(new Dictionary<string, string?>
        {
            ["PosBridge:ReceiptMessages:PublicBaseUrl"] = "http://receipts.example.com",
            ["PosBridge:ReceiptMessages:Smtp:Host"] = "smtp.example.com",
        }));

        Assert.Contains("PublicBaseUrl", e.Message, StringComparison.Ordinal);
        Assert.Contains("Smtp:From", e.Message, StringComparison.Ordinal);
    }

    private static ReceiptMessenger Messenger(ConnectorHost host) => host.Services.GetRequiredService<ReceiptMessenger>();

    private static Task<ConnectorHost> StartAsync(FakeSmtpServer smtp, FakeSmsGateway? gateway = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["PosBridge:ReceiptMessages:PublicBaseUrl"] = "https://receipts.nile.example/",
            ["PosBridge:ReceiptMessages:Interval"] = "01:00:00",
            ["PosBridge:ReceiptMessages:Smtp:Host"] = "127.0.0.1",
            ["PosBridge:ReceiptMessages:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PosBridge:ReceiptMessages:Smtp:EnableSsl"] = "false",
            ["PosBridge:ReceiptMessages:Smtp:From"] = "receipts@nile.example",
        };
        if (gateway is not null)
        {
            settings["PosBridge:ReceiptMessages:Sms:Url"] = FakeSmsGateway.Url;
            settings["PosBridge:ReceiptMessages:Sms:BearerToken"] = FakeSmsGateway.Token;
            settings["PosBridge:ReceiptMessages:Sms:From"] = "NileCafe";
        }

        return ConnectorHost.StartAsync(
            settings,
            services =>
            {
                if (gateway is not null)
                {
                    services.AddHttpClient(HttpSmsReceiptSender.ClientName).ConfigurePrimaryHttpMessageHandler(() => gateway).SetHandlerLifetime(Timeout.InfiniteTimeSpan);
                }
            },
            null);
    }

    private static ReceiptMessageRequest Request(string channel, string to) => new()
    {
        RequestId = Guid.CreateVersion7(),
        SaleId = Guid.CreateVersion7(),
        SaleNumber = "CAI1-T2-0001-000007",
        Channel = channel,
        To = to,
        Language = "en",
        StoreName = "Nile Café",
        ReceiptHtml = "<html><body>receipt CAI1-T2-0001-000007</body></html>",
    };

    private static byte[] Body(ReceiptMessageRequest request) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, WebJson));

    private static async Task<string> StatusAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return json.RootElement.GetProperty("status").GetString()!;
    }

    [GeneratedRegex(@"https://receipts\.nile\.example/receipts/[A-Za-z0-9_-]{43}")]
    private static partial Regex Link();
}
