using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PosBridge.Core.Adapters;
using PosBridge.Core.Catalog;
using PosBridge.Core.Stock;

namespace PosBridge.Connector.Catalog;

/// <summary>
/// A store's catalog from the product file its owner keeps (<c>PosBridge:Stores:{id}:Catalog:Source</c> = File):
/// every pull reads the file whole; when it changed, its products (only the store's tills get them), categories, the
/// store's configured taxes and payment methods are handed on, and the store's products no longer in it are removed.
/// A file with a problem changes nothing: the pull fails naming every problem and the tills keep the last good catalog.
/// </summary>
internal sealed class ProductFileSource(string storeId, StoreCatalogOptions settings, string dataDirectory, ICatalogSnapshot snapshot) : ICatalogSource, IStockSource
{
    private static readonly string[] Extensions = [".csv", ".xlsx"];

    public string Name => "file:" + StoreId;

    public string StoreId { get; } = storeId;

    /// <summary>The configured file, or the one <c>posbridge catalog import</c> keeps in the data directory.</summary>
    public string FilePath =>
        settings.Path is { Length: > 0 } path
            ? System.IO.Path.GetFullPath(path, dataDirectory)
            : ImportedFile(dataDirectory, StoreId) ?? System.IO.Path.Combine(System.IO.Path.GetFullPath(dataDirectory), "catalog", StoreId + ".csv");

    public StoreCatalogOptions Settings => settings;

    /// <summary>The newest imported file of a store (<c>DATA/catalog/STORE.csv|xlsx</c>), or null.</summary>
    public static string? ImportedFile(string dataDirectory, string storeId) =>
        Extensions
            .Select(e => new FileInfo(System.IO.Path.Combine(System.IO.Path.GetFullPath(dataDirectory), "catalog", storeId + e)))
            .Where(f => f.Exists)
            .OrderByDescending(f => f.LastWriteTimeUtc)
            .Select(f => f.FullName)
            .FirstOrDefault();

    public Task<ProductFileReading> ReadAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(FilePath, cancellationToken);

    public async Task<ProductFileReading> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
        {
            return new ProductFileReading([], [], [], [new ProductFileProblem(0, null, $"store {StoreId}'s product file {path} does not exist; import one: posbridge catalog import --store {StoreId} --file FILE")]);
        }

        return await ProductFile.ReadAsync(path, StoreId, settings, cancellationToken).ConfigureAwait(false);
    }

    public async Task<CatalogChanges> GetChangesAsync(string? cursor, int pageSize, CancellationToken cancellationToken = default)
    {
        var reading = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (!reading.IsValid)
        {
            throw new InvalidDataException($"{FilePath}: " + string.Join("; ", reading.Problems));
        }

        return await ChangesAsync(reading, cursor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The changes a good reading makes; the whole file in one page (it is read whole anyway).</summary>
    public async Task<CatalogChanges> ChangesAsync(ProductFileReading reading, string? cursor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reading);
        var methods = settings.PaymentMethodsOffered(StoreId);
        var taxes = settings.TaxDefinitions();
        var version = Fingerprint(reading, methods, taxes);
        if (cursor == version)
        {
            return new CatalogChanges { Products = [], Taxes = [], Categories = [], NextCursor = version };
        }

        var listed = reading.Products.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var removed = (await snapshot.ProductsAsync(cancellationToken).ConfigureAwait(false))
            .Where(p => p.Stores.Count == 1 && string.Equals(p.Stores[0], StoreId, StringComparison.OrdinalIgnoreCase) && !listed.Contains(p.Id))
            .Select(p => p.Id)
            .ToList();
        var methodIds = methods.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        var removedMethods = (await snapshot.PaymentMethodsAsync(cancellationToken).ConfigureAwait(false))
            .Where(m => m.OfferedAt.Count == 1 && string.Equals(m.OfferedAt[0], StoreId, StringComparison.OrdinalIgnoreCase) && !methodIds.Contains(m.Id))
            .Select(m => m.Id)
            .ToList();
        return new CatalogChanges
        {
            Products = reading.Products,
            Taxes = taxes,
            Categories = reading.Categories,
            RemovedProductIds = removed,
            PaymentMethods = methods,
            RemovedPaymentMethodIds = removedMethods,
            NextCursor = version,
        };
    }

    public async Task<IReadOnlyList<StockLevel>> GetLevelsAsync(IReadOnlyCollection<string>? skus, CancellationToken cancellationToken = default)
    {
        var reading = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (!reading.IsValid)
        {
            throw new InvalidDataException($"{FilePath}: " + string.Join("; ", reading.Problems));
        }

        return skus is null ? reading.Stock : reading.Stock.Where(l => skus.Contains(l.Sku)).ToList();
    }

    private static string Fingerprint(ProductFileReading reading, IReadOnlyList<PaymentMethod> methods, IReadOnlyList<Core.Taxes.TaxDefinition> taxes)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new { reading.Products, reading.Categories, methods, taxes });
        return "file:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}

