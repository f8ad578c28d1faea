using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using PosBridge.Connector.Dashboard;
using PosBridge.Connector.Hosting;
using PosBridge.Core.Privacy;

namespace PosBridge.Connector.Cli;

/// <summary>
/// <c>posbridge init</c>: writes a first configuration for one store — its id, name, currency and time zone, the
/// dashboard's password (kept as a hash), the data folder, a product-file catalog with the store's VAT, and the ledgers
/// the accountant imports. Every value missing from the flags is asked for on standard input. The configuration is
/// checked with the connector's own start-up checks before anything is written: a bad value is named, the exit code is
/// 2, and no file or folder is made. An existing file is replaced only with <c>--force</c>, and kept as <c>.bak</c>.
/// </summary>
internal static class InitCommand
{
    public static readonly string[] Flags = ["out", "store", "store-name", "currency", "timezone", "vat", "dashboard-password", "ledgers", "data", "force"];

    private static readonly string[] LedgerDialects = ["generic", "xero-journals", "xero-invoices", "quickbooks", "sage-cloud", "sage50", "zoho"];

    public static async Task<int> RunAsync(Dictionary<string, string> options, TextReader input, bool interactiveConsole, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var target = Path.GetFullPath(options.GetValueOrDefault("out") ?? (Environment.GetEnvironmentVariable(CommandLine.ConfigVariable) is { Length: > 0 } named ? named : ConnectorConfiguration.BesideBinary));
        var force = options.TryGetValue("force", out var forceText) && forceText == "yes";
        if (File.Exists(target) && !force)
        {
            return await RefuseAsync(error, [$"{target} already exists and was left as it is. Give --force to replace it (the old file is kept as {Path.GetFileName(target)}.bak), or --out another file."]).ConfigureAwait(false);
        }

        if (options.GetValueOrDefault("dashboard-password") == "-")
        {
            // First, whatever else is asked: the password is the first line of standard input.
            var line = await input.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(line?.TrimEnd('\r')))
            {
                return await RefuseAsync(error, ["--dashboard-password - found no password on standard input."]).ConfigureAwait(false);
            }

            options["dashboard-password"] = line.TrimEnd('\r');
        }

        var prompts = new Prompts(input, output, interactiveConsole, options);
        var store = await prompts.AskAsync("store", "Store id (letters, digits, - or _; e.g. CAI1)", null, cancellationToken).ConfigureAwait(false);
        var storeName = await prompts.AskAsync("store-name", "Store name (shown on the dashboard; Arabic is fine)", store, cancellationToken).ConfigureAwait(false);
        var currency = (await prompts.AskAsync("currency", "Currency (ISO 4217: EGP, SAR, …)", "EGP", cancellationToken).ConfigureAwait(false))?.ToUpperInvariant();
        var timeZone = await prompts.AskAsync("timezone", "Time zone (IANA id: business days are cut in it)", DefaultTimeZone(currency), cancellationToken).ConfigureAwait(false);
        var vatText = await prompts.AskAsync("vat", "VAT percent the store's prices include", DefaultVat(currency), cancellationToken).ConfigureAwait(false);
        var password = await prompts.AskPasswordAsync(cancellationToken).ConfigureAwait(false);
        var ledgersText = await prompts.AskAsync("ledgers", $"Ledgers the accountant imports, comma-separated ({string.Join(", ", LedgerDialects)}; none)", "none", cancellationToken).ConfigureAwait(false);
        var dataText = await prompts.AskAsync("data", "Data folder (database and keys)", "data", cancellationToken).ConfigureAwait(false);

        var problems = prompts.Missing.Select(m => $"--{m} is needed (no answer on standard input).").ToList();
        var vat = 0m;
        if (vatText is not null && (!decimal.TryParse(vatText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out vat) || vat > 100))
        {
            problems.Add($"--vat '{vatText}' is not a percentage from 0 to 100 (like 14 or 15).");
        }

        if (password is not null && !DashboardPassword.IsHash(password) && DashboardPassword.Weakness(password) is { } weakness)
        {
            problems.Add($"--dashboard-password is too weak: {weakness}");
        }

