using PosBridge.Core.Sales;
using PosBridge.Terminal.Customers;
using PosBridge.Terminal.Nfc;
using PosBridge.Till.Nfc;

namespace PosBridge.Terminal.Tests.Customers;

public sealed class CustomerStoreTests
{
    private static readonly Customer Salma = new() { Id = "cu1", Name = "Salma", Phone = "+20 100-123-4567", LoyaltyCardCode = "LOY-0042" };

    [Fact]
    public async Task FindByTap_KnownTagUid_FindsTheCustomer()
    {
        using var till = new TestTill();
        var customers = new CustomerStore(till.Database);
        customers.Save(Salma, nfcTagId: "04:A2:B3:C4:D5:E6:F7");
        var reader = new ScriptedNfcReader(till.Clock);
        reader.Present("04a2b3c4d5e6f7");

        var tap = await customers.FindByTapAsync(reader, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.True(tap.Found);
        Assert.Equal(Salma, tap.Customer);
    }

    [Fact]
    public async Task FindByTap_TagCarryingCardCodeAsText_FindsTheCustomer()
    {
        using var till = new TestTill();
        var customers = new CustomerStore(till.Database);
        customers.Save(Salma);
        var reader = new ScriptedNfcReader(till.Clock);
        reader.Present(new NfcTag([0x04, 0x99], [NfcRecord.FromText("loy-0042")]));

        var tap = await customers.FindByTapAsync(reader, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal("cu1", tap.Customer?.Id);
    }

    [Fact]
    public async Task FindByTap_UnknownTagOrNoReader_FindsNobodyAndSaysWhy()
    {
        using var till = new TestTill();
        var customers = new CustomerStore(till.Database);
        customers.Save(Salma, nfcTagId: "04A2B3C4");
        var reader = new ScriptedNfcReader(till.Clock);
        reader.Present("0411");

        var unknown = await customers.FindByTapAsync(reader, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var none = await customers.FindByTapAsync(new UnavailableNfcReader(), TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.False(unknown.Found);
        Assert.Equal(NfcReadStatus.Read, unknown.Read.Status);
        Assert.False(none.Found);
        Assert.Equal(NfcReadStatus.NotAvailable, none.Read.Status);
    }

    [Fact]
    public void Find_ByCardCodeAndPhone_FindsTheCustomer()
    {
        using var till = new TestTill();
        var customers = new CustomerStore(till.Database);
        customers.Save(Salma);

        Assert.Equal("cu1", customers.FindByCardCode(" loy-0042 ")?.Id);
        Assert.Equal("cu1", customers.FindByPhone("01001234567".Substring(1))?.Id);
        Assert.Null(customers.FindByCardCode("LOY-9"));
        Assert.Throws<ArgumentException>(() => customers.Save(Salma, nfcTagId: "not hex"));
    }
}
