using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Ledgers;
using PosBridge.Connector.Tests.Hosting;

namespace PosBridge.Connector.Tests.Dashboard;

public sealed class DashboardLedgerDownloadTests
{
    private static Dictionary<string, string?> Settings(bool downloads)
    {
        var settings = DashboardClient.Settings;
        settings["Accounting:Stores:CAI1:TimeZone"] = "Africa/Cairo";
        settings["Accounting:Stores:CAI1:Currency"] = "EGP";
        settings["Accounting:Ledgers:books:Store"] = "CAI1";
        settings["Accounting:Ledgers:books:Dialect"] = "generic";
        settings["Accounting:Ledgers:books:Taxes:vat14:Rate"] = "14";
        settings["Accounting:Ledgers:books:Taxes:vat14:Name"] = "VAT 14%";
        // The test runs the close-of-day exporter itself.
        settings["PosBridge:CloseOfDay:Enabled"] = "false";
        settings["PosBridge:CloseOfDay:Downloads"] = downloads ? "true" : "false";
        return settings;
    }

    [Fact]
    public async Task Download_AfterCloseOfDay_ListsTheDaysFileAndServesItsBytesAudited()
    {
        await using var host = await ConnectorHost.StartAsync(Settings(downloads: true));
        var file = await WriteClosedDayAsync(host);
        var manager = new DashboardClient(host);
        (await manager.LoginAsync()).EnsureSuccessStatusCode();

        var listed = Assert.Single((await manager.OverviewAsync()).GetProperty("ledgerFiles").EnumerateArray());
        var response = await manager.GetAsync($"/dashboard/api/ledger-files/books/{Path.GetFileName(file)}");

        Assert.Equal("books", listed.GetProperty("ledger").GetString());
        Assert.Equal(Path.GetFileName(file), listed.GetProperty("name").GetString());
        Assert.Equal(new FileInfo(file).Length, listed.GetProperty("bytes").GetInt64());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Path.GetFileName(file), response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken), await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Contains($"dashboard:owner dashboard.ledger.download books/{Path.GetFileName(file)}", await DashboardClient.AuditAsync(host));
    }

    [Theory]
    [InlineData("books", "..%2Fsecret.csv")]
    [InlineData("books", "..%5Csecret.csv")]
    [InlineData("books", "%2E%2E%2F%2E%2E%2Fconnector.db")]
    [InlineData("books", ".books.partial.csv")]
    [InlineData("books", "missing.csv")]
    [InlineData("books", "notes.txt")]
    [InlineData("other", "secret.csv")]
    [InlineData("..", "secret.csv")]
    public async Task Download_OutsideTheLedgersFolderOrUnknown_IsNotFoundAndNotServed(string ledger, string file)
    {
        await using var host = await ConnectorHost.StartAsync(Settings(downloads: true));
        await WriteClosedDayAsync(host);
        var root = Path.Combine(host.Directory, "ledgers");
        await File.WriteAllTextAsync(Path.Combine(root, "secret.csv"), "not a ledger's", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(root, "books", ".books.partial.csv"), "staging", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(root, "books", "notes.txt"), "notes", TestContext.Current.CancellationToken);
        var manager = new DashboardClient(host);
        (await manager.LoginAsync()).EnsureSuccessStatusCode();

        var response = await manager.GetAsync($"/dashboard/api/ledger-files/{ledger}/{file}");
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("not a ledger's", body, StringComparison.Ordinal);
        Assert.DoesNotContain("staging", body, StringComparison.Ordinal);
        Assert.DoesNotContain(await DashboardClient.AuditAsync(host), row => row.Contains("dashboard.ledger.download", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Download_WithoutSignIn_IsRefused()
    {
        await using var host = await ConnectorHost.StartAsync(Settings(downloads: true));
        var file = await WriteClosedDayAsync(host);

        var response = await new DashboardClient(host).GetAsync($"/dashboard/api/ledger-files/books/{Path.GetFileName(file)}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Download_WhenOff_IsNotOfferedAndSaysHowToTurnItOn()
    {
        await using var host = await ConnectorHost.StartAsync(Settings(downloads: false));
        var file = await WriteClosedDayAsync(host);
        var manager = new DashboardClient(host);
        (await manager.LoginAsync()).EnsureSuccessStatusCode();

        var overview = await manager.OverviewAsync();
        var response = await manager.GetAsync($"/dashboard/api/ledger-files/books/{Path.GetFileName(file)}");

        Assert.Equal(JsonValueKind.Null, overview.GetProperty("ledgerFiles").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("urn:posbridge:problem:dashboard-downloads-off", await TestTill.ProblemTypeAsync(response));
    }

    /// <summary>Sales of 10 March 2027 in Cairo, written by the close-of-day run after the day closed; the file's path.</summary>
    private static async Task<string> WriteClosedDayAsync(ConnectorHost host)
    {
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 10, 8, 0, 0, TimeSpan.Zero));
        var till = await host.PairTillAsync();
        (await till.UploadAsync(new Sales(host.Clock).Many(3))).EnsureSuccessStatusCode();
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 10, 23, 30, 0, TimeSpan.Zero));
        var days = await host.Services.GetRequiredService<CloseOfDayExporter>().RunAsync(TestContext.Current.CancellationToken);
        Assert.Equal(3, Assert.Single(days, d => d.Day == new DateOnly(2027, 3, 10)).Journals);
        return Assert.Single(Directory.GetFiles(Path.Combine(host.Directory, "ledgers", "books")));
    }
}
