using System.Security.Cryptography;

namespace PosBridge.Connector.Catalog;

/// <summary>What an import did, or why it did nothing.</summary>
internal sealed record CatalogImportResult(IReadOnlyList<ProductFileProblem> Problems, CatalogPullReport? Report, int StockLevels, string? StoredAt)
{
    public bool Imported => Problems.Count == 0;
}

/// <summary>
/// <c>posbridge catalog import</c> and the dashboard's upload: checks a product file for a store whose catalog is a
/// product file; only a file with no problem replaces the store's file and is published to its tills and feeds at
/// once. A file with any problem changes nothing.
/// </summary>
internal sealed class CatalogImport(ProductFileSources sources, CatalogPuller puller, ICatalogSnapshot snapshot)
{
    public IReadOnlyCollection<string> Stores => sources.All.Select(s => s.StoreId).ToList();

    /// <summary>
    /// Imports <paramref name="file"/> (its name gives the format) for <paramref name="storeId"/>. Throws
    /// <see cref="ArgumentException"/> for a store that does not keep a product file.
    /// </summary>
    public async Task<CatalogImportResult> ImportAsync(string storeId, string file, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var source = sources.Find(storeId) ?? throw new ArgumentException(
            sources.All.Count == 0
                ? $"store '{storeId}' does not keep a product file: set PosBridge:Stores:{storeId}:Catalog:Source to File (and PosBridge:Stores:{storeId}:Currency)."
                : $"store '{storeId}' does not keep a product file; the stores that do: {string.Join(", ", sources.All.Select(s => s.StoreId))}.");
        var format = ProductFile.FormatOf(file);
        if (format is null)
        {
            return new CatalogImportResult([new ProductFileProblem(0, null, $"'{Path.GetFileName(file)}' is neither a .csv nor an .xlsx file.")], null, 0, null);
        }

        if (source.Settings.Path is { Length: > 0 } && ProductFile.FormatOf(source.FilePath) != format)
        {
            return new CatalogImportResult([new ProductFileProblem(0, null, $"store {storeId}'s product file is {source.FilePath}; import a .{ProductFile.FormatOf(source.FilePath)} file, or change PosBridge:Stores:{storeId}:Catalog:Path.")], null, 0, null);
        }

        progress?.Report($"Checking {Path.GetFileName(file)} …");
        var reading = await source.ReadAsync(file, cancellationToken).ConfigureAwait(false);
        if (!reading.IsValid)
        {
            return new CatalogImportResult(reading.Problems, null, 0, null);
        }

        progress?.Report($"{reading.Products.Count} products checked; publishing them to store {storeId}'s tills and feeds …");
        var target = source.Settings.Path is { Length: > 0 } ? source.FilePath : Path.Combine(Path.GetDirectoryName(source.FilePath)!, storeId + "." + format);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (!string.Equals(Path.GetFullPath(file), target, StringComparison.Ordinal))
        {
            // Copied beside, then moved over: a crash leaves the old file or the new one, never half of one.
            var temporary = target + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)) + ".tmp";
            File.Copy(file, temporary);
            File.Move(temporary, target, overwrite: true);
            var other = Path.ChangeExtension(target, format == "csv" ? ".xlsx" : ".csv");
            if (source.Settings.Path is not { Length: > 0 } && File.Exists(other))
            {
                File.Delete(other);
            }
        }

        var report = await puller.PullSourceAsync(source, cancellationToken).ConfigureAwait(false);
        await snapshot.SaveStockAsync(reading.Stock, cancellationToken).ConfigureAwait(false);
        return new CatalogImportResult([], report, reading.Stock.Count, target);
    }
}