        var ledgers = ledgersText is null or "none" or "" ? [] : ledgersText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var unknown in ledgers.Where(l => !LedgerDialects.Contains(l)))
        {
            problems.Add(unknown == "datev"
                ? "--ledgers datev needs the tax adviser's consultant and client numbers: write the ledger by hand (src/PosBridge.Accounting/README.md) after init."
                : $"--ledgers '{unknown}' is not a ledger dialect; use {string.Join(", ", LedgerDialects)} or none.");
        }

        if (problems.Count > 0 || store is null || currency is null || timeZone is null || password is null || dataText is null)
        {
            return await RefuseAsync(error, problems).ConfigureAwait(false);
        }

        var dataDirectory = Path.GetFullPath(dataText);
        var settings = Settings(store, storeName ?? store, currency, timeZone, vat, DashboardPassword.IsHash(password) ? password : DashboardPassword.Hash(password), ledgers, dataDirectory);
        var json = settings.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + Environment.NewLine;

        // The connector's own start-up checks, on exactly the text to be written.
        problems.AddRange(Check(json));
        if (problems.Count > 0)
        {
            return await RefuseAsync(error, problems).ConfigureAwait(false);
        }

        await WriteAsync(target, json, cancellationToken).ConfigureAwait(false);
        if (!Directory.Exists(dataDirectory))
        {
            PrivateFiles.CreateFolder(dataDirectory);
        }

        if (force && File.Exists(target + ".bak"))
        {
            await output.WriteLineAsync($"Replaced {target}; the previous settings are kept in {target}.bak.").ConfigureAwait(false);
        }

        await output.WriteLineAsync($"Wrote {target} (readable by its owner only): store {store} ({currency}, {timeZone}), dashboard password set, ledgers: {(ledgers.Length == 0 ? "none" : string.Join(", ", ledgers))}, data in {dataDirectory}.").ConfigureAwait(false);
        await output.WriteLineAsync(target == ConnectorConfiguration.BesideBinary
            ? "Every posbridge command reads it from there."
            : $"Give it to every command with --config {target}, or set POSBRIDGE_CONFIG={target} (the service unit does).").ConfigureAwait(false);
        await output.WriteLineAsync($"Next: put the products in a CSV or XLSX file and run 'posbridge catalog import --store {store} --file products.csv', then 'posbridge serve'.").ConfigureAwait(false);
        return CommandLine.Ok;
    }

    private static JsonObject Settings(string store, string storeName, string currency, string timeZone, decimal vat, string passwordHash, string[] ledgers, string dataDirectory)
    {
        var taxId = "vat" + vat.ToString("0.##", CultureInfo.InvariantCulture).Replace('.', '_');
        var taxName = $"VAT {vat.ToString("0.##", CultureInfo.InvariantCulture)}%";
        var settings = new JsonObject
        {
            ["PosBridge"] = new JsonObject
            {
                ["DataDirectory"] = dataDirectory,
                ["Stores"] = new JsonObject
                {
                    [store] = new JsonObject
                    {
                        ["Name"] = storeName,
                        ["Currency"] = currency,
                        ["TimeZone"] = timeZone,
                        ["Catalog"] = new JsonObject
                        {
                            ["Source"] = "File",
                            ["Taxes"] = new JsonArray(new JsonObject { ["Id"] = taxId, ["Name"] = taxName, ["Percent"] = vat }),
                            ["PaymentMethods"] = new JsonArray(
                                new JsonObject { ["Id"] = $"{store.ToLowerInvariant()}-cash", ["Name"] = "نقدي · Cash", ["Kind"] = "Cash" },
                                new JsonObject { ["Id"] = $"{store.ToLowerInvariant()}-card", ["Name"] = "بطاقة · Card", ["Kind"] = "Card" }),
                        },
                    },
                },
                ["Dashboard"] = new JsonObject { ["Password"] = passwordHash },
            },
        };
        if (ledgers.Length > 0)
        {
            var section = new JsonObject();
            foreach (var dialect in ledgers)
            {
                section[$"{store.ToLowerInvariant()}-{dialect}"] = new JsonObject
                {
                    ["Store"] = store,
                    ["Dialect"] = dialect,
                    ["Chart"] = "generic",
                    ["Region"] = "Global",
                    ["Taxes"] = new JsonObject { [taxId] = new JsonObject { ["Rate"] = vat, ["Name"] = taxName } },
                };
            }

            settings["Accounting"] = new JsonObject
            {
                // The ledgers take the store's facts from their own section.
                ["Stores"] = new JsonObject { [store] = new JsonObject { ["Currency"] = currency, ["TimeZone"] = timeZone } },
                ["Ledgers"] = section,
            };
            settings["PosBridge"]!["CloseOfDay"] = new JsonObject { ["Directory"] = Path.Combine(dataDirectory, "ledgers") };
        }

        return settings;
    }

    /// <summary>Every problem the connector would stop at with these settings, as it names them at start.</summary>
    private static List<string> Check(string json)
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        using var provider = new ServiceCollection().AddLogging().AddConnector(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
        try
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return [.. ex.Failures];
        }
        catch (AggregateException ex)
        {
            return [.. ex.InnerExceptions.SelectMany(e => e is OptionsValidationException v ? v.Failures : [e.Message])];
        }
        catch (ConfigurationProblemException ex)
        {
            return [ex.Message];
        }
    }

    private static async Task WriteAsync(string target, string json, CancellationToken cancellationToken)
    {
        var part = target + ".part";
        await using (var stream = PrivateFiles.Create(part, overwrite: true))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(json), cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        if (File.Exists(target))
        {
            File.Copy(target, target + ".bak", overwrite: true);
            PrivateFiles.Tighten(target + ".bak");
        }

        File.Move(part, target, overwrite: true);
    }

    private static async Task<int> RefuseAsync(TextWriter error, IEnumerable<string> problems)
    {
        await error.WriteLineAsync("posbridge: init wrote nothing:").ConfigureAwait(false);
        foreach (var problem in problems)
        {
            await error.WriteLineAsync("  - " + problem).ConfigureAwait(false);
        }

        return CommandLine.Usage;
    }

    private static string? DefaultTimeZone(string? currency) => currency switch
    {
        "EGP" => "Africa/Cairo",
        "SAR" => "Asia/Riyadh",
        _ => null,
    };

    private static string? DefaultVat(string? currency) => currency switch
    {
        "EGP" => "14",
        "SAR" => "15",
        _ => null,
    };

    /// <summary>Asks for what the flags left out, one line each; the end of the input leaves the value missing.</summary>
    private sealed class Prompts(TextReader input, TextWriter output, bool interactiveConsole, Dictionary<string, string> options)
    {
        private bool _inputEnded;

        public List<string> Missing { get; } = [];

        public async Task<string?> AskAsync(string flag, string question, string? suggestion, CancellationToken cancellationToken)
        {
            if (options.TryGetValue(flag, out var given))
            {
                return given.Trim();
            }

            if (!_inputEnded)
            {
                await output.WriteAsync(suggestion is null ? $"{question}: " : $"{question} [{suggestion}]: ").ConfigureAwait(false);
                var line = await input.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (line is not null)
                {
                    return string.IsNullOrWhiteSpace(line) ? suggestion ?? Missed(flag) : line.Trim();
                }

                _inputEnded = true;
                await output.WriteLineAsync().ConfigureAwait(false);
            }

            return suggestion ?? Missed(flag);
        }

        /// <summary>The password from the flag (<c>-</c>: one line of standard input) or asked without echo, twice, on a terminal.</summary>
        public async Task<string?> AskPasswordAsync(CancellationToken cancellationToken)
        {
            const string Flag = "dashboard-password";
            if (options.TryGetValue(Flag, out var given) && given != "-")
            {
                return given;
            }

            if (!interactiveConsole)
            {
                if (!options.ContainsKey(Flag) && !_inputEnded)
                {
                    await output.WriteAsync("Dashboard password (12+ characters): ").ConfigureAwait(false);
                }

                var line = _inputEnded ? null : await input.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                _inputEnded |= line is null;
                return string.IsNullOrEmpty(line) ? Missed(Flag) : line.TrimEnd('\r');
            }

            while (true)
            {
                var first = ReadHidden("Dashboard password (12+ characters, not shown): ");
                var again = ReadHidden("The same again: ");
                if (first == again)
                {
                    return first.Length == 0 ? Missed(Flag) : first;
                }

                await output.WriteLineAsync("The two differ; once more.").ConfigureAwait(false);
            }
        }

        private static string ReadHidden(string question)
        {
            Console.Write(question);
            var text = new StringBuilder();
            for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
            {
                if (key.Key == ConsoleKey.Backspace)
                {
                    text.Length = Math.Max(0, text.Length - 1);
                }
                else if (!char.IsControl(key.KeyChar))
                {
                    text.Append(key.KeyChar);
                }
            }

            Console.WriteLine();
            return text.ToString();
        }

        private string? Missed(string flag)
        {
            Missing.Add(flag);
            return null;
        }
    }
}
