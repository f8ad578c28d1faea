using PosBridge.Terminal.Staff;
using PosBridge.Till.Sales;

namespace PosBridge.Terminal.Tests.Staff;

public sealed class StaffStoreTests
{
    private static readonly StaffMember Manager = new("m1", "Karim", TillPermissions.Refund | TillPermissions.OverridePrice | TillPermissions.ManageShift);
    private static readonly StaffMember Cashier = new("c1", "Mona", TillPermissions.None);

    [Fact]
    public void Approve_ManagersPin_ReturnsTheManagerWithTheirPermissions()
    {
        using var till = new TestTill();
        var staff = new StaffStore(till.Database);
        staff.Save(Manager, "48213579");
        staff.Save(Cashier, "11112222");

        Assert.Equal(Manager, staff.Approve("48213579", TillPermissions.Refund));
        Assert.Null(staff.Approve("11112222", TillPermissions.Refund)); // a cashier's PIN approves no refund
        Assert.Null(staff.Approve("48213578", TillPermissions.Refund));
        Assert.Equal(Cashier, staff.Verify("c1", "11112222"));
        Assert.Null(staff.Verify("c1", "48213579"));
    }

    [Fact]
    public void Save_KeepsNoPinInTheDatabase()
    {
        using var till = new TestTill();
        var staff = new StaffStore(till.Database);
        staff.Save(Manager, "48213579");
        till.Database.Scalar<int>("PRAGMA wal_checkpoint(TRUNCATE)");

        Assert.DoesNotContain("48213579", System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(till.DatabasePath)), StringComparison.Ordinal);
    }

    [Fact]
    public void Deactivate_StaffWhoLeft_ApproveNothing()
    {
        using var till = new TestTill();
        var staff = new StaffStore(till.Database);
        staff.Save(Manager, "48213579");
        staff.Deactivate("m1");
        Assert.Null(staff.Approve("48213579", TillPermissions.Refund));
    }

    [Theory]
    [InlineData("123")]
    [InlineData("12a4")]
    [InlineData("")]
    public void Save_PinNotFourToTwelveDigits_Throws(string pin)
    {
        using var till = new TestTill();
        Assert.Throws<ArgumentException>(() => new StaffStore(till.Database).Save(Manager, pin));
    }
}
