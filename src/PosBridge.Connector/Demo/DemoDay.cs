using System.Globalization;
using System.Text.RegularExpressions;

namespace PosBridge.Connector.Demo;

/// <summary>What one till did in the day, as its own answers said.</summary>
internal sealed class TillDay(string tillId)
{
    public string TillId { get; } = tillId;

    /// <summary>Sale numbers of the sales made (refunds not counted).</summary>
    public List<string> Sales { get; } = [];

    /// <summary>Sale numbers of the refunds made.</summary>
    public List<string> Refunds { get; } = [];

    /// <summary>Sales made while the till had no network (they waited on the till).</summary>
    public int MadeOffline { get; set; }

    /// <summary>The most sales that waited on the till at once.</summary>
    public int MostWaiting { get; set; }

    public string? ShiftId { get; set; }

    public decimal ExpectedCash { get; set; }

    public decimal CountedCash { get; set; }

    /// <summary>Every document the till made: sales and refunds.</summary>
    public IEnumerable<string> Documents => Sales.Concat(Refunds);
}

/// <summary>
/// The café's business day on its two tills, typed into each till's own session as a cashier would: shifts opened with
/// their float, sales scanned by barcode or SKU (Arabic and Latin products, weighed dates, line discounts) and paid in
/// cash, card, wallet or InstaPay QR; the terrace till losing its network mid-morning and selling on (cash only, sales
/// waiting on the till) until it catches up; refunds with a manager's PIN; cash in; shift closes with the count.
/// </summary>
internal sealed partial class DemoDay(DemoTill front, DemoTill terrace, string currency, Action<string> progress)
{
    public const string ManagerPin = "4826";

    private static readonly decimal[] Notes = [5m, 10m, 20m, 50m, 100m, 200m];

    private readonly Random _random = new(20261204);

    public TillDay Front { get; } = new(front.Id);

    public TillDay Terrace { get; } = new(terrace.Id);

    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        Front.ShiftId = ShiftOf(await front.RunAsync("open 500", cancellationToken).ConfigureAwait(false));
        Terrace.ShiftId = ShiftOf(await terrace.RunAsync("open 300", cancellationToken).ConfigureAwait(false));
        progress($"Shifts open: {Front.ShiftId} (float 500.00 {currency}), {Terrace.ShiftId} (float 300.00 {currency}).");

        // Morning: both tills online, uploading as they go.
        await SellAsync(front, Front, 12, online: true, cancellationToken).ConfigureAwait(false);
        await SellAsync(terrace, Terrace, 6, online: true, cancellationToken).ConfigureAwait(false);
        progress($"Morning: {Front.Sales.Count} sales on {front.Id}, {Terrace.Sales.Count} on {terrace.Id}, uploaded as they were made.");

        // The terrace loses its network: it sells on with cash, its sales wait in its outbox.
        await terrace.RunAsync("network off", cancellationToken).ConfigureAwait(false);
        progress($"{terrace.Id} loses its network: it sells on (cash only), its sales wait on the till.");
        await front.RunAsync("cash in 200 change from the bank", cancellationToken).ConfigureAwait(false);
        for (var round = 0; round < 4; round++)
        {
            await SellAsync(terrace, Terrace, 3, online: false, cancellationToken).ConfigureAwait(false);
            await SellAsync(front, Front, 2, online: true, cancellationToken).ConfigureAwait(false);
        }

        Terrace.MostWaiting = Waiting(await terrace.RunAsync("status", cancellationToken).ConfigureAwait(false));
        progress($"Midday: {Terrace.MadeOffline} sales made offline on {terrace.Id}, {Terrace.MostWaiting} waiting on the till; the front counter is at {Front.Sales.Count}.");

        // A refund at the front counter (one coffee back, to the original payment) with the manager's PIN.
        var firstRefund = Front.Sales[2];
        await RefundAsync(front, Front, $"refund {firstRefund} 1:1 pin {ManagerPin} reason \"wrong order — طلب خاطئ\"", cancellationToken).ConfigureAwait(false);

        // The terrace's network is back: it catches up.
        await terrace.RunAsync("network on", cancellationToken).ConfigureAwait(false);
        var caughtUp = await terrace.RunAsync("sync", cancellationToken).ConfigureAwait(false);
        progress($"{terrace.Id} is back online and catches up: {FirstLine(caughtUp)}");

        // A whole offline sale refunded in cash on the terrace.
        var offlineSale = Terrace.Sales[Terrace.Sales.Count - 2];
        await RefundAsync(terrace, Terrace, $"refund {offlineSale} cash pin {ManagerPin} reason \"customer changed mind\"", cancellationToken).ConfigureAwait(false);
        progress($"Refunds: {Front.Refunds[0]} (part of {firstRefund}), {Terrace.Refunds[0]} (all of {offlineSale}, in cash).");

