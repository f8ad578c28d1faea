using Newtonsoft.Json.Linq;
using PosBridge.Core.Catalog;
using PosBridge.Core.Sales;
using PosBridge.Erp.Odoo.Emulator;
using PosBridge.Terminal.Storage;
using PosBridge.Terminal.Sync;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Tests.Sync;

/// <summary>
/// A till restored from an earlier copy of its database, against the real connector (a child process) delivering to
/// Odoo (emulated): it must continue with numbers the connector has never seen, and Odoo's sessions must all close.
/// </summary>
public sealed class RestoredTillTests
{
    private static readonly Product TurkishCoffee = new()
    {
        Id = "odoo-1", Name = "Turkish Coffee", Sku = "COF-TR", Unit = "Units", ListPrice = 35m, Currency = "EGP", TaxIds = ["vat14"],
    };

    [Fact]
    public async Task RestoredFromABackup_NewEpochAtFirstContact_NoNumberReused_ItsShiftClosesAndOdooKeepsNoSessionOpen()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var odoo = await OdooEmulator.StartAsync(17);
        using var connector = await ConnectorProcess.StartAsync(cancellationToken, Settings(odoo));
        var sold = new List<Sale>();
        var backup = Path.Combine(Directory.CreateTempSubdirectory("posbridge-backup-").FullName, "till.db");
        try
        {
            // The till's life before the disk died: a sale, a backup, more sales, a closed shift and a second shift.
            using (var till = new TestTill())
            {
                var (uploader, numbering) = Sync(till, connector);
                await uploader.PairAsync(await connector.PairingCodeAsync("CAI1", "T2", cancellationToken), "front till", cancellationToken);
                Assert.Null((await numbering.AgreeAsync(uploader.Credentials!, cancellationToken)).Restored);
                till.Catalog.Upsert(TurkishCoffee);
                till.Shifts.Open(TestTill.Cashier, 200m);
                sold.Add(Sell(till));
                await UploadAllAsync(uploader, cancellationToken);
                till.Database.Execute("VACUUM INTO ?", backup);

                sold.Add(Sell(till));
                till.Shifts.Close(200m + 79.8m + 79.8m);
                till.Shifts.Open(TestTill.Cashier, 200m);
                sold.Add(Sell(till));
                await UploadAllAsync(uploader, cancellationToken);
            }

            await WaitForAsync(odoo, s => s["pos.order"].Records.Count == 3, cancellationToken);

            // The till comes back from the backup: shift 0001 open with one sale, as the connector knew it hours ago.
            var restoredDirectory = Directory.CreateTempSubdirectory("posbridge-till-").FullName;
            File.Copy(backup, Path.Combine(restoredDirectory, "till.db"));
            using var restored = new TestTill(restoredDirectory, ownsDirectory: true);
            var (again, check) = Sync(restored, connector);
            var agreement = await check.AgreeAsync(again.Credentials!, cancellationToken);
            Assert.NotNull(agreement.Restored);
            Assert.Equal((2, "CAI1-T2-0001"), (agreement.Epoch, agreement.EndedShiftId));
            Assert.Null(restored.Shifts.Current);

            var shift = restored.Shifts.Open(TestTill.Cashier, 150m);
            sold.Add(Sell(restored));
            restored.Shifts.Close(150m + 79.8m);
            await UploadAllAsync(again, cancellationToken);

            Assert.Empty(again.Health().Problems);
            Assert.Equal(sold.Count, sold.Select(s => s.SaleNumber).Distinct().Count());
            Assert.Equal("CAI1-T2-E2-0002", shift.Id);
            Assert.StartsWith("CAI1-T2-E2-0002-", sold[^1].SaleNumber, StringComparison.Ordinal);

            // Odoo: four paid orders, none in a rescue session; every session is closed: the restored shift's, the
            // new shift's own (by its Z report), and shift 0002's, whose close was lost with the disk (closed when
            // the next shift began, with the cash Odoo expects).
            await WaitForAsync(odoo, s => s["pos.order"].Records.Count == 4 && Session(s, "CAI1-T2-E2-0002") == "closed", cancellationToken);
            Assert.Equal("closed", odoo.Read(s => Session(s, "CAI1-T2-0001")));
            Assert.Equal("closed", odoo.Read(s => Session(s, "CAI1-T2-0002")));
            Assert.Equal(3, odoo.Read(s => s["pos.session"].Records.Count));
            var orders = odoo.Read(s => s["pos.order"].Records.Values.Select(o => (o["state"]!.Value<string>(), o["session_id"]!.Value<long>())).ToList());
            Assert.All(orders, o => Assert.Contains(o.Item1, new[] { "paid", "done" }));
            Assert.DoesNotContain(odoo.Read(s => s["pos.session"].Records.Values.Select(x => x["rescue"]?.Value<bool?>() == true).ToList()), rescue => rescue);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(backup)!, recursive: true);
        }
    }

    /// <summary>
    /// The owner restores the till's database from a backup into its own folder while the network is down, and the
    /// cashier sells on before the till has talked to the connector: those sales were numbered like the lost ones
    /// (CAI1-T2-0001-000002 twice). The till now finds the restore itself as the database opens.
    /// </summary>
    [Fact]
    public async Task RestoredInPlace_SellsOfflineBeforeItsFirstContact_NumbersNeverSeen_EpochClaimedAtContact()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var connector = await ConnectorProcess.StartAsync(cancellationToken);
        var directory = Directory.CreateTempSubdirectory("posbridge-till-").FullName;
        var backup = Path.Combine(Directory.CreateTempSubdirectory("posbridge-backup-").FullName, "till.db");
        var sold = new List<Sale>();
        try
        {
            using (var till = new TestTill(directory))
            {
                var (uploader, numbering) = Sync(till, connector);
                await uploader.PairAsync(await connector.PairingCodeAsync("CAI1", "T2", cancellationToken), "front till", cancellationToken);
                Assert.Null((await numbering.AgreeAsync(uploader.Credentials!, cancellationToken)).Restored);
                till.Catalog.Upsert(TurkishCoffee);
                till.Shifts.Open(TestTill.Cashier, 200m);
                sold.Add(Sell(till));
                await UploadAllAsync(uploader, cancellationToken);
                till.Database.Execute("VACUUM INTO ?", backup);
                sold.Add(Sell(till));
                sold.Add(Sell(till));
                await UploadAllAsync(uploader, cancellationToken);
            }

            // Restored over the damaged file in the same folder; the network is down.
            foreach (var file in new[] { "till.db", "till.db-wal", "till.db-shm" }.Select(f => Path.Combine(directory, f)).Where(File.Exists))
            {
                File.Delete(file);
            }

            File.Copy(backup, Path.Combine(directory, "till.db"));
            using var restored = new TestTill(directory, ownsDirectory: true);
            var endedOnOpen = restored.Shifts.Current is null;
            var shift = restored.Shifts.Current ?? restored.Shifts.Open(TestTill.Cashier, 150m);
            sold.Add(Sell(restored));
            sold.Add(Sell(restored));
            Assert.Equal(sold.Count, sold.Select(s => s.SaleNumber).Distinct().Count());
            Assert.NotNull(restored.Database.RestoredOnOpen);
            Assert.True(endedOnOpen);
            Assert.Equal("CAI1-T2-E2-0002", shift.Id);

            // The network is back: the till claims the epoch it took, keeps its open shift, and every sale arrives.
            var (again, check) = Sync(restored, connector);
            var agreement = await check.AgreeAsync(again.Credentials!, cancellationToken);
            Assert.Equal((2, "CAI1-T2-0001"), (agreement.Epoch, agreement.EndedShiftId));
            Assert.NotNull(agreement.Restored);
            Assert.Equal("CAI1-T2-E2-0002", restored.Shifts.Current?.Id);
            await UploadAllAsync(again, cancellationToken);
            Assert.Empty(again.Health().Problems);

            // Opened again later, the database is not taken for a restored one a second time.
            restored.Database.Dispose();
            using var reopened = TillDatabase.Open(Path.Combine(directory, "till.db"));
            Assert.Null(reopened.RestoredOnOpen);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(backup)!, recursive: true);
        }
    }

    private static string? Session(Store store, string shiftId) =>
        store["pos.session"].Records.Values.SingleOrDefault(x => x["opening_notes"]!.Value<string>() == $"posbridge-shift:T2/{shiftId}")?["state"]!.Value<string>();

    private static Dictionary<string, string> Settings(OdooEmulator odoo) => new()
    {
        ["Odoo__Url"] = odoo.Url.ToString(),
        ["Odoo__Database"] = OdooEmulator.Database,
        ["Odoo__User"] = OdooEmulator.Login,
        ["Odoo__Password"] = OdooEmulator.Password,
        ["Odoo__RetryBaseDelay"] = "00:00:00",
        ["Odoo__Pos__Tills__CAI1/T2"] = "2",
        ["Odoo__Pos__PaymentMethods__cash"] = "1",
        ["Odoo__Pos__Taxes__vat14"] = "3",
        ["Odoo__Pos__ProductIdsAreOdooIds"] = "false",
        ["PosBridge__Dispatch__Interval"] = "00:00:01",
        ["PosBridge__Dispatch__RetryBaseDelay"] = "00:00:01",
    };

    private static (SaleUploader Uploader, TillNumberingCheck Numbering) Sync(TestTill till, ConnectorProcess connector)
    {
        var client = new ConnectorClient(connector.Http, till.Clock);
        return (
            new SaleUploader(till.Database, new Outbox(till.Database, till.Clock), client, till.Clock, till.Logs.For<SaleUploader>()),
            new TillNumberingCheck(till.Database, client, till.Clock, till.Logs.For<TillNumberingCheck>()));
    }

    private static Sale Sell(TestTill till)
    {
        till.Clock.Advance(TimeSpan.FromSeconds(20));
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TurkishCoffee, 2);
        Assert.True(till.Checkout.PayCash(cart, 100m).IsAccepted);
        var result = till.Checkout.Complete(cart);
        Assert.True(result.IsCommitted, result.Message + result.Validation);
        return result.Sale!;
    }

    private static async Task UploadAllAsync(SaleUploader uploader, CancellationToken cancellationToken)
    {
        var report = await uploader.UploadPendingAsync(cancellationToken);
        Assert.Equal((0, false), (report.Pending, report.ConnectorUnavailable));
    }

    private static async Task WaitForAsync(OdooEmulator odoo, Func<Store, bool> done, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (odoo.Read(done))
            {
                return;
            }

            await Task.Delay(200, cancellationToken);
        }

        var state = odoo.Read(s => string.Join("; ", s["pos.session"].Records.Values.Select(x => $"{x["opening_notes"]} {x["state"]}")) + $" orders {s["pos.order"].Records.Count}");
        Assert.Fail("Odoo did not reach the expected state in 60 s: " + state);
    }
}
