using System.Security.Cryptography;
using System.Text;
using PosBridge.Connector.Dashboard.Accounts;

namespace PosBridge.Connector.Tests.Dashboard.Accounts;

public sealed class TotpTests
{
    private static readonly byte[] Sha1Seed = Encoding.ASCII.GetBytes("12345678901234567890");
    private static readonly byte[] Sha256Seed = Encoding.ASCII.GetBytes("12345678901234567890123456789012");
    private static readonly byte[] Sha512Seed = Encoding.ASCII.GetBytes("1234567890123456789012345678901234567890123456789012345678901234");

    /// <summary>RFC 6238, appendix B: 8-digit codes at these Unix times, for each HMAC.</summary>
    [Theory]
    [InlineData(59L, "94287082", "46119246", "90693936")]
    [InlineData(1111111109L, "07081804", "68084774", "25091201")]
    [InlineData(1111111111L, "14050471", "67062674", "99943326")]
    [InlineData(1234567890L, "89005924", "91819424", "93441116")]
    [InlineData(2000000000L, "69279037", "90698825", "38618901")]
    [InlineData(20000000000L, "65353130", "77737706", "47863826")]
    public void Code_Rfc6238AppendixB_MatchesEveryVector(long unixTime, string sha1, string sha256, string sha512)
    {
        var step = Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixTime));

        Assert.Equal(sha1, Totp.Code(Sha1Seed, step, 8));
        Assert.Equal(sha256, Totp.Code(Sha256Seed, step, 8, HashAlgorithmName.SHA256));
        Assert.Equal(sha512, Totp.Code(Sha512Seed, step, 8, HashAlgorithmName.SHA512));
    }

    [Fact]
    public void Code_SixDigits_IsTheLastSixOfTheRfcVector()
    {
        Assert.Equal("287082", Totp.Code(Sha1Seed, Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(59))));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    public void Match_CodeOfAStepWithinOne_ReturnsThatStep(int offset)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1111111111);
        var step = Totp.StepAt(now) + offset;

        Assert.Equal(step, Totp.Match(Sha1Seed, Totp.Code(Sha1Seed, step), now, null));
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(2)]
    public void Match_CodeOfAStepFurtherAway_IsRefused(int offset)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1111111111);

        Assert.Null(Totp.Match(Sha1Seed, Totp.Code(Sha1Seed, Totp.StepAt(now) + offset), now, null));
    }

    [Fact]
    public void Match_StepUsedAlready_IsRefusedAsAReplay()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1111111111);
        var code = Totp.Code(Sha1Seed, Totp.StepAt(now));

        Assert.Null(Totp.Match(Sha1Seed, code, now, Totp.StepAt(now)));
        Assert.Null(Totp.Match(Sha1Seed, code, now, Totp.StepAt(now) + 1));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    [InlineData("١٢٣٤٥٦")]
    public void Match_NotSixDigits_IsRefused(string? code)
    {
        Assert.Null(Totp.Match(Sha1Seed, code, DateTimeOffset.FromUnixTimeSeconds(59), null));
    }

    [Fact]
    public void Match_CodeWithASpaceAsAppsShowIt_IsAccepted()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(59);
        var code = Totp.Code(Sha1Seed, Totp.StepAt(now));

        Assert.NotNull(Totp.Match(Sha1Seed, code[..3] + " " + code[3..], now, null));
    }

    [Fact]
    public void Base32_RoundTrips_AndMatchesRfc4648()
    {
        Assert.Equal("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Totp.Base32(Sha1Seed));
        Assert.Equal(Sha1Seed, Totp.FromBase32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
    }

    [Fact]
    public void Link_NamesIssuerAccountAndTheParameters()
    {
        var link = Totp.Link(Sha1Seed, "PosBridge", "amira");

        Assert.Equal("otpauth://totp/PosBridge:amira?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=PosBridge&algorithm=SHA1&digits=6&period=30", link);
    }
}
