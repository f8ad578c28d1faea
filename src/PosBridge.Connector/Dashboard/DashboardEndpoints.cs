using PosBridge.Connector.Catalog;
using PosBridge.Connector.Dashboard.Accounts;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Dashboard;

internal sealed record PairingCodeRequest(string? StoreId, string? TillId, string? Name);

internal sealed record PairingCodeResponse(string StoreId, string TillId, string Name, string Code, DateTimeOffset ExpiresAt);

internal sealed record RevokeResponse(string TillId, DateTimeOffset RevokedAt);

internal sealed record RetryResponse(string Adapter, int Retried);

internal sealed record DeadLetterView(Guid SaleId, string SaleNumber, string TillId, int Attempts, string? Reason, DateTimeOffset At);

internal sealed record AdapterView(
    string Name,
    bool Enabled,
    long Waiting,
    DateTimeOffset? OldestWaitingSaleAt,
    long Delivered,
    DateTimeOffset? LastSuccessAt,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    DateTimeOffset? NextAttemptAt,
    IReadOnlyList<DeadLetterView> DeadLetters);

internal sealed record TillView(string Id, string StoreId, string Name, string State, DateTimeOffset? PairedAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastContactAt, DateTimeOffset? LastUploadAt);

/// <summary>A till's Z report as the connector received it, and where each session-keeping back office is with it.</summary>
internal sealed record ShiftCloseView(string StoreId, string TillId, string ShiftId, DateTimeOffset ClosedAt, string Currency, decimal ExpectedCash, decimal CountedCash, decimal Difference, int SaleCount, IReadOnlyDictionary<string, string> Adapters);

/// <summary>A receipt e-mail or SMS that needs the manager (dead, or uncertain after a stop mid-send); the recipient masked.</summary>
internal sealed record ReceiptProblemView(Guid RequestId, string StoreId, string TillId, string SaleNumber, string Channel, string Recipient, string State, int Attempts, string? LastError, DateTimeOffset ReceivedAt, bool CanResend);

internal sealed record ResendResponse(Guid RequestId, string State);

/// <summary>What the dashboard shows; <c>LedgerFiles</c> (the newest close-of-day files) is null when downloads are off.</summary>
internal sealed record OverviewResponse(DateTimeOffset GeneratedAt, IReadOnlyList<AdapterView> Adapters, IReadOnlyList<TillView> Tills, IReadOnlyList<ShiftCloseView> ShiftCloses, IReadOnlyList<LedgerFileView>? LedgerFiles, IReadOnlyList<ReceiptProblemView> ReceiptProblems)
{
    /// <summary>Business days a ledger could not write at close of day (a sale it cannot book leaves the whole day unwritten), with why.</summary>
    public IReadOnlyList<LedgerProblemView> LedgerProblems { get; init; } = [];

    /// <summary>Catalog sources whose last pull failed (an unreachable web store, a refused key, a bad product file), with why.</summary>
    public IReadOnlyList<CatalogPullProblem> CatalogProblems { get; init; } = [];

    /// <summary>The stores whose catalog is a product file the manager may upload here.</summary>
    public IReadOnlyList<string> ProductFileStores { get; init; } = [];

    /// <summary>The configured stores, with the digits their Arabic screens use (<c>arabic</c> or <c>latin</c>).</summary>
    public IReadOnlyList<StoreView> Stores { get; init; } = [];

    /// <summary>What each back office that checks its set-up said last (at start, then every half hour, or "check again").</summary>
    public IReadOnlyList<SetupView> Setup { get; init; } = [];
}

/// <summary>A back office's set-up check: when, and what to fix (or why it could not be asked).</summary>
internal sealed record SetupView(string Adapter, DateTimeOffset CheckedAt, string? Unreachable, IReadOnlyList<SetupFindingView> Findings)
{
    public static SetupView From(Setup.SetupReport report) => new(
        report.Adapter,
        report.CheckedAt,
        report.Unreachable,
        [.. report.Findings.Select(f => new SetupFindingView(f.Severity == Core.Adapters.SetupSeverity.Blocking ? "blocking" : "warning", f.Subject, f.Problem, f.Fix))]);
}

/// <summary><c>blocking</c>: sales wait until it is fixed; <c>warning</c>: they go through, not quite right.</summary>
internal sealed record SetupFindingView(string Severity, string Subject, string Problem, string Fix);

/// <summary>A configured store as the dashboard shows it: its name, and the digits its amounts are written in in Arabic.</summary>
internal sealed record StoreView(string Id, string Name, string Currency, string Digits);

