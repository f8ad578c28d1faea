using PosBridge.Terminal.Screen;
using PosBridge.Terminal.Session;

namespace PosBridge.Terminal;

/// <summary>
/// The till process: <c>serve</c> runs the till with its cashier screen on loopback; <c>demo</c> does the
/// same on a till filled with a café's catalog, for trying the screen; <c>session</c> runs a till without a screen
/// from a script or typed commands (<see cref="TillSession"/>).
/// </summary>
public static class TillProgram
{
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var verb = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "help";
        if (verb == "session")
        {
            return await SessionProgram.RunAsync(args[1..], Console.In, Console.Out, Console.Error, Console.IsInputRedirected).ConfigureAwait(false);
        }

        if (verb is not ("serve" or "demo"))
        {
            await Console.Out.WriteLineAsync("""
                posbridge-till serve [--data DIR [--create]] [--urls http://127.0.0.1:5090] [--store ID --till ID]
                                     [--connector URL [--pair CODE]] [--lang en|ar] [--digits latin|arabic] [--pin LOGIN-PIN]
                                     [--config FILE]
                posbridge-till demo  (the same, on a till filled with a demo café catalog; manager PIN 1234)
                posbridge-till session [--script FILE|-] [--demo] [--prompt] [the same settings as serve]
                                     a till without a screen: commands from FILE, stdin, or typed ('help' lists them);
                                     --prompt: the prompt after each command also through a pipe (for a driving program)

                Then open the screen in the device's browser at the --urls address.
                Any setting can also be given as --Section:Key value (e.g. --Screen:UploadWarningAge 00:10:00).
                Settings are read from appsettings.json beside this binary, then --config FILE (or the file named by
                POSBRIDGE_TILL_CONFIG), then PosBridge__Section__Key environment variables, then the command line.
                --data DIR must be an existing folder (default ./till-data); --create makes a new one (demo makes it itself).
                """).ConfigureAwait(false);
            return verb == "help" ? 0 : 2;
        }

        try
        {
            await using var app = TillHost.Build(args[1..], demo: verb == "demo");
            await app.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("The till cannot start", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 2;
        }
    }
}
