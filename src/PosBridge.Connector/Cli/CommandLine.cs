using System.Globalization;

namespace PosBridge.Connector.Cli;

/// <summary>
/// The <c>posbridge</c> command line. Exit codes: 0 done, 1 the input had problems (reported),
/// 2 the command was used wrongly (usage printed).
/// </summary>
internal static class CommandLine
{
    public const int Ok = 0;
    public const int InputProblems = 1;
    public const int Usage = 2;

    private const string Help = """
        posbridge: carries a shop's till sales to its back office.

        Commands:
          demo [--date YYYY-MM-DD] [--sales N] [--out FILE]
              Runs one business day of a Cairo cafe through PosBridge: builds N sales (default 120)
              with the tax engine, writes them as sale documents (JSON lines) to FILE
              (default out/demo-sales.jsonl), reads them back and validates every one as the
              connector does on ingestion, and prints the day's Z summary.
          validate FILE
              Validates a file of sale documents (one JSON object per line) and reports every
              problem by line and field. Exit code 1 when any sale is refused.
          help
              Shows this text.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            await output.WriteLineAsync(Help).ConfigureAwait(false);
            return args.Length == 0 ? Usage : Ok;
        }

        var options = ParseOptions(args.AsSpan(1), out var positional, out var problem);
        if (problem is not null)
        {
            return await UsageErrorAsync(error, problem).ConfigureAwait(false);
        }

        switch (args[0])
        {
            case "demo":
                if (positional.Count > 0 || options.Keys.Any(k => k is not ("date" or "sales" or "out")))
                {
                    return await UsageErrorAsync(error, "demo takes --date, --sales and --out only.").ConfigureAwait(false);
                }

                var date = DateOnly.FromDateTime(timeProvider.GetLocalNow().Date);
                if (options.TryGetValue("date", out var dateText)
                    && !DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
                {
                    return await UsageErrorAsync(error, $"--date '{dateText}' is not a date like 2026-11-23.").ConfigureAwait(false);
                }

                var sales = 120;
                if (options.TryGetValue("sales", out var salesText)
                    && (!int.TryParse(salesText, NumberStyles.None, CultureInfo.InvariantCulture, out sales) || sales is < 1 or > 100_000))
                {
                    return await UsageErrorAsync(error, $"--sales '{salesText}' must be a whole number from 1 to 100000.").ConfigureAwait(false);
                }

                var file = options.GetValueOrDefault("out") ?? Path.Combine("out", "demo-sales.jsonl");
                return await DemoDay.RunAsync(date, sales, file, output, error, cancellationToken).ConfigureAwait(false);

            case "validate":
                if (positional.Count != 1 || options.Count > 0)
                {
                    return await UsageErrorAsync(error, "validate takes exactly one file: posbridge validate sales.jsonl").ConfigureAwait(false);
                }

                return await ValidateCommand.RunAsync(positional[0], output, error, cancellationToken).ConfigureAwait(false);

            default:
                return await UsageErrorAsync(error, $"'{args[0]}' is not a posbridge command.").ConfigureAwait(false);
        }
    }

    private static Dictionary<string, string> ParseOptions(ReadOnlySpan<string> args, out List<string> positional, out string? problem)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        positional = [];
        problem = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(args[i]);
                continue;
            }

            var name = args[i][2..];
            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                problem = $"--{name} needs a value.";
                return options;
            }

            if (!options.TryAdd(name, args[++i]))
            {
                problem = $"--{name} is given twice.";
                return options;
            }
        }

        return options;
    }

    private static async Task<int> UsageErrorAsync(TextWriter error, string message)
    {
        await error.WriteLineAsync($"posbridge: {message}").ConfigureAwait(false);
        await error.WriteLineAsync("Run 'posbridge help' for the commands and their options.").ConfigureAwait(false);
        return Usage;
    }
}
