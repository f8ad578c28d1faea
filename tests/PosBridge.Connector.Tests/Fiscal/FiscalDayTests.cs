using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Connector.Demo;
using PosBridge.Connector.Fiscal;
using PosBridge.Connector.Storage.Sqlite;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Terminal.Tests.Fiscal;

namespace PosBridge.Connector.Tests.Fiscal;

/// <summary>
/// Issue 22's "done when": a Saudi store's till (onboarded as a ZATCA EGS unit) and an Egyptian store's till sell a day
/// as real processes through a real <c>posbridge serve</c>, which reports and submits to the authority doubles over
/// HTTPS. The till is killed mid-sale and the connector mid-report and mid-submit, each restarted; then what reached
/// the authorities is checked with code independent of the writers: <see cref="ZatcaVerifier"/> (C14N, BouncyCastle)
/// for ZATCA, and the ETA's serialization rules recomputed here for the ETA.
/// </summary>
public sealed partial class FiscalDayTests : IAsyncDisposable
{
    private const string Saudi = "RUH1";
    private const string Egypt = "CAI1";
    private const string Pin = "1234";

    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-fiscal-day-").FullName;
    private readonly FakeZatca _zatca = new();
    private readonly FakeEta _eta = new();
    private readonly List<DemoTill> _tills = [];
    private readonly List<ScreenTill> _screens = [];
    private Process? _connector;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string ConnectorData => Path.Combine(_directory, "connector");

