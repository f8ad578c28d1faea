using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using PosBridge.Terminal.Fiscal;
using PosBridge.Terminal.Sync;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Tests.Fiscal;

/// <summary>
/// A Saudi till's database restored from a backup into its folder: the invoices signed after the backup were reported
/// already, so the next one must continue the chain from them (ICV and previous-invoice hash), not repeat their counters.
/// </summary>
public sealed class RestoredChainTests
{
    [Fact]
    public void RestoredInPlace_NextInvoiceContinuesTheChainFromTheLastSigned_NoCounterReused()
    {
        var directory = Directory.CreateTempSubdirectory("posbridge-till-").FullName;
        var backup = Path.Combine(Directory.CreateTempSubdirectory("posbridge-backup-").FullName, "till.db");
        try
        {
            FiscalDocument last;
            using (var saudi = new SaudiTill(directory))
            {
                saudi.Till.Shifts.Open(TestTill.Cashier, 100m);
                saudi.SellOrFail();
                saudi.Till.Database.Execute("VACUUM INTO ?", backup);
                saudi.SellOrFail();
                saudi.SellOrFail();
                last = saudi.Chain.All(FiscalAuthority.Zatca)[^1];
                Assert.Equal(3, last.Counter);
            }

            foreach (var file in new[] { "till.db", "till.db-wal", "till.db-shm" }.Select(f => Path.Combine(directory, f)).Where(File.Exists))
            {
                File.Delete(file);
            }

            File.Copy(backup, Path.Combine(directory, "till.db"));
            using var restored = new SaudiTill(directory, ownsDirectory: true);
            restored.Till.Shifts.Open(TestTill.Cashier, 100m);
            var sale = restored.SellOrFail();

            var next = restored.Chain.All(FiscalAuthority.Zatca).Single(d => d.SaleId == sale.Id);
            Assert.Equal(4, next.Counter);
            Assert.Equal(last.Hash, next.PreviousHash);
            Assert.StartsWith("RUH-OLAYA-0001-T01-E2-", sale.SaleNumber, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(backup)!, recursive: true);
        }
    }

    /// <summary>
    /// Restored onto another machine (no mark beside it): the connector hands back the last invoice it received from the
    /// till at the first contact, and the next invoice follows it instead of repeating counter 2.
    /// </summary>
    [Fact]
    public async Task RestoredElsewhere_FirstContactHandsBackTheChainHead_NextInvoiceFollowsIt()
    {
        var backup = Path.Combine(Directory.CreateTempSubdirectory("posbridge-backup-").FullName, "till.db");
        var elsewhere = Directory.CreateTempSubdirectory("posbridge-till-").FullName;
        try
        {
            FiscalDocument last;
            Core.Sales.Sale lastSale;
            using (var saudi = new SaudiTill())
            {
                saudi.Till.Shifts.Open(TestTill.Cashier, 100m);
                saudi.SellOrFail();
                saudi.Till.Database.Execute("VACUUM INTO ?", backup);
                File.Copy(saudi.Chain.Zatca!.KeyFile, Path.Combine(elsewhere, "till.db.fiscal-key"));
                saudi.SellOrFail();
                lastSale = saudi.SellOrFail();
                last = saudi.Chain.All(FiscalAuthority.Zatca)[^1];
            }

            File.Copy(backup, Path.Combine(elsewhere, "till.db"));
            using var restored = new SaudiTill(elsewhere, ownsDirectory: true);
            Assert.Null(restored.Till.Database.RestoredOnOpen);
            var connector = new NumberingConnector(lastSale.Id, new JsonArray(new JsonObject { ["authority"] = "ZATCA", ["counter"] = last.Counter, ["hash"] = last.Hash }));
            using var http = new HttpClient(connector) { BaseAddress = new Uri("http://connector.test") };
            var check = new TillNumberingCheck(restored.Till.Database, new ConnectorClient(http, restored.Till.Clock), restored.Till.Clock, NullLogger<TillNumberingCheck>.Instance);

            var agreement = await check.AgreeAsync(new TillCredentials("RUH-OLAYA-0001", "T01", "credential", Convert.ToBase64String(new byte[32]), TimeSpan.Zero), TestContext.Current.CancellationToken);
            restored.Till.Shifts.Open(TestTill.Cashier, 100m);
            var sale = restored.SellOrFail();

            Assert.NotNull(agreement.Restored);
            var next = restored.Chain.All(FiscalAuthority.Zatca).Single(d => d.SaleId == sale.Id);
            Assert.Equal((4L, last.Hash), (next.Counter, next.PreviousHash));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(backup)!, recursive: true);
        }
    }

    /// <summary>The connector's numbering endpoints as it answers them, holding the till's last sale and invoice.</summary>
    private sealed class NumberingConnector(Guid lastSale, JsonArray chains) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(request.RequestUri!.AbsolutePath switch
            {
                "/api/v1/numbering" when request.Method == HttpMethod.Get => Answer(new JsonObject { ["epoch"] = 1, ["lastSaleId"] = lastSale.ToString(), ["fiscalChains"] = chains.DeepClone() }),
                "/api/v1/numbering/epochs" when request.Method == HttpMethod.Post => Answer(new JsonObject { ["epoch"] = 2 }),
                _ => throw new Xunit.Sdk.XunitException($"The till called {request.Method} {request.RequestUri}, which this test's connector does not serve."),
            });

        private static HttpResponseMessage Answer(JsonObject body) => new(HttpStatusCode.OK) { Content = JsonContent.Create(body) };
    }
}
