using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Tests.Dispatch;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Connector.Tills;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tests.Dashboard;

public sealed class DashboardApiTests
{
    private static readonly System.Text.Json.JsonSerializerOptions Web = new(System.Text.Json.JsonSerializerDefaults.Web);

    [Fact]
    public async Task Overview_WithoutLogin_IsRefused()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var manager = new DashboardClient(host);

        var response = await manager.GetAsync("/dashboard/api/overview");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("urn:posbridge:problem:dashboard-login-required", await TestTill.ProblemTypeAsync(response));
    }

    [Fact]
    public async Task Overview_ShowsRecentZReports_WithTheCashDifferenceAndEachBackOfficesState()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var till = await host.PairTillAsync();
        var closing = new PosBridge.Core.Sync.ShiftClosing
        {
            StoreId = "CAI1", TillId = "T2", ShiftId = "0007", OpenedAtUtc = DateTimeOffset.Parse("2026-11-23T06:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            ClosedAtUtc = DateTimeOffset.Parse("2026-11-23T14:00:00Z", System.Globalization.CultureInfo.InvariantCulture), Currency = "EGP",
            OpeningFloat = 200m, ExpectedCash = 864m, CountedCash = 860m, SaleCount = 6,
        };
        (await till.SendAsync(HttpMethod.Post, "/api/v1/shifts/close", System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(closing, Web))).EnsureSuccessStatusCode();
        var manager = new DashboardClient(host);
        (await manager.LoginAsync()).EnsureSuccessStatusCode();

        var overview = await manager.OverviewAsync();

        var z = Assert.Single(overview.GetProperty("shiftCloses").EnumerateArray());
        Assert.Equal("0007", z.GetProperty("shiftId").GetString());
        Assert.Equal(-4m, z.GetProperty("difference").GetDecimal());
        Assert.Empty(z.GetProperty("adapters").EnumerateObject());
    }

    [Fact]
    public async Task Login_WrongPassword_IsRefusedAndAudited()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var manager = new DashboardClient(host);

        var response = await manager.LoginAsync("tea-and-ledgers-2025");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("urn:posbridge:problem:dashboard-wrong-password", await TestTill.ProblemTypeAsync(response));
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Contains(await DashboardClient.AuditAsync(host), row => row.StartsWith("dashboard:owner dashboard.login-refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Login_RightPassword_GivesHttpOnlyStrictCookieAndTheOverview()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var manager = new DashboardClient(host);

        var response = await manager.LoginAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = manager.SetCookie!.ToLowerInvariant();
        Assert.Contains("httponly", cookie, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", cookie, StringComparison.Ordinal);
        Assert.Contains("path=/dashboard", cookie, StringComparison.Ordinal);
        Assert.DoesNotContain("secure", cookie, StringComparison.Ordinal); // plain HTTP: a Secure cookie would never come back
        Assert.Equal(JsonValueKind.Array, (await manager.OverviewAsync()).GetProperty("adapters").ValueKind);
        Assert.Contains("dashboard:owner dashboard.login unknown", await DashboardClient.AuditAsync(host));
    }

    [Fact]
    public async Task Login_OverHttps_CookieIsSecure()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        using var https = host.App.GetTestClient();
        https.BaseAddress = new Uri("https://localhost/");
        var manager = new DashboardClient(https, host.Clock);

        await manager.LoginAsync();

        Assert.Contains("secure", manager.SetCookie!.ToLowerInvariant(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_TooManyWrongPasswords_WaitsEvenForTheRightOneUntilTheWindowPasses()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var manager = new DashboardClient(host);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await manager.LoginAsync("guess-number-" + i)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Locked, (await manager.LoginAsync("guess-number-4")).StatusCode);

        var throttled = await manager.LoginAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal("urn:posbridge:problem:dashboard-login-throttled", await TestTill.ProblemTypeAsync(throttled));
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        host.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(HttpStatusCode.OK, (await manager.LoginAsync()).StatusCode);
    }

    [Fact]
    public async Task Action_WithoutOrWithWrongCsrfToken_IsRefusedAndChangesNothing()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        await host.PairTillAsync();
        var manager = new DashboardClient(host);
        await manager.LoginAsync();
        var token = manager.Csrf;

        manager.Csrf = null;
        var missing = await manager.PostAsync("/dashboard/api/tills/T2/revoke");
        manager.Csrf = token + "x";
        var wrong = await manager.PostAsync("/dashboard/api/tills/T2/revoke");
        manager.Csrf = token;
        var crossSite = await manager.SendAsync(HttpMethod.Post, "/dashboard/api/tills/T2/revoke", new { }, r => r.Headers.Add("Sec-Fetch-Site", "cross-site"));

        foreach (var response in new[] { missing, wrong, crossSite })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("urn:posbridge:problem:dashboard-csrf", await TestTill.ProblemTypeAsync(response));
        }

        var till = Assert.Single(await host.Services.GetRequiredService<ITillStore>().ListAsync(TestContext.Current.CancellationToken));
        Assert.Equal("paired", till.State);
        Assert.DoesNotContain(await DashboardClient.AuditAsync(host), row => row.Contains("revoke", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retry_DeadLetter_IsShownWithReasonQueuedAgainAndAudited()
    {
        var odoo = new FakeSalesSink("odoo");
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings, odoo);
        var till = await host.PairTillAsync();
        var sales = new Sales(host.Clock).Many(3);
        await TestTill.ResultsAsync(await till.UploadAsync(sales));
        odoo.Refuse[sales[1].SaleNumber] = "Product p-coffee has no mapping in Odoo";
        var dispatcher = host.Services.GetRequiredService<SalesDispatcher>();
        await dispatcher.DeliverAsync("odoo", TestContext.Current.CancellationToken);
        var manager = new DashboardClient(host);
        await manager.LoginAsync();

        var adapter = (await manager.OverviewAsync()).GetProperty("adapters").EnumerateArray().Single();
        Assert.Equal("odoo", adapter.GetProperty("name").GetString());
        Assert.Equal(2, adapter.GetProperty("delivered").GetInt64());
        var letter = adapter.GetProperty("deadLetters").EnumerateArray().Single();
        Assert.Equal(sales[1].SaleNumber, letter.GetProperty("saleNumber").GetString());
        Assert.Equal("Product p-coffee has no mapping in Odoo", letter.GetProperty("reason").GetString());

        odoo.Refuse.Clear();
        var retry = await manager.PostAsync("/dashboard/api/adapters/odoo/retry");

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        adapter = (await manager.OverviewAsync()).GetProperty("adapters").EnumerateArray().Single();
        Assert.Empty(adapter.GetProperty("deadLetters").EnumerateArray());
        Assert.Equal(1, adapter.GetProperty("waiting").GetInt64());
        Assert.Equal(1, (await dispatcher.DeliverAsync("odoo", TestContext.Current.CancellationToken)).Delivered);
        var audit = await DashboardClient.AuditAsync(host);
        Assert.Contains(audit, row => row.StartsWith("manager delivery.retry odoo:", StringComparison.Ordinal));
        Assert.Contains("dashboard:owner dashboard.delivery.retry odoo", audit);
    }

    [Fact]
    public async Task Retry_AdapterWithNoDeadLetters_IsRefusedAndNotAudited()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings, new FakeSalesSink("odoo"));
        var manager = new DashboardClient(host);
        await manager.LoginAsync();

        var response = await manager.PostAsync("/dashboard/api/adapters/odoo/retry");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("urn:posbridge:problem:dashboard-nothing-to-retry", await TestTill.ProblemTypeAsync(response));
        Assert.DoesNotContain(await DashboardClient.AuditAsync(host), row => row.Contains("retry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Overview_PairedTillThatHasNotSold_ShowsItsCatalogPullAndNumberingCheckAsLastContact()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var till = await host.PairTillAsync();
        var manager = new DashboardClient(host);
        (await manager.LoginAsync()).EnsureSuccessStatusCode();
        async Task<DateTimeOffset?> LastContactAsync()
        {
            var row = (await manager.OverviewAsync()).GetProperty("tills").EnumerateArray().Single();
            Assert.Equal(JsonValueKind.Null, row.GetProperty("lastUploadAt").ValueKind);
            return row.GetProperty("lastContactAt") is { ValueKind: not JsonValueKind.Null } at ? at.GetDateTimeOffset() : null;
        }

        host.Clock.Advance(TimeSpan.FromMinutes(10));
        // Kept to the millisecond, as every instant the connector stores.
        var pulled = DateTimeOffset.FromUnixTimeMilliseconds(host.Clock.GetUtcNow().ToUnixTimeMilliseconds());
        (await till.SendAsync(HttpMethod.Get, "/api/v1/catalog", [])).EnsureSuccessStatusCode();
        Assert.Equal(pulled, await LastContactAsync());

        // Requests close together cost no write each: the contact a few seconds earlier stands.
        host.Clock.Advance(TimeSpan.FromSeconds(5));
        (await till.SendAsync(HttpMethod.Get, "/api/v1/numbering", [])).EnsureSuccessStatusCode();
        Assert.Equal(pulled, await LastContactAsync());

        host.Clock.Advance(TimeSpan.FromMinutes(10));
        var checkedAt = DateTimeOffset.FromUnixTimeMilliseconds(host.Clock.GetUtcNow().ToUnixTimeMilliseconds());
        (await till.SendAsync(HttpMethod.Get, "/api/v1/numbering", [])).EnsureSuccessStatusCode();
        Assert.Equal(checkedAt, await LastContactAsync());
    }

    [Fact]
    public async Task Revoke_PairedTill_RefusesItsNextRequestAndIsAudited()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var till = await host.PairTillAsync();
        await TestTill.ResultsAsync(await till.UploadAsync(new Sales(host.Clock).Many(1)));
        var manager = new DashboardClient(host);
        await manager.LoginAsync();
        var row = (await manager.OverviewAsync()).GetProperty("tills").EnumerateArray().Single();
        Assert.Equal("paired", row.GetProperty("state").GetString());
        Assert.NotEqual(JsonValueKind.Null, row.GetProperty("lastUploadAt").ValueKind);

        var response = await manager.PostAsync("/dashboard/api/tills/T2/revoke");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var refused = await till.UploadAsync(new Sales(host.Clock).Many(1));
        Assert.Equal("urn:posbridge:problem:till-revoked", await TestTill.ProblemTypeAsync(refused));
        Assert.Equal("revoked", (await manager.OverviewAsync()).GetProperty("tills").EnumerateArray().Single().GetProperty("state").GetString());
        var audit = await DashboardClient.AuditAsync(host);
        Assert.Contains("manager till.revoked T2", audit);
        Assert.Contains("dashboard:owner dashboard.till.revoke T2", audit);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsync("/dashboard/api/tills/T2/revoke")).StatusCode);
    }

    [Fact]
    public async Task PairingCode_FromTheDashboard_PairsATillAndIsAuditedWithoutTheCode()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var manager = new DashboardClient(host);
        await manager.LoginAsync();

        var response = await manager.PostAsync("/dashboard/api/pairing-codes", new { storeId = "CAI1", tillId = "T7", name = "كاشير ٢" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var code = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("code").GetString()!;
        var paired = await host.Client.PostAsJsonAsync("/api/v1/pairing", new PairingRequest { Code = code, DeviceName = "tablet" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, paired.StatusCode);
        var audit = await DashboardClient.AuditAsync(host);
        Assert.Contains("manager till.pairing-code T7", audit);
        Assert.Contains("dashboard:owner dashboard.till.pairing-code T7", audit);
        Assert.DoesNotContain(audit, row => row.Contains(code, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PairingCode_BadInput_SaysWhatIsWrongAndWritesNothing()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var manager = new DashboardClient(host);
        await manager.LoginAsync();
        var before = await DashboardClient.AuditAsync(host);

        var response = await manager.PostAsync("/dashboard/api/pairing-codes", new { storeId = "CAI 1", tillId = "", name = "Front" });
        var notJson = await manager.SendAsync(HttpMethod.Post, "/dashboard/api/pairing-codes", null, r => r.Content = new StringContent("{\"storeId\":", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("detail").GetString()!;
        Assert.Contains("Store 'CAI 1'", detail, StringComparison.Ordinal);
        Assert.Contains("till ''", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal("urn:posbridge:problem:malformed-json", await TestTill.ProblemTypeAsync(notJson));
        Assert.Empty(await host.Services.GetRequiredService<ITillStore>().ListAsync(TestContext.Current.CancellationToken));
        Assert.Equal(before, await DashboardClient.AuditAsync(host));
    }

    [Fact]
    public async Task Session_AfterLogoutOrIdleTimeout_IsRefused()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var manager = new DashboardClient(host);
        await manager.LoginAsync();
        var oldCookie = manager.Cookie;
        Assert.Equal(HttpStatusCode.NoContent, (await manager.PostAsync("/dashboard/api/logout")).StatusCode);
        manager.Cookie = oldCookie; // a copy of the cookie is worth nothing once signed out
        Assert.Equal(HttpStatusCode.Unauthorized, (await manager.GetAsync("/dashboard/api/overview")).StatusCode);

        await manager.LoginAsync();
        host.Clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync("/dashboard/api/overview")).StatusCode);
        host.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(HttpStatusCode.Unauthorized, (await manager.GetAsync("/dashboard/api/overview")).StatusCode);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("password1234567")]
    [InlineData("pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public async Task Dashboard_WeakSharedPassword_IsOffNamingTheSettingWhileTillsKeepWorking(string? password)
    {
        await using var host = await ConnectorHost.StartAsync(new() { ["PosBridge:Dashboard:Password"] = password });

        var page = await host.Client.GetAsync("/dashboard", TestContext.Current.CancellationToken);
        var login = await new DashboardClient(host).LoginAsync(password ?? "x");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, login.StatusCode);
        var detail = (await page.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("detail").GetString()!;
        Assert.Contains("PosBridge:Dashboard:Password", detail, StringComparison.Ordinal);
        if (password is not null)
        {
            Assert.DoesNotContain(password, detail, StringComparison.Ordinal);
        }

        await host.PairTillAsync(); // the connector itself runs
    }

    [Fact]
    public async Task Dashboard_SwitchedOff_IsNotServed()
    {
        await using var host = await ConnectorHost.StartAsync(new() { ["PosBridge:Dashboard:Enabled"] = "false" });

        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/dashboard", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Page_IsServedWithItsOwnFilesOnlyAndAStrictContentSecurityPolicy()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);

        var page = await host.Client.GetAsync("/dashboard", TestContext.Current.CancellationToken);
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var script = await host.Client.GetStringAsync("/dashboard/dashboard.js", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        foreach (var elsewhere in new[] { "http://", "https://", "src=\"//", "href=\"//" })
        {
            Assert.DoesNotContain(elsewhere, html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(elsewhere, script, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/dashboard/nothing.js", TestContext.Current.CancellationToken)).StatusCode);
    }
}
