using System.Security.Cryptography;
using PosBridge.Terminal.Fiscal;
using PosBridge.Till.Fiscal;

namespace PosBridge.Terminal.Tests.Fiscal;

/// <summary>The till's ZATCA private key is encrypted in its database, with the key to it in a 0600 file of its own.</summary>
public sealed class FiscalKeyAtRestTests
{
    [Fact]
    public void Start_WithAKeyStoredInPlainTextByAnEarlierBuild_EncryptsItAndLeavesNoPlainCopyOnDisk()
    {
        using var till = new SaudiTill(onboarded: false);
        SaudiTill.InstallSdkKey(till.Till.Database); // the way earlier builds stored it: PKCS#8 base64
        Assert.False(FiscalKeyProtector.IsProtected(till.Till.Database.Scalar<string>("SELECT PrivateKey FROM FiscalKeys")));

        var restarted = new FiscalChain(till.Till.Database, till.Till.Options, till.Till.Options.Fiscal, till.Till.Clock);

        var stored = till.Till.Database.Scalar<string>("SELECT PrivateKey FROM FiscalKeys");
        Assert.StartsWith("v1:", stored, StringComparison.Ordinal);
        using var sdkKey = ECDsa.Create();
        sdkKey.ImportECPrivateKey(Convert.FromBase64String(ZatcaVectors.SdkPrivateKey), out _);
        var secret = sdkKey.ExportParameters(includePrivateParameters: true).D!;
        var path = till.Till.Database.Path;
        foreach (var file in new[] { path, path + "-wal" }.Where(File.Exists))
        {
            Assert.Equal(-1, Find(ReadShared(file), secret));
        }

        // The encrypted key still signs: the invoice verifies against the SDK's certificate.
        var sale = till.SellOrFail();
        var document = restarted.Find(sale.Id)!;
        Assert.Equal(document.Hash, ZatcaVerifier.Verify(document.Document));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(restarted.Zatca!.KeyFile));
        }
    }

    [Fact]
    public void Onboard_NewKey_IsNeverWrittenInPlainText()
    {
        using var till = new SaudiTill(onboarded: false);

        till.Chain.Zatca!.CreateCsr();

        Assert.StartsWith("v1:", till.Till.Database.Scalar<string>("SELECT PrivateKey FROM FiscalKeys"), StringComparison.Ordinal);
    }

    [Fact]
    public void Sell_WithTheKeyFileGoneOrAnotherTills_RefusesWithWhatToDoAndSavesNothing()
    {
        using var till = new SaudiTill();
        till.SellOrFail();
        var keyFile = till.Chain.Zatca!.KeyFile;
        File.Delete(keyFile);
        var restarted = new FiscalChain(till.Till.Database, till.Till.Options, till.Till.Options.Fiscal, till.Till.Clock);

        var error = Assert.Throws<FiscalKeyException>(() => restarted.Zatca!.Status() is { } && Signs(restarted));
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("backup", error.Message, StringComparison.Ordinal);

        File.WriteAllBytes(keyFile, RandomNumberGenerator.GetBytes(32));
        var wrong = new FiscalChain(till.Till.Database, till.Till.Options, till.Till.Options.Fiscal, till.Till.Clock);
        Assert.Contains("does not open", Assert.Throws<FiscalKeyException>(() => Signs(wrong)).Message, StringComparison.Ordinal);
    }

    private static bool Signs(FiscalChain chain)
    {
        var (key, certificate) = chain.Zatca!.Signer();
        key.Dispose();
        certificate.Dispose();
        return true;
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static int Find(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