/// <summary>A close-of-day ledger day that was not written, and why: the run tries it again until it is.</summary>
internal sealed record LedgerProblemView(string Ledger, DateOnly Day, string Reason);

/// <summary>
/// The manager's dashboard at <c>/dashboard</c>: a static page (built into the assembly) and a small JSON API
/// behind a password login. Actions call the same services as the command line (<see cref="Pairing"/>,
/// <see cref="ITillStore.RevokeAsync"/>, <see cref="IDeliveryStore.RetryDeadLettersAsync"/>), so their rules
/// and their own audit rows are the same; the dashboard adds one audit row per action saying it came from here.
/// </summary>
internal static class DashboardEndpoints
{
    public const string Path = "/dashboard";
    public const string CookieName = "posbridge-dashboard";
    public const string CsrfHeader = "X-PosBridge-CSRF";
    private const long MaxBodyBytes = 16 * 1024;
    private const string ResourcePrefix = "dashboard/";

    /// <summary>
    /// Serves the dashboard when <c>PosBridge:Dashboard</c> allows it. A missing or weak password turns the
    /// dashboard off (logged, and said at <c>/dashboard</c>), never the connector: tills keep selling and syncing.
    /// </summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DashboardEndpoints).FullName!);
        DashboardOptions options;
        List<string> problems;
        try
        {
            options = app.Configuration.GetSection(DashboardOptions.Section).Get<DashboardOptions>() ?? new DashboardOptions();
            problems = options.Problems();
        }
        catch (InvalidOperationException ex)
        {
            options = new DashboardOptions();
            problems = [$"{DashboardOptions.Section} has a value of the wrong kind: {ex.Message}"];
        }

        if (!options.Enabled)
        {
            return app;
        }

        if (problems.Count > 0)
        {
            var detail = string.Join(" ", problems);
            Log.DashboardOff(logger, detail);
            app.Map(Path + "/{**rest}", () => Problem(StatusCodes.Status503ServiceUnavailable, "dashboard-off", "The dashboard is off until its settings are fixed.", detail))
                .ExcludeFromDescription();
            return app;
        }

        var accountsApi = new AccountsApi(
            options,
            app.Services.GetRequiredService<IDashboardSessions>(),
            app.Services.GetRequiredService<IDashboardAccounts>(),
            app.Services.GetRequiredService<ITillStore>(),
            // The key file is read (or made) at the first enrolment or code, not while the app is built.
            new Lazy<SecretProtector>(app.Services.GetRequiredService<SecretProtector>),
            app.Services.GetRequiredService<TimeProvider>(),
            logger);
        var api = new DashboardApi(
            options,
            accountsApi,
            app.Services.GetRequiredService<IDashboardSessions>(),
            app.Services.GetRequiredService<IDashboardQueries>(),
            app.Services,
            logger);
        var page = LoadPage();
        app.MapGet(Path, (HttpContext http) => Serve(http, page, "index.html")).ExcludeFromDescription();
        app.MapGet(Path + "/{file}", (HttpContext http, string file) => Serve(http, page, file)).ExcludeFromDescription();

        var open = app.MapGroup(Path + "/api").ExcludeFromDescription().AddEndpointFilter(NoStoreSameSite);
        open.MapPost("/login", accountsApi.LoginAsync);

