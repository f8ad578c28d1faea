using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Dashboard;
using PosBridge.Connector.Storage.Sqlite;
using PosBridge.Connector.Tests.Hosting;

namespace PosBridge.Connector.Tests.Dashboard;

/// <summary>A manager's browser as far as the API sees it: keeps the session cookie and sends the anti-forgery token.</summary>
internal sealed class DashboardClient(HttpClient client)
{
    public const string Password = "tea-and-ledgers-2024";

    // Fewer iterations than a real hash (still the accepted minimum) keep each login quick in tests.
    public static readonly string PasswordHash = DashboardPassword.Hash(Password, 100_000);

    public static Dictionary<string, string?> Settings => new() { ["PosBridge:Dashboard:Password"] = PasswordHash };

    public HttpClient Http { get; } = client;

    public string? Cookie { get; set; }

    public string? Csrf { get; set; }

    public string? SetCookie { get; private set; }

    public async Task<HttpResponseMessage> LoginAsync(string password = Password)
    {
        var response = await SendAsync(HttpMethod.Post, "/dashboard/api/login", new { password });
        if (response.IsSuccessStatusCode)
        {
            SetCookie = response.Headers.GetValues("Set-Cookie").Single();
            Cookie = SetCookie.Split(';')[0];
            Csrf = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("csrfToken").GetString();
        }

        return response;
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
