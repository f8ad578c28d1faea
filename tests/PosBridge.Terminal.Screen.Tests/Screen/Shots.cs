
namespace PosBridge.Terminal.Screen.Tests.Screen;

/// <summary>Photographs the page as it is, in each size and language, and puts it back as it was.</summary>
internal sealed class Shots
{
    public static readonly (string Name, int Width, int Height)[] Sizes = [("phone", 360, 740), ("tablet", 1024, 768)];

    private readonly Browser _browser;
    private readonly string _directory;

    public Shots(Browser browser, string folder = "screens")
    {
        _browser = browser;
        _directory = Path.Combine(TestResultsDirectory(), folder);
        Directory.CreateDirectory(_directory);
        foreach (var old in Directory.GetFiles(_directory, "*.png"))
        {
            File.Delete(old);
        }
    }

    public void Take(string step)
    {
        foreach (var language in new[] { "en", "ar" })
        {
            _browser.Js("window.posbridge.setLanguage(arguments[0])", language);
            foreach (var (name, width, height) in Sizes)
            {
                _browser.Viewport(width, height);
                // Two frames: layout and paint at the new size.
                _browser.Driver.ExecuteAsyncScript("const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(done));");
                _browser.Screenshot(Path.Combine(_directory, $"{step}-{language}-{name}.png"));
            }
        }

        _browser.Js("window.posbridge.setLanguage('en')");
        _browser.Viewport(1024, 768);
    }

    private static string TestResultsDirectory()
    {
        if (Environment.GetEnvironmentVariable("POSBRIDGE_SCREENS_DIR") is { Length: > 0 } configured)
        {
            return configured;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PosBridge.Terminal.Screen.Tests.csproj")))
            {
                return Path.Combine(directory.FullName, "TestResults");
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "TestResults");
    }
}
