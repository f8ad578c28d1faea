using System.Globalization;
using PosBridge.Core.Adapters;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Sample.Plugin;

/// <summary>A sample back office: appends each delivered sale to a text file, once per sale id.</summary>
public sealed class FileJournalPlugin : IConnectorPlugin
{
    public IReadOnlyList<IAdapter> CreateAdapters(IReadOnlyDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.TryGetValue("OutputFile", out var file) || string.IsNullOrWhiteSpace(file))
        {
            throw new ArgumentException("OutputFile is missing: name the file sales are written to.", nameof(settings));
        }

        return [new FileJournalSink(settings.TryGetValue("Name", out var name) && !string.IsNullOrWhiteSpace(name) ? name : "file-journal", file)];
    }
}

internal sealed class FileJournalSink(string name, string file) : ISalesSink
{
    public string Name => name;

    public int PreferredBatchSize => 50;

    public async Task<IReadOnlyList<SaleDeliveryResult>> DeliverAsync(IReadOnlyList<Sale> sales, CancellationToken cancellationToken = default)
    {
        var known = File.Exists(file) ? (await File.ReadAllLinesAsync(file, cancellationToken).ConfigureAwait(false)).Select(l => l.Split(' ')[0]).ToHashSet() : [];
        var results = new List<SaleDeliveryResult>();
        foreach (var sale in sales)
        {
            var id = sale.Id.ToString("D");
            if (known.Contains(id))
            {
                results.Add(SaleDeliveryResult.Duplicate(sale.Id));
                continue;
            }

            await File.AppendAllTextAsync(file, $"{id} {sale.SaleNumber} {sale.Totals.Total.ToString(CultureInfo.InvariantCulture)}\n", cancellationToken).ConfigureAwait(false);
            results.Add(SaleDeliveryResult.Done(sale.Id, id));
        }

        return results;
    }
}