/// <summary>Registers a <see cref="ProductFileSource"/> for each store whose catalog is a product file.</summary>
internal static class StoreCatalogSetup
{
    public static IServiceCollection AddStoreCatalogs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StoreCatalogsOptions>().Configure(o => StoreCatalogsOptions.Bind(configuration, o)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StoreCatalogsOptions>, StoreCatalogsOptionsValidator>();
        services.AddSingleton<ProductFileSources>();
        services.AddSingleton<CatalogImport>();
        var stores = new StoreCatalogsOptions();
        StoreCatalogsOptions.Bind(configuration, stores);
        foreach (var (storeId, _) in stores.FileStores)
        {
            services.AddSingleton<ICatalogSource>(sp => sp.GetRequiredService<ProductFileSources>().For(storeId));
            services.AddSingleton<IStockSource>(sp => sp.GetRequiredService<ProductFileSources>().For(storeId));
        }

        // No stock source: the web store keeps its own count (see StoreCatalogOptions.WebStore).
        foreach (var (storeId, settings) in stores.WebStoreStores.Where(s => s.Value.WebStorePlatform is not null))
        {
            services.AddSingleton<ICatalogSource>(sp => new WebStoreCatalogSource(
                storeId,
                sp.GetRequiredService<IOptions<StoreCatalogsOptions>>().Value.Stores[storeId],
                sp.GetRequiredKeyedService<Ecommerce.Catalog.IWebStoreCatalog>(settings.WebStore),
                sp.GetRequiredService<ICatalogSnapshot>()));
        }

        services.AddHostedService<CatalogSourcesReport>();
        return services;
    }
}

/// <summary>The product-file sources, one per store that keeps one, built from the checked settings.</summary>
internal sealed class ProductFileSources(IOptions<StoreCatalogsOptions> stores, IOptions<Hosting.ConnectorOptions> connector, ICatalogSnapshot snapshot)
{
    private readonly Dictionary<string, ProductFileSource> _sources = stores.Value.FileStores.ToDictionary(
        s => s.Key,
        s => new ProductFileSource(s.Key, s.Value, connector.Value.DataDirectory, snapshot),
        StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<ProductFileSource> All => _sources.Values;

    public ProductFileSource For(string storeId) => _sources[storeId];

    public ProductFileSource? Find(string storeId) => _sources.GetValueOrDefault(storeId);
}

/// <summary>Says at start where each store's catalog comes from, so a till with no products is never a mystery.</summary>
internal sealed class CatalogSourcesReport(ProductFileSources files, IOptions<StoreCatalogsOptions> stores, IEnumerable<ICatalogSource> sources, ILogger<CatalogSourcesReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var file in files.All)
        {
            var path = file.FilePath;
            Hosting.Log.StoreCatalogSource(logger, file.StoreId, "the product file " + path);
        }

        foreach (var web in sources.OfType<WebStoreCatalogSource>())
        {
            Hosting.Log.StoreCatalogSource(logger, web.StoreId, "the products of web store " + web.WebStore + " (its stock stays the web store's own count)");
        }

        foreach (var (store, settings) in stores.Value.Stores.Where(s => s.Value.Source == CatalogSourceKind.Odoo))
        {
            var backOffice = sources.Where(s => s is not ProductFileSource and not WebStoreCatalogSource).Select(s => s.Name).ToList();
            Hosting.Log.StoreCatalogSource(logger, store, backOffice.Count > 0 ? "the back office (" + string.Join(", ", backOffice) + ")" : "Odoo, which is not configured: its tills get no products");
        }

        if (!sources.Any())
        {
            Hosting.Log.NoCatalogSource(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
