using System.Globalization;
using Microsoft.Extensions.Logging;
using PosBridge.Core.Adapters;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Sample.Plugin;

/// <summary>One line per sale: its id, number, total and when it was written; a sale already in the file is a duplicate.</summary>
internal sealed partial class FileJournalSink(FileJournalOptions options, TimeProvider time, ILogger<FileJournalSink> logger) : ISalesSink
{
    public string Name => options.Name;

    public int PreferredBatchSize => options.BatchSize;

    public async Task<IReadOnlyList<SaleDeliveryResult>> DeliverAsync(IReadOnlyList<Sale> sales, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sales);
        var file = options.OutputFile!;
        var known = File.Exists(file) ? (await File.ReadAllLinesAsync(file, cancellationToken).ConfigureAwait(false)).Select(l => l.Split(' ')[0]).ToHashSet() : [];
        var results = new List<SaleDeliveryResult>();
        var written = 0;
        foreach (var sale in sales)
        {
            var id = sale.Id.ToString("D");
            if (known.Contains(id))
            {
                results.Add(SaleDeliveryResult.Duplicate(sale.Id));
                continue;
            }

            var at = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
            await File.AppendAllTextAsync(file, $"{id} {sale.SaleNumber} {sale.Totals.Total.ToString(CultureInfo.InvariantCulture)} {at}\n", cancellationToken).ConfigureAwait(false);
            results.Add(SaleDeliveryResult.Done(sale.Id, id));
            written++;
        }

        Written(logger, written, file);
        return results;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Wrote {Count} sales to {File}")]
    private static partial void Written(ILogger logger, int count, string file);
}
