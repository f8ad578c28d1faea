using System.Net;

namespace PosBridge.Terminal.Screen;

/// <summary>
/// A manager to add to the till's staff (<see cref="Staff.StaffStore"/>) at start when the till does not know
/// them yet: first setup from configuration. The till keeps only a salted hash; take the PIN out of the
/// configuration once the till has started.
/// </summary>
public sealed class ManagerOptions
{
    public string Id { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    /// <summary>The manager's first PIN (4–12 digits); never logged.</summary>
    public string Pin { get; set; } = string.Empty;
}

/// <summary>How the till process runs its cashier screen and reaches its connector (section <c>Screen</c>).</summary>
public sealed class ScreenOptions
{
    public const string Section = "Screen";

    /// <summary>Where the till keeps its database (<c>till.db</c>).</summary>
    public string DataDirectory { get; set; } = "./till-data";

    /// <summary>Where the screen is served. Loopback only unless a <see cref="LoginPin"/> is set.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5090";

    /// <summary>
    /// The PIN a browser on another device must enter before it may use the till. Required when
    /// <see cref="Urls"/> binds anything but loopback; browsers on the till's own device never need it.
    /// </summary>
    public string? LoginPin { get; set; }

    public string CashierId { get; set; } = "cashier";

    public string CashierName { get; set; } = "Cashier";

    public IList<ManagerOptions> Managers { get; } = [];

    /// <summary>"en" or "ar": the language the screen opens in until the cashier picks one.</summary>
    public string Language { get; set; } = "en";

    /// <summary>"latin" (0123) or "arabic" (٠١٢٣): the store's digits on screen.</summary>
    public string Digits { get; set; } = "latin";

    /// <summary>The connector's address (e.g. http://127.0.0.1:5080); unset, the till sells and keeps every sale.</summary>
    public string? ConnectorUrl { get; set; }

    /// <summary>
    /// The fingerprint of the connector's certificate (SHA-256 of its public key, as <c>posbridge tls create</c> prints it):
    /// the till then trusts that certificate, and only it, though no public authority signed it. Empty: the device's trust.
    /// </summary>
    public string? ConnectorCertificate { get; set; }

    /// <summary>A one-time pairing code from <c>posbridge tills pair</c>, used once if the till is not paired yet.</summary>
    public string? PairingCode { get; set; }

    /// <summary>When the oldest sale waiting to upload is older than this, the screen warns.</summary>
    public TimeSpan UploadWarningAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the till checks the connector and the outbox when idle.</summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between upload attempts while the connector is away.</summary>
    public TimeSpan UploadMaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Wrong manager or login PINs in a row before PINs are refused for <see cref="PinLockout"/>.</summary>
    public int PinAttempts { get; set; } = 5;

    public TimeSpan PinLockout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Every problem with these options, named; empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            problems.Add("Screen:DataDirectory is empty.");
        }

        var urls = Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0)
        {
            problems.Add("Screen:Urls is empty.");
        }

        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                problems.Add($"Screen:Urls: '{url}' is not an address.");
            }
            else if (!IsLoopbackHost(uri.Host) && string.IsNullOrWhiteSpace(LoginPin))
            {
                problems.Add($"Screen:Urls: '{url}' is reachable from other devices; set Screen:LoginPin so they must log in, or bind 127.0.0.1.");
            }
        }

        if (LoginPin is { Length: > 0 } pin && (pin.Length < 4 || !pin.All(char.IsAsciiDigit)))
        {
            problems.Add("Screen:LoginPin must be at least 4 digits.");
        }

        for (var i = 0; i < Managers.Count; i++)
        {
            var manager = Managers[i];
            if (string.IsNullOrWhiteSpace(manager.Id))
            {
                problems.Add($"Screen:Managers:{i}:Id is empty.");
            }

            if (manager.Pin.Length is < 4 or > 12 || !manager.Pin.All(char.IsAsciiDigit))
            {
                problems.Add($"Screen:Managers:{i}:Pin must be 4 to 12 digits.");
            }
        }

        if (Language is not ("en" or "ar"))
        {
            problems.Add($"Screen:Language '{Language}' is not 'en' or 'ar'.");
        }

        if (Digits is not ("latin" or "arabic"))
        {
            problems.Add($"Screen:Digits '{Digits}' is not 'latin' or 'arabic'.");
        }

        if (ConnectorUrl is { Length: > 0 } connector)
        {
            if (!Uri.TryCreate(connector, UriKind.Absolute, out var address))
            {
                problems.Add($"Screen:ConnectorUrl '{connector}' is not an address.");
            }
            else if (PosBridge.Till.Sync.ConnectorTransport.Problem(address) is { } transport)
            {
                problems.Add($"Screen:ConnectorUrl: {transport}");
            }
        }

        if (ConnectorCertificate is { Length: > 0 } fingerprint && PosBridge.Till.Sync.ConnectorTransport.FingerprintProblem(fingerprint) is { } pinProblem)
        {
            problems.Add($"Screen:ConnectorCertificate: {pinProblem}");
        }

        if (SyncInterval <= TimeSpan.Zero || UploadMaxRetryDelay <= TimeSpan.Zero || UploadWarningAge <= TimeSpan.Zero || PinLockout <= TimeSpan.Zero)
        {
            problems.Add("Screen:SyncInterval, UploadMaxRetryDelay, UploadWarningAge and PinLockout must be positive.");
        }

        if (PinAttempts < 1)
        {
            problems.Add("Screen:PinAttempts must be at least 1.");
        }

        return problems;
    }

    internal static bool IsLoopbackHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
