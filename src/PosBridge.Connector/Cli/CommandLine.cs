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
          init [--store ID] [--store-name NAME] [--currency CCY] [--timezone TZ] [--vat PERCENT]
               [--dashboard-password -|PASSWORD] [--ledgers DIALECT,…|none] [--data DIR] [--out FILE] [--force]
              Writes a first configuration for one store (default: appsettings.json beside the binary): asks for
              every value not given, checks them as the connector does at start and writes nothing if one is wrong.
              --dashboard-password - reads it from standard input; it is kept as a hash. The file is readable by
              its owner only; an existing one is replaced only with --force (the old one kept as FILE.bak).
          serve [--data DIR] [--urls URLS] [--create]
              Runs the connector: the terminal API for tills (pairing, sales upload, status), the
              SQLite inbox in DIR (default ./data), and the delivery jobs for enabled adapters.
              Plain http:// only on loopback (127.0.0.1, localhost): to the network it serves https:// with the
              certificate in Kestrel:Certificates:Default, or PosBridge:BehindTlsProxy=true behind a TLS proxy.
          tls create --host NAME[,NAME…] [--days N] [--data DIR]
              Makes (or renews, keeping the key) a certificate for the names or addresses tills use on the shop's
              network, in DIR/tls, and prints the settings to serve it and the fingerprint tills pin.
          tills pair --store STORE --till TILL --name NAME [--data DIR]
              Makes a one-time pairing code for a till (new, or a replacement device).
          tills list [--data DIR]
          tills revoke --till TILL [--data DIR]
              Refuses the till's next request at once.
          status [--data DIR]
              Sales received, and per adapter: waiting sales, the oldest, dead letters, last success.
          retry (--sale SALE-ID | --adapter NAME | --all) [--data DIR]
              Queues dead-lettered deliveries again after the cause is fixed.
          sync now (--adapter NAME | --all) [--data DIR]
              Delivers waiting sales to an adapter (or every enabled one) now instead of at its next
              scheduled run. Safe while serve runs: only one process delivers to an adapter at a time.
          export (--ledger NAME | --dialect DIALECT [--store STORE]) --from YYYY-MM-DD --to YYYY-MM-DD
                 --out DIR [--data DIR]
              Writes a ledger's journals for those business days from the sales received, in the
              ledger's dialect (generic, xero-journals, xero-invoices, quickbooks, sage-cloud, sage50,
              datev, zoho), configured under Accounting:Ledgers. Re-exporting gives identical files.
              Every sale of the days is written or nothing is: if one cannot be, or the days have
              nothing to export, the reasons are listed and the exit code is 1. What a dialect leaves
              out on purpose (a shift count is no Xero invoice) is listed under the files.
          fees import --file FILE --store STORE [--method METHOD] [--data DIR]
              Imports a card or wallet provider's settlement report (CSV: date, reference, method, amount,
              optional currency; --method when the file has no method column) so the ledgers book the fees
              on their business day. Every row is checked first: any problem is named by line and nothing
              is imported. A report imported again adds nothing.
          fees list --from YYYY-MM-DD --to YYYY-MM-DD [--store STORE] [--data DIR]
              Lists the imported fees of those business days, with the file and line each came from.
          catalog import --store STORE --file FILE [--data DIR]
              Imports a store's product file (CSV or XLSX: name_ar, name_en, sku, barcode, price, tax,
              category, unit, weighed, stock) for a store whose catalog is a product file
              (PosBridge:Stores:STORE:Catalog:Source File). Every row is checked first: any problem is named
              by row and column and nothing is imported. Its tills and feeds get the products at once.
          customers export (--phone P | --email E | --customer ID | --card CODE) --out FILE [--data DIR]
              A person's right of access (PDPL, GDPR): writes everything this connector holds about them (their
              sales as the tills sent them and which back office each went to, receipt messages, loyalty cards,
              fiscal documents, where else copies are) as JSON readable by you alone. A phone matches in its
              national and international forms. Reads only; the export is audited with the person masked.
          customers erase (--phone P | --email E | --customer ID | --card CODE) [--confirm yes] [--data DIR]
              A person's right to erasure: their sales keep amounts, taxes and numbers (tax law) under a pseudonym,
              their receipt messages and links are erased. Without --confirm yes it only says what it would change.
              Lists what must be erased elsewhere: back offices that received the sales, loyalty cards from a back
              office, the tills' own copies.
          feed --store NAME --format FORMAT --out FILE [--data DIR]
              Writes a web store's catalog from the connector's catalog snapshot: FORMAT is google.tsv
              or google.xml (Merchant Center feed), shopify.csv or woocommerce.csv (product import).
              The same file is served at /feeds/NAME/FORMAT. Items left out are listed with the reason,
              and so are items written otherwise than the catalog says (a product with no stock level
              is a draft in the product CSVs; a barcode that is no valid GTIN is sent without one).
          report [--store STORE] [--period today|yesterday|week|range] [--from YYYY-MM-DD --to YYYY-MM-DD]
                 [--format text|json|csv|xlsx] [--table TABLE] [--out FILE] [--data DIR]
              The dashboard's sales report from the connector's aggregates, per currency against the same days a
              week earlier, each store's days in its own time zone: every store unless --store, today by default.
              json is the document /dashboard/api/reports serves; csv and xlsx write one --table (summary, hours,
              days, products, categories, payments, fees, tills, shifts, customers, undelivered).
          report rebuild [--data DIR]
              Adds up the report aggregates again from every stored sale (they are kept as sales arrive).
          accounts list|add|set-role|reset-password|unlock|reset-mfa|remove [--name NAME] [--role ROLE] [--data DIR]
              The dashboard's accounts (/dashboard). add --name NAME --role owner|manager|accountant|read-only and
              reset-password --name NAME read the password on standard input (read -rs P; echo "$P" | posbridge …).
              unlock ends a lock after 5 wrong passwords; reset-mfa forgets the authenticator and recovery codes (the
              account sets up a new one at its next login) — an owner's way back when locked out or the phone is lost.
              set-role --name NAME --role ROLE changes a role; neither it nor remove ever leaves no owner. Every change
              is audited.
          dashboard hash-password
              Reads a password on standard input and prints its hash for PosBridge:Dashboard:Password, which only
              seeds the first owner account (named owner) at the first start; accounts sign in after that.
          demo [--out DIR]
              Runs a business day of a Cairo cafe through PosBridge on this machine, nothing to install:
              the connector on a free loopback port (SQLite), the cafe's product file as its catalog, two
              paired tills (each its own process and database) selling, one of them offline for part of
              the day, refunds, shift closes, the close of day writing a ledger in every dialect, the web
              store feeds, and a web store or Odoo when the settings configure one. Prints what went where
              and writes DIR/summary.json (default out/demo, under the current folder) listing every file
              written and, per back office, the sales made and the sales delivered. Exit code 1 when a
              sale did not reach a back office.
          validate FILE
              Validates a file of sale documents (one JSON object per line) and reports every
              problem by line and field. Exit code 1 when any sale is refused.
          secrets protect [--data DIR]
              Reads a secret (an Odoo or web-store API key) on standard input and prints it encrypted as
              enc:… for appsettings.json; the connector decrypts it at start with the data directory's key.
          backup [--out FILE] [--data DIR]
              Writes the database (SQLite's online backup: consistent while serve runs), the secrets key and the
              product files to one file (default posbridge-backup-YYYYMMDD-HHMMSS.zip), readable by its owner only.
              It holds the key: keep it as safe as the server.
          restore --file FILE [--data DIR] [--create]
              Puts a backup in place of the data folder's database, keys and product files. The connector must be
              stopped (it is refused while one serves the folder). The backup is checked first; the data as it was
              is moved to DIR/before-restore-…; on any failure nothing changes.
          store migrate --to postgres [--data DIR]
              Moves a connector from SQLite onto PostgreSQL (Storage:ConnectionString, an empty database): every
              table copied in one transaction, then counted and checksummed on both sides before it is committed.
              Refused while a connector serves the folder; the SQLite file is left as it was.
          help, COMMAND --help
              Shows this text, or one command's.

        Every command finds its settings the same way: appsettings.json beside the binary, then --config FILE
        (or the file named by the POSBRIDGE_CONFIG environment variable), then PosBridge__… environment variables. --data DIR must be an existing folder; --create makes a new one.
        """;

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TimeProvider timeProvider, CancellationToken cancellationToken = default) =>
        RunAsync(args, Console.In, output, error, timeProvider, cancellationToken);

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        try
        {
            return await DispatchAsync(args, input, output, error, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Microsoft.Extensions.Options.OptionsValidationException or Hosting.ConfigurationProblemException)
        {
            // Every problem named, as the validators wrote them; the user fixes settings, not code: no stack trace.
            ArgumentNullException.ThrowIfNull(error);
            var problems = ex is Microsoft.Extensions.Options.OptionsValidationException validation ? validation.Failures : [ex.Message];
            await error.WriteLineAsync("posbridge: the configuration has problems:").ConfigureAwait(false);
            foreach (var problem in problems)
            {
                await error.WriteLineAsync("  - " + problem).ConfigureAwait(false);
            }

            await error.WriteLineAsync($"Settings are read from {Hosting.ConnectorConfiguration.BesideBinary}, then --config FILE, then PosBridge__… environment variables.").ConfigureAwait(false);
            return Usage;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A folder that cannot be created or a file that cannot be written: say which, not a stack trace.
            ArgumentNullException.ThrowIfNull(error);
            await error.WriteLineAsync($"posbridge: {ex.Message}").ConfigureAwait(false);
            return InputProblems;
        }
    }

    private static async Task<int> DispatchAsync(string[] args, TextReader input, TextWriter output, TextWriter error, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            await output.WriteLineAsync(Help).ConfigureAwait(false);
            return args.Length == 0 ? Usage : Ok;
        }

        if (args.Length > 1 && args.Skip(1).Any(a => a is "--help" or "-h"))
        {
            if (VerbHelp(args[0]) is not { } verbHelp)
            {
                return await UsageErrorAsync(error, $"'{args[0]}' is not a posbridge command.").ConfigureAwait(false);
            }

            await output.WriteLineAsync(verbHelp).ConfigureAwait(false);
            await output.WriteLineAsync("Every command also takes --config FILE (settings beside the binary's appsettings.json) and --create (make a new data folder).").ConfigureAwait(false);
            return Ok;
        }

        // Every verb takes --config FILE and --create, and finds its settings the same way.
        var rest = new List<string>();
        string? configFile = null;
        var create = false;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--config")
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return await UsageErrorAsync(error, "--config needs a settings file (JSON, as appsettings.json).").ConfigureAwait(false);
                }

                configFile = args[++i];
                if (!File.Exists(configFile))
                {
                    return await UsageErrorAsync(error, $"the settings file '{configFile}' given with --config does not exist.").ConfigureAwait(false);
                }
            }
            else if (args[i] == "--create")
            {
                create = true;
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        args = [args[0], .. rest];
        if (configFile is null && Environment.GetEnvironmentVariable(ConfigVariable) is { Length: > 0 } fromEnvironment && args[0] != "init")
        {
            // A service gets its settings file from its environment alone (the systemd unit sets it), with no argument or folder.
            if (!File.Exists(fromEnvironment))
            {
                return await UsageErrorAsync(error, $"the settings file '{fromEnvironment}' named by {ConfigVariable} does not exist.").ConfigureAwait(false);
            }

            configFile = fromEnvironment;
        }

        if (args[0] == "serve")
        {
            return await ServeAsync(args[1..], configFile, create, cancellationToken).ConfigureAwait(false);
        }

        var options = ParseOptions(args.AsSpan(1), out var positional, out var problem);
        if (problem is not null)
        {
            return await UsageErrorAsync(error, problem).ConfigureAwait(false);
        }

        switch (args[0])
        {
            case "demo":
                if (positional.Count > 0 || options.Keys.Any(k => k != "out"))
                {
                    return await UsageErrorAsync(error, "demo takes --out DIR only (default out/demo).").ConfigureAwait(false);
                }

                return await Demo.DemoCommand.RunAsync(options.GetValueOrDefault("out") ?? Path.Combine("out", "demo"), configFile, output, error, cancellationToken).ConfigureAwait(false);

            case "validate":
                if (positional.Count != 1 || options.Count > 0)
                {
                    return await UsageErrorAsync(error, "validate takes exactly one file: posbridge validate sales.jsonl").ConfigureAwait(false);
                }

                return await ValidateCommand.RunAsync(positional[0], output, error, cancellationToken).ConfigureAwait(false);

            case "dashboard":
                if (positional is not ["hash-password"] || options.Count > 0)
                {
                    return await UsageErrorAsync(error, "use 'dashboard hash-password' with the password on standard input.").ConfigureAwait(false);
                }

                return await Dashboard.HashPasswordCommand.RunAsync(input, output, error, cancellationToken).ConfigureAwait(false);

            case "accounts":
                if (AccountsCommand.Check(positional, options) is { } accountsProblem)
                {
                    return await UsageErrorAsync(error, accountsProblem).ConfigureAwait(false);
                }

                await using (var accountServices = await ManagerCommands.ServicesAsync(options.GetValueOrDefault("data"), configFile, create, s => s.AddSingleton(timeProvider), cancellationToken).ConfigureAwait(false))
                {
                    return await AccountsCommand.RunAsync(accountServices, positional[0], options, input, output, error, cancellationToken).ConfigureAwait(false);
                }

            case "secrets":
                if (positional is not ["protect"] || options.Keys.Any(k => k != "data"))
                {
                    return await UsageErrorAsync(error, "use 'posbridge secrets protect [--data DIR]' and type the secret on standard input.").ConfigureAwait(false);
                }

                // The secret comes on standard input, never as an argument (shell history, process lists).
                var secret = (await input.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.Trim();
                if (string.IsNullOrEmpty(secret))
                {
                    return await UsageErrorAsync(error, "no secret on standard input: type it (or pipe it) after 'posbridge secrets protect'.").ConfigureAwait(false);
                }

                // The connector's own folder (--data, else its settings): a mistyped one would get a new key that the
                // connector's cannot open, so it must exist unless --create.
                var secretsData = Hosting.ConnectorConfiguration.DataDirectory(configFile, options.GetValueOrDefault("data"));
                Hosting.ConnectorConfiguration.RequireDataDirectory(secretsData, create);
                await output.WriteLineAsync(Hosting.ProtectedSettings.Protect(secretsData, secret)).ConfigureAwait(false);
                return Ok;

            case "init":
                if (positional.Count > 0 || options.Keys.Any(k => !InitCommand.Flags.Contains(k)))
                {
                    return await UsageErrorAsync(error, $"init takes {string.Join(", ", InitCommand.Flags.Select(f => "--" + f))}.").ConfigureAwait(false);
                }

                return await InitCommand.RunAsync(options, input, ReferenceEquals(input, Console.In) && !Console.IsInputRedirected, output, error, cancellationToken).ConfigureAwait(false);

            case "tls":
                if (positional is not ["create"] || options.Keys.Any(k => k is not ("host" or "days" or "data")))
                {
                    return await UsageErrorAsync(error, "use 'tls create --host NAME[,NAME…] [--days N] [--data DIR]'.").ConfigureAwait(false);
                }

                return await TlsCommand.CreateAsync(Hosting.ConnectorConfiguration.DataDirectory(configFile, options.GetValueOrDefault("data")), options.GetValueOrDefault("host"), options.GetValueOrDefault("days"), output, error, timeProvider, cancellationToken).ConfigureAwait(false);

            case "backup":
                if (positional.Count > 0 || options.Keys.Any(k => k is not ("out" or "data")))
                {
                    return await UsageErrorAsync(error, "backup takes --out FILE and --data DIR.").ConfigureAwait(false);
                }

                if (await OnPostgresAsync(configFile, "backup", error).ConfigureAwait(false))
                {
                    return InputProblems;
                }

                return await BackupCommand.BackupAsync(Hosting.ConnectorConfiguration.DataDirectory(configFile, options.GetValueOrDefault("data")), options.GetValueOrDefault("out"), output, error, timeProvider, cancellationToken).ConfigureAwait(false);

            case "restore":
                if (positional.Count > 0 || options.Keys.Any(k => k is not ("file" or "data")) || !options.TryGetValue("file", out var backupFile))
                {
                    return await UsageErrorAsync(error, "restore takes --file BACKUP and --data DIR (and --create for a new folder).").ConfigureAwait(false);
                }

                if (await OnPostgresAsync(configFile, "restore", error).ConfigureAwait(false))
                {
                    return InputProblems;
                }

                return await BackupCommand.RestoreAsync(Hosting.ConnectorConfiguration.DataDirectory(configFile, options.GetValueOrDefault("data")), backupFile, create, output, error, timeProvider, cancellationToken).ConfigureAwait(false);

            case "store":
                if (StoreCommand.Check(positional, options) is { } storeProblem)
                {
                    return await UsageErrorAsync(error, storeProblem).ConfigureAwait(false);
                }

                var storeSettings = Hosting.ConnectorConfiguration.AddConnectorSources(new ConfigurationBuilder(), configFile, options.TryGetValue("data", out var storeData) ? [new($"{Hosting.ConnectorOptions.Section}:DataDirectory", storeData)] : [])
                    .Build();
                return await StoreCommand.MigrateAsync(storeSettings, Hosting.ConnectorConfiguration.DataDirectory(configFile, options.GetValueOrDefault("data")), output, error, cancellationToken).ConfigureAwait(false);

            case "report":
                if (Reports.ReportCommand.Check(positional, options) is { } reportProblem)
                {
                    return await UsageErrorAsync(error, reportProblem).ConfigureAwait(false);
                }

                await using (var reportServices = await ManagerCommands.ServicesAsync(options.GetValueOrDefault("data"), configFile, create, s => s.AddSingleton(timeProvider), cancellationToken).ConfigureAwait(false))
                {
                    return await Reports.ReportCommand.RunAsync(reportServices, positional, options, output, error, cancellationToken).ConfigureAwait(false);
                }

            case "tills" or "status" or "retry" or "export" or "feed" or "sync" or "fees" or "catalog" or "customers":
                return await ManagerAsync(args[0], positional, options, configFile, create, output, error, timeProvider, cancellationToken).ConfigureAwait(false);

            default:
                return await UsageErrorAsync(error, $"'{args[0]}' is not a posbridge command.").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Backup and restore copy the SQLite file: on PostgreSQL they would save or replace a file the connector no longer
    /// uses (after 'store migrate' the old one is still there), so they refuse, naming the server's own tools.
    /// </summary>
    private static async Task<bool> OnPostgresAsync(string? configFile, string command, TextWriter error)
    {
        var settings = Hosting.ConnectorConfiguration.AddConnectorSources(new ConfigurationBuilder(), configFile, []).Build();
        if (!string.Equals(settings[$"{Storage.StorageOptions.Section}:{nameof(Storage.StorageOptions.Provider)}"]?.Trim(), Storage.StorageOptions.Postgres, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        await error.WriteLineAsync($"posbridge: this connector keeps its data in PostgreSQL (Storage:Provider), so '{command}' has nothing to {command}: it copies the SQLite file only. Use PostgreSQL's pg_dump and pg_restore, and keep keys/secrets.key with the dump. Nothing was changed.").ConfigureAwait(false);
        return true;
    }

    /// <summary>The environment variable naming the settings file, as <c>--config</c> does (for a service: environment only).</summary>
    public const string ConfigVariable = "POSBRIDGE_CONFIG";

    private static readonly string[] PairRequires = ["store", "till", "name"];
    private static readonly string[] RetryChoices = ["sale", "adapter", "all"];
    private static readonly string[] ExportRequires = ["from", "to", "out"];
    private static readonly string[] FeedRequires = ["store", "format", "out"];
    private static readonly string[] FeesImportRequires = ["file", "store"];
    private static readonly string[] FeesListRequires = ["from", "to"];
    private static readonly string[] CatalogImportRequires = ["store", "file"];

    private static async Task<int> ServeAsync(string[] args, string? configFile, bool create, CancellationToken cancellationToken)
    {
        // --data is ours; everything else (--urls, --PosBridge:…) goes to ASP.NET Core's configuration.
        var hostArgs = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            hostArgs.Add(args[i] == "--data" && i + 1 < args.Length ? $"--{Hosting.ConnectorOptions.Section}:DataDirectory={args[++i]}" : args[i]);
        }

        var app = Hosting.ConnectorApp.Build(
            [.. hostArgs],
            builder =>
            {
                // After the defaults (appsettings.json beside the binary, environment, command line): the --config file,
                // then environment and command line again so they still win over it.
                if (configFile is not null)
                {
                    builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
                    builder.Configuration.AddEnvironmentVariables();
                    builder.Configuration.AddCommandLine([.. hostArgs]);
                }
            });
        var dataDirectory = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Hosting.ConnectorOptions>>().Value.DataDirectory;
        Hosting.ConnectorConfiguration.RequireDataDirectory(dataDirectory, create);
        // Held while serving, so 'posbridge restore' refuses to swap the database under a running connector.
        using var serving = Backups.RunningConnector.TryServe(Path.GetFullPath(dataDirectory))
            ?? throw new Hosting.ConfigurationProblemException($"a restore is going on in {Path.GetFullPath(dataDirectory)}; start the connector when it has finished.");
        await app.RunAsync(cancellationToken).ConfigureAwait(false);
        return Ok;
    }

    private static async Task<int> ManagerAsync(string command, List<string> positional, Dictionary<string, string> options, string? configFile, bool create, TextWriter output, TextWriter error, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var verb = command is "tills" or "sync" or "fees" or "catalog" or "customers" && positional.Count > 0 ? positional[0] : null;
        string[] allowed = (command, verb) switch
        {
            ("tills", "pair") => ["store", "till", "name", "data"],
            ("tills", "list") => ["data"],
            ("tills", "revoke") => ["till", "data"],
            ("status", null) => ["data"],
            ("retry", null) => ["sale", "adapter", "all", "data"],
            ("export", null) => ["ledger", "dialect", "store", "from", "to", "out", "data"],
            ("feed", null) => ["store", "format", "out", "data"],
            ("sync", "now") => ["adapter", "all", "data"],
            ("fees", "import") => ["file", "store", "method", "data"],
            ("fees", "list") => ["from", "to", "store", "data"],
            ("catalog", "import") => ["store", "file", "data"],
            ("customers", "export") => [.. CustomersCommand.Selectors, "out", "data"],
            ("customers", "erase") => [.. CustomersCommand.Selectors, "confirm", "data"],
            _ => [],
        };
        var expectedPositional = command is "tills" or "sync" or "fees" or "catalog" or "customers" ? 1 : 0;
        if (allowed.Length == 0 || positional.Count != expectedPositional || options.Keys.Any(k => !allowed.Contains(k)))
        {
            return await UsageErrorAsync(error, command switch
            {
                "tills" => "use 'tills pair --store S --till T --name N', 'tills list' or 'tills revoke --till T'.",
                "sync" => "use 'sync now --adapter NAME' or 'sync now --all yes'.",
                "catalog" => "use 'catalog import --store STORE --file FILE'.",
                "customers" => "use 'customers export (--phone P | --email E | --customer ID | --card CODE) --out FILE' or 'customers erase (…the same…) [--confirm yes]'.",
                "fees" => "use 'fees import --file FILE --store STORE [--method METHOD]' or 'fees list --from YYYY-MM-DD --to YYYY-MM-DD [--store STORE]'.",
                _ => $"'{command}' takes {string.Join(", ", allowed.Select(a => "--" + a))}.",
            }).ConfigureAwait(false);
        }

        string? Require(string name) => options.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
        var missing = (command, verb) switch
        {
            ("tills", "pair") => PairRequires.Where(n => Require(n) is null).ToArray(),
            ("tills", "revoke") => Require("till") is null ? ["till"] : [],
            ("export", _) => ExportRequires.Where(n => Require(n) is null).ToArray(),
            ("feed", _) => FeedRequires.Where(n => Require(n) is null).ToArray(),
            ("fees", "import") => FeesImportRequires.Where(n => Require(n) is null).ToArray(),
            ("fees", "list") => FeesListRequires.Where(n => Require(n) is null).ToArray(),
            ("catalog", "import") => CatalogImportRequires.Where(n => Require(n) is null).ToArray(),
            ("customers", "export") => Require("out") is null ? ["out"] : [],
            _ => [],
        };
        if (missing.Length > 0)
        {
            return await UsageErrorAsync(error, $"{(verb is null ? command : command + " " + verb)} needs {string.Join(", ", missing.Select(m => "--" + m))}.").ConfigureAwait(false);
        }

        if (command == "sync" && (options.ContainsKey("adapter") == options.ContainsKey("all") || (options.TryGetValue("all", out var all) && all != "yes")))
        {
            return await UsageErrorAsync(error, "sync now takes exactly one of --adapter NAME or --all yes.").ConfigureAwait(false);
        }

        Customers.CustomerLookup? person = null;
        if (command == "customers")
        {
            (person, var problem) = CustomersCommand.Lookup(options);
            if (problem is not null)
            {
                return await UsageErrorAsync(error, problem.Replace("customers export", "customers " + verb, StringComparison.Ordinal)).ConfigureAwait(false);
            }

            if (options.TryGetValue("confirm", out var confirm) && confirm != "yes")
            {
                return await UsageErrorAsync(error, "--confirm takes 'yes': customers erase --phone P --confirm yes.").ConfigureAwait(false);
            }
        }

        Guid? saleId = null;
        if (command == "retry")
        {
            var chosen = RetryChoices.Count(options.ContainsKey);
            if (chosen != 1)
            {
                return await UsageErrorAsync(error, "retry takes exactly one of --sale SALE-ID, --adapter NAME or --all yes.").ConfigureAwait(false);
            }

            if (options.TryGetValue("sale", out var saleText))
            {
                if (!Guid.TryParse(saleText, out var parsed))
                {
                    return await UsageErrorAsync(error, $"--sale '{saleText}' is not a sale id (a UUID).").ConfigureAwait(false);
                }

                saleId = parsed;
            }
        }

        await using var services = await ManagerCommands.ServicesAsync(
            options.GetValueOrDefault("data"),
            configFile,
            create,
            s => s.AddSingleton(timeProvider),
            cancellationToken).ConfigureAwait(false);
        return (command, verb) switch
        {
            ("tills", "pair") => await ManagerCommands.PairAsync(services, options["store"], options["till"], options["name"], output, error, cancellationToken).ConfigureAwait(false),
            ("tills", "list") => await ManagerCommands.ListTillsAsync(services, output, cancellationToken).ConfigureAwait(false),
            ("tills", "revoke") => await ManagerCommands.RevokeAsync(services, options["till"], output, error, cancellationToken).ConfigureAwait(false),
            ("status", _) => await ManagerCommands.StatusAsync(services, output, cancellationToken).ConfigureAwait(false),
            ("export", _) => await ExportCommand.RunAsync(services, options, output, error, cancellationToken).ConfigureAwait(false),
            ("feed", _) => await FeedCommand.RunAsync(services, options, output, error, cancellationToken).ConfigureAwait(false),
            ("fees", "import") => await FeesCommand.ImportAsync(services, options, output, error, cancellationToken).ConfigureAwait(false),
            ("fees", "list") => await FeesCommand.ListAsync(services, options, output, error, cancellationToken).ConfigureAwait(false),
            ("customers", "erase") => await CustomersCommand.EraseAsync(services, person!, options.ContainsKey("confirm"), output, cancellationToken).ConfigureAwait(false),
            ("customers", _) => await CustomersCommand.ExportAsync(services, person!, options["out"], output, error, cancellationToken).ConfigureAwait(false),
            ("catalog", _) => await CatalogImportCommand.RunAsync(services, options["store"], options["file"], output, error, cancellationToken).ConfigureAwait(false),
            ("sync", _) => await ManagerCommands.SyncNowAsync(services, options.GetValueOrDefault("adapter"), output, error, cancellationToken).ConfigureAwait(false),
            _ => await ManagerCommands.RetryAsync(services, options.GetValueOrDefault("adapter"), saleId, output, error, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>The help text's entries for one command (<c>posbridge export --help</c>), or null for an unknown command.</summary>
    internal static string? VerbHelp(string command)
    {
        var lines = Help.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var entry = new List<string>();
        var inEntry = false;
        foreach (var line in lines)
        {
            var isCommand = line.StartsWith("  ", StringComparison.Ordinal) && line.Length > 2 && line[2] != ' ';
            if (isCommand)
            {
                inEntry = line[2..].Split(' ')[0] == command;
            }
            else if (!line.StartsWith("    ", StringComparison.Ordinal))
            {
                inEntry = false;
            }

            if (inEntry)
            {
                entry.Add(line);
            }
        }

        return entry.Count == 0 ? null : "Usage: posbridge" + Environment.NewLine + string.Join(Environment.NewLine, entry);
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
            if (name is "all" or "force" && (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)))
            {
                // 'retry --all' and 'sync now --all' as help shows them; '--all yes' still works.
                if (!options.TryAdd(name, "yes"))
                {
                    problem = $"--{name} is given twice.";
                    return options;
                }

                continue;
            }

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
