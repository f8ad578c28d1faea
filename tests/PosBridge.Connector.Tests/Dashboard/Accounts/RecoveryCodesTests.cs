using PosBridge.Connector.Dashboard.Accounts;

namespace PosBridge.Connector.Tests.Dashboard.Accounts;

public sealed class RecoveryCodesTests
{
    [Fact]
    public void New_GivesTenDifferentCodesThatLookLikeRecoveryCodes()
    {
        var codes = RecoveryCodes.New();

        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[A-Z2-9]{5}-[A-Z2-9]{5}$", c));
        Assert.All(codes, c => Assert.True(RecoveryCodes.LooksLikeOne(c)));
        Assert.False(RecoveryCodes.LooksLikeOne("123456"));
    }

    [Fact]
    public void Hash_IgnoresCaseAndDashes_ButNotTheAccount()
    {
        Assert.Equal(RecoveryCodes.Hash("amira", "ABCDE-FGHJK"), RecoveryCodes.Hash("amira", "abcdefghjk"));
        Assert.NotEqual(RecoveryCodes.Hash("amira", "ABCDE-FGHJK"), RecoveryCodes.Hash("omar", "ABCDE-FGHJK"));
        Assert.DoesNotContain("ABCDE", RecoveryCodes.Hash("amira", "ABCDE-FGHJK"), StringComparison.OrdinalIgnoreCase);
    }
}
