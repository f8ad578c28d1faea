namespace PosBridge.Erp.Odoo;

/// <summary>Which of Odoo's external APIs to speak.</summary>
public enum OdooProtocol
{
    /// <summary><c>/jsonrpc</c> with <c>execute_kw</c>: Odoo 16 to 19.</summary>
    JsonRpc,

    /// <summary>Odoo 19's JSON-2 (<c>/json/2/&lt;model&gt;/&lt;method&gt;</c>, bearer API key).</summary>
    Json2,
}

/// <summary>How to reach one Odoo database, and how hard to push it. Bound from <c>Odoo</c> in configuration.</summary>
public sealed class OdooConnectionOptions
{
    /// <summary>The server's base address, e.g. https://erp.example.com (HTTPS unless it is on loopback).</summary>
    public Uri? Url { get; set; }

    public string Database { get; set; } = string.Empty;

    /// <summary>The login of the API user.</summary>
    public string User { get; set; } = string.Empty;

    /// <summary>An API key (preferred, Odoo 14+) or the user's password. Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Used only when no <see cref="ApiKey"/> is set. Never logged.</summary>
    public string? Password { get; set; }

    public OdooProtocol Protocol { get; set; } = OdooProtocol.JsonRpc;

    /// <summary>The language of names Odoo returns and of its error messages, e.g. "en_US", "ar_001".</summary>
    public string Language { get; set; } = "en_US";

    /// <summary>The user's time zone as Odoo names it, e.g. "Africa/Cairo".</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Companies the calls act for; the first is the current one. Empty: the user's default.</summary>
    public List<long> CompanyIds { get; set; } = [];

    /// <summary>How long one call may take before it is abandoned.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Retries of a transient or concurrency failure before giving up on the call.</summary>
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>The first retry's delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>At most this many calls in flight at once, so one connector never floods a small Odoo.</summary>
    public int MaxConcurrentCalls { get; set; } = 2;

    /// <summary>At most this many calls started per second.</summary>
    public int MaxCallsPerSecond { get; set; } = 20;

    /// <summary>
    /// When at least this many calls were made in the sampling window (30 s or the break duration) and half or more
    /// failed transiently, the circuit opens and calls stop for <see cref="CircuitBreakDuration"/>.
    /// </summary>
    public int CircuitBreakerFailures { get; set; } = 8;

    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    internal string Secret => ApiKey ?? Password ?? string.Empty;
}
