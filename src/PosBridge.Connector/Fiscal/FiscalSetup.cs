using Microsoft.Extensions.Options;
using PosBridge.Connector.Hosting;
using Quartz;

namespace PosBridge.Connector.Fiscal;

/// <summary>The connector's tax-authority settings (section <c>Fiscal</c>); absent, nothing fiscal runs.</summary>
internal sealed class FiscalOptions
{
    public const string Section = "Fiscal";

    public ZatcaApiOptions? Zatca { get; set; }

    public EtaApiOptions? Eta { get; set; }
}

internal sealed class EtaApiOptions
{
    /// <summary>The ETA identity server (tokens): https://id.eta.gov.eg/ in production, https://id.preprod.eta.gov.eg/ for tests.</summary>
    public string IdentityUrl { get; set; } = "https://id.eta.gov.eg/";

    /// <summary>The e-receipt API: https://api.invoicing.eta.gov.eg/ in production.</summary>
    public string ApiUrl { get; set; } = "https://api.invoicing.eta.gov.eg/";

    public TimeSpan SubmitEvery { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Receipts per submission.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How often the ETA is asked how it validated the receipts it accepted (job <c>validate-eta</c>).</summary>
    public TimeSpan ValidateEvery { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Receipts per page of a submission's details (the ETA caps its page size).</summary>
    public int DetailsPageSize { get; set; } = 100;

    /// <summary>Each POS's own ETA credentials, by till id (Fiscal:Eta:Pos:&lt;TillId&gt;:ClientId|ClientSecret|SerialNumber|OsVersion).</summary>
    public Dictionary<string, EtaPosCredentials> Pos { get; } = new(StringComparer.Ordinal);
}

internal sealed class ZatcaApiOptions
{
    /// <summary>The Fatoora API's base address: …/e-invoicing/core/ (production), …/simulation/ or …/developer-portal/ (sandbox).</summary>
    public string BaseUrl { get; set; } = "https://gw-fatoora.zatca.gov.sa/e-invoicing/core/";

    /// <summary>How often waiting invoices are reported; ZATCA wants each within 24 hours of the sale.</summary>
    public TimeSpan ReportEvery { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Invoices per run.</summary>
    public int BatchSize { get; set; } = 200;
}

/// <summary>Collects every wrong fiscal setting, each named with what is valid.</summary>
internal sealed class FiscalOptionsValidator : IValidateOptions<FiscalOptions>
{
    public ValidateOptionsResult Validate(string? name, FiscalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Zatca is { } zatca)
        {
            if (!Uri.TryCreate(zatca.BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || !zatca.BaseUrl.EndsWith('/'))
            {
                failures.Add($"Fiscal:Zatca:BaseUrl '{zatca.BaseUrl}' is not an https address ending in '/' (e.g. https://gw-fatoora.zatca.gov.sa/e-invoicing/core/).");
            }

            if (zatca.ReportEvery < TimeSpan.FromSeconds(10) || zatca.ReportEvery > TimeSpan.FromHours(6))
            {
                failures.Add($"Fiscal:Zatca:ReportEvery is {zatca.ReportEvery}; use 00:00:10 to 06:00:00 so invoices reach ZATCA within 24 hours.");
            }

            if (zatca.BatchSize is < 1 or > 1000)
            {
                failures.Add($"Fiscal:Zatca:BatchSize is {zatca.BatchSize}; use 1 to 1000.");
            }
        }

        if (options.Eta is { } eta)
        {
            foreach (var (setting, url) in new[] { ("IdentityUrl", eta.IdentityUrl), ("ApiUrl", eta.ApiUrl) })
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || !url.EndsWith('/'))
                {
                    failures.Add($"Fiscal:Eta:{setting} '{url}' is not an https address ending in '/'.");
                }
            }

            if (eta.SubmitEvery < TimeSpan.FromSeconds(10) || eta.SubmitEvery > TimeSpan.FromHours(6))
            {
                failures.Add($"Fiscal:Eta:SubmitEvery is {eta.SubmitEvery}; use 00:00:10 to 06:00:00 so receipts reach the ETA within 24 hours.");
            }

            if (eta.BatchSize is < 1 or > 500)
            {
                failures.Add($"Fiscal:Eta:BatchSize is {eta.BatchSize}; use 1 to 500.");
            }

            if (eta.ValidateEvery < TimeSpan.FromSeconds(10) || eta.ValidateEvery > TimeSpan.FromHours(6))
            {
                failures.Add($"Fiscal:Eta:ValidateEvery is {eta.ValidateEvery}; use 00:00:10 to 06:00:00.");
            }

            if (eta.DetailsPageSize is < 1 or > 100)
            {
                failures.Add($"Fiscal:Eta:DetailsPageSize is {eta.DetailsPageSize}; use 1 to 100.");
            }

            foreach (var (till, pos) in eta.Pos)
            {
                foreach (var (setting, value) in new[] { ("ClientId", pos.ClientId), ("ClientSecret", pos.ClientSecret), ("SerialNumber", pos.SerialNumber), ("OsVersion", pos.OsVersion) })
                {
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        failures.Add($"Fiscal:Eta:Pos:{till}:{setting} is empty; the ETA issues it for this POS (e-receipt portal, POS registration).");
                    }
                }
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}

/// <summary>Quartz job reporting waiting ZATCA invoices; the work is in <see cref="ZatcaReporter"/>, which tests call directly.</summary>
[DisallowConcurrentExecution]
internal sealed class ReportZatcaInvoicesJob(ZatcaReporter reporter, IOptions<FiscalOptions> options) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await reporter.ReportDueAsync(options.Value.Zatca!.BatchSize, cancellationToken).ConfigureAwait(false);
}

/// <summary>Quartz job submitting waiting ETA e-receipts; the work is in <see cref="EtaSubmitter"/>.</summary>
[DisallowConcurrentExecution]
internal sealed class SubmitEtaReceiptsJob(EtaSubmitter submitter, IOptions<FiscalOptions> options) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await submitter.SubmitDueAsync(options.Value.Eta!.BatchSize, cancellationToken).ConfigureAwait(false);
}

/// <summary>
/// Quartz job asking the ETA how it validated the receipts it accepted; the work is in <see cref="EtaValidator"/>. Apart
/// from the submission job so a slow or failing details call never holds up submitting within the 24 hours.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class ValidateEtaReceiptsJob(EtaValidator validator, IOptions<FiscalOptions> options) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await validator.ValidateDueAsync(options.Value.Eta!.DetailsPageSize, cancellationToken: cancellationToken).ConfigureAwait(false);
}

