using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PosBridge.Core.Adapters;

namespace PosBridge.Connector.Sample.Plugin;

/// <summary>
/// A sample back office as a third party writes one: appends each delivered sale to a text file, once per sale id.
/// Registered like a built-in adapter, from <c>Plugins:FileJournal</c>, its settings checked at start.
/// </summary>
public sealed class FileJournalModule : IAdapterModule
{
    public string Name => "file-journal";

    public string ConfigurationSection => FileJournalOptions.Section;

    public void Register(IServiceCollection services, IConfigurationSection section)
    {
        services.AddOptions<FileJournalOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FileJournalOptions>, FileJournalOptionsValidator>());

        // Time and logging come from the host's container, as for every adapter.
        services.AddSingleton<ISalesSink>(sp => new FileJournalSink(
            sp.GetRequiredService<IOptions<FileJournalOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<FileJournalSink>>()));
    }
}

/// <summary>The <c>Plugins:FileJournal</c> section.</summary>
public sealed class FileJournalOptions
{
    public const string Section = "Plugins:FileJournal";

    /// <summary>The adapter's name in the connector (cursors, dead letters).</summary>
    public string Name { get; set; } = "file-journal";

    /// <summary>The file sales are appended to.</summary>
    public string? OutputFile { get; set; }

    /// <summary>Sales per delivery, 1 to 500.</summary>
    public int BatchSize { get; set; } = 50;
}

/// <summary>Every failure at once, each naming its setting and what to use.</summary>
internal sealed class FileJournalOptionsValidator : IValidateOptions<FileJournalOptions>
{
    public ValidateOptionsResult Validate(string? name, FileJournalOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.OutputFile))
        {
            failures.Add($"{FileJournalOptions.Section}:OutputFile is missing; name the file sales are written to.");
        }

        if (string.IsNullOrWhiteSpace(options.Name))
        {
            failures.Add($"{FileJournalOptions.Section}:Name is empty; give the adapter's name, e.g. file-journal.");
        }

        if (options.BatchSize is < 1 or > 500)
        {
            failures.Add($"{FileJournalOptions.Section}:BatchSize is {options.BatchSize}; use 1 to 500.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
