using PosBridge.Connector.Cli;

namespace PosBridge.Connector.Dashboard;

/// <summary>
/// <c>posbridge dashboard hash-password</c>: reads the password from standard input (so it stays out of the
/// shell's history and the process list) and prints the hash to put in <c>PosBridge:Dashboard:Password</c>.
/// </summary>
internal static class HashPasswordCommand
{
    public static async Task<int> RunAsync(TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var password = (await input.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.TrimEnd('\r') ?? string.Empty;
        if (DashboardPassword.Weakness(password) is { } weakness)
        {
            await error.WriteLineAsync($"posbridge: the password is too weak: {weakness}").ConfigureAwait(false);
            return CommandLine.InputProblems;
        }

        await output.WriteLineAsync(DashboardPassword.Hash(password)).ConfigureAwait(false);
        return CommandLine.Ok;
    }
}
