using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Dashboard.Accounts;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Tests.Dashboard.Accounts;

/// <summary>Accounts, their second factor, their lock and their roles, through the connector's real pipeline.</summary>
public sealed class DashboardAccountsTests
{
    [Fact]
    public async Task SharedPassword_AtFirstStart_BecomesTheOwnerAccount_Audited()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);

        var account = Assert.Single(await host.Services.GetRequiredService<IDashboardAccounts>().ListAsync(TestContext.Current.CancellationToken));
        Assert.Equal(("owner", DashboardRole.Owner), (account.Name, account.Role));
        Assert.Equal(DashboardClient.PasswordHash, account.PasswordHash);
        Assert.Contains("connector dashboard.account.migrated owner", await DashboardClient.AuditAsync(host));
        Assert.Equal(HttpStatusCode.OK, (await new DashboardClient(host).LoginAsync()).StatusCode);
    }

    [Fact]
    public async Task SharedPassword_ChangedAfterTheMigration_IsNotUsedToSignIn()
    {
        var directory = Directory.CreateTempSubdirectory("posbridge-accounts-").FullName;
        try
        {
            await using (var first = await ConnectorHost.StartAsync(DashboardClient.Settings, null, directory))
            {
                Assert.Single(await first.Services.GetRequiredService<IDashboardAccounts>().ListAsync(TestContext.Current.CancellationToken));
            }

            await using var second = await ConnectorHost.StartAsync(new() { ["PosBridge:Dashboard:Password"] = "another-long-secret-2025" }, null, directory);
            var manager = new DashboardClient(second);

            Assert.Equal(HttpStatusCode.Unauthorized, (await manager.LoginAsync("another-long-secret-2025")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await manager.LoginAsync()).StatusCode);
            Assert.Single(await second.Services.GetRequiredService<IDashboardAccounts>().ListAsync(TestContext.Current.CancellationToken));
        }
        finally
        {
            PosBridge.Connector.Storage.Sqlite.SqliteDatabaseFile.CloseAll();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Login_WithoutAName_IsRefusedSayingWhatToType()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);

        var response = await host.Client.PostAsJsonAsync("/dashboard/api/login", new { password = DashboardClient.Password }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("account name", await DetailAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Owner_WithoutASecondFactor_MaySetOneUpButNothingElse()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        await host.PairTillAsync();
        var owner = new DashboardClient(host);
        Assert.Equal(HttpStatusCode.OK, (await owner.LoginAsync(enrol: false)).StatusCode);

        var overview = await owner.GetAsync("/dashboard/api/overview");
        var revoke = await owner.PostAsync("/dashboard/api/tills/T2/revoke");
        var session = await owner.GetAsync("/dashboard/api/session");

        foreach (var refused in new[] { overview, revoke })
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("urn:posbridge:problem:dashboard-mfa-required", await TestTill.ProblemTypeAsync(refused));
        }

        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        Assert.Equal("paired", Assert.Single(await host.Services.GetRequiredService<ITillStore>().ListAsync(TestContext.Current.CancellationToken)).State);
        Assert.Equal(HttpStatusCode.OK, (await owner.EnrolAsync(DashboardClient.Owner)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/dashboard/api/overview")).StatusCode);
        Assert.Contains("dashboard:owner dashboard.mfa.enrolled owner", await DashboardClient.AuditAsync(host));
    }

    [Fact]
    public async Task Enrol_GivesTheSecretAsTextLinkAndQrCode()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var owner = new DashboardClient(host);
        await owner.LoginAsync(enrol: false);

        var body = await (await owner.PostAsync("/dashboard/api/mfa/enrol")).Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        var secret = body.GetProperty("secret").GetString()!;
        Assert.Matches("^[A-Z2-7]{32}$", secret);
        Assert.Equal($"otpauth://totp/PosBridge:owner?secret={secret}&issuer=PosBridge&algorithm=SHA1&digits=6&period=30", body.GetProperty("link").GetString());
        Assert.StartsWith("data:image/png;base64,iVBOR", body.GetProperty("qrCode").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_OfAnEnrolledAccount_AsksForTheCode_AndRefusesAWrongOne()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        await new DashboardClient(host).LoginAsync();
        var code = await new DashboardClient(host).CodeAsync();
        var wrong = code == "000000" ? "111111" : "000000";

        var without = await Raw(host, new { name = "owner", password = DashboardClient.Password });
        var wrongCode = await Raw(host, new { name = "owner", password = DashboardClient.Password, code = wrong });
        var right = await Raw(host, new { name = "owner", password = DashboardClient.Password, code });

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal("urn:posbridge:problem:dashboard-code-required", await TestTill.ProblemTypeAsync(without));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongCode.StatusCode);
        Assert.Equal("urn:posbridge:problem:dashboard-wrong-code", await TestTill.ProblemTypeAsync(wrongCode));
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.True((await right.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("secondFactor").GetBoolean());
    }

    [Fact]
    public async Task Login_WithACodeUsedAlready_IsRefusedAsAReplay()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        await new DashboardClient(host).LoginAsync();
        var code = await new DashboardClient(host).CodeAsync();

        var first = await Raw(host, new { name = "owner", password = DashboardClient.Password, code });
        var again = await Raw(host, new { name = "owner", password = DashboardClient.Password, code });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Equal("urn:posbridge:problem:dashboard-code-used", await TestTill.ProblemTypeAsync(again));
    }

    [Fact]
    public async Task RecoveryCode_SignsInOnce_ThenNoMore()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var owner = new DashboardClient(host);
        await owner.LoginAsync();
        var recovery = owner.RecoveryCodes[3];

        var first = await Raw(host, new { name = "owner", password = DashboardClient.Password, code = recovery.ToLowerInvariant() });
        var again = await Raw(host, new { name = "owner", password = DashboardClient.Password, code = recovery });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Equal("urn:posbridge:problem:dashboard-wrong-code", await TestTill.ProblemTypeAsync(again));
        Assert.Equal(9, (await host.Services.GetRequiredService<IDashboardAccounts>().FindAsync("owner", TestContext.Current.CancellationToken))!.RecoveryCodesLeft);
    }

    [Fact]
    public async Task FiveWrongPasswords_LockTheAccount_AcrossARestart_UntilFifteenMinutesPass()
    {
        var directory = Directory.CreateTempSubdirectory("posbridge-accounts-").FullName;
        try
        {
            await using (var first = await ConnectorHost.StartAsync(DashboardClient.Settings, null, directory))
            {
                var manager = new DashboardClient(first);
                for (var i = 0; i < 4; i++)
                {
                    Assert.Equal(HttpStatusCode.Unauthorized, (await manager.LoginAsync("wrong-guess-number-" + i)).StatusCode);
                }

                var locked = await manager.LoginAsync("wrong-guess-number-4");
                Assert.Equal(HttpStatusCode.Locked, locked.StatusCode);
                Assert.Contains("posbridge accounts unlock --name owner", await DetailAsync(locked), StringComparison.Ordinal);
                Assert.Contains("dashboard:owner dashboard.account.locked owner", await DashboardClient.AuditAsync(first));
            }

            // A new process (its per-address throttle empty): the lock is in the database.
            await using var second = await ConnectorHost.StartAsync(DashboardClient.Settings, null, directory);
            var again = new DashboardClient(second);
            var stillLocked = await again.LoginAsync();
            Assert.Equal(HttpStatusCode.Locked, stillLocked.StatusCode);
            Assert.Equal("urn:posbridge:problem:dashboard-account-locked", await TestTill.ProblemTypeAsync(stillLocked));

            second.Clock.Advance(AccountsApi.LockFor);
            Assert.Equal(HttpStatusCode.OK, (await again.LoginAsync()).StatusCode);
        }
        finally
        {
            PosBridge.Connector.Storage.Sqlite.SqliteDatabaseFile.CloseAll();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task UnknownAccount_IsRefusedAsAWrongPassword_WithoutSayingWhichIsWrong()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);

        var response = await new DashboardClient(host).LoginAsync(name: "nobody");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("urn:posbridge:problem:dashboard-wrong-password", await TestTill.ProblemTypeAsync(response));
        Assert.Contains("dashboard:nobody dashboard.login-refused unknown", await DashboardClient.AuditAsync(host));
    }

    public static TheoryData<string, string, string, bool> Permissions => new()
    {
        // role, method, path, allowed
        { "read-only", "GET", "/dashboard/api/overview", true },
        { "read-only", "GET", "/dashboard/api/reports", true },
        { "read-only", "GET", "/dashboard/api/fiscal", true },
        { "read-only", "GET", "/dashboard/api/ledger-files/books/x.csv", false },
        { "read-only", "GET", "/dashboard/api/reports/tables/summary.csv", false },
        { "read-only", "POST", "/dashboard/api/tills/T2/revoke", false },
        { "read-only", "POST", "/dashboard/api/setup/check", false },
        { "accountant", "GET", "/dashboard/api/ledger-files/books/x.csv", true },
        { "accountant", "GET", "/dashboard/api/reports/tables/summary.csv", true },
        { "accountant", "POST", "/dashboard/api/tills/T2/revoke", false },
        { "accountant", "POST", "/dashboard/api/pairing-codes", false },
        { "accountant", "POST", "/dashboard/api/adapters/odoo/retry", false },
        { "accountant", "POST", "/dashboard/api/catalog/CAI1/product-file", false },
        { "accountant", "GET", "/dashboard/api/accounts", false },
        { "manager", "POST", "/dashboard/api/tills/T2/revoke", true },
        { "manager", "POST", "/dashboard/api/adapters/odoo/retry", true },
        { "manager", "POST", "/dashboard/api/receipts/00000000-0000-0000-0000-000000000001/resend", true },
        { "manager", "GET", "/dashboard/api/accounts", false },
        { "manager", "POST", "/dashboard/api/accounts", false },
        { "manager", "POST", "/dashboard/api/accounts/owner/reset-mfa", false },
        { "owner", "GET", "/dashboard/api/accounts", true },
        { "owner", "POST", "/dashboard/api/tills/T2/revoke", true },
    };

    [Theory]
    [MemberData(nameof(Permissions))]
    public async Task Endpoint_CalledDirectly_IsOpenToItsRolesOnly(string role, string method, string path, bool allowed)
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        await host.PairTillAsync();
        var name = role == "owner" ? DashboardClient.Owner : "staff";
        if (role != "owner")
        {
            await DashboardClient.AddAccountAsync(host.Services, name, DashboardRoles.Parse(role)!.Value);
        }

        var client = new DashboardClient(host);
        Assert.Equal(HttpStatusCode.OK, (await client.LoginAsync(name: name)).StatusCode);
        if (role != "owner")
        {
            Assert.Equal(HttpStatusCode.OK, (await client.EnrolAsync(name)).StatusCode);
        }

        var response = await client.SendAsync(new HttpMethod(method), path, method == "POST" ? new { } : null);

        if (allowed)
        {
            Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("urn:posbridge:problem:dashboard-role", await TestTill.ProblemTypeAsync(response));
            Assert.Contains($"A {role} account cannot", await DetailAsync(response), StringComparison.Ordinal);
            Assert.Equal("paired", Assert.Single(await host.Services.GetRequiredService<ITillStore>().ListAsync(TestContext.Current.CancellationToken)).State);
        }
    }

    [Fact]
    public async Task Manager_WithoutASecondFactor_SeesTheDashboardButChangesNothing()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        await host.PairTillAsync();
        await DashboardClient.AddAccountAsync(host.Services, "karim", DashboardRole.Manager);
        var manager = new DashboardClient(host);
        await manager.LoginAsync(name: "karim");

        var overview = await manager.GetAsync("/dashboard/api/overview");
        var revoke = await manager.PostAsync("/dashboard/api/tills/T2/revoke");

        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, revoke.StatusCode);
        Assert.Equal("urn:posbridge:problem:dashboard-mfa-required", await TestTill.ProblemTypeAsync(revoke));
        Assert.Contains("To revoke tills, set up an authenticator app", await DetailAsync(revoke), StringComparison.Ordinal);
        Assert.Equal("paired", Assert.Single(await host.Services.GetRequiredService<ITillStore>().ListAsync(TestContext.Current.CancellationToken)).State);
    }

    [Fact]
    public async Task Revoke_ByAManagerWithASecondFactor_IsAuditedWithTheAccount()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        await host.PairTillAsync();
        await DashboardClient.AddAccountAsync(host.Services, "karim", DashboardRole.Manager);
        var manager = new DashboardClient(host);
        await manager.LoginAsync(name: "karim");
        await manager.EnrolAsync("karim");

        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync("/dashboard/api/tills/T2/revoke")).StatusCode);
        Assert.Contains("dashboard:karim dashboard.till.revoke T2", await DashboardClient.AuditAsync(host));
    }

    [Fact]
    public async Task Owner_ManagesAccounts_AndTheLastOwnerStays()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var owner = new DashboardClient(host);
        await owner.LoginAsync();

        var weak = await owner.PostAsync("/dashboard/api/accounts", new { name = "layla", role = "accountant", password = "short" });
        var badRole = await owner.PostAsync("/dashboard/api/accounts", new { name = "layla", role = "boss", password = "ledgers-and-tea-2025" });
        var added = await owner.PostAsync("/dashboard/api/accounts", new { name = "Layla", role = "accountant", password = "ledgers-and-tea-2025" });
        var twice = await owner.PostAsync("/dashboard/api/accounts", new { name = "layla", role = "manager", password = "ledgers-and-tea-2025" });
        var lastOwner = await owner.PostAsync("/dashboard/api/accounts/owner/remove");
        var unlock = await owner.PostAsync("/dashboard/api/accounts/layla/unlock");
        var reset = await owner.PostAsync("/dashboard/api/accounts/layla/reset-mfa");
        var password = await owner.PostAsync("/dashboard/api/accounts/layla/password", new { password = "new-ledgers-and-tea-2026" });
        var list = await (await owner.GetAsync("/dashboard/api/accounts")).Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var removed = await owner.PostAsync("/dashboard/api/accounts/layla/remove");
        var missing = await owner.PostAsync("/dashboard/api/accounts/layla/remove");

        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("too weak", await DetailAsync(weak), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
        Assert.Contains("owner, manager, accountant, read-only", await DetailAsync(badRole), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, lastOwner.StatusCode);
        Assert.Equal("urn:posbridge:problem:dashboard-last-owner", await TestTill.ProblemTypeAsync(lastOwner));
        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.NoContent], new[] { unlock.StatusCode, reset.StatusCode, password.StatusCode });
        Assert.Equal(["layla accountant", "owner owner"], list.EnumerateArray().Select(a => $"{a.GetProperty("name").GetString()} {a.GetProperty("role").GetString()}"));
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var audit = await DashboardClient.AuditAsync(host);
        foreach (var row in new[] { "account.add layla", "account.unlock layla", "mfa.reset layla", "account.password layla", "account.remove layla" })
        {
            Assert.Contains("dashboard:owner dashboard." + row, audit);
        }
    }

    [Fact]
    public async Task Session_OfARemovedAccount_EndsAtOnce()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        await DashboardClient.AddAccountAsync(host.Services, "nour", DashboardRole.ReadOnly);
        var reader = new DashboardClient(host);
        await reader.LoginAsync(name: "nour");
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/dashboard/api/overview")).StatusCode);

        Assert.Equal(AccountChangeOutcome.Done, await host.Services.GetRequiredService<IDashboardAccounts>().RemoveAsync("nour", TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Unauthorized, (await reader.GetAsync("/dashboard/api/overview")).StatusCode);
    }

    [Fact]
    public async Task Overview_OfAReadOnlyAccount_OffersNoLedgerFiles()
    {
        await using var host = await ConnectorHost.StartAsync(new(DashboardClient.Settings)
        {
            ["Accounting:Stores:CAI1:TimeZone"] = "Africa/Cairo", ["Accounting:Stores:CAI1:Currency"] = "EGP",
            ["Accounting:Ledgers:books:Store"] = "CAI1", ["Accounting:Ledgers:books:Dialect"] = "generic",
            ["Accounting:Ledgers:books:Taxes:vat14:Rate"] = "14", ["Accounting:Ledgers:books:Taxes:vat14:Name"] = "VAT 14%",
            ["PosBridge:CloseOfDay:Enabled"] = "false", ["PosBridge:CloseOfDay:Downloads"] = "true",
        });
        await DashboardClient.AddAccountAsync(host.Services, "nour", DashboardRole.ReadOnly);
        var reader = new DashboardClient(host);
        await reader.LoginAsync(name: "nour");
        var owner = new DashboardClient(host);
        await owner.LoginAsync();

        Assert.Equal(JsonValueKind.Null, (await reader.OverviewAsync()).GetProperty("ledgerFiles").ValueKind);
        Assert.Equal(JsonValueKind.Array, (await owner.OverviewAsync()).GetProperty("ledgerFiles").ValueKind);
    }

    private static Task<HttpResponseMessage> Raw(ConnectorHost host, object body) =>
        host.Client.PostAsJsonAsync("/dashboard/api/login", body, TestContext.Current.CancellationToken);

    private static async Task<string> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("detail").GetString()!;
}
