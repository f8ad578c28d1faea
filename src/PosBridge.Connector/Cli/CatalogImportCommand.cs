using PosBridge.Connector.Catalog;

namespace PosBridge.Connector.Cli;

/// <summary><c>posbridge catalog import --store STORE --file FILE</c>: every problem as <c>FILE: row N, column: …</c>, or the counts published.</summary>
internal static class CatalogImportCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string storeId, string file, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(file))
        {
            await error.WriteLineAsync($"posbridge: the product file '{file}' does not exist.").ConfigureAwait(false);
            return CommandLine.InputProblems;
        }

        CatalogImportResult result;
        try
        {
            result = await services.GetRequiredService<CatalogImport>().ImportAsync(storeId, file, new Progress(output), cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync($"posbridge: {e.Message}").ConfigureAwait(false);
            return CommandLine.Usage;
        }

        if (!result.Imported)
        {
            foreach (var problem in result.Problems)
            {
                await error.WriteLineAsync($"{file}: {problem}").ConfigureAwait(false);
            }

            await error.WriteLineAsync($"posbridge: {result.Problems.Count} problem(s); nothing was imported. Fix the file and import it again.").ConfigureAwait(false);
            return CommandLine.InputProblems;
        }

        var report = result.Report!;
        await output.WriteLineAsync(
            $"Store {storeId}: {report.Products} products, {report.Categories} categories, {report.Taxes} taxes, {report.PaymentMethods} payment methods and {result.StockLevels} stock levels published"
            + (report.Removed > 0 ? $"; {report.Removed} products no longer in the file are taken off sale" : string.Empty)
            + $". Kept as {result.StoredAt}; tills get it at their next catalog pull.").ConfigureAwait(false);
        return CommandLine.Ok;
    }

    /// <summary>Progress lines as they come (a progress that posts to a thread pool would print them late or out of order).</summary>
    private sealed class Progress(TextWriter output) : IProgress<string>
    {
        public void Report(string value) => output.WriteLine(value);
    }
}
