using Microsoft.Extensions.Options;

namespace PosBridge.Connector.Hosting;

/// <summary>The connector's settings, section <c>PosBridge</c> of appsettings.json or <c>PosBridge__…</c> variables.</summary>
internal sealed class ConnectorOptions
{
    public const string Section = "PosBridge";

    /// <summary>Where the database and the secrets key live. Relative paths are from the working directory.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Adapter assemblies (each with one of Core's <c>IAdapterModule</c>) loaded at start; each reads the section its module names, by convention under <c>Plugins:</c>.</summary>
    public string PluginsDirectory { get; set; } = "plugins";

    /// <summary>Most sales one upload may carry.</summary>
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>Largest request body accepted, in bytes.</summary>
    public long MaxRequestBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How far a request's timestamp may be from the connector's clock, either way.</summary>
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Requests a till may make per minute before it is told to slow down.</summary>
    public int RequestsPerMinutePerTill { get; set; } = 600;

    public TimeSpan PairingCodeLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Pairing attempts one client address may make per minute: few by nature, so guessing codes is pointless.</summary>
    public int PairingAttemptsPerMinute { get; set; } = 10;

    public DispatchOptions Dispatch { get; set; } = new();

    /// <summary>The dates a sale may carry, around the connector's clock.</summary>
    public SaleDateOptions SaleDates { get; set; } = new();

    public CloseOfDayOptions CloseOfDay { get; set; } = new();

    public string DatabasePath => Path.Combine(DataDirectory, "connector.db");

    public string SecretsKeyPath => Path.Combine(DataDirectory, "keys", "secrets.key");
}

internal sealed class DispatchOptions
{
    /// <summary>How often each adapter's delivery job runs.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First retry delay after a "retry later"; doubles per attempt, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between retries.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Most batches one job run delivers before it yields.</summary>
    public int MaxBatchesPerRun { get; set; } = 20;

    /// <summary>Per adapter name: whether it is on and how it is delivered to.</summary>
    public Dictionary<string, AdapterDispatchOptions> Adapters { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Ledger files written when a store's business day has closed.</summary>
internal sealed class CloseOfDayOptions
{
    /// <summary>Write ledgers on their own at close of day; off: only <c>posbridge export</c> writes them.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where each ledger's files go (a folder per ledger); default: the data folder's <c>ledgers</c>.</summary>
    public string? Directory { get; set; }

    /// <summary>How often the connector looks for closed business days to write.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long after local midnight a day counts as closed, so late uploads from tills make it in.</summary>
    public TimeSpan CloseDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How far back a connector that was down catches up.</summary>
    public int MaxCatchUpDays { get; set; } = 31;

    /// <summary>Offer the written files for download in the dashboard (signed in, each download audited).</summary>
    public bool Downloads { get; set; }
}

/// <summary>How far from the connector's clock a sale's <c>createdAtUtc</c> may be; outside, the sale is rejected naming the field.</summary>
internal sealed class SaleDateOptions
{
    /// <summary>The offline allowance: how long a till may keep a sale before it reaches the connector.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How far a till's clock may run ahead of the connector's.</summary>
    public TimeSpan MaxAhead { get; set; } = TimeSpan.FromHours(1);
}

internal sealed class AdapterDispatchOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>The back office needs sales in order: a sale waiting for a retry holds back the ones after it.</summary>
    public bool Ordered { get; set; }

    /// <summary>Caps the adapter's own preferred batch size.</summary>
    public int? BatchSize { get; set; }
}

/// <summary>Checks every setting and reports every problem at once, naming the setting.</summary>
internal sealed class ConnectorOptionsValidator : IValidateOptions<ConnectorOptions>
{
    public ValidateOptionsResult Validate(string? name, ConnectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("PosBridge:DataDirectory is empty; set the folder for the database and keys.");
        }

        if (options.MaxBatchSize is < 1 or > 10_000)
        {
            failures.Add($"PosBridge:MaxBatchSize is {options.MaxBatchSize}; use 1 to 10000.");
        }

        if (options.MaxRequestBytes < 1024)
        {
            failures.Add($"PosBridge:MaxRequestBytes is {options.MaxRequestBytes}; use at least 1024.");
        }

        if (options.ReplayWindow < TimeSpan.FromSeconds(10) || options.ReplayWindow > TimeSpan.FromHours(1))
        {
            failures.Add($"PosBridge:ReplayWindow is {options.ReplayWindow}; use 00:00:10 to 01:00:00.");
        }

        if (options.RequestsPerMinutePerTill < 1)
        {
            failures.Add($"PosBridge:RequestsPerMinutePerTill is {options.RequestsPerMinutePerTill}; use 1 or more.");
        }

        if (options.PairingAttemptsPerMinute is < 1 or > 1000)
        {
            failures.Add($"PosBridge:PairingAttemptsPerMinute is {options.PairingAttemptsPerMinute}; use 1 to 1000.");
        }

        if (options.PairingCodeLifetime <= TimeSpan.Zero || options.PairingCodeLifetime > TimeSpan.FromDays(30))
        {
            failures.Add($"PosBridge:PairingCodeLifetime is {options.PairingCodeLifetime}; use up to 30 days.");
        }

        var dispatch = options.Dispatch;
        if (dispatch.Interval < TimeSpan.FromMilliseconds(100))
        {
            failures.Add($"PosBridge:Dispatch:Interval is {dispatch.Interval}; use at least 00:00:00.1.");
        }

        if (dispatch.RetryBaseDelay <= TimeSpan.Zero || dispatch.RetryMaxDelay < dispatch.RetryBaseDelay)
        {
            failures.Add("PosBridge:Dispatch:RetryBaseDelay must be positive and RetryMaxDelay at least as long.");
        }

        if (dispatch.MaxBatchesPerRun < 1)
        {
            failures.Add($"PosBridge:Dispatch:MaxBatchesPerRun is {dispatch.MaxBatchesPerRun}; use 1 or more.");
        }

        if (options.SaleDates.MaxAge < TimeSpan.FromDays(1) || options.SaleDates.MaxAge > TimeSpan.FromDays(3650))
        {
            failures.Add($"PosBridge:SaleDates:MaxAge is {options.SaleDates.MaxAge}; use 1.00:00:00 to 3650.00:00:00 (how long a till may sell offline).");
        }

        if (options.SaleDates.MaxAhead < TimeSpan.Zero || options.SaleDates.MaxAhead > TimeSpan.FromDays(2))
        {
            failures.Add($"PosBridge:SaleDates:MaxAhead is {options.SaleDates.MaxAhead}; use 00:00:00 to 2.00:00:00.");
        }

        var close = options.CloseOfDay;
        if (close.CheckInterval < TimeSpan.FromSeconds(1) || close.CloseDelay < TimeSpan.Zero || close.CloseDelay > TimeSpan.FromHours(23) || close.MaxCatchUpDays is < 1 or > 366)
        {
            failures.Add("PosBridge:CloseOfDay needs CheckInterval of at least 1 s, CloseDelay from 0 to 23 h and MaxCatchUpDays from 1 to 366.");
        }

        foreach (var (adapter, settings) in dispatch.Adapters)
        {
            if (settings.BatchSize is < 1)
            {
                failures.Add($"PosBridge:Dispatch:Adapters:{adapter}:BatchSize is {settings.BatchSize}; use 1 or more.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