        // Every endpoint below says who may call it (AccountsApi.AuthorizeAsync refuses one that does not).
        var signedIn = app.MapGroup(Path + "/api").ExcludeFromDescription().AddEndpointFilter(NoStoreSameSite).AddEndpointFilter(api.RequireSession);
        signedIn.MapGet("/session", AccountsApi.Session).AllowEnrolment("see the session");
        signedIn.MapPost("/logout", api.LogoutAsync).AllowEnrolment("sign out");
        signedIn.MapPost("/mfa/enrol", accountsApi.EnrolAsync).AllowEnrolment("set up an authenticator app");
        signedIn.MapPost("/mfa/confirm", accountsApi.ConfirmAsync).AllowEnrolment("set up an authenticator app");
        signedIn.MapGet("/overview", api.OverviewAsync).AllowView();
        signedIn.MapPost("/pairing-codes", api.CreatePairingCodeAsync).Allow(DashboardRole.Manager, "pair tills", changes: true);
        signedIn.MapPost("/tills/{tillId}/revoke", api.RevokeAsync).Allow(DashboardRole.Manager, "revoke tills", changes: true);
        signedIn.MapPost("/adapters/{adapter}/retry", api.RetryAsync).Allow(DashboardRole.Manager, "retry deliveries", changes: true);
        signedIn.MapPost("/setup/check", api.CheckSetupAsync).Allow(DashboardRole.Manager, "check the back offices' set-up again", changes: true);
        signedIn.MapPost("/receipts/{requestId}/resend", api.ResendReceiptAsync).Allow(DashboardRole.Manager, "resend receipts", changes: true);
        signedIn.MapGet("/ledger-files/{ledger}/{file}", api.DownloadAsync).Allow(DashboardRole.Accountant, "download ledger files");
        signedIn.MapGet("/fiscal", Fiscal.FiscalDashboard.ListAsync).AllowView();
        signedIn.MapPost("/catalog/{storeId}/product-file", api.UploadProductFileAsync).Allow(DashboardRole.Manager, "upload product files", changes: true);
        signedIn.MapGet("/accounts", accountsApi.ListAsync).Allow(DashboardRole.Owner, "manage accounts");
        signedIn.MapPost("/accounts", accountsApi.AddAsync).Allow(DashboardRole.Owner, "manage accounts", changes: true);
        signedIn.MapPost("/accounts/{name}/password", accountsApi.SetPasswordAsync).Allow(DashboardRole.Owner, "manage accounts", changes: true);
        signedIn.MapPost("/accounts/{name}/unlock", accountsApi.UnlockAsync).Allow(DashboardRole.Owner, "manage accounts", changes: true);
        signedIn.MapPost("/accounts/{name}/reset-mfa", accountsApi.ResetSecondFactorAsync).Allow(DashboardRole.Owner, "manage accounts", changes: true);
        signedIn.MapPost("/accounts/{name}/remove", accountsApi.RemoveAsync).Allow(DashboardRole.Owner, "manage accounts", changes: true);
        Reports.ReportEndpoints.Map(signedIn);
        return app;
    }

    internal static DashboardSession SessionOf(HttpContext http) => (DashboardSession)http.Items[typeof(DashboardSession)]!;

    internal static string Client(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>The body as <typeparamref name="T"/>, or the problem to answer with; nothing is changed either way.</summary>
    internal static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext http, CancellationToken cancellationToken)
        where T : class
    {
        if (!http.Request.HasJsonContentType())
        {
            return (null, Problem(StatusCodes.Status415UnsupportedMediaType, "invalid-request", "The request is not of the expected shape.", "Send the body as application/json."));
        }

        if (http.Request.ContentLength is > MaxBodyBytes)
        {
            return (null, Problems.PayloadTooLarge(MaxBodyBytes));
        }

        // Read whole and bounded (a chunked body has no Content-Length), then as every endpoint reads JSON.
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return (null, Problems.PayloadTooLarge(MaxBodyBytes));
            }

            buffer.Write(chunk, 0, read);
        }

        return RequestJson.Read<T>(buffer.ToArray(), "a JSON object");
    }

    internal static IResult Problem(int status, string type, string title, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: title, type: Problems.TypePrefix + type);

    /// <summary>
    /// Answers are never cached, and a request another site's page made (browsers say so in Sec-Fetch-Site)
    /// is refused before anything else: the first of three guards against forged actions, with the
    /// SameSite=Strict cookie and the session's anti-forgery token.
    /// </summary>
    private static async ValueTask<object?> NoStoreSameSite(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        http.Response.Headers.CacheControl = "no-store";
        var site = http.Request.Headers["Sec-Fetch-Site"].ToString();
        if (site is "cross-site" or "same-site")
        {
            return Problem(StatusCodes.Status403Forbidden, "dashboard-csrf", "The request did not come from the dashboard.", "Open the dashboard at its own address and use its buttons.");
        }

        return await next(context).ConfigureAwait(false);
    }

    private static IResult Serve(HttpContext http, Dictionary<string, (string ContentType, byte[] Body)> page, string file)
    {
        if (!page.TryGetValue(file, out var asset))
        {
            return Results.NotFound();
        }

        var headers = http.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        if (file.EndsWith(".html", StringComparison.Ordinal))
        {
            headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
        }

        return Results.Bytes(asset.Body, asset.ContentType);
    }

    private static Dictionary<string, (string ContentType, byte[] Body)> LoadPage()
    {
        var assembly = typeof(DashboardEndpoints).Assembly;
        var page = new Dictionary<string, (string, byte[])>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var file = name[ResourcePrefix.Length..];
            page[file] = (System.IO.Path.GetExtension(file) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            }, buffer.ToArray());
        }

        return page;
    }

    /// <summary>The handlers, with what they share: the password, the sessions, and the connector's services.</summary>
    private sealed class DashboardApi(
        DashboardOptions options,
        AccountsApi accountsApi,
        IDashboardSessions sessions,
        IDashboardQueries queries,
        IServiceProvider services,
        ILogger logger)
    {
        private readonly TimeProvider _time = services.GetRequiredService<TimeProvider>();
        private readonly ITillStore _tills = services.GetRequiredService<ITillStore>();
        private readonly IDeliveryStore _deliveries = services.GetRequiredService<IDeliveryStore>();
        private readonly ProductFileUpload _productFiles = new(services.GetRequiredService<Catalog.CatalogImport>());
        // Made at the first request, not when the endpoints are mapped: before the host starts, options that fail their
        // validation must fail it with their own message (ValidateOnStart), not here.
        private readonly Lazy<LedgerDownloads> _ledgerDownloads = new(() => new LedgerDownloads(
            services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConnectorOptions>>().Value,
            services.GetService<Accounting.Setup.LedgerExports>()));

        private LedgerDownloads Downloads => _ledgerDownloads.Value;

        public async ValueTask<object?> RequireSession(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            var http = context.HttpContext;
            var session = await sessions.FindAsync(http.Request.Cookies[CookieName], options, http.RequestAborted).ConfigureAwait(false);
            if (session is null)
            {
                return Problem(StatusCodes.Status401Unauthorized, "dashboard-login-required", "Sign in to the dashboard.", "The session is missing or has ended; sign in with your account.");
            }

            if (!HttpMethods.IsGet(http.Request.Method) && !session.IsCsrfToken(http.Request.Headers[CsrfHeader].ToString()))
            {
                Log.DashboardRefused(logger, http.Request.Path, "dashboard-csrf");
                return Problem(StatusCodes.Status403Forbidden, "dashboard-csrf", "The request did not come from the dashboard.", $"Actions need the session's {CsrfHeader} header; reload the dashboard and try again.");
            }

            http.Items[typeof(DashboardSession)] = session;
            if (await accountsApi.AuthorizeAsync(http, session, http.RequestAborted).ConfigureAwait(false) is { } refused)
            {
                Log.DashboardRefused(logger, http.Request.Path, "dashboard-access");
                return refused;
            }

            return await next(context).ConfigureAwait(false);
        }

        public async Task<IResult> LogoutAsync(HttpContext http, CancellationToken cancellationToken)
        {
            await sessions.EndAsync(http.Request.Cookies[CookieName], cancellationToken).ConfigureAwait(false);
            http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = Path, HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps });
            return Results.NoContent();
        }

        public async Task<IResult> OverviewAsync(HttpContext http, CancellationToken cancellationToken)
        {
            // A read-only account does not see what it may not download.
            var downloads = Downloads.Enabled && AccountsApi.AccountOf(http).Role >= DashboardRole.Accountant;
            var dispatcher = services.GetRequiredService<SalesDispatcher>();
            var enabled = dispatcher.EnabledAdapters;
            var letters = await _deliveries.GetDeadLettersAsync(null, cancellationToken).ConfigureAwait(false);
            var totals = await queries.AdapterTotalsAsync(cancellationToken).ConfigureAwait(false);
            // An adapter switched off keeps its dead letters: they stay visible (and retryable) until dealt with.
            var adapters = new List<AdapterView>();
            foreach (var name in enabled.Union(letters.Select(l => l.Adapter), StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                var backlog = await _deliveries.GetBacklogAsync(name, cancellationToken).ConfigureAwait(false);
                var total = totals.GetValueOrDefault(name);
                adapters.Add(new AdapterView(
                    name,
                    enabled.Contains(name),
                    backlog.Waiting,
                    backlog.OldestWaitingSaleAt,
                    total?.Delivered ?? 0,
                    backlog.LastSuccessAt,
                    backlog.LastError,
                    backlog.LastErrorAt,
                    total?.NextAttemptAt,
                    [.. letters.Where(l => l.Adapter == name).Select(l => new DeadLetterView(l.SaleId, l.SaleNumber, l.TillId, l.Attempts, l.Reason, l.At))]));
            }

            var uploads = await queries.LastUploadsAsync(cancellationToken).ConfigureAwait(false);
            var tills = (await _tills.ListAsync(cancellationToken).ConfigureAwait(false))
                .Select(t => new TillView(t.Id, t.StoreId, t.Name, t.State, t.PairedAt, t.RevokedAt, t.LastContactAt, uploads.TryGetValue(t.Id, out var at) ? at : null))
                .ToList();
            var closes = (await services.GetRequiredService<Shifts.IShiftClosingStore>().RecentAsync(20, cancellationToken).ConfigureAwait(false))
                .Select(c => new ShiftCloseView(c.Closing.StoreId, c.Closing.TillId, c.Closing.ShiftId, c.Closing.ClosedAtUtc, c.Closing.Currency, c.Closing.ExpectedCash, c.Closing.CountedCash, c.Closing.CountedCash - c.Closing.ExpectedCash, c.Closing.SaleCount, c.States))
                .ToList();
            var now = _time.GetUtcNow();
            var receipts = (await services.GetRequiredService<Receipts.IReceiptMessageStore>().ProblemsAsync(50, cancellationToken).ConfigureAwait(false))
                .Select(r => new ReceiptProblemView(r.RequestId, r.StoreId, r.TillId, r.SaleNumber, r.Channel, MaskRecipient(r.Channel, r.Recipient), r.State, r.Attempts, r.LastError, r.ReceivedAt, r.ExpiresAt > now))
                .ToList();
            var ledgerProblems = services.GetService<Ledgers.CloseOfDayExporter>()?.Stuck.Select(d => new LedgerProblemView(d.Ledger, d.Day, d.Error!)).ToList() ?? [];
            var stores = services.GetRequiredService<Stores.StoreDirectory>().All.Select(s => new StoreView(s.Id, s.Name, s.Currency.Code, s.Digits)).ToList();
            return Results.Ok(new OverviewResponse(now, adapters, tills, closes, downloads ? Downloads.List(50) : null, receipts)
            {
                LedgerProblems = ledgerProblems,
                CatalogProblems = await services.GetRequiredService<ICatalogPullProblems>().AllAsync(cancellationToken).ConfigureAwait(false),
                Stores = stores,
                Setup = [.. services.GetRequiredService<Setup.BackOfficeSetup>().Last.Select(SetupView.From)],
                ProductFileStores = [.. _productFiles.Stores.Order(StringComparer.Ordinal)],
            });
        }

        public async Task<IResult> CreatePairingCodeAsync(HttpContext http, CancellationToken cancellationToken)
        {
            var (request, bad) = await ReadAsync<PairingCodeRequest>(http, cancellationToken).ConfigureAwait(false);
            if (bad is not null)
            {
                return bad;
            }

            try
            {
                var (till, code, expires) = await services.GetRequiredService<Pairing>()
                    .CreateCodeAsync(request!.StoreId?.Trim()!, request.TillId?.Trim()!, request.Name?.Trim()!, cancellationToken).ConfigureAwait(false);
                // The code itself is a secret until the till uses it: never in the audit log or the logs.
                await AuditAsync(http, "dashboard.till.pairing-code", till.Id, $"store {till.StoreId}, expires {expires:O}", cancellationToken).ConfigureAwait(false);
                return Results.Ok(new PairingCodeResponse(till.StoreId, till.Id, till.Name, code, expires));
            }
            catch (ArgumentException ex)
            {
                return Problem(StatusCodes.Status400BadRequest, "invalid-request", "The till's details are not valid.", Sentence(ex.Message));
            }
            catch (InvalidOperationException ex)
            {
                return Problem(StatusCodes.Status409Conflict, "dashboard-till-conflict", "The till cannot be paired there.", ex.Message);
            }
        }

        public async Task<IResult> RevokeAsync(HttpContext http, string tillId, CancellationToken cancellationToken)
        {
            var now = _time.GetUtcNow();
            if (!await _tills.RevokeAsync(tillId, now, cancellationToken).ConfigureAwait(false))
            {
                return Problem(StatusCodes.Status404NotFound, "dashboard-no-such-till", "There is no such till to revoke.", $"No till '{tillId}' that is not already revoked.");
            }

            await AuditAsync(http, "dashboard.till.revoke", tillId, null, cancellationToken).ConfigureAwait(false);
            return Results.Ok(new RevokeResponse(tillId, now));
        }

        public async Task<IResult> UploadProductFileAsync(HttpContext http, string storeId, CancellationToken cancellationToken)
        {
            var (result, audit) = await _productFiles.UploadAsync(http, storeId, cancellationToken).ConfigureAwait(false);
            if (audit is not null)
            {
                await AuditAsync(http, "dashboard.catalog.import", storeId, audit, cancellationToken).ConfigureAwait(false);
            }

            return result;
        }

        public async Task<IResult> RetryAsync(HttpContext http, string adapter, CancellationToken cancellationToken)
        {
            var count = await _deliveries.RetryDeadLettersAsync(adapter, null, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            if (count == 0)
            {
                return Problem(StatusCodes.Status404NotFound, "dashboard-nothing-to-retry", "There is nothing to retry.", $"Adapter '{adapter}' has no dead letters.");
            }

            await AuditAsync(http, "dashboard.delivery.retry", adapter, $"{count} dead letters queued again", cancellationToken).ConfigureAwait(false);
            return Results.Ok(new RetryResponse(adapter, count));
        }

        /// <summary>Asks the back offices again now (after the manager fixed something), and answers what they said.</summary>
        public async Task<IResult> CheckSetupAsync(CancellationToken cancellationToken)
        {
            var reports = await services.GetRequiredService<Setup.BackOfficeSetup>().CheckAsync(cancellationToken).ConfigureAwait(false);
            return Results.Ok(reports.Select(SetupView.From).ToList());
        }

        public async Task<IResult> ResendReceiptAsync(HttpContext http, string requestId, CancellationToken cancellationToken)
        {
            if (!Guid.TryParse(requestId, out var id))
            {
                return Problem(StatusCodes.Status400BadRequest, "invalid-request", "The request is not of the expected shape.", $"'{requestId}' is not a receipt message's id.");
            }

            var outcome = await services.GetRequiredService<Receipts.IReceiptMessageStore>().ResendAsync(id, cancellationToken).ConfigureAwait(false);
            switch (outcome)
            {
                case Receipts.ResendOutcome.NotFound:
                    return Problem(StatusCodes.Status404NotFound, "dashboard-no-such-receipt", "There is no such receipt message.", $"No receipt e-mail or SMS has the id {id}.");
                case Receipts.ResendOutcome.NotStuck:
                    return Problem(StatusCodes.Status409Conflict, "dashboard-receipt-not-stuck", "The message is not stuck.", "It is waiting to be sent, being sent, or was sent; reload the dashboard.");
                case Receipts.ResendOutcome.Expired:
                    return Problem(StatusCodes.Status409Conflict, "dashboard-receipt-expired", "The receipt link has expired.", "Its link would no longer open; print the receipt or send it again from the till.");
                default:
                    await AuditAsync(http, "dashboard.receipt.resend", id.ToString(), null, cancellationToken).ConfigureAwait(false);
                    return Results.Ok(new ResendResponse(id, "pending"));
            }
        }

        /// <summary>Enough of an address for the manager to recognise it, not to copy it: "n•••@example.com", "•••••4567".</summary>
        internal static string MaskRecipient(string channel, string recipient)
        {
            if (channel == "email" && recipient.IndexOf('@', StringComparison.Ordinal) is > 0 and var at)
            {
                return recipient[..1] + "•••" + recipient[at..];
            }

            var keep = Math.Min(4, recipient.Length / 3);
            return "•••••" + recipient[^keep..];
        }

        public async Task<IResult> DownloadAsync(HttpContext http, string ledger, string file, CancellationToken cancellationToken)
        {
            if (!Downloads.Enabled)
            {
                return Problem(StatusCodes.Status404NotFound, "dashboard-downloads-off", "Ledger downloads are off.", "Set PosBridge:CloseOfDay:Downloads to true (with ledgers configured) to offer the close-of-day files here.");
            }

            if (Downloads.Find(ledger, file) is not { } path)
            {
                return Problem(StatusCodes.Status404NotFound, "dashboard-no-such-file", "There is no such ledger file.", $"Ledger '{ledger}' has no file '{file}' to download.");
            }

            await AuditAsync(http, "dashboard.ledger.download", $"{ledger}/{file}", null, cancellationToken).ConfigureAwait(false);
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.File(path, "text/csv", System.IO.Path.GetFileName(path));
        }

        private Task AuditAsync(HttpContext http, string action, string subject, string? details, CancellationToken cancellationToken) =>
            accountsApi.AuditAsync(http, action, subject, details, cancellationToken);

        private static string Sentence(string message) => message.Length > 0 ? char.ToUpperInvariant(message[0]) + message[1..] : message;
    }
}
