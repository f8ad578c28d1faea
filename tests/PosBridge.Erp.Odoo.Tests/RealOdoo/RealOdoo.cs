using System.Globalization;
using Newtonsoft.Json.Linq;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;
using PosBridge.Erp.Odoo.Pos;
using PosBridge.Erp.Odoo.Rpc;

namespace PosBridge.Erp.Odoo.Tests.RealOdoo;

/// <summary>
/// A real Odoo named by ODOO_URL, ODOO_DB, ODOO_USER and ODOO_PASSWORD or ODOO_API_KEY. Tests skip when
/// ODOO_URL is unset. The shop is discovered, not assumed: the POS configs, their cash and card methods,
/// and products available in the POS with one percent tax or none. Disposing it puts the shop back whatever
/// the test's outcome: draft orders of this run are discarded, its sessions closed, its configs archived.
/// </summary>
internal sealed class RealOdoo : IAsyncDisposable
{
    /// <summary>
    /// The real-Odoo test classes run one after another: they share the server's registers, and two tests opening
    /// shifts on one register at once close each other's sessions (Odoo: "already closed by another User").
    /// </summary>
    public const string Collection = "Real Odoo, one test at a time";

    private RealOdoo(OdooClient client, OdooPosOptions pos, IReadOnlyList<ShopProduct> products, string currency, IReadOnlyList<string> tills)
    {
        Client = client;
        Pos = pos;
        Products = products;
        Currency = currency;
        Tills = tills;
    }

    public OdooClient Client { get; }

    public OdooPosOptions Pos { get; }

    public IReadOnlyList<ShopProduct> Products { get; }

    public string Currency { get; }

    public IReadOnlyList<string> Tills { get; }

