using PosBridge.Connector.Dashboard;

namespace PosBridge.Connector.Tests.Dashboard;

public sealed class DashboardPasswordTests
{
    [Fact]
    public void FromSetting_Hash_VerifiesOnlyItsPassword()
    {
        var password = DashboardPassword.FromSetting(DashboardPassword.Hash("tea-and-ledgers-2024", 100_000));

        Assert.True(password.Verify("tea-and-ledgers-2024"));
        Assert.False(password.Verify("tea-and-ledgers-2025"));
        Assert.False(password.Verify(string.Empty));
    }

    [Fact]
    public void Hash_SamePasswordTwice_DiffersBySalt()
    {
        Assert.NotEqual(DashboardPassword.Hash("tea-and-ledgers-2024", 100_000), DashboardPassword.Hash("tea-and-ledgers-2024", 100_000));
    }

    [Theory]
    [InlineData("short1!", "at least 12")]
    [InlineData("aaaaaabbbbbb", "6 different")]
    [InlineData("MyAdminDesk-77", "'admin'")]
    public void Weakness_WeakPassword_SaysWhy(string password, string why)
    {
        Assert.Contains(why, DashboardPassword.Weakness(password), StringComparison.Ordinal);
    }

    [Fact]
    public void Weakness_StrongPassword_IsNull()
    {
        Assert.Null(DashboardPassword.Weakness("tea-and-ledgers-2024"));
    }
}
