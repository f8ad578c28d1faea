using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using PosBridge.Terminal.Nfc;
using PosBridge.Terminal.Screen;
using PosBridge.Terminal.Storage;
using PosBridge.Till;
using PosBridge.Till.Payments;

namespace PosBridge.Terminal.Session;

/// <summary>
/// <c>posbridge-till session</c>: the same settings as <c>serve</c> (<see cref="TillConfiguration"/>: <c>appsettings.json</c>
/// beside the binary, <c>--config</c>, <c>PosBridge__…</c>, the same switches, <c>--create</c> for a new data folder), so a
/// session works on the same till database, plus <c>--script FILE</c> (<c>-</c>: standard input)
/// <c>--demo</c> (a demo café's catalog and manager PIN 1234 on an empty till) and <c>--prompt</c> (the typed session's
/// prompt after every command, also when the commands come through a pipe: a program driving the till reads each
/// command's answer up to the prompt, and a refused command does not end the session).
/// </summary>
internal static class SessionProgram
{
    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, bool stdinRedirected)
    {
        string? script = null;
        var demo = false;
        var prompt = false;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--script" when i + 1 < args.Length:
                    script = args[++i];
                    break;
                case "--script":
                    await stderr.WriteLineAsync("--script needs a file name (or - for standard input).").ConfigureAwait(false);
                    return 2;
                case "--config" or "--create":
                    rest.Add(args[i]);
                    break;
                case "--demo":
                    demo = true;
                    break;
                case "--prompt":
                    prompt = true;
                    break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal) && !args[i].Contains(':', StringComparison.Ordinal) && !TillHost.Switches.ContainsKey(args[i]))
                    {
                        await stderr.WriteLineAsync($"'{args[i]}' is not a switch of 'session'. Use --script FILE, --demo, --prompt, --config FILE, --create, or {string.Join(", ", TillHost.Switches.Keys)}.").ConfigureAwait(false);
                        return 2;
                    }

                    rest.Add(args[i]);
                    break;
            }
        }

        var configuration = new ConfigurationBuilder();
        if (demo)
        {
            configuration.AddInMemoryCollection(DemoCatalog.Settings);
        }

        IConfiguration settings;
        TillStart start;
        try
        {
            start = TillConfiguration.Parse(rest);
            settings = configuration.AddTillSources(start).Build();
        }
        catch (FormatException e)
        {
            await stderr.WriteLineAsync($"The switches are not understood: {e.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("The till cannot start", StringComparison.Ordinal))
        {
            await stderr.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 2;
        }

        var till = settings.GetSection("Till").Get<TillOptions>() ?? new TillOptions();
        var screen = settings.GetSection(ScreenOptions.Section).Get<ScreenOptions>() ?? new ScreenOptions();
        var problems = TillHost.Problems(till).ToList();
        if (string.IsNullOrWhiteSpace(screen.DataDirectory))
        {
            problems.Add("Screen:DataDirectory is empty (--data).");
        }
        else if (!Directory.Exists(screen.DataDirectory) && !(start.Create || demo))
        {
            problems.Add($"the data folder {Path.GetFullPath(screen.DataDirectory)} does not exist. Give the folder this till uses (--data DIR or Screen:DataDirectory), or add --create to start a new, empty till there.");
        }

        if (problems.Count > 0)
        {
            await stderr.WriteLineAsync("The till cannot start:" + string.Concat(problems.Select(p => Environment.NewLine + " - " + p))).ConfigureAwait(false);
            return 2;
        }

        TextReader input;
        try
        {
            input = script is null or "-" ? stdin : new StreamReader(script);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"Cannot read the script '{script}': {e.Message}").ConfigureAwait(false);
            return 2;
        }

        try
        {
            TillConfiguration.RequireDataDirectory(screen.DataDirectory, create: true);
            using var database = TillDatabase.Open(TillHost.DatabasePath(screen));
            if (demo)
            {
                DemoCatalog.SeedIfEmpty(new Catalog.CatalogStore(database, till), new TileLayout(database), database, till.Currency);
            }

            // The engine's warnings go to standard error, so standard output holds only what the session prints; so does a
            // long catalog pull's progress ("page 3 of 12").
            using var loggers = LoggerFactory.Create(b => b
                .AddSimpleConsole(o => o.SingleLine = true)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
                .AddFilter((category, level) => level >= LogLevel.Warning || (level >= LogLevel.Information && category == typeof(Sync.CatalogPuller).FullName)));
            var time = TimeProvider.System;
            if (database.RestoredOnOpen is { } restored)
            {
                Log.DatabaseRestoredOnOpen(loggers.CreateLogger<TillDatabase>(), restored);
            }
            // A USB wedge reader types into the same input as the commands; in a script, the line after 'pair tap' is the tag.
            using var nfc = new KeyboardWedgeNfcReader(input, time);
            using var session = new TillSession(database, till, screen, new SimulatedPaymentTerminal(), nfc, time, loggers, stdout);
            var interactive = prompt || (script is null && !stdinRedirected);
            if (interactive)
            {
                await stdout.WriteLineAsync($"Till {till.StoreId}-{till.TillId} on {database.Path}. Type 'help' for the commands.").ConfigureAwait(false);
            }

            return await session.RunAsync(input, interactive).ConfigureAwait(false);
        }
        finally
        {
            if (!ReferenceEquals(input, stdin))
            {
                input.Dispose();
            }
        }
    }
}