    /// <summary>This connection's run: shift ids made by <see cref="Shift"/> carry it, so the clean-up finds them.</summary>
    public string Run { get; } = "r" + DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)[^9..] + Random.Shared.Next(100, 999).ToString(CultureInfo.InvariantCulture);

    private readonly List<long> _createdConfigs = [];

    /// <summary>A shift id of this run.</summary>
    public string Shift(string name) => $"{name}-{Run}";

    /// <summary>A card-only pos.config made for this run (Odoo's cash control off), mapped to a till; archived at disposal.</summary>
    public async Task<string> CardOnlyTillAsync(CancellationToken cancellationToken)
    {
        var card = Pos.PaymentMethods["card-" + Tills[0]];
        var id = (await Client.CreateAsync("pos.config", [new JObject { ["name"] = "PosBridge card-only " + Run, ["payment_method_ids"] = new JArray((object)new JArray(6, 0, new JArray(card))) }], cancellationToken))[0];
        _createdConfigs.Add(id);
        var till = "T" + id.ToString(CultureInfo.InvariantCulture);
        Pos.Tills["RT/" + till] = id;
        Pos.PaymentMethods["card-" + till] = card;
        return till;
    }

    public static Uri? Url => Environment.GetEnvironmentVariable("ODOO_URL") is { Length: > 0 } url ? new Uri(url) : null;

    public static async Task<RealOdoo> ConnectAsync(CancellationToken cancellationToken)
    {
        Assert.SkipWhen(Url is null, "ODOO_URL is not set: no real Odoo to test against (see tests/PosBridge.Erp.Odoo.Tests/README.md).");
        var options = Odoo.Options(
            Url!,
            Environment.GetEnvironmentVariable("ODOO_DB") ?? "odoo",
            Environment.GetEnvironmentVariable("ODOO_USER") ?? "admin",
            Environment.GetEnvironmentVariable("ODOO_PASSWORD"),
            Environment.GetEnvironmentVariable("ODOO_API_KEY"));
        options.CallTimeout = TimeSpan.FromMinutes(2);
        options.MaxConcurrentCalls = 1;
        var client = Odoo.Client(options);

        var configs = await client.SearchReadAsync("pos.config", OdooValues.Domain(OdooValues.Leaf("name", "=like", "PosBridge Till %")), ["id", "name", "payment_method_ids"], order: "id asc", cancellationToken: cancellationToken);
        if (configs.Count == 0)
        {
            configs = await client.SearchReadAsync("pos.config", [], ["id", "name", "payment_method_ids"], limit: 1, order: "id asc", cancellationToken: cancellationToken);
        }

        var pos = new OdooPosOptions { BatchSize = 100 };
        var tills = new List<string>();
        foreach (var config in configs)
        {
            var till = "T" + config["id"]!.Value<long>().ToString(CultureInfo.InvariantCulture);
            tills.Add(till);
            pos.Tills["RT/" + till] = config["id"]!.Value<long>();
            var methods = await client.SearchReadAsync("pos.payment.method", OdooValues.Domain(OdooValues.Leaf("id", "in", new JArray(OdooValues.Ids(config["payment_method_ids"])))), ["id", "is_cash_count"], order: "id asc", cancellationToken: cancellationToken);
            pos.PaymentMethods["cash-" + till] = methods.First(m => OdooValues.Bool(m["is_cash_count"]))["id"]!.Value<long>();
            pos.PaymentMethods["card-" + till] = methods.First(m => !OdooValues.Bool(m["is_cash_count"]))["id"]!.Value<long>();
        }

        var company = (await client.SearchReadAsync("res.company", [], ["currency_id"], limit: 1, cancellationToken: cancellationToken))[0];
        var currency = OdooValues.Ref(company["currency_id"])!.Name;
        var taxes = (await client.SearchReadAsync("account.tax", OdooValues.Domain(OdooValues.Leaf("type_tax_use", "=", "sale"), OdooValues.Leaf("amount_type", "=", "percent")), ["id", "name", "amount", "price_include"], cancellationToken: cancellationToken))
            .ToDictionary(t => t["id"]!.Value<long>());
        var rows = await client.SearchReadAsync("product.product", OdooValues.Domain(OdooValues.Leaf("available_in_pos", "=", true), OdooValues.Leaf("list_price", ">", 0)), ["id", "name", "lst_price", "taxes_id", "barcode"], limit: 60, order: "id asc", cancellationToken: cancellationToken);
        var products = new List<ShopProduct>();
        foreach (var row in rows)
        {
            var taxIds = OdooValues.Ids(row["taxes_id"]);
            if (taxIds.Count > 1 || taxIds.Any(t => !taxes.ContainsKey(t)))
            {
                continue;
            }

            var tax = taxIds.Count == 0 ? null : taxes[taxIds[0]];
            products.Add(new ShopProduct(
                row["id"]!.Value<long>(),
                OdooValues.Text(row["name"])!,
                Math.Round(row["lst_price"]!.Value<decimal>(), 2),
                tax is null ? null : new TaxDefinition { Id = tax["id"]!.ToString(), Name = OdooValues.Text(tax["name"])!, AmountType = TaxAmountType.Percent, Amount = tax["amount"]!.Value<decimal>(), PriceInclude = OdooValues.Bool(tax["price_include"]) }));
        }

        Assert.True(products.Count >= 3, "The real Odoo needs at least 3 products available in the POS with one percent tax or none.");
        return new RealOdoo(client, pos, products, currency, tills);
    }

    /// <summary>A sale of a few of the shop's products, paid by card or in cash with change.</summary>
    public Sale Sale(string till, string shift, int number, DateTimeOffset at, Random random, Customer? customer = null, bool byCard = false)
    {
        var builder = new SaleBuilder(Core.Amounts.Currency.FromCode(Currency), TaxRoundingMethod.RoundPerLine)
        {
            Id = SaleId.At(at),
            StoreId = "RT",
            TillId = till,
            ShiftId = shift,
            SaleNumber = $"RT-{till}-{shift}-{number:000000}",
            CreatedAtUtc = at,
            StoreUtcOffset = TimeSpan.Zero,
            Cashier = new Cashier { Id = "c1", Name = "Mona" },
            Customer = customer,
            InvoiceRequested = customer is not null,
        };
        foreach (var product in Products.Where(p => p.Tax is not null))
        {
            builder.AddTax(product.Tax!);
        }

        var lines = random.Next(1, 4);
        for (var i = 0; i < lines; i++)
        {
            var product = Products[random.Next(Products.Count)];
            builder.AddLine(product.Id.ToString(CultureInfo.InvariantCulture), product.Name, random.Next(1, 4), product.Price, product.Tax is null ? [] : [product.Tax.Id], discountPercent: random.Next(4) == 0 ? 10m : 0m);
        }

        if (byCard || random.Next(3) == 0)
        {
            builder.PayRemaining("card-" + till, PaymentKind.Card, new CardDetails { Scheme = "visa", Last4 = "4242", AuthorizationCode = "A" + number, ProviderReference = "TX-" + number });
        }
        else
        {
            builder.PayCash(Math.Ceiling(builder.Remaining) + 5m, "cash-" + till);
        }

        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CleanUpAsync();
        }
        finally
        {
            await Client.DisposeAsync();
        }
    }

    private async Task CleanUpAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        var sessions = await Client.SearchReadAsync("pos.session", OdooValues.Domain(OdooValues.Leaf("opening_notes", "=like", "posbridge-shift:%-" + Run + "%"), OdooValues.Leaf("state", "!=", "closed")), ["id", "opening_notes"], cancellationToken: ct);
        var sink = new OdooSalesSink(Client, Pos, Microsoft.Extensions.Logging.Abstractions.NullLogger<OdooSalesSink>.Instance);
        foreach (var session in sessions)
        {
            // A failed assert can leave a draft order behind; Odoo would not close the session with it.
            var drafts = await Client.SearchReadAsync("pos.order", OdooValues.Domain(OdooValues.Leaf("session_id", "=", session["id"]!.Value<long>()), OdooValues.Leaf("state", "=", "draft")), ["id"], cancellationToken: ct);
            if (drafts.Count > 0)
            {
                await Client.ExecuteAsync(new OdooCall("pos.order", "remove_from_ui") { Arguments = new Dictionary<string, JToken?> { ["server_ids"] = new JArray(drafts.Select(d => d["id"]!.Value<long>())) }, ByPosition = true }, ct);
            }

            var tag = OdooValues.Text(session["opening_notes"])!.Split('\n')[0]["posbridge-shift:".Length..].Replace(" (late sales)", string.Empty, StringComparison.Ordinal);
            var slash = tag.IndexOf('/', StringComparison.Ordinal);
            await sink.CloseShiftAsync("RT", tag[..slash], tag[(slash + 1)..], null, ct);
        }

        if (_createdConfigs.Count > 0)
        {
            await Client.WriteAsync("pos.config", _createdConfigs, new JObject { ["active"] = false }, ct);
        }
    }
}

internal sealed record ShopProduct(long Id, string Name, decimal Price, TaxDefinition? Tax);
