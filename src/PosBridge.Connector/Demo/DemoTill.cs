using System.Diagnostics;
using System.Text;

namespace PosBridge.Connector.Demo;

/// <summary>A till command the till refused (its <c>error:</c> line), or a till that stopped answering.</summary>
internal sealed class DemoTillException(string message) : Exception(message);

/// <summary>
/// A real till (the <c>PosBridge.Terminal</c> build beside the connector's, in <c>till/</c>) run as a child process with
/// its own database: <c>posbridge-till session --prompt</c>, driven one command at a time through its standard input,
/// each answer read up to the session's <c>till&gt; </c> prompt. A child process because the till's SQLite library
/// (SQLitePCLRaw 3) cannot share a process with the connector's (2.1). The child ends when its standard input closes,
/// so it does not outlive a demo that is killed; <see cref="DisposeAsync"/> asks it to quit and kills it if it does not.
/// </summary>
internal sealed class DemoTill : IAsyncDisposable
{
    private const string Prompt = "till> ";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StreamWriter _errorLog;
    private readonly char[] _buffer = new char[4096];

    private DemoTill(string id, Process process, StreamWriter errorLog)
    {
        Id = id;
        _process = process;
        _errorLog = errorLog;
    }

    public string Id { get; }

    public int ProcessId => _process.Id;

    /// <summary>Where the till's own build is: <c>till/</c> beside the connector's binary (copied there by the connector's build).</summary>
    public static string? FindBuild()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "till");
        return File.Exists(Path.Combine(directory, "PosBridge.Terminal.dll")) ? directory : null;
    }

    /// <summary>Starts the till on its data folder and reads up to its first prompt.</summary>
    public static async Task<DemoTill> StartAsync(string id, string build, IEnumerable<string> arguments, string dataDirectory, CancellationToken cancellationToken = default)
    {
        var appHost = Path.Combine(build, OperatingSystem.IsWindows() ? "PosBridge.Terminal.exe" : "PosBridge.Terminal");
        var start = File.Exists(appHost)
            ? new ProcessStartInfo(appHost)
            : new ProcessStartInfo(DotnetHost()) { ArgumentList = { Path.Combine(build, "PosBridge.Terminal.dll") } };
        start.ArgumentList.Add("session");
        start.ArgumentList.Add("--prompt");
        start.ArgumentList.Add("--data");
        start.ArgumentList.Add(dataDirectory);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.WorkingDirectory = dataDirectory;
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.StandardOutputEncoding = new UTF8Encoding(false);
        start.StandardErrorEncoding = new UTF8Encoding(false);
        start.StandardInputEncoding = new UTF8Encoding(false);
        // The till's own settings beside it (appsettings.json, PosBridge__ variables) are not the demo's: only the switches count.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("PosBridge__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        Directory.CreateDirectory(dataDirectory);
        var errorLog = new StreamWriter(Path.Combine(dataDirectory, "till.log"), append: false, new UTF8Encoding(false)) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (errorLog)
                {
                    try
                    {
                        errorLog.WriteLine(e.Data);
                    }
                    catch (ObjectDisposedException)
                    {
                        // A last line after the till was let go: nobody reads the log any more.
                    }
                }
            }
        };
        process.Start();
        process.BeginErrorReadLine();
        var till = new DemoTill(id, process, errorLog);
        try
        {
            await till.ReadAnswerAsync("start", cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await till.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return till;
    }

    /// <summary>Runs one command; throws <see cref="DemoTillException"/> with the till's words when it refuses.</summary>
    public async Task<string> RunAsync(string command, CancellationToken cancellationToken = default)
    {
        var answer = await TryRunAsync(command, cancellationToken).ConfigureAwait(false);
        var refusal = answer.Split('\n').FirstOrDefault(l => l.StartsWith("error: ", StringComparison.Ordinal));
        return refusal is null ? answer : throw new DemoTillException($"till {Id} refused '{command}': {refusal[7..].Trim()}");
    }

    /// <summary>Runs one command and returns all it printed, refusals included.</summary>
    public async Task<string> TryRunAsync(string command, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        await _process.StandardInput.WriteLineAsync(command.AsMemory(), cancellationToken).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAnswerAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> ReadAnswerAsync(string command, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        var answer = new StringBuilder();
        while (!EndsWithPrompt(answer))
        {
            int read;
            try
            {
                read = await _process.StandardOutput.ReadAsync(_buffer.AsMemory(), timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new DemoTillException($"till {Id} did not answer '{command}' within {CommandTimeout.TotalSeconds:0} s.");
            }

            if (read == 0)
            {
                throw new DemoTillException($"till {Id} stopped while running '{command}': {answer.ToString().Trim()} (its log: {Path.Combine(_process.StartInfo.WorkingDirectory, "till.log")})");
            }

            answer.Append(_buffer, 0, read);
        }

        answer.Length -= Prompt.Length;
        return answer.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private static bool EndsWithPrompt(StringBuilder text)
    {
        if (text.Length < Prompt.Length)
        {
            return false;
        }

        for (var i = 0; i < Prompt.Length; i++)
        {
            if (text[text.Length - Prompt.Length + i] != Prompt[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The host running this process when it is <c>dotnet</c>, else <c>dotnet</c> from the path.</summary>
    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? path
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    /// <summary>Kills the till at once (the demo is being interrupted); safe to call from any thread, more than once.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It ended meanwhile.
        }
    }

    /// <summary>Asks the till to quit (its database is closed cleanly), and kills it if it has not within 10 s.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    Kill();
                    await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        catch (IOException)
        {
            // The pipe broke: the till is gone already, or going.
            Kill();
        }
        finally
        {
            _process.Dispose();
            lock (_errorLog)
            {
                _errorLog.Dispose();
            }
        }
    }
}
