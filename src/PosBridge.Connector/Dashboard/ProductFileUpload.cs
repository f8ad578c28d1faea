using System.Globalization;
using System.Security.Cryptography;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Hosting;

namespace PosBridge.Connector.Dashboard;

/// <summary>A product file's import as the dashboard answers it: the counts published.</summary>
internal sealed record ProductFileImportResponse(string StoreId, int Products, int Categories, int Taxes, int PaymentMethods, int StockLevels, int Removed);

/// <summary>One problem of an uploaded product file, by row and column (column null for the whole row or file).</summary>
internal sealed record ProductFileProblemView(int Row, string? Column, string Message);

/// <summary>
/// The dashboard's upload of a store's product file (<c>POST /dashboard/api/catalog/{store}/product-file?name=…</c>,
/// signed in, with the session's anti-forgery token like every action): the file's bytes as the body, at most
/// <see cref="MaxBytes"/>, read bounded. It runs the same <see cref="CatalogImport"/> as <c>posbridge catalog import</c>,
/// so every row is checked, every problem named by row and column, and nothing is imported when there is one.
/// </summary>
internal sealed class ProductFileUpload(CatalogImport import)
{
    /// <summary>8 MiB: tens of thousands of products in CSV; more is a mistake (a photo, a backup) rather than a catalog.</summary>
    public const long MaxBytes = 8 * 1024 * 1024;

    // One import at a time in this process: two uploads at once would race to replace the store's file and publish it.
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public IReadOnlyCollection<string> Stores => import.Stores;

    /// <summary>The answer to the upload, and the audit line to write when something was imported.</summary>
    public async Task<(IResult Result, string? Audit)> UploadAsync(HttpContext http, string storeId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        var name = http.Request.Query["name"].ToString();
        var format = ProductFile.FormatOf(name);
        if (string.IsNullOrWhiteSpace(name) || format is null || name.Length > 255 || name.Any(char.IsControl))
        {
            return (Invalid("name must be the file's name ending in .csv or .xlsx (the first sheet of a workbook is read)."), null);
        }

        if (!import.Stores.Contains(storeId, StringComparer.Ordinal))
        {
            return (DashboardEndpoints.Problem(
                StatusCodes.Status404NotFound,
                "dashboard-store-not-file",
                "That store does not keep a product file.",
                import.Stores.Count == 0
                    ? $"Store '{storeId}' takes its catalog from elsewhere; set PosBridge:Stores:{storeId}:Catalog:Source to File to keep a product file."
                    : $"Store '{storeId}' does not keep a product file; the stores that do: {string.Join(", ", import.Stores.Order(StringComparer.Ordinal))}."), null);
        }

        if (http.Request.ContentLength is > MaxBytes)
        {
            return (Problems.PayloadTooLarge(MaxBytes), null);
        }

        var temporary = Path.Combine(Path.GetTempPath(), $"posbridge-upload-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.{format}");
        try
        {
            // Read bounded while it comes (a chunked body has no Content-Length), into a file only this process names.
            long total = 0;
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                // The owner's prices and stock: readable by the connector's user only.
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var target = new FileStream(temporary, create))
            {
                var chunk = new byte[81920];
                int read;
                while ((read = await http.Request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > MaxBytes)
                    {
                        return (Problems.PayloadTooLarge(MaxBytes), null);
                    }

                    await target.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }

            if (total == 0)
            {
                return (Invalid($"'{name}' is empty: choose the product file (its first row names the columns)."), null);
            }

            await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            CatalogImportResult result;
            try
            {
                result = await import.ImportAsync(storeId, temporary, null, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Gate.Release();
            }

            if (!result.Imported)
            {
                var problems = result.Problems.Select(p => new ProductFileProblemView(p.Row, p.Column, p.Message)).ToList();
                var answer = Results.Problem(
                    detail: string.Create(CultureInfo.InvariantCulture, $"{problems.Count} problem(s) in '{name}'; nothing was imported. Fix the file and upload it again."),
                    statusCode: StatusCodes.Status422UnprocessableEntity,
                    title: "The product file has problems.",
                    type: Problems.TypePrefix + "product-file-invalid",
                    extensions: new Dictionary<string, object?> { ["problems"] = problems });
                return (answer, null);
            }

            var report = result.Report!;
            return (
                Results.Ok(new ProductFileImportResponse(storeId, report.Products, report.Categories, report.Taxes, report.PaymentMethods, result.StockLevels, report.Removed)),
                string.Create(CultureInfo.InvariantCulture, $"{name}: {report.Products} products, {report.Removed} taken off sale"));
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static IResult Invalid(string detail) =>
        DashboardEndpoints.Problem(StatusCodes.Status400BadRequest, "invalid-request", "The upload is not a product file.", detail);
}