        // Evening, then the shifts close with the cash counted: exact at the front, 5.00 short on the terrace.
        await SellAsync(front, Front, 6, online: true, cancellationToken).ConfigureAwait(false);
        await SellAsync(terrace, Terrace, 5, online: true, cancellationToken).ConfigureAwait(false);
        await CloseAsync(front, Front, 0m, cancellationToken).ConfigureAwait(false);
        await CloseAsync(terrace, Terrace, -5m, cancellationToken).ConfigureAwait(false);
        progress($"Shifts closed: {front.Id} counted {Front.CountedCash:0.00} {currency} (expected {Front.ExpectedCash:0.00}), {terrace.Id} counted {Terrace.CountedCash:0.00} {currency} (expected {Terrace.ExpectedCash:0.00}); both uploaded with their Z reports.");
    }

    private async Task SellAsync(DemoTill till, TillDay day, int count, bool online, CancellationToken cancellationToken)
    {
        for (var n = 0; n < count; n++)
        {
            var total = 0m;
            var lines = _random.Next(1, 4);
            var chosen = new HashSet<string>(StringComparer.Ordinal);
            for (var l = 0; l < lines; l++)
            {
                var product = DemoShop.Products[_random.Next(DemoShop.Products.Count)];
                if (!chosen.Add(product.Sku))
                {
                    continue;
                }

                // Scanned by its barcode where it has one; weighed goods by SKU with the scale's weight.
                var code = product.Barcode ?? product.Sku;
                var quantity = product.Weighed
                    ? (0.25m + (_random.Next(0, 6) * 0.125m)).ToString("0.###", CultureInfo.InvariantCulture)
                    : _random.Next(1, 3).ToString(CultureInfo.InvariantCulture);
                var discount = _random.Next(10) == 0 ? " discount 10%" : string.Empty;
                total = TotalOf(await till.RunAsync($"sell {code} {quantity}{discount}", cancellationToken).ConfigureAwait(false));
            }

            var pay = online ? _random.Next(10) : 0;
            var answer = pay switch
            {
                < 5 => await till.RunAsync($"pay cash {Tendered(total).ToString("0.00", CultureInfo.InvariantCulture)}", cancellationToken).ConfigureAwait(false),
                < 8 => await till.RunAsync("pay card", cancellationToken).ConfigureAwait(false),
                8 => await till.RunAsync("pay wallet", cancellationToken).ConfigureAwait(false),
                _ => await till.RunAsync($"pay qr IPN{_random.Next(100000, 999999)}", cancellationToken).ConfigureAwait(false),
            };
            day.Sales.Add(SavedSale().Match(answer) is { Success: true } saved
                ? saved.Groups[1].Value
                : throw new DemoTillException($"till {till.Id} did not save the sale: {answer.Trim()}"));
            if (!online)
            {
                day.MadeOffline++;
            }
            else if (day.Sales.Count % 4 == 0)
            {
                // An online till uploads as it goes (the screen's sync loop does this every few seconds).
                await till.RunAsync("sync", cancellationToken).ConfigureAwait(false);
            }
        }

        if (online)
        {
            await till.RunAsync("sync", cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task RefundAsync(DemoTill till, TillDay day, string command, CancellationToken cancellationToken)
    {
        var answer = await till.RunAsync(command, cancellationToken).ConfigureAwait(false);
        day.Refunds.Add(RefundSaved().Match(answer) is { Success: true } refund
            ? refund.Groups[1].Value
            : throw new DemoTillException($"till {till.Id} did not refund: {answer.Trim()}"));
        await till.RunAsync("sync", cancellationToken).ConfigureAwait(false);
    }

    private static async Task CloseAsync(DemoTill till, TillDay day, decimal difference, CancellationToken cancellationToken)
    {
        var x = await till.RunAsync("x", cancellationToken).ConfigureAwait(false);
        day.ExpectedCash = ExpectedCash().Match(x) is { Success: true } expected
            ? decimal.Parse(expected.Groups[1].Value, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
            : throw new DemoTillException($"till {till.Id}'s X report shows no expected cash: {x.Trim()}");
        day.CountedCash = day.ExpectedCash + difference;
        await till.RunAsync($"close {day.CountedCash.ToString("0.00", CultureInfo.InvariantCulture)}", cancellationToken).ConfigureAwait(false);
        await till.RunAsync("sync", cancellationToken).ConfigureAwait(false);
        var waiting = Waiting(await till.RunAsync("status", cancellationToken).ConfigureAwait(false));
        if (waiting > 0)
        {
            throw new DemoTillException($"till {till.Id} still has {waiting} sale(s) waiting after its last sync.");
        }
    }

    /// <summary>The smallest note (or notes of 200) that covers the total, as a customer hands over.</summary>
    private static decimal Tendered(decimal total) =>
        Notes.FirstOrDefault(n => n >= total) is var note && note > 0m ? note : Math.Ceiling(total / 200m) * 200m;

    private static decimal TotalOf(string answer) =>
        SellTotal().Match(answer) is { Success: true } total
            ? decimal.Parse(total.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)
            : throw new DemoTillException($"the till's answer shows no total: {answer.Trim()}");

    private static int Waiting(string status) =>
        WaitingToUpload().Match(status) is { Success: true } waiting ? int.Parse(waiting.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

    private static string ShiftOf(string answer) =>
        ShiftOpened().Match(answer) is { Success: true } shift ? shift.Groups[1].Value : throw new DemoTillException($"the till did not open a shift: {answer.Trim()}");

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? string.Empty;

    [GeneratedRegex(@"total (\d+\.\d+) [A-Z]{3}\s*$", RegexOptions.Multiline)]
    private static partial Regex SellTotal();

    [GeneratedRegex(@"^Sale (\S+) saved", RegexOptions.Multiline)]
    private static partial Regex SavedSale();

    [GeneratedRegex(@"^Refund (\S+):", RegexOptions.Multiline)]
    private static partial Regex RefundSaved();

    [GeneratedRegex(@"expected cash\s+(-?\d+\.\d+)")]
    private static partial Regex ExpectedCash();

    [GeneratedRegex(@"Waiting to upload: (\d+)")]
    private static partial Regex WaitingToUpload();

    [GeneratedRegex(@"Shift (\S+) opened")]
    private static partial Regex ShiftOpened();
}
