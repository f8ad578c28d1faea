using System.Diagnostics;
using PosBridge.Terminal.Screen;
using PosBridge.Terminal.Session;

namespace PosBridge.Terminal.Tests.Install;

/// <summary>
/// The till finds its settings as the connector does: appsettings.json beside the binary, then --config, then
/// PosBridge__ environment variables, never the folder it was started in; and its data folder must exist unless --create.
/// The till runs as a child process from a copy of its build, so "beside the binary" and the working directory are real.
/// </summary>
public sealed class TillConfigurationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("posbridge-till-config-").FullName;
    private readonly string _binary;
    private readonly string _data;
    private readonly string _workingDirectory;

    public TillConfigurationTests()
    {
        _binary = CopyTillBuild(Path.Combine(_root, "bin"));
        _data = Directory.CreateDirectory(Path.Combine(_root, "till-data")).FullName;
        File.WriteAllText(Path.Combine(_binary, "appsettings.json"), $$"""{ "Till": { "StoreId": "BESIDE", "TillId": "T1" }, "Screen": { "DataDirectory": "{{_data.Replace("\\", "\\\\", StringComparison.Ordinal)}}" } }""");
        // A folder the till is started in, holding another till's settings and data folder name: both must be ignored.
        _workingDirectory = Directory.CreateDirectory(Path.Combine(_root, "cwd")).FullName;
        File.WriteAllText(Path.Combine(_workingDirectory, "appsettings.json"), """{ "Till": { "StoreId": "WORKDIR", "TillId": "T9" }, "Screen": { "DataDirectory": "workdir-data" } }""");
    }

    [Fact]
    public async Task Session_StartedInAFolderWithItsOwnAppsettings_ReadsTheFileBesideTheBinary()
    {
        var (code, output, error) = await RunTillAsync([], []);

        Assert.True(code == 0, output + error);
        Assert.Contains($"Till BESIDE-T1 on {Path.Combine(_data, "till.db")}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("WORKDIR", output, StringComparison.Ordinal);
        Assert.Equal(new[] { "appsettings.json" }, Directory.EnumerateFileSystemEntries(_workingDirectory).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Session_ConfigFile_WinsOverTheBinarysFileAndEnvironmentWinsOverIt()
    {
        var config = Path.Combine(_root, "till.json");
        await File.WriteAllTextAsync(config, """{ "Till": { "StoreId": "CONFIG" } }""", TestContext.Current.CancellationToken);

        var fromFile = await RunTillAsync(["--config", config], []);
        var fromVariable = await RunTillAsync([], new() { ["POSBRIDGE_TILL_CONFIG"] = config });
        var fromEnvironment = await RunTillAsync(["--config", config], new() { ["PosBridge__Till__StoreId"] = "ENVIRONMENT" });

        Assert.True(fromFile.Code == 0, fromFile.Output + fromFile.Error);
        Assert.Contains("Till CONFIG-T1 on", fromFile.Output, StringComparison.Ordinal);
        Assert.Contains("Till CONFIG-T1 on", fromVariable.Output, StringComparison.Ordinal);
        Assert.Contains("Till ENVIRONMENT-T1 on", fromEnvironment.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_ConfigFileNotThere_NamedExitCode2NoStackTrace()
    {
        var missing = Path.Combine(_root, "nope.json");

        var (code, output, error) = await RunTillAsync(["--config", missing], []);

        Assert.Equal(2, code);
        Assert.Contains($"the settings file '{missing}' given with --config does not exist.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ConfigFileNotThere_TheTillCannotStartNamesIt()
    {
        var missing = Path.Combine(_root, "nope.json");

        var e = Assert.Throws<InvalidOperationException>(() => TillHost.Build(["--config", missing, "--data", _data, "--store", "CAI1", "--till", "T1"]));

        Assert.StartsWith("The till cannot start", e.Message, StringComparison.Ordinal);
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_MistypedDataFolder_RefusedNamingItAndCreateWithNothingMade()
    {
        var mistyped = Path.Combine(_root, "tll-data");

        var e = Assert.Throws<InvalidOperationException>(() => TillHost.Build(["--data", mistyped, "--store", "CAI1", "--till", "T1", "--urls", "http://127.0.0.1:0"]));

        Assert.StartsWith("The till cannot start", e.Message, StringComparison.Ordinal);
        Assert.Contains($"the data folder {mistyped} does not exist", e.Message, StringComparison.Ordinal);
        Assert.Contains("--create", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(mistyped));
    }

    [Fact]
    public async Task Build_NewFolderWithCreate_MadeForItsUserOnly()
    {
        var data = Path.Combine(_root, "new-till");

        await using (var app = TillHost.Build(["--data", data, "--create", "--store", "CAI1", "--till", "T1", "--urls", "http://127.0.0.1:0"]))
        {
            _ = app.Services.GetService(typeof(global::PosBridge.Terminal.Storage.TillDatabase));
        }

        Assert.True(File.Exists(Path.Combine(data, "till.db")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
        }
    }

    [Fact]
    public async Task Session_MistypedDataFolder_RefusedExitCode2NothingMade()
    {
        var mistyped = Path.Combine(_root, "tll-data");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await SessionProgram.RunAsync(["--data", mistyped, "--store", "CAI1", "--till", "T1"], new StringReader("status\n"), output, error, stdinRedirected: true);

        Assert.Equal(2, code);
        Assert.Contains($"the data folder {mistyped} does not exist", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--create", error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(mistyped));

        code = await SessionProgram.RunAsync(["--data", mistyped, "--create", "--store", "CAI1", "--till", "T1"], new StringReader("status\n"), output, error, stdinRedirected: true);

        Assert.True(code == 0, error.ToString());
        Assert.True(File.Exists(Path.Combine(mistyped, "till.db")));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>The till's own build (src/PosBridge.Terminal/bin/CONFIGURATION/net10.0), copied so a settings file can sit beside it.</summary>
    private static string CopyTillBuild(string target)
    {
        var testBuild = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testBuild.Parent!.Name;
        var root = testBuild;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "PosBridge.sln")))
        {
            root = root.Parent;
        }

        var source = Path.Combine(root!.FullName, "src", "PosBridge.Terminal", "bin", configuration, testBuild.Name);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        return target;
    }

    /// <summary>Runs 'posbridge-till session --prompt' in the working folder with only the given PosBridge settings in its environment.</summary>
    private async Task<(int Code, string Output, string Error)> RunTillAsync(string[] arguments, Dictionary<string, string> environment)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _workingDirectory,
        };
        foreach (var argument in (string[])[Path.Combine(_binary, "PosBridge.Terminal.dll"), "session", "--prompt", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("PosBridge__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("POSBRIDGE_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync("status\n");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
