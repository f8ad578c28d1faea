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

    [Fact]
    public async Task HashPasswordCommand_StrongPassword_PrintsAHashThatVerifies()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await HashPasswordCommand.RunAsync(new StringReader("tea-and-ledgers-2024\n"), output, error, TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        var hash = output.ToString().Trim();
        Assert.StartsWith("pbkdf2-sha256$600000$", hash, StringComparison.Ordinal);
        Assert.True(DashboardPassword.FromSetting(hash).Verify("tea-and-ledgers-2024"));
    }

    [Fact]
    public async Task HashPasswordCommand_WeakPassword_SaysWhyAndPrintsNothing()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await HashPasswordCommand.RunAsync(new StringReader("admin\n"), output, error, TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        Assert.Empty(output.ToString());
        Assert.Contains("too weak", error.ToString(), StringComparison.Ordinal);
    }
}
