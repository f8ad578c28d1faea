using System.Diagnostics;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace PosBridge.Terminal.Screen.Tests;

/// <summary>
/// Debian's headless Chromium driven through Debian's chromedriver, with the flags a closed network
/// needs (no background calls home) and a fresh profile each time.
/// </summary>
internal sealed class Browser : IDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";
    private readonly string _profile = Directory.CreateTempSubdirectory("posbridge-chromium-").FullName;

    public Browser(int width = 1024, int height = 768)
    {
        if (!File.Exists(ChromiumPath) || !File.Exists(DriverPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} or {DriverPath} is missing: run scripts/install-chromium.sh (test.sh does).");
        }

        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--lang=en-US",
            $"--window-size={width},{height}",
            $"--user-data-dir={_profile}");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        Driver.Manage().Timeouts().AsynchronousJavaScript = TimeSpan.FromSeconds(30);
        Viewport(width, height);
    }

    public ChromeDriver Driver { get; }

    /// <summary>The page's layout viewport, exactly (a phone is 360×740 CSS pixels).</summary>
    public void Viewport(int width, int height) =>
        Driver.ExecuteCdpCommand("Emulation.setDeviceMetricsOverride", new Dictionary<string, object?>
        {
            ["width"] = width,
            ["height"] = height,
            ["deviceScaleFactor"] = 1,
            ["mobile"] = width < 760,
        });

    public object? Js(string script, params object[] args) => Driver.ExecuteScript(script, args);

    public IWebElement Find(string test) => Driver.FindElement(By.CssSelector($"[data-test='{test}']"));

    public IReadOnlyList<IWebElement> All(string test) => Driver.FindElements(By.CssSelector($"[data-test='{test}']"));

    /// <summary>Clicks the <paramref name="index"/>th element marked <paramref name="test"/>, finding it again if the page redrew it meanwhile.</summary>
    public void Click(string test, int index = 0) => Retry(() => All(test)[index].Click(), $"click {test}");

    /// <summary>Types into the element marked <paramref name="test"/>, finding it again if the page redrew it meanwhile.</summary>
    public void Type(string test, string text) => Retry(() => Find(test).SendKeys(text), $"type into {test}");

    /// <summary>Reads something off the page, finding its elements again if the page redrew them meanwhile.</summary>
    public static T Read<T>(Func<T> read, string what)
    {
        var value = default(T)!;
        Retry(() => value = read(), "read " + what);
        return value;
    }

    // The page renders from each new state, so an element found a moment ago may have been replaced.
    public static void Retry(Action action, string what)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                action();
                return;
            }
            catch (Exception ex) when (attempt < 50 && ex is StaleElementReferenceException or ElementClickInterceptedException or ElementNotInteractableException or ArgumentOutOfRangeException or NoSuchElementException)
            {
                Thread.Sleep(100);
            }
            catch (Exception ex) when (ex is StaleElementReferenceException or ElementClickInterceptedException or ElementNotInteractableException or ArgumentOutOfRangeException or NoSuchElementException)
            {
                throw new InvalidOperationException($"Could not {what} in 5 s: {ex.Message}", ex);
            }
        }
    }

    /// <summary>Waits for <paramref name="condition"/>, failing with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static void Until(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        Exception? last = null;
        while (clock.Elapsed < limit)
        {
            try
            {
                if (condition())
                {
                    return;
                }
            }
            catch (WebDriverException e)
            {
                last = e;
            }

            Thread.Sleep(50);
        }

        throw new TimeoutException($"Timed out after {limit.TotalSeconds:0} s waiting for: {what}", last);
    }

    public void Screenshot(string path) => Driver.GetScreenshot().SaveAsFile(path);

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still hold a file for a moment; the profile is in the temp folder.
        }
    }
}
