using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Receipts;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tests.Dashboard;

/// <summary>Receipt e-mails and SMS that failed or may not have gone, as the manager sees and resends them.</summary>
public sealed class DashboardReceiptTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ReceiptMessageRequest Request(string channel, string to, int sale) => new()
    {
        RequestId = Guid.CreateVersion7(),
        SaleId = Guid.CreateVersion7(),
        SaleNumber = $"CAI1-T2-0001-{sale:000000}",
        Channel = channel,
        To = to,
        Language = "en",
        StoreName = "Nile Café",
        ReceiptHtml = "<html><body>receipt</body></html>",
    };

    private static async Task<List<JsonElement>> ProblemsAsync(DashboardClient manager) =>
        [.. (await manager.OverviewAsync()).GetProperty("receiptProblems").EnumerateArray()];

    [Fact]
    public async Task StuckReceipts_AreListedMasked_AndSentAgainOnce_ExpiredOnesAreNot()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var store = host.Services.GetRequiredService<IReceiptMessageStore>();
        var dead = Request("email", "nour.hassan@example.com", 1);
        var uncertain = Request("sms", "+201001234567", 2);
        var waiting = Request("sms", "+201009876543", 3);
        foreach (var request in new[] { dead, uncertain, waiting })
        {
            Assert.Equal(ReceiptRequestReceipt.Accepted, await store.ReceiveAsync("CAI1", "T2", request, TimeSpan.FromDays(90), Ct));
        }

        Assert.True(await store.ClaimAsync(dead.RequestId, Ct));
        await store.RecordAsync(dead.RequestId, "dead", null, "550 mailbox unavailable", Ct);
        Assert.True(await store.ClaimAsync(uncertain.RequestId, Ct));
        await store.SettleInterruptedAsync(Ct); // the connector stopped mid-send
        var manager = new DashboardClient(host);
        (await manager.LoginAsync()).EnsureSuccessStatusCode();

        var problems = await ProblemsAsync(manager);

        Assert.Equal(
            [(uncertain.RequestId.ToString(), "sms", "•••••4567", "uncertain", "the connector stopped while sending"), (dead.RequestId.ToString(), "email", "n•••@example.com", "dead", "550 mailbox unavailable")],
            problems.Select(p => (p.GetProperty("requestId").GetString(), p.GetProperty("channel").GetString(), p.GetProperty("recipient").GetString(), p.GetProperty("state").GetString(), p.GetProperty("lastError").GetString()![..Math.Min(35, p.GetProperty("lastError").GetString()!.Length)])).OrderBy(p => p.Item4, StringComparer.Ordinal).Reverse());
        Assert.All(problems, p => Assert.True(p.GetProperty("canResend").GetBoolean()));
        Assert.DoesNotContain(problems, p => p.GetProperty("requestId").GetString() == waiting.RequestId.ToString());

        // Sent again: queued once, gone from the list, audited; a second click is refused.
        var resent = await manager.PostAsync($"/dashboard/api/receipts/{dead.RequestId}/resend");
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.Equal((1, 0), ((await store.CountsAsync(Ct)).Pending - 1, (await store.CountsAsync(Ct)).Dead));
        Assert.Single(await ProblemsAsync(manager));
        var again = await manager.PostAsync($"/dashboard/api/receipts/{dead.RequestId}/resend");
        Assert.Equal((HttpStatusCode.Conflict, "urn:posbridge:problem:dashboard-receipt-not-stuck"), (again.StatusCode, await TestTill.ProblemTypeAsync(again)));
        Assert.Contains($"dashboard:owner dashboard.receipt.resend {dead.RequestId}", await DashboardClient.AuditAsync(host));
        var due = await store.DueAsync(["email", "sms"], 10, Ct);
        Assert.Contains(due, m => m.RequestId == dead.RequestId && m.Attempts == 0);

        // Bad or unknown ids change nothing.
        var unknown = await manager.PostAsync($"/dashboard/api/receipts/{Guid.CreateVersion7()}/resend");
        var bad = await manager.PostAsync("/dashboard/api/receipts/not-an-id/resend");
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.BadRequest), (unknown.StatusCode, bad.StatusCode));
        var counts = await store.CountsAsync(Ct);
        Assert.Equal((2, 0, 1), (counts.Pending, counts.Dead, counts.Uncertain));

        // Past the link's lifetime a message cannot be sent again: its link would not open.
        host.Clock.Advance(TimeSpan.FromDays(91));
        (await manager.LoginAsync()).EnsureSuccessStatusCode(); // the session ended long ago
        var expired = Assert.Single(await ProblemsAsync(manager));
        Assert.False(expired.GetProperty("canResend").GetBoolean());
        var late = await manager.PostAsync($"/dashboard/api/receipts/{uncertain.RequestId}/resend");
        Assert.Equal((HttpStatusCode.Conflict, "urn:posbridge:problem:dashboard-receipt-expired"), (late.StatusCode, await TestTill.ProblemTypeAsync(late)));
        Assert.Equal(1, (await store.CountsAsync(Ct)).Uncertain);
    }

    [Fact]
    public async Task Resend_WithoutTheSessionsToken_IsRefused()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var store = host.Services.GetRequiredService<IReceiptMessageStore>();
        var dead = Request("sms", "+201001234567", 1);
        await store.ReceiveAsync("CAI1", "T2", dead, TimeSpan.FromDays(90), Ct);
        await store.ClaimAsync(dead.RequestId, Ct);
        await store.RecordAsync(dead.RequestId, "dead", null, "gateway said no", Ct);
        var manager = new DashboardClient(host);
        (await manager.LoginAsync()).EnsureSuccessStatusCode();
        manager.Csrf = "forged";

        var response = await manager.PostAsync($"/dashboard/api/receipts/{dead.RequestId}/resend");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(1, (await store.CountsAsync(Ct)).Dead);
    }
}
