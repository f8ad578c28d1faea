using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Tests.Dashboard;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tests.Reports;

/// <summary>The reports' JSON, downloads and command line: signed in, the same figures everywhere, and bad input answered in words.</summary>
public sealed class ReportApiTests
{
    [Fact]
    public async Task Reports_WithoutSigningIn_AreRefused()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var manager = new DashboardClient(host);

        foreach (var path in new[] { "/dashboard/api/reports", "/dashboard/api/reports/live", "/dashboard/api/reports/tables/summary.csv" })
        {
            var response = await manager.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("urn:posbridge:problem:dashboard-login-required", await TestTill.ProblemTypeAsync(response));
        }
    }

    [Fact]
    public async Task Reports_AfterASaleIsUploaded_ShowItTodayAndMoveTheLiveMark()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var till = await host.PairTillAsync("CAI1", "T1");
        var manager = new DashboardClient(host);
        (await manager.LoginAsync()).EnsureSuccessStatusCode();
        var before = await JsonAsync(manager, "/dashboard/api/reports/live");

        var sale = new Hosting.Sales(host.Clock, "CAI1", "T1").Next(price: 35.50m, quantity: 2m);
        Assert.Equal(UploadStatus.Accepted, (await TestTill.ResultsAsync(await till.UploadAsync([sale]))).Results[0].Status);

        Assert.True((await JsonAsync(manager, "/dashboard/api/reports/live")).GetProperty("lastSale").GetInt64() > before.GetProperty("lastSale").GetInt64());
        var report = await JsonAsync(manager, "/dashboard/api/reports?store=CAI1&period=today");
        var summary = Assert.Single(report.GetProperty("summary").EnumerateArray());
        Assert.Equal("EGP", summary.GetProperty("currency").GetString());
        Assert.Equal(71.00m, summary.GetProperty("current").GetProperty("net").GetDecimal());
        Assert.Equal(8.72m, summary.GetProperty("current").GetProperty("tax").GetDecimal());
        Assert.Equal(1, summary.GetProperty("current").GetProperty("transactions").GetInt64());
        Assert.Equal(0m, summary.GetProperty("weekEarlier").GetProperty("net").GetDecimal());
        var payment = Assert.Single(report.GetProperty("payments").EnumerateArray());
        Assert.Equal("cash", payment.GetProperty("kind").GetString());
        var product = Assert.Single(report.GetProperty("products").GetProperty("topByQuantity").EnumerateArray());
        Assert.Equal(2m, product.GetProperty("quantity").GetDecimal());

        // Riyadh sold nothing: its report is empty, not an error.
        Assert.Empty((await JsonAsync(manager, "/dashboard/api/reports?store=RUH1&period=week")).GetProperty("summary").EnumerateArray());
    }

    [Fact]
    public async Task Downloads_AreTheReportsTablesAsCsvAndXlsx()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var till = await host.PairTillAsync("CAI1", "T1");
        var sales = new Hosting.Sales(host.Clock, "CAI1", "T1");
        Assert.Equal(UploadStatus.Accepted, (await TestTill.ResultsAsync(await till.UploadAsync([sales.Next(price: 10m, quantity: 3m, sku: "=HYPERLINK(1)")]))).Results[0].Status);
        var manager = new DashboardClient(host);
        (await manager.LoginAsync()).EnsureSuccessStatusCode();

        var csv = await manager.GetAsync("/dashboard/api/reports/tables/products.csv?store=CAI1");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var text = await csv.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.StartsWith("list,currency,product_id,name,quantity,revenue,untaxed\r\n", text.TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.Contains("top_by_quantity,EGP,p-=HYPERLINK(1),قهوة تركي,3,30,", text, StringComparison.Ordinal);

        var xlsx = await manager.GetAsync("/dashboard/api/reports/tables/summary.xlsx?store=CAI1&period=today");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        using var stream = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        using var workbook = SpreadsheetDocument.Open(stream, false);
        var rows = workbook.WorkbookPart!.WorksheetParts.Single().Worksheet.Descendants<Row>().ToList();
        Assert.Equal(3, rows.Count);
        var net = rows[1].Elements<Cell>().ElementAt(8);
        Assert.Equal(CellValues.Number, net.DataType!.Value);
        Assert.Equal(30m, decimal.Parse(net.CellValue!.Text, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Csv_TextAFormulaWouldRun_IsWrittenAsText()
    {
        var table = new PosBridge.Connector.Reports.ReportTable("products", ["name", "net"], [["=HYPERLINK(\"http://x\")", -12.5m], ["@SUM(A1)", 3L]]);

        var text = System.Text.Encoding.UTF8.GetString(PosBridge.Connector.Reports.ReportTables.Csv(table)).TrimStart('\uFEFF');

        Assert.Equal("name,net\r\n\"'=HYPERLINK(\"\"http://x\"\")\",-12.5\r\n'@SUM(A1),3\r\n", text);
    }

    [Theory]
    [InlineData("?store=NOPE", 400, "store 'NOPE' is not configured; use one of ALX1, CAI1, RUH1")]
    [InlineData("?period=forever", 400, "is not one of today, yesterday, week, range")]
    [InlineData("?period=range&from=2026-13-01&to=2026-12-01", 400, "from '2026-13-01' is not a date like 2026-11-30")]
    [InlineData("?period=range&from=2026-02-01&to=2026-01-01", 400, "to 2026-01-01 is before from 2026-02-01")]
    [InlineData("?period=range&from=2000-01-01&to=2099-12-31", 400, "a report covers at most 367 days")]
    [InlineData("?period=range&from=2026-01-01", 400, "period=range needs to as a date")]
    [InlineData("?period=range&from=1900-01-01&to=1900-01-02", 400, "years 2000 to 2099")]
    [InlineData("?period=range&from=%00%01&to=2026-01-01", 400, "is not a date like")]
    [InlineData("?from=2026-01-01", 400, "from and to go with period=range only")]
    [InlineData("?store=CAI1&store=RUH1", 400, "store is given 2 times")]
    [InlineData("?sort=desc", 400, "'sort' is not a report setting")]
    [InlineData("/tables/nothing.csv", 404, "there is no report table 'nothing.csv'")]
    [InlineData("/tables/summary.pdf", 404, "as .csv or .xlsx")]
    [InlineData("/tables/summary.csv?period=range&from=2026-01-01&to=2028-01-01", 400, "at most 367 days")]
    public async Task Reports_AskedWrongly_AnswerWithAClearMessage(string query, int status, string expected)
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var manager = new DashboardClient(host);
        (await manager.LoginAsync()).EnsureSuccessStatusCode();

        var response = await manager.GetAsync("/dashboard/api/reports" + query);

        Assert.Equal(status, (int)response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("urn:posbridge:problem:report-invalid-request", problem.GetProperty("type").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains(expected, detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Exception", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_AHugeValue_IsNotEchoedWhole()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var manager = new DashboardClient(host);
        (await manager.LoginAsync()).EnsureSuccessStatusCode();

        var response = await manager.GetAsync("/dashboard/api/reports?store=" + new string('x', 5000));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Length < 1000);
    }

    [Fact]
    public async Task CommandLine_Report_GivesTheApisFigures()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Directory.CreateTempSubdirectory("posbridge-report-cli-").FullName;
        try
        {
            await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings, null, directory);
            var shop = new ShopMonth("CAI1", PosBridge.Core.Amounts.Currency.EGP, "Africa/Cairo", 5).Trade(new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 4), 15);
            await ShopMonth.StoreAsync(host.Services, shop.Sales, shop.Closings, ct);
            var manager = new DashboardClient(host);
            (await manager.LoginAsync()).EnsureSuccessStatusCode();
            var api = await JsonAsync(manager, "/dashboard/api/reports?store=CAI1&period=range&from=2026-11-02&to=2026-11-04");
            var config = Path.Combine(directory, "settings.json");
            await File.WriteAllTextAsync(config, """{ "PosBridge": { "Stores": { "CAI1": { "Currency": "EGP", "TimeZone": "Africa/Cairo" }, "ALX1": { "Currency": "EGP", "TimeZone": "Africa/Cairo" }, "RUH1": { "Currency": "SAR", "TimeZone": "Asia/Riyadh" } } } }""", ct);

            var (code, output, error) = await RunAsync("report", "--store", "CAI1", "--period", "range", "--from", "2026-11-02", "--to", "2026-11-04", "--format", "json", "--data", directory, "--config", config);

            Assert.True(code == CommandLine.Ok, error);
            var cli = JsonDocument.Parse(output).RootElement;
            foreach (var part in new[] { "summary", "hours", "days", "products", "categories", "payments", "tills", "shifts", "customers" })
            {
                Assert.Equal(JsonSerializer.Serialize(api.GetProperty(part)), JsonSerializer.Serialize(cli.GetProperty(part)));
            }

            (code, output, error) = await RunAsync("report", "--store", "CAI1", "--period", "range", "--from", "2026-11-02", "--to", "2026-11-04", "--data", directory, "--config", config);
            Assert.True(code == CommandLine.Ok, error);
            Assert.Contains("CAI1 (CAI1, Africa/Cairo): 2026-11-02 to 2026-11-04, against 2026-10-26 to 2026-10-28", output, StringComparison.Ordinal);
            Assert.Contains(api.GetProperty("summary")[0].GetProperty("current").GetProperty("net").GetDecimal().ToString(CultureInfo.InvariantCulture), output, StringComparison.Ordinal);

            (code, output, error) = await RunAsync("report", "rebuild", "--data", directory, "--config", config);
            Assert.True(code == CommandLine.Ok, error);
            Assert.Contains($"rebuilt from {shop.Sales.Count} sale(s)", output, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(new[] { "report", "--period", "forever" }, "period 'forever' is not one of today, yesterday, week, range")]
    [InlineData(new[] { "report", "--period", "range", "--from", "2026-02-30", "--to", "2026-03-01" }, "from '2026-02-30' is not a date")]
    [InlineData(new[] { "report", "--format", "csv" }, "add --table with one of summary")]
    [InlineData(new[] { "report", "--format", "xlsx", "--table", "days" }, "--format xlsx needs --out FILE")]
    [InlineData(new[] { "report", "--colour", "red" }, "report does not take --colour")]
    [InlineData(new[] { "report", "explode" }, "'explode' is not a report command")]
    [InlineData(new[] { "report", "rebuild", "--store", "CAI1" }, "report rebuild takes --data DIR only")]
    public async Task CommandLine_ReportAskedWrongly_IsAUsageError(string[] args, string expected)
    {
        var directory = Directory.CreateTempSubdirectory("posbridge-report-cli-").FullName;
        try
        {
            var config = Path.Combine(directory, "settings.json");
            await File.WriteAllTextAsync(config, """{ "PosBridge": { "Stores": { "CAI1": { "Currency": "EGP", "TimeZone": "Africa/Cairo" } } } }""", TestContext.Current.CancellationToken);

            var (code, _, error) = await RunAsync([.. args, "--data", directory, "--config", config]);

            Assert.Equal(CommandLine.Usage, code);
            Assert.Contains(expected, error, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task CommandLine_ReportHelp_NamesTheOptions()
    {
        var (code, output, _) = await RunAsync("report", "--help");

        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains("--period today|yesterday|week|range", output, StringComparison.Ordinal);
        Assert.Contains("report rebuild", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, output, error, TimeProvider.System, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }

    private static async Task<JsonElement> JsonAsync(DashboardClient manager, string path)
    {
        var response = await manager.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }
}