/// <summary>Schedules the reporting, submission and validation jobs at start for the authorities configured.</summary>
internal sealed class FiscalScheduler(ISchedulerFactory schedulers, TimeProvider timeProvider, IOptions<FiscalOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var jobs = new List<RepeatingJob>();
        if (options.Value.Zatca is { } zatca)
        {
            jobs.Add(RepeatingJob.Of<ReportZatcaInvoicesJob>("report-zatca", zatca.ReportEvery));
        }

        if (options.Value.Eta is { } eta)
        {
            jobs.Add(RepeatingJob.Of<SubmitEtaReceiptsJob>("submit-eta", eta.SubmitEvery));
            jobs.Add(RepeatingJob.Of<ValidateEtaReceiptsJob>("validate-eta", eta.ValidateEvery));
        }

        var scheduler = await schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
        await scheduler.ScheduleGroupAsync("fiscal", jobs, timeProvider, cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static class FiscalSetup
{
    /// <summary>Registers ZATCA's client and job when configured.</summary>
    public static IServiceCollection AddFiscal(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FiscalOptions>().Bind(configuration.GetSection(FiscalOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FiscalOptions>, FiscalOptionsValidator>();
        services.AddHttpClient<ZatcaClient>((sp, http) =>
        {
            var zatca = sp.GetRequiredService<IOptions<FiscalOptions>>().Value.Zatca ?? new ZatcaApiOptions();
            http.BaseAddress = new Uri(zatca.BaseUrl);
            http.Timeout = TimeSpan.FromSeconds(60);
        })
            // A 303 on the clearance call means 'clearance is off, report instead'; followed, it would become a GET.
            .ConfigurePrimaryHttpMessageHandler((handler, _) =>
            {
                if (handler is SocketsHttpHandler sockets)
                {
                    sockets.AllowAutoRedirect = false;
                }
            });
        // Transient like the typed client they use, so the client's handler is rotated as the factory intends.
        services.AddTransient<ZatcaReporter>();
        services.AddTransient<ZatcaOnboarding>();
        services.AddTransient<ZatcaClearance>();
        services.AddHttpClient(nameof(EtaClient), (sp, http) =>
        {
            var eta = sp.GetRequiredService<IOptions<FiscalOptions>>().Value.Eta ?? new EtaApiOptions();
            http.BaseAddress = new Uri(eta.ApiUrl);
            http.Timeout = TimeSpan.FromSeconds(60);
        });
        services.AddTransient(sp => new EtaClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(EtaClient)),
            new Uri((sp.GetRequiredService<IOptions<FiscalOptions>>().Value.Eta ?? new EtaApiOptions()).IdentityUrl)));
        services.AddSingleton<EtaTokenCache>();
        services.AddTransient(sp => new EtaSubmitter(
            sp.GetRequiredService<EtaClient>(),
            sp.GetRequiredService<IFiscalDocumentStore>(),
            sp.GetRequiredService<EtaTokenCache>(),
            (sp.GetRequiredService<IOptions<FiscalOptions>>().Value.Eta ?? new EtaApiOptions()).Pos));
        services.AddTransient(sp => new EtaValidator(
            sp.GetRequiredService<EtaClient>(),
            sp.GetRequiredService<IFiscalDocumentStore>(),
            sp.GetRequiredService<EtaTokenCache>(),
            (sp.GetRequiredService<IOptions<FiscalOptions>>().Value.Eta ?? new EtaApiOptions()).Pos,
            sp.GetRequiredService<ILogger<EtaValidator>>()));
        services.AddHostedService<FiscalScheduler>();
        return services;
    }
}
