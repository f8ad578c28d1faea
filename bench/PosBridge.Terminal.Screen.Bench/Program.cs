using System.Globalization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using OpenQA.Selenium.Interactions;
using PosBridge.Terminal.Screen;
using PosBridge.Terminal.Screen.Tests;

// The cashier screen in Debian's headless Chromium against a demo till on loopback:
//  1. first load: bytes over the wire (compressed) and decoded, per request (page files and the
//     first state and tiles from the API), from a cold profile;
//  2. scan to line on screen: from the Enter key of a keyboard-wedge scan to the frame after the
//     line is drawn (the page records it), over a fixed workload of scans. Target < 100 ms.
// Run: dotnet run -c Release --project bench/PosBridge.Terminal.Screen.Bench [-- SCANS]
var scans = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 300;
const int WarmUp = 20;
var data = Directory.CreateTempSubdirectory("posbridge-screen-bench-").FullName;
var app = TillHost.Build(["--data", data, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"], demo: true);
await app.StartAsync();
try
{
    var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    using var http = new HttpClient { BaseAddress = address };
    (await http.PostAsJsonAsync("/api/shift/open", new { openingFloat = 0 })).EnsureSuccessStatusCode();

    using var browser = new Browser(360, 740);
    browser.Driver.Navigate().GoToUrl(address);
    Browser.Until(() => (bool)browser.Js("return !document.body.classList.contains('loading')")!, "the page to draw");
    Thread.Sleep(1500); // the service worker's registration and the manifest come after the first paint
    var files = ((IEnumerable<object>)browser.Js("""
        return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
          .map(e => [new URL(e.name).pathname + new URL(e.name).search, e.transferSize, e.encodedBodySize, e.decodedBodySize]);
        """)!).Cast<IReadOnlyList<object>>().Select(f => (Path: (string)f[0], Wire: Convert.ToInt64(f[1], CultureInfo.InvariantCulture), Encoded: Convert.ToInt64(f[2], CultureInfo.InvariantCulture), Decoded: Convert.ToInt64(f[3], CultureInfo.InvariantCulture))).ToList();
    Console.WriteLine("First load (cold profile, gzip over loopback):");
    foreach (var f in files)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {f.Path,-24} {f.Wire,8:N0} B on the wire  {f.Encoded,8:N0} B body  {f.Decoded,8:N0} B decoded"));
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  total: {files.Sum(f => f.Wire):N0} B on the wire ({files.Sum(f => f.Encoded):N0} B bodies, {files.Sum(f => f.Decoded):N0} B decoded); target < 300 KB"));

    string[] codes = [DemoCatalog.WaterBarcode, DemoCatalog.MilkBarcode, DemoCatalog.BeansBarcode, DemoCatalog.DatesBarcode, DemoCatalog.ChipsBarcode];
    for (var i = 0; i < scans + WarmUp; i++)
    {
        if (i % 25 == 0)
        {
            (await http.PostAsync("/api/cart/clear", null)).EnsureSuccessStatusCode();
        }

        new Actions(browser.Driver).SendKeys(codes[i % codes.Length] + Keys.Enter).Perform();
        var expected = i + 1;
        Browser.Until(() => Convert.ToInt64(browser.Js("return window.posbridge.scans.length"), CultureInfo.InvariantCulture) >= expected, $"scan {expected} on screen");
    }

    var times = ((IEnumerable<object>)browser.Js("return window.posbridge.scans")!).Select(o => Convert.ToDouble(o, CultureInfo.InvariantCulture)).Skip(WarmUp).Order().ToList();
    double At(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Scan to line on screen ({times.Count} scans at 360×740, after {WarmUp} warm-up): median {At(0.5):F1} ms, p95 {At(0.95):F1} ms, p99 {At(0.99):F1} ms, max {times[^1]:F1} ms; target < 100 ms"));
}
finally
{
    await app.StopAsync();
    await app.DisposeAsync();
    Directory.Delete(data, recursive: true);
}
