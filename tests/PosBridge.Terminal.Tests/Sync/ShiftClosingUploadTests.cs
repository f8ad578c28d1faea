using System.Text.Json;
using PosBridge.Core.Sync;
using PosBridge.Terminal.Storage;
using PosBridge.Terminal.Sync;
using PosBridge.Terminal.Tests.Storage;
using SQLite;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Tests.Sync;

/// <summary>Shift closes travel in the outbox behind the shift's sales, to the real connector.</summary>
public sealed class ShiftClosingUploadTests
{
    [Fact]
    public async Task Upload_ShiftClosedWhileOffline_SalesArriveFirstThenTheClose()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var connector = await ConnectorProcess.StartAsync(cancellationToken);
        using var till = new TestTill();
        var uploader = Uploader(till, connector);
        await uploader.PairAsync(await connector.PairingCodeAsync("CAI1", "T2", cancellationToken), "test till", cancellationToken);

        connector.Kill();
        var firstShift = Enumerable.Range(0, 5).Select(_ => till.SellForCash()).ToList();
        till.Shifts.MoveCash(100m, "فكة من البنك");
        till.Shifts.MoveCash(-40m, "Cleaning supplies");
        till.Shifts.MoveCash(-25.5m, "Taxi");
        var z = till.Shifts.Close(countedCash: 1170m);
        // The next shift sells too, before the connector is back: those sales queue behind the close.
        var secondShift = Enumerable.Range(0, 2).Select(_ => till.SellForCash()).ToList();
        var outbox = new Outbox(till.Database, till.Clock);
        var closing = Assert.Single(outbox.ShiftClosings());
        Assert.Equal(z.Shift.Id, closing.SaleNumber);
        Assert.Equal(OutboxKind.ShiftClosing, closing.Kind);
        Assert.Equal(OutboxState.Pending, closing.State);

        var offline = await uploader.UploadPendingAsync(cancellationToken);
        Assert.True(offline.ConnectorUnavailable);
        Assert.Equal(8, offline.Pending);

        await connector.RestartAsync(cancellationToken);
        var online = await uploader.UploadPendingAsync(cancellationToken);
        Assert.Equal(new UploadReport(8, 0, 0, false), online);
        Assert.Equal(OutboxState.Sent, Assert.Single(outbox.ShiftClosings()).State);

        // The connector stored the close after exactly the first shift's sales, and before the second shift's.
        using var stored = new SQLiteConnection(Path.Combine(connector.DataDirectory, "connector.db"), SQLiteOpenFlags.ReadOnly);
        var lastSaleSeq = stored.ExecuteScalar<long>("SELECT last_sale_seq FROM shift_closings WHERE till_id = 'T2' AND shift_id = ?", z.Shift.Id);
        var before = stored.Query<SaleNumberRow>("SELECT sale_number AS SaleNumber FROM sales WHERE till_id = 'T2' AND seq <= ? ORDER BY seq", lastSaleSeq);
        var after = stored.Query<SaleNumberRow>("SELECT sale_number AS SaleNumber FROM sales WHERE till_id = 'T2' AND seq > ? ORDER BY seq", lastSaleSeq);
        Assert.Equal(firstShift.Select(s => s.SaleNumber), before.Select(r => r.SaleNumber));
        Assert.Equal(secondShift.Select(s => s.SaleNumber), after.Select(r => r.SaleNumber));
        var document = JsonSerializer.Deserialize<ShiftClosing>(stored.ExecuteScalar<string>("SELECT document FROM shift_closings WHERE shift_id = ?", z.Shift.Id), ConnectorClient.Json)!;
        Assert.Equal(1170m, document.CountedCash);
        Assert.Equal(z.ExpectedCash, document.ExpectedCash);
        Assert.Equal(5, document.SaleCount);
        Assert.Equal(500m, document.OpeningFloat);
        Assert.Equal(100m, document.CashIn);
        Assert.Equal(-65.5m, document.CashOut);
        Assert.Equal(document.OpeningFloat + z.CashFromSales + document.CashIn + document.CashOut, document.ExpectedCash);

