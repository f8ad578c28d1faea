using PosBridge.Ecommerce.Catalog;

namespace PosBridge.Ecommerce.Tests.Http;

/// <summary>Reads a web store's catalog the way the connector's pull does: page after page from a cursor to the run's end.</summary>
internal static class WebCatalogRuns
{
    public static async Task<List<WebCatalogPage>> ReadRunAsync(IWebStoreCatalog catalog, string? cursor, int pageSize)
    {
        var pages = new List<WebCatalogPage>();
        while (true)
        {
            var page = await catalog.ReadAsync(cursor, pageSize, TestContext.Current.CancellationToken);
            pages.Add(page);
            cursor = page.NextCursor;
            if (!page.HasMore)
            {
                return pages;
            }

            Assert.True(pages.Count < 100, "the run never ends");
        }
    }
}
