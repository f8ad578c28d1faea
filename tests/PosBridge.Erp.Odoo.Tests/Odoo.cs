using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;
using PosBridge.Erp.Odoo.Emulator;
using PosBridge.Erp.Odoo.Pos;
using PosBridge.Erp.Odoo.Rpc;
using Refit;

namespace PosBridge.Erp.Odoo.Tests;

/// <summary>Builds the adapter against an Odoo (the emulator or a real server) and sales that fit its demo data.</summary>
internal static class Odoo
{
    public static OdooConnectionOptions Options(Uri url, string database = OdooEmulator.Database, string user = OdooEmulator.Login, string? password = OdooEmulator.Password, string? apiKey = null, OdooProtocol protocol = OdooProtocol.JsonRpc) => new()
    {
        Url = url,
        Database = database,
        User = user,
        Password = password,
        ApiKey = apiKey,
        Protocol = protocol,
        TimeZone = "Africa/Cairo",
        RetryBaseDelay = TimeSpan.Zero,
        MaxRetryAttempts = 2,
        CallTimeout = TimeSpan.FromSeconds(20),
        MaxCallsPerSecond = 1000,
    };

    public static OdooClient Client(OdooConnectionOptions options)
    {
        var http = new HttpClient { BaseAddress = options.Url };
        var settings = new RefitSettings(new NewtonsoftContentSerializer(NewtonsoftContentSerializer.DefaultSettings()));
        IOdooTransport transport = options.Protocol == OdooProtocol.Json2
            ? new Json2Transport(RestService.For<IOdooJson2Api>(http, settings), options, TimeProvider.System)
            : new JsonRpcTransport(RestService.For<IOdooJsonRpcApi>(http, settings), options, TimeProvider.System);
        return new OdooClient(transport, options, TimeProvider.System, NullLogger<OdooClient>.Instance);
    }

    public static OdooClient Client(OdooEmulator emulator, OdooProtocol protocol = OdooProtocol.JsonRpc) =>
        Client(Options(emulator.Url, apiKey: protocol == OdooProtocol.Json2 ? OdooEmulator.ApiKey : null, protocol: protocol));

    /// <summary>The emulator's demo shop: 5 tills on pos.config 1–5; cash 1, card 2, customer account 3; VAT 14% is tax 1, VAT 15% incl. tax 2.</summary>
    public static OdooPosOptions EmulatorPos() => new()
    {
        Tills = new() { ["CAI1/T1"] = 1, ["CAI1/T2"] = 2, ["CAI1/T3"] = 3, ["CAI1/T4"] = 4, ["CAI1/T5"] = 5 },
        PaymentMethods = new() { ["cash"] = 1, ["card"] = 2, ["account"] = 3 },
    };

    public static OdooSalesSink Sink(OdooClient client, OdooPosOptions? pos = null) =>
        new(client, pos ?? EmulatorPos(), NullLogger<OdooSalesSink>.Instance);

    public static readonly TaxDefinition Vat14 = new() { Id = "1", Name = "VAT 14%", AmountType = TaxAmountType.Percent, Amount = 14m };

    public static readonly TaxDefinition Vat15Included = new() { Id = "2", Name = "VAT 15% incl.", AmountType = TaxAmountType.Percent, Amount = 15m, PriceInclude = true };

    private static int _sequence;

    /// <summary>A sale of the emulator's coffee and croissants, paid in cash with change unless told otherwise.</summary>
    public static Sale CafeSale(string till = "T1", string shift = "S1", Action<SaleBuilder>? arrange = null, DateTimeOffset? at = null)
    {
        var seq = Interlocked.Increment(ref _sequence);
        var created = (at ?? DateTimeOffset.Parse("2026-11-23T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture)).AddSeconds(seq);
        var builder = new SaleBuilder(Currency.EGP, TaxRoundingMethod.RoundPerLine)
        {
            Id = SaleId.At(created),
            StoreId = "CAI1",
            TillId = till,
            ShiftId = shift,
            SaleNumber = $"CAI1-{till}-{shift}-{seq:000000}",
            CreatedAtUtc = created,
            StoreUtcOffset = TimeSpan.FromHours(2),
            Cashier = new Cashier { Id = "c1", Name = "Mona" },
        };
        builder.AddTax(Vat14).AddTax(Vat15Included);
        if (arrange is null)
        {
            builder.AddLine("1", "Turkish Coffee", 2, 35m, ["1"], barcode: "6221234567892", sku: "COF-TR");
            builder.AddLine("3", "Croissant", 1, 25m, ["1"], discountPercent: 10m, sku: "BAK-CR");
            builder.AddLine("4", "Mineral Water 600ml", 3, 10m, ["2"]);
            builder.PayCash(200m);
        }
        else
        {
            arrange(builder);
        }

        return builder.Build();
    }

    public static string Json(object value) => JsonConvert.SerializeObject(value);
}