        // The till lost the answer and sends the close again: the connector calls it a duplicate.
        till.Database.Execute("UPDATE Outbox SET State = 0 WHERE Kind = 1");
        var again = await uploader.UploadPendingAsync(cancellationToken);
        Assert.Equal(new UploadReport(1, 0, 0, false), again);
    }

    [Fact]
    public async Task Upload_ShiftCloseConflict_KeptAsProblemNotRetriedAndLaterSalesStillGo()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var connector = await ConnectorProcess.StartAsync(cancellationToken);
        using var till = new TestTill();
        var uploader = Uploader(till, connector);
        await uploader.PairAsync(await connector.PairingCodeAsync("CAI1", "T2", cancellationToken), "test till", cancellationToken);
        till.SellForCash();
        var z = till.Shifts.Close(countedCash: 700m);
        Assert.Equal(2, (await uploader.UploadPendingAsync(cancellationToken)).Sent);

        // The same shift reported again with other figures (as a restored backup of the till might): 409.
        till.Database.Execute("UPDATE Outbox SET State = 0, Json = replace(Json, '\"countedCash\":700', '\"countedCash\":650') WHERE Kind = 1");
        till.SellForCash();
        var report = await uploader.UploadPendingAsync(cancellationToken);

        Assert.Equal(new UploadReport(1, 1, 0, false), report);
        var outbox = new Outbox(till.Database, till.Clock);
        var problem = Assert.Single(outbox.Problems());
        Assert.Equal(OutboxKind.ShiftClosing, problem.Kind);
        Assert.Equal(z.Shift.Id, problem.SaleNumber);
        Assert.StartsWith("conflict:", problem.LastError, StringComparison.Ordinal);
        Assert.Contains("other figures", problem.LastError, StringComparison.Ordinal);
        Assert.Empty(outbox.Rejected());

        // Not retried: the next pass has nothing to send and the problem stays.
        Assert.Equal(new UploadReport(0, 0, 0, false), await uploader.UploadPendingAsync(cancellationToken));
        Assert.Single(outbox.Problems());
    }

    [Fact]
    public async Task Upload_ConnectorDownAtTheClose_CountsTheTryAndKeepsItPending()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var connector = await ConnectorProcess.StartAsync(cancellationToken);
        using var till = new TestTill();
        var uploader = Uploader(till, connector);
        await uploader.PairAsync(await connector.PairingCodeAsync("CAI1", "T2", cancellationToken), "test till", cancellationToken);
        till.SellForCash();
        Assert.Equal(1, (await uploader.UploadPendingAsync(cancellationToken)).Sent);
        till.Shifts.Close(countedCash: 700m);
        connector.Kill();

        var report = await uploader.UploadPendingAsync(cancellationToken);

        Assert.True(report.ConnectorUnavailable);
        Assert.Equal(1, report.Pending);
        var closing = Assert.Single(new Outbox(till.Database, till.Clock).ShiftClosings());
        Assert.Equal(OutboxState.Pending, closing.State);
        Assert.Equal(1, closing.Attempts);
        Assert.NotNull(closing.LastError);
    }

    /// <summary>As for a sale: the database as a killed process leaves it at each statement of the close.</summary>
    [Fact]
    public void Close_InterruptedAtEveryStatement_ShiftClosedWithItsOutboxRowOrStillOpenWithout()
    {
        using var till = new TestTill();
        till.SellForCash();
        var snapshots = new List<(string Statement, string Directory)>();
        till.Database.BeforeStatement = sql => snapshots.Add((sql, SaleCommitTests.Snapshot(till)));
        till.Shifts.Close(countedCash: 600m);
        till.Database.BeforeStatement = null;
        snapshots.Add(("after COMMIT", SaleCommitTests.Snapshot(till)));

        Assert.True(snapshots.Count >= 4, $"only {snapshots.Count} statements seen");
        var outcomes = new List<bool>();
        foreach (var (statement, directory) in snapshots)
        {
            using var recovered = new TestTill(directory, ownsDirectory: true);
            var closed = recovered.Shifts.Current is null;
            outcomes.Add(closed);
            var closings = recovered.Database.Scalar<int>("SELECT COUNT(*) FROM Outbox WHERE Kind = 1");
            Assert.True(closings == (closed ? 1 : 0), $"{statement}: closed {closed}, {closings} shift closes queued");
            Assert.Equal(1, recovered.Database.Scalar<int>("SELECT COUNT(*) FROM Outbox WHERE Kind = 0"));
        }

        Assert.Contains(true, outcomes);
        Assert.Contains(false, outcomes);
    }

    [Fact]
    public void Open_Version3DatabaseWithSales_KeepsOutboxOrderAndNeverReusesASeq()
    {
        var directory = Directory.CreateTempSubdirectory("posbridge-till-").FullName;
        try
        {
            using (var old = TillDatabase.Open(Path.Combine(directory, "till.db"), migrateTo: 3))
            {
                old.Execute("INSERT INTO Shifts(Id, Number, CashierId, OpenedAtUtc, OpeningFloat) VALUES ('S1', 1, 'c1', '2026-11-23T08:00:00.0000000Z', '0')");
                foreach (var (id, seq) in new[] { ("a", 1), ("b", 2), ("c", 3) })
                {
                    old.Execute("INSERT INTO Sales(Id, SaleNumber, ShiftId, Seq, CreatedAtUtc, Json) VALUES (?, ?, 'S1', ?, '2026-11-23T08:00:00.0000000Z', '{}')", id, id, seq);
                    old.Execute("INSERT INTO Outbox(SaleId) VALUES (?)", id);
                }

                // The last row was removed by hand once: its Seq must still never come back.
                old.Execute("DELETE FROM Outbox WHERE SaleId = 'c'");
                old.Execute("UPDATE Outbox SET State = 1 WHERE SaleId = 'a'");
            }

            using var upgraded = TillDatabase.Open(Path.Combine(directory, "till.db"));
            Assert.Equal(Migrations.Latest, upgraded.SchemaVersion);
            Assert.Equal(1, upgraded.Scalar<int>("SELECT State FROM Outbox WHERE SaleId = 'a'"));
            Assert.Equal(2, upgraded.Scalar<int>("SELECT Seq FROM Outbox WHERE SaleId = 'b'"));
            upgraded.Execute("INSERT INTO Outbox(SaleId) VALUES ('c')");
            Assert.Equal(4, upgraded.Scalar<int>("SELECT Seq FROM Outbox WHERE SaleId = 'c'"));
            Assert.Equal(1, upgraded.Scalar<int>("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'OutboxPending'"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static SaleUploader Uploader(TestTill till, ConnectorProcess connector) =>
        new(till.Database, new Outbox(till.Database, till.Clock), new ConnectorClient(connector.Http, till.Clock), till.Clock, till.Logs.For<SaleUploader>());

    private sealed class SaleNumberRow
    {
        public string SaleNumber { get; set; } = string.Empty;
    }
}