    [Fact]
    public async Task Day_TillAndConnectorKilled_EveryInvoiceAndReceiptReachesItsAuthorityOnceInAnUnbrokenChain()
    {
        await using var authorities = await AuthorityServer.StartAsync(
            [("/zatca/", _zatca, FakeZatca.BaseAddress), ("/eta-id/", _eta, FakeEta.Identity), ("/eta-api/", _eta, FakeEta.Api)], Token);
        var settings = Settings(authorities);
        var port = ServeProcess.FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        Directory.CreateDirectory(ConnectorData);
        await StartConnectorAsync(http, port, settings);
        var url = http.BaseAddress!.ToString();

        // The Saudi till: paired, onboarded with the portal's OTP (CSR, compliance CSID, samples, production CSID).
        var saudiArguments = SaudiArguments();
        var saudi = await StartTillAsync("T01", saudiArguments);
        await saudi.RunAsync($"pair {await PairingCodeAsync(settings, Saudi, "T01")} {url}", Token);
        var onboarded = await saudi.RunAsync($"zatca onboard {_zatca.Otp}", Token);
        Assert.Contains("onboarded with ZATCA", onboarded, StringComparison.Ordinal);
        var egyptArguments = EgyptArguments();
        var egypt = await StartTillAsync("T02", egyptArguments);
        await egypt.RunAsync($"pair {await PairingCodeAsync(settings, Egypt, "T02")} {url}", Token);

        // A second Saudi till, with the cashier screen, issues tax invoices to businesses (invoice types 1100): onboarded
        // at its screen, it sells to a business and is killed after the sale committed and before clearance was asked;
        // started again, its screen asks, and ZATCA clears the invoice once.
        var counterArguments = CounterArguments(url, await PairingCodeAsync(settings, Saudi, "T03"));
        var counter = await StartScreenTillAsync(counterArguments);
        await PostAsync(counter, "/api/fiscal/zatca/onboard", new { otp = _zatca.Otp, managerPin = Pin });
        await PostAsync(counter, "/api/shift/open", new { openingFloat = 0 });
        await PostAsync(counter, "/api/fiscal/zatca/buyer", new
        {
            name = "شركة المراعي للتوريدات", vatNumber = "300000000000003", streetName = "طريق الملك فهد", buildingNumber = "1234",
            citySubdivision = "الملز", city = "الرياض", postalZone = "12611",
        });
        await PostAsync(counter, "/api/cart/add", new { productId = "hot-1" });
        var b2b = (await PostAsync(counter, "/api/pay/cash", new { tendered = 1000 }))["state"]!["lastSale"]!["id"]!.GetValue<string>();
        ServeProcess.Kill(counter.Process);
        _screens.Remove(counter);
        counter.Process.Dispose();
        counter.Http.Dispose();
        counter = await StartScreenTillAsync(counterArguments);
        Assert.Equal("cleared", (await PostAsync(counter, "/api/fiscal/zatca/clear", new { saleId = b2b }))["outcome"]!.GetValue<string>());
        await PostAsync(counter, "/api/sale/next", new { });
        await PostAsync(counter, "/api/cart/add", new { productId = "hot-2" });
        await PostAsync(counter, "/api/pay/cash", new { tendered = 1000 });

        // Morning: sales, a refund, all uploaded.
        foreach (var till in new[] { saudi, egypt })
        {
            await till.RunAsync("open 500", Token);
            var first = await SellAsync(till, "hot-1", "hot-1", "gro-1");
            await SellAsync(till, "hot-2");
            await till.RunAsync($"refund {first} 1:1 cash pin {Pin} reason \"منتج تالف\"", Token);
            await till.RunAsync("sync", Token);
        }

        // The Saudi till dies twice mid-sale: with items in the cart, then while the payment commits (before or after
        // COMMIT, whichever the kill meets). Restarted on the same data each time, it sells on.
        await saudi.RunAsync("sell hot-3", Token);
        saudi = await KillAndRestartTillAsync(saudi, "T01", saudiArguments, unanswered: null);
        await SellAsync(saudi, "hot-1");
        await saudi.RunAsync("sell gro-1", Token);
        saudi = await KillAndRestartTillAsync(saudi, "T01", saudiArguments, unanswered: "pay cash 1000");
        await SellAsync(saudi, "hot-2");
        await SellAsync(egypt, "gro-1");
        egypt = await KillAndRestartTillAsync(egypt, "T02", egyptArguments, unanswered: "sell hot-1");
        await SellAsync(egypt, "hot-3");

        // The connector dies while ZATCA and the ETA hold their answers: both took the documents, neither answer arrives.
        var zatcaHeld = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        var etaHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _zatca.AfterTaking = async uuid =>
        {
            zatcaHeld.TrySetResult(uuid);
            await release.Task;
        };
        _eta.AfterTaking = async () =>
        {
            etaHeld.TrySetResult();
            await release.Task;
        };
        await saudi.RunAsync("sync", Token);
        await egypt.RunAsync("sync", Token);
        var heldInvoice = await zatcaHeld.Task.WaitAsync(TimeSpan.FromSeconds(45), Token);
        await etaHeld.Task.WaitAsync(TimeSpan.FromSeconds(45), Token);
        ServeProcess.Kill(_connector!);
        _zatca.AfterTaking = null;
        _eta.AfterTaking = null;
        release.SetResult();
        Assert.Equal(1, _zatca.Reported[heldInvoice]);
        await StartConnectorAsync(http, port, settings);

        // The evening: one more sale each, the last upload, and every document answered.
        await SellAsync(saudi, "gro-1");
        await SellAsync(egypt, "hot-2");
        var saudiCount = await IssuedAsync(saudi, "ZATCA invoices") + await IssuedAsync(counter);
        var egyptCount = await IssuedAsync(egypt, "ETA receipts");
        var answered = await WaitAnsweredAsync(saudiCount + egyptCount);
        TestContext.Current.TestOutputHelper?.WriteLine($"ZATCA: {saudiCount} invoices, calls: {string.Join("; ", _zatca.Calls)}");
        TestContext.Current.TestOutputHelper?.WriteLine($"ETA: {egyptCount} receipts, submissions: {string.Join("; ", _eta.Submissions.Select(s => s.Count))}");
        ServeProcess.Kill(_connector!);

        lock (authorities.Failures)
        {
            Assert.Empty(authorities.Failures);
        }

        // The connector holds every document as answered, none rejected or stopped, and every e-receipt validated.
        Assert.All(answered, d => Assert.True(d.State == "reported", $"{d.Authority} {d.SaleNumber}: {d.State} {d.LastError}"));
        Assert.All(answered.Where(d => d.Authority == "ETA"), d => Assert.Equal(EtaValidationStatus.Valid, d.Validation?.Status));

        // ZATCA: each invoice reported once; ICV 1..N with none twice; each PIH the previous invoice's hash; hash,
        // signature, certificate digest and signed properties verified independently.
        Assert.Equal(saudiCount, _zatca.Reported.Count);
        Assert.All(_zatca.Reported, r => Assert.Equal(1, r.Value));

        // The Saudi demo sells at Saudi VAT, 15 % (the double refuses any other rate and any tax not at it).
        Assert.All(_zatca.Invoices.Values, xml => Assert.Contains("<cbc:Percent>15.00</cbc:Percent>", xml, StringComparison.Ordinal));
        var units = _zatca.Invoices.Values.Select(Invoice).GroupBy(i => i.Certificate).ToList();
        Assert.Equal(2, units.Count);
        foreach (var unit in units)
        {
            // Counter and chain per EGS unit (each till its own key and certificate).
            var invoices = unit.OrderBy(i => i.Counter).ToList();
            Assert.Equal(Enumerable.Range(1, invoices.Count).Select(i => (long)i), invoices.Select(i => i.Counter));
            Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(Convert.ToHexStringLower(SHA256.HashData("0"u8)))), invoices[0].PreviousHash);
            for (var i = 1; i < invoices.Count; i++)
            {
                Assert.Equal(invoices[i - 1].Hash, invoices[i].PreviousHash);
            }
        }

        var all = units.SelectMany(u => u).ToList();
        Assert.Contains(all, i => i.Type == "381");
        Assert.Single(all, i => i.Subtype.StartsWith("01", StringComparison.Ordinal));
        Assert.Single(_zatca.Calls, c => c.StartsWith("POST invoices/clearance/single", StringComparison.Ordinal));

        // ETA: each receipt taken once; its uuid the hash of its serialization; previousUUID the receipt before.
        Assert.Equal(egyptCount, _eta.Taken.Count);
        Assert.All(_eta.Taken, r => Assert.Equal(1, r.Value));
        var receipts = _eta.Receipts.Values.Select(r => JsonNode.Parse(r)!.AsObject()).ToList();
        Assert.All(receipts, r => Assert.Equal(r["header"]!["uuid"]!.GetValue<string>(), EtaVerifier.Uuid(r)));
        var byPrevious = receipts.ToDictionary(r => r["header"]!["previousUUID"]!.GetValue<string>());
        var chained = new List<JsonObject>();
        for (var previous = string.Empty; byPrevious.TryGetValue(previous, out var next); previous = next["header"]!["uuid"]!.GetValue<string>())
        {
            chained.Add(next);
        }

        Assert.Equal(receipts.Count, chained.Count);
        var returned = Assert.Single(receipts, r => r["documentType"]!["receiptType"]!.GetValue<string>() == "r");
        Assert.Contains(receipts, r => r["header"]!["uuid"]!.GetValue<string>() == returned["header"]!["referenceUUID"]!.GetValue<string>());
    }

    private static Dictionary<string, string?> Settings(AuthorityServer authorities) => new()
    {
        [$"PosBridge:Stores:{Saudi}:Currency"] = "SAR",
        [$"PosBridge:Stores:{Saudi}:TimeZone"] = "Asia/Riyadh",
        [$"PosBridge:Stores:{Egypt}:Currency"] = "EGP",
        [$"PosBridge:Stores:{Egypt}:TimeZone"] = "Africa/Cairo",
        ["Fiscal:Zatca:BaseUrl"] = new Uri(authorities.Address, "/zatca/").ToString(),
        ["Fiscal:Zatca:ReportEvery"] = "00:00:10",
        ["Fiscal:Eta:IdentityUrl"] = new Uri(authorities.Address, "/eta-id/").ToString(),
        ["Fiscal:Eta:ApiUrl"] = new Uri(authorities.Address, "/eta-api/").ToString(),
        ["Fiscal:Eta:SubmitEvery"] = "00:00:10",
        ["Fiscal:Eta:ValidateEvery"] = "00:00:10",
        ["Fiscal:Eta:Pos:T02:ClientId"] = "pos-client",
        ["Fiscal:Eta:Pos:T02:ClientSecret"] = "pos-secret",
        ["Fiscal:Eta:Pos:T02:SerialNumber"] = "POS-SN-0002",
        ["Fiscal:Eta:Pos:T02:OsVersion"] = "Debian 12",
        // The connector trusts the doubles' certificate as a machine trusts its roots.
        ["SSL_CERT_FILE"] = authorities.TrustFile,
    };

    private static string[] SaudiArguments() =>
    [
        "--demo", "--store", Saudi, "--till", "T01", "--currency", "SAR", "--timezone", "Asia/Riyadh",
        "--Till:Fiscal:Zatca:SellerName", "مؤسسة التمور الذهبية للتجارة", "--Till:Fiscal:Zatca:VatNumber", "399999999900003",
        "--Till:Fiscal:Zatca:CommercialRegistration", "1010010000", "--Till:Fiscal:Zatca:StreetName", "طريق العليا",
        "--Till:Fiscal:Zatca:BuildingNumber", "2322", "--Till:Fiscal:Zatca:CitySubdivision", "العليا",
        "--Till:Fiscal:Zatca:City", "الرياض", "--Till:Fiscal:Zatca:PostalZone", "12211",
        "--Till:Fiscal:Zatca:BranchName", "فرع العليا", "--Till:Fiscal:Zatca:Environment", "Sandbox",
    ];

    private static string[] EgyptArguments() =>
    [
        "--demo", "--store", Egypt, "--till", "T02", "--currency", "EGP", "--timezone", "Africa/Cairo",
        "--Till:Fiscal:Eta:Rin", "100000001", "--Till:Fiscal:Eta:CompanyTradeName", "بقالة باب اللوق",
        "--Till:Fiscal:Eta:Governate", "Cairo", "--Till:Fiscal:Eta:RegionCity", "Abdeen", "--Till:Fiscal:Eta:Street", "Falaki",
        "--Till:Fiscal:Eta:BuildingNumber", "12", "--Till:Fiscal:Eta:DeviceSerialNumber", "POS-SN-0002", "--Till:Fiscal:Eta:ActivityCode", "4711",
    ];

    private static string[] CounterArguments(string connector, string code) =>
    [
        "--store", Saudi, "--till", "T03", "--currency", "SAR", "--timezone", "Asia/Riyadh", "--connector", connector, "--pair", code,
        "--Till:Fiscal:Zatca:InvoiceTypes", "1100", .. SaudiArguments().SkipWhile(a => !a.StartsWith("--Till:Fiscal", StringComparison.Ordinal)),
    ];

    /// <summary>A till with its cashier screen (<c>posbridge-till demo</c>, the café catalog) as its own process, driven through the screen's API; paired when this returns.</summary>
    private async Task<ScreenTill> StartScreenTillAsync(string[] arguments)
    {
        var port = ServeProcess.FreePort();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[Path.Combine(TillBuild(), "PosBridge.Terminal.dll"), "demo", "--data", Path.Combine(_directory, "tills", "T03"), "--urls", $"http://127.0.0.1:{port}", .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("PosBridge__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var till = new ScreenTill(process, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) });
        _screens.Add(till);
        var until = Stopwatch.StartNew();
        while (until.Elapsed < TimeSpan.FromSeconds(60))
        {
            Assert.False(process.HasExited, "the screen till exited during start-up");
            try
            {
                if (await till.Http.GetFromJsonAsync<JsonNode>("/api/sync", Token) is { } sync && sync["paired"]!.GetValue<bool>())
                {
                    return till;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, Token);
        }

        throw new TimeoutException("the screen till was not paired in 60 s");
    }

    /// <summary>One screen action; a refusal fails the test with the till's words.</summary>
    private static async Task<JsonNode> PostAsync(ScreenTill till, string path, object body)
    {
        using var response = await till.Http.PostAsJsonAsync(path, body, Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return string.IsNullOrEmpty(text) ? new JsonObject() : JsonNode.Parse(text)!;
    }

    /// <summary>Waits until the screen till has sent every fiscal document (its sync loop runs by itself), and returns how many it issued.</summary>
    private static async Task<int> IssuedAsync(ScreenTill till)
    {
        var until = Stopwatch.StartNew();
        JsonNode? fiscal = null;
        while (until.Elapsed < TimeSpan.FromSeconds(60))
        {
            fiscal = await till.Http.GetFromJsonAsync<JsonNode>("/api/fiscal", Token);
            if (fiscal!["waiting"]!.GetValue<int>() == 0 && fiscal["notCleared"]!.GetValue<int>() == 0)
            {
                return (int)fiscal["issued"]!.GetValue<long>();
            }

            await Task.Delay(250, Token);
        }

        throw new Xunit.Sdk.XunitException($"the screen till has not sent every document: {fiscal}");
    }

    private sealed record ScreenTill(Process Process, HttpClient Http);

    private async Task StartConnectorAsync(HttpClient http, int port, Dictionary<string, string?> settings)
    {
        _connector = ServeProcess.Start(ConnectorData, port, settings);
        await ServeProcess.WaitReadyAsync(http, _connector, Token);
    }

    /// <summary>The connector's own command line makes the pairing code, as a manager does.</summary>
    private async Task<string> PairingCodeAsync(Dictionary<string, string?> settings, string store, string till)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { typeof(ConnectorApp).Assembly.Location, "tills", "pair", "--store", store, "--till", till, "--name", "Front counter", "--data", ConnectorData },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(Token);
        var error = process.StandardError.ReadToEndAsync(Token);
        await process.WaitForExitAsync(Token);
        Assert.True(process.ExitCode == 0, await error);
        var line = (await output).Split('\n').First(l => l.StartsWith("Pairing code", StringComparison.Ordinal));
        return line[(line.LastIndexOf(':') + 1)..].Trim();
    }

    private async Task<DemoTill> StartTillAsync(string id, string[] arguments)
    {
        var till = await DemoTill.StartAsync(id, TillBuild(), arguments, Path.Combine(_directory, "tills", id), Token);
        _tills.Add(till);
        return till;
    }

    /// <summary>SIGKILL, mid-command when <paramref name="unanswered"/> is given (sent, its answer not awaited); then the same till started again on its data.</summary>
    private async Task<DemoTill> KillAndRestartTillAsync(DemoTill till, string id, string[] arguments, string? unanswered)
    {
        if (unanswered is not null)
        {
            var pending = till.TryRunAsync(unanswered, Token);
            till.Kill();
            try
            {
                await pending;
            }
            catch (Exception e) when (e is DemoTillException or IOException)
            {
                // Killed before it answered: the sale committed or not, and the chain must be whole either way.
            }
        }
        else
        {
            till.Kill();
        }

        _tills.Remove(till);
        await till.DisposeAsync();
        var restarted = await StartTillAsync(id, arguments);
        // The shift may still be open, and the cart of the killed sale may be back: start clean either way.
        await restarted.TryRunAsync("open 500", Token);
        await restarted.TryRunAsync("void", Token);
        return restarted;
    }

    /// <summary>Sells the products (one each), pays cash, and returns the sale's number.</summary>
    private static async Task<string> SellAsync(DemoTill till, params string[] products)
    {
        foreach (var product in products)
        {
            await till.RunAsync($"sell {product}", Token);
        }

        var paid = await till.RunAsync("pay cash 1000", Token);
        return SaleNumber().Match(paid) is { Success: true } match ? match.Value : throw new Xunit.Sdk.XunitException($"no sale number in: {paid}");
    }

    /// <summary>Uploads what is left and returns how many documents the till says it issued.</summary>
    private static async Task<int> IssuedAsync(DemoTill till, string what)
    {
        await till.RunAsync("sync", Token);
        // The "zatca" command lists both authorities' chains (ETA receipts too).
        var status = await till.RunAsync("zatca", Token);
        var match = Regex.Match(status, what + @": (\d+) issued, 0 waiting");
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : throw new Xunit.Sdk.XunitException($"the till has not sent every document: {status}");
    }

    /// <summary>Waits until the connector has an answer for <paramref name="count"/> documents, read from its database.</summary>
    private async Task<IReadOnlyList<FiscalDocumentState>> WaitAnsweredAsync(int count)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var database = new ConnectorDatabase(Path.Combine(ConnectorData, "connector.db"));
        var store = new SqliteFiscalDocumentStore(database, clock);
        var until = Stopwatch.StartNew();
        IReadOnlyList<FiscalDocumentState> documents = [];
        while (until.Elapsed < TimeSpan.FromSeconds(60))
        {
            documents = await store.ListAsync(1000, Token);
            // Answered: reported, and an e-receipt the ETA took also validated (the ETA validates after taking it).
            if (documents.Count == count && documents.All(d => d.State != "waiting" && d.Validation?.Status != EtaValidationStatus.Waiting))
            {
                SqliteConnection.ClearAllPools();
                return documents;
            }

            await Task.Delay(250, Token);
        }

        SqliteConnection.ClearAllPools();
        throw new Xunit.Sdk.XunitException($"the connector answered {documents.Count(d => d.State != "waiting")} of {count} documents ({documents.Count} received)");
    }

    private static (long Counter, string PreviousHash, string Hash, string Type, string Subtype, string Certificate) Invoice(string xml)
    {
        var hash = ZatcaVerifier.Verify(xml);
        var document = ZatcaVerifier.Load(xml);
        var ns = ZatcaVerifier.Namespaces(document);
        string Text(string path) => document.SelectSingleNode(path, ns)?.InnerText ?? throw new Xunit.Sdk.XunitException($"{path} is missing");
        return (
            long.Parse(Text("/i:Invoice/cac:AdditionalDocumentReference[cbc:ID='ICV']/cbc:UUID"), System.Globalization.CultureInfo.InvariantCulture),
            Text("/i:Invoice/cac:AdditionalDocumentReference[cbc:ID='PIH']/cac:Attachment/cbc:EmbeddedDocumentBinaryObject"),
            hash,
            Text("/i:Invoice/cbc:InvoiceTypeCode"),
            document.SelectSingleNode("/i:Invoice/cbc:InvoiceTypeCode/@name", ns)!.Value!,
            Text("//ds:X509Certificate"));
    }

    /// <summary>src/PosBridge.Connector/bin/CONFIGURATION/net10.0/till: the till the connector's build puts beside it.</summary>
    private static string TillBuild()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "PosBridge.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var build = Path.Combine(root.FullName, "src", "PosBridge.Connector", "bin", here.Parent!.Name, here.Name, "till");
        Assert.True(File.Exists(Path.Combine(build, "PosBridge.Terminal.dll")), $"no till beside the connector's build in {build}");
        return build;
    }

    [GeneratedRegex(@"\b[A-Z0-9]+(-[A-Z0-9]+)*-T0\d-\d{4}-\d{6}\b")]
    private static partial Regex SaleNumber();

    public async ValueTask DisposeAsync()
    {
        foreach (var till in _tills)
        {
            till.Kill();
            await till.DisposeAsync();
        }

        foreach (var screen in _screens)
        {
            ServeProcess.Kill(screen.Process);
            screen.Process.Dispose();
            screen.Http.Dispose();
        }

        if (_connector is not null)
        {
            ServeProcess.Kill(_connector);
            _connector.Dispose();
        }

        _zatca.Dispose();
        _eta.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
