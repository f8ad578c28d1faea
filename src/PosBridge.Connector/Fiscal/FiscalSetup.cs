using Microsoft.Extensions.Options;
using Quartz;

namespace PosBridge.Connector.Fiscal;

/// <summary>The connector's tax-authority settings (section <c>Fiscal</c>); absent, nothing fiscal runs.</summary>
internal sealed class FiscalOptions
{
    public const string Section = "Fiscal";

    public ZatcaApiOptions? Zatca { get; set; }
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

/// <summary>Schedules the reporting job at start when ZATCA is configured.</summary>
internal sealed class FiscalScheduler(ISchedulerFactory schedulers, TimeProvider timeProvider, IOptions<FiscalOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Zatca is not { } zatca)
        {
            return;
        }

        var scheduler = await schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
        var job = JobBuilder.Create<ReportZatcaInvoicesJob>().WithIdentity("report-zatca", "fiscal").Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity("report-zatca", "fiscal")
            .StartAt(timeProvider.GetUtcNow() + zatca.ReportEvery)
            .WithSimpleSchedule(s => s.WithInterval(zatca.ReportEvery).RepeatForever())
            .Build();
        await scheduler.ScheduleJob(job, [trigger], new ScheduleJobOptions { Replace = true }, cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static class FiscalSetup
{
    /// <summary>Registers the fiscal stores always (tills may upload before ZATCA is configured) and ZATCA's client and job when configured.</summary>
    public static IServiceCollection AddFiscal(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FiscalOptions>().Bind(configuration.GetSection(FiscalOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FiscalOptions>, FiscalOptionsValidator>();
        services.AddSingleton<FiscalDocumentStore>();
        services.AddSingleton<ZatcaUnits>();
        services.AddHttpClient<ZatcaClient>((sp, http) =>
        {
            var zatca = sp.GetRequiredService<IOptions<FiscalOptions>>().Value.Zatca ?? new ZatcaApiOptions();
            http.BaseAddress = new Uri(zatca.BaseUrl);
            http.Timeout = TimeSpan.FromSeconds(60);
        });
        // Transient like the typed client they use, so the client's handler is rotated as the factory intends.
        services.AddTransient<ZatcaReporter>();
        services.AddTransient<ZatcaOnboarding>();
        services.AddHostedService<FiscalScheduler>();
        return services;
    }
}
