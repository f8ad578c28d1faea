using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Connector.Dashboard;
using PosBridge.Connector.Dashboard.Accounts;
using PosBridge.Connector.Storage.Sqlite;
using PosBridge.Connector.Tests.Hosting;

namespace PosBridge.Connector.Tests.Dashboard;

/// <summary>
/// A manager's browser as far as the API sees it: keeps the session cookie and sends the anti-forgery token; and the
/// authenticator app of each account that enrolled through it (per connector), so a login types the code it shows.
/// </summary>
internal sealed class DashboardClient(HttpClient client, TimeProvider clock)
{
    public const string Password = "tea-and-ledgers-2024";

    /// <summary>The account the shared password becomes at the first start.</summary>
    public const string Owner = SharedPasswordMigration.OwnerName;

    // The authenticator of each enrolled account, per connector (its HttpClient): secret, last step used, recovery codes.
    private static readonly ConditionalWeakTable<HttpClient, Dictionary<string, Authenticator>> Authenticators = [];

    public DashboardClient(Hosting.ConnectorHost host)
        : this(host.Client, host.Clock)
    {
    }

    // Fewer iterations than a real hash (still the accepted minimum) keep each login quick in tests.
    public static readonly string PasswordHash = DashboardPassword.Hash(Password, 100_000);

    public static Dictionary<string, string?> Settings => new() { ["PosBridge:Dashboard:Password"] = PasswordHash };

    public HttpClient Http { get; } = client;

    public string? Cookie { get; set; }

    public string? Csrf { get; set; }

    public string? SetCookie { get; private set; }

    /// <summary>The recovery codes the last enrolment through this client showed.</summary>
    public IReadOnlyList<string> RecoveryCodes { get; private set; } = [];

    /// <summary>
    /// Signs in as <paramref name="name"/>: with the code its authenticator shows now when it has one, and an owner
    /// without one enrols at once (unless <paramref name="enrol"/> is false), as the page makes them.
    /// </summary>
    public async Task<HttpResponseMessage> LoginAsync(string password = Password, string name = Owner, bool enrol = true)
    {
        var authenticator = Known(name);
        var (code, step) = authenticator is null ? (null, 0L) : await authenticator.NextAsync(clock);
        var response = await SendAsync(HttpMethod.Post, "/dashboard/api/login", new { name, password, code });
        if (!response.IsSuccessStatusCode)
        {
            return response;
        }

        authenticator?.Used(step);
        Keep(response);
        var session = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Csrf = session.GetProperty("csrfToken").GetString();
        if (enrol && !session.GetProperty("enrolled").GetBoolean() && session.GetProperty("role").GetString() == "owner")
        {
            var enrolled = await EnrolAsync(name);
            Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        }

        return response;
    }

    /// <summary>Sets up an authenticator for the signed-in account <paramref name="name"/> and confirms it with its code.</summary>
    public async Task<HttpResponseMessage> EnrolAsync(string name)
    {
        var start = await PostAsync("/dashboard/api/mfa/enrol");
        if (!start.IsSuccessStatusCode)
        {
            return start;
        }

        var secret = Totp.FromBase32((await start.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("secret").GetString()!);
        var step = Totp.StepAt(clock.GetUtcNow());
        var confirm = await PostAsync("/dashboard/api/mfa/confirm", new { code = Totp.Code(secret, step) });
        if (!confirm.IsSuccessStatusCode)
        {
            return confirm;
        }

        Keep(confirm);
        var body = await confirm.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Csrf = body.GetProperty("session").GetProperty("csrfToken").GetString();
        RecoveryCodes = [.. body.GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!)];
        Authenticators.GetOrCreateValue(Http)[name] = new Authenticator(secret, step, [.. RecoveryCodes]);
        return confirm;
    }

    /// <summary>The code <paramref name="name"/>'s authenticator shows now (not yet used by a login).</summary>
    public async Task<string> CodeAsync(string name = Owner) => (await Known(name)!.NextAsync(clock)).Code!;

    /// <summary>Adds an account straight to the store (a quick hash), as 'posbridge accounts add' does.</summary>
    public static async Task AddAccountAsync(IServiceProvider services, string name, DashboardRole role) =>
        Assert.True(await services.GetRequiredService<IDashboardAccounts>().AddAsync(name, role, PasswordHash, services.GetRequiredService<TimeProvider>().GetUtcNow(), TestContext.Current.CancellationToken));

    private Authenticator? Known(string name) =>
        Authenticators.TryGetValue(Http, out var known) && known.TryGetValue(name, out var authenticator) ? authenticator : null;

    private void Keep(HttpResponseMessage response)
    {
        SetCookie = response.Headers.GetValues("Set-Cookie").Single();
        Cookie = SetCookie.Split(';')[0];
    }

    /// <summary>An authenticator app: each code is shown for one step, and the connector takes each step once.</summary>
    private sealed class Authenticator(byte[] secret, long lastStep, List<string> recoveryCodes)
    {
        private long _lastStep = lastStep;

        public async Task<(string? Code, long Step)> NextAsync(TimeProvider clock)
        {
            var now = Totp.StepAt(clock.GetUtcNow());
            if (_lastStep >= now + Totp.Tolerance)
            {
                // Both of now's codes are spent: the next step comes (at once on a test clock).
                if (clock is FakeTimeProvider fake)
                {
                    fake.Advance(TimeSpan.FromSeconds(Totp.StepSeconds));
                }
                else if (recoveryCodes.Count > 0)
                {
                    var recovery = recoveryCodes[^1];
                    recoveryCodes.RemoveAt(recoveryCodes.Count - 1);
                    return (recovery, _lastStep);
                }
                else
                {
                    await Task.Delay(TimeSpan.FromSeconds(Totp.StepSeconds), TestContext.Current.CancellationToken);
                }

                now = Totp.StepAt(clock.GetUtcNow());
            }

            var step = Math.Max(now, _lastStep + 1);
            return (Totp.Code(secret, step), step);
        }

        public void Used(long step) => _lastStep = Math.Max(_lastStep, step);
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    public Task<HttpResponseMessage> PostAsync(string path, object? body = null) => SendAsync(HttpMethod.Post, path, body ?? new { });

    public async Task<JsonElement> OverviewAsync()
    {
        var response = await GetAsync("/dashboard/api/overview");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, Action<HttpRequestMessage>? tamper = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (Cookie is not null)
        {
            request.Headers.Add("Cookie", Cookie);
        }

        if (Csrf is not null)
        {
            request.Headers.Add(DashboardEndpoints.CsrfHeader, Csrf);
        }

        tamper?.Invoke(request);
        return Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The audit log, oldest first, as "actor action subject".</summary>
    public static Task<IReadOnlyList<string>> AuditAsync(ConnectorHost host) => AuditAsync(host.Services);

    public static Task<IReadOnlyList<string>> AuditAsync(IServiceProvider services) =>
        services.GetRequiredService<ConnectorDatabase>().ReadAsync<IReadOnlyList<string>>(async connection =>
        {
            await using var command = Sql.Command(connection, null, "SELECT actor, action, subject FROM audit_log ORDER BY seq");
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            var rows = new List<string>();
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                rows.Add($"{reader.GetString(0)} {reader.GetString(1)} {reader.GetString(2)}");
            }

            return rows;
        });
}
