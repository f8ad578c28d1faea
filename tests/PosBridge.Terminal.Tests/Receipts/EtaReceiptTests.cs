using System.Text.Json.Nodes;
using PosBridge.Till.Receipts;

namespace PosBridge.Terminal.Tests.Receipts;

public sealed class EtaReceiptTests
{
    private static readonly EtaOptions Seller = new()
    {
        Rin = "100000001", CompanyTradeName = "Bab Al Louq Grocery", BranchCode = "0", Governate = "Cairo", RegionCity = "Abdeen",
        Street = "Falaki", BuildingNumber = "12", DeviceSerialNumber = "T2-SN-0001", ActivityCode = "4711",
    };

    [Fact]
    public void Canonical_NestedObjectsAndArrays_FollowTheEtaRules()
    {
        var node = JsonNode.Parse("""{"a":"1","b":[{"c":"2"},{"c":3.50}],"d":{"e":"x"}}""");

        Assert.Equal("\"A\"\"1\"\"B\"\"B\"\"C\"\"2\"\"B\"\"C\"\"3.50\"\"D\"\"E\"\"x\"", EtaReceipt.Canonical(node));
    }

    [Fact]
    public void Build_Sale_CarriesTheReferencedFieldsAndItsOwnHash()
    {
        using var till = new TestTill();
        var sale = till.SellForCash();

        var document = EtaReceipt.Build(sale, Seller, previousUuid: string.Empty);

        var header = document["header"]!;
        Assert.Equal(sale.SaleNumber, header["receiptNumber"]!.GetValue<string>());
        Assert.Equal("2026-11-23T08:00:00Z", header["dateTimeIssued"]!.GetValue<string>());
        Assert.Equal("EGP", header["currency"]!.GetValue<string>());
        Assert.Equal("s", document["documentType"]!["receiptType"]!.GetValue<string>());
        Assert.Equal("T2-SN-0001", document["seller"]!["deviceSerialNumber"]!.GetValue<string>());
        Assert.Equal(2, document["itemData"]!.AsArray().Count);
        Assert.Equal(14m, document["itemData"]![0]!["taxableItems"]![0]!["amount"]!.GetValue<decimal>());
        Assert.Equal(137.37m, document["totalAmount"]!.GetValue<decimal>());
        Assert.Equal("C", document["paymentMethod"]!.GetValue<string>());
        var uuid = header["uuid"]!.GetValue<string>();
        Assert.Matches("^[0-9A-F]{64}$", uuid);
        Assert.Equal(uuid, EtaReceipt.Uuid(document));

        document["totalAmount"] = 1m;
        Assert.NotEqual(uuid, EtaReceipt.Uuid(document));
    }
}
