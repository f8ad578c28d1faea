using System.Text.Json.Nodes;
using PosBridge.Terminal.Fiscal;
using PosBridge.Terminal.Refunds;
using PosBridge.Terminal.Sales;
using PosBridge.Terminal.Tests.Storage;
using PosBridge.Till.Receipts;
using PosBridge.Till.Refunds;
using PosBridge.Till.Sales;

namespace PosBridge.Terminal.Tests.Fiscal;

public sealed class EtaChainTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Commit_EgyptianSalesAndARefund_ChainsEachReceiptToThePreviousUuid()
    {
        using var till = new EgyptTill();
        var first = till.Sell();
        var second = till.Sell();
        var refunds = new RefundService(till.Till.Database, till.Sales, till.Till.Options, till.Till.Terminal, till.Till.Network, till.Till.Clock, till.Till.Logs.For<RefundService>());
        var refund = await refunds.RefundAsync(new RefundRequest { SaleId = first.Id, Cashier = TestTill.Cashier, Permissions = TillPermissions.Refund, Reason = "منتج تالف" }, Token);
        Assert.True(refund.IsRefunded, refund.Message);

        var documents = till.Chain.All(FiscalAuthority.Eta);
        Assert.Equal([1L, 2, 3], documents.Select(d => d.Counter));
        Assert.Equal(string.Empty, documents[0].PreviousHash);
        for (var i = 0; i < documents.Count; i++)
        {
            var receipt = JsonNode.Parse(documents[i].Document)!.AsObject();
            // Recomputed here from the ETA's serialization rules, not through EtaReceipt.
            Assert.Equal(documents[i].Uuid, EtaVerifier.Uuid(receipt));
            Assert.Equal(i == 0 ? string.Empty : documents[i - 1].Uuid, receipt["header"]!["previousUUID"]!.GetValue<string>());
        }

        var returned = JsonNode.Parse(documents[2].Document)!;
        Assert.Equal("r", returned["documentType"]!["receiptType"]!.GetValue<string>());
        Assert.Equal(documents[0].Uuid, returned["header"]!["referenceUUID"]!.GetValue<string>());
        Assert.Equal(second.Id, documents[1].SaleId);
    }

    [Fact]
    public void Commit_KilledAtEveryStatement_LeavesTheEtaChainWithoutGapOrDouble()
    {
        using var till = new EgyptTill();
        till.Sell();
        var snapshots = new List<string>();
        till.Till.Database.BeforeStatement = _ => snapshots.Add(SaleCommitTests.Snapshot(till.Till));
        till.Sell();
        till.Till.Database.BeforeStatement = null;
        snapshots.Add(SaleCommitTests.Snapshot(till.Till));

        foreach (var directory in snapshots)
        {
            using var restarted = new EgyptTill(directory);
            Assert.Equal(restarted.Till.Sales.Count(), restarted.Chain.All(FiscalAuthority.Eta).Count);
            restarted.Sell();
            var documents = restarted.Chain.All(FiscalAuthority.Eta);
            Assert.Equal(Enumerable.Range(1, documents.Count).Select(i => (long)i), documents.Select(d => d.Counter));
            for (var i = 1; i < documents.Count; i++)
            {
                Assert.Equal(documents[i - 1].Uuid, documents[i].PreviousHash);
            }
        }
    }

    private sealed class EgyptTill : IDisposable
    {
        public EgyptTill(string? directory = null)
        {
            Till = new TestTill(directory, ownsDirectory: directory is not null);
            Till.Options.StoreId = "CAI1-DOWNTOWN-0001";
            Till.Options.TillId = "T02";
            Till.Options.Fiscal.Eta = new EtaOptions
            {
                Rin = "100000001", CompanyTradeName = "بقالة باب اللوق", BranchCode = "0", Governate = "Cairo", RegionCity = "Abdeen",
                Street = "Falaki", BuildingNumber = "12", DeviceSerialNumber = "POS-SN-0002", ActivityCode = "4711",
            };
            Chain = new FiscalChain(Till.Database, Till.Options, Till.Options.Fiscal, Till.Clock);
            Sales = new SaleStore(Till.Database, Till.Options, Till.Clock, Chain);
            Checkout = new Checkout(Till.Catalog, Sales, Till.Options, Till.Terminal, Till.Network, Till.Clock, Till.Logs.For<Checkout>());
        }

        public TestTill Till { get; }

        public FiscalChain Chain { get; }

        public SaleStore Sales { get; }

        public Checkout Checkout { get; }

        public Core.Sales.Sale Sell()
        {
            if (Till.Shifts.Current is null)
            {
                Till.Shifts.Open(TestTill.Cashier, 500m);
            }

            var cart = Checkout.NewCart(TestTill.Cashier);
            cart.Add(TestTill.Coffee, 2);
            cart.Add(TestTill.Milk);
            Assert.True(Checkout.PayCash(cart, 200m).IsAccepted);
            var result = Checkout.Complete(cart);
            Assert.True(result.IsCommitted, result.Message + result.Validation);
            return result.Sale!;
        }

        public void Dispose() => Till.Dispose();
    }
}
