using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Hosting;
using PosBridge.Erp.Odoo.Emulator;

namespace PosBridge.Connector.Tests.Hosting;

public sealed class ProtectedSettingsTests
{
    private static async Task<string> ProtectAsync(string dataDirectory, string secret)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CommandLine.RunAsync(["secrets", "protect", "--data", dataDirectory], new StringReader(secret + "\n"), output, error, new FakeTimeProvider(), TestContext.Current.CancellationToken);
        Assert.Equal(0, exit);
        return output.ToString().Trim();
    }

    [Fact]
    public async Task SecretsProtect_PrintsAnEncryptedValue_ThatTheConnectorDecryptsAtStart()
    {
        var data = Directory.CreateTempSubdirectory("posbridge-data-").FullName;
        var encrypted = await ProtectAsync(data, "s3cret-key");
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["PosBridge:DataDirectory"] = data, ["Odoo:ApiKey"] = encrypted });

        var decrypted = ProtectedSettings.Decrypt(configuration);

        Assert.StartsWith("enc:", encrypted, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", encrypted, StringComparison.Ordinal);
        Assert.Equal(1, decrypted);
        Assert.Equal("s3cret-key", configuration["Odoo:ApiKey"]);
    }

    [Fact]
    public async Task SecretsProtect_MistypedDataFolder_RefusedWithNoNewKeyMade()
    {
        var root = Directory.CreateTempSubdirectory("posbridge-data-").FullName;
        var mistyped = Path.Combine(root, "dta");
        using var output = new StringWriter();
        using var error = new StringWriter();

        // A new key in a mistyped folder would encrypt a value the connector's own key cannot open.
        var exit = await CommandLine.RunAsync(["secrets", "protect", "--data", mistyped], new StringReader("s3cret-key\n"), output, error, new FakeTimeProvider(), TestContext.Current.CancellationToken);

        Assert.Equal(CommandLine.Usage, exit);
        Assert.Contains($"the data folder {mistyped} does not exist", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, output.ToString());
        Assert.False(Directory.Exists(mistyped));
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task ValueEncryptedWithAnotherKey_StopsTheStart_NamingTheSetting_NotTheValue()
    {
        var encrypted = await ProtectAsync(Directory.CreateTempSubdirectory().FullName, "s3cret-key");
        var other = Directory.CreateTempSubdirectory().FullName;
        await ProtectAsync(other, "anything"); // makes the other directory's own key
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["PosBridge:DataDirectory"] = other, ["Ecommerce:Stores:0:ConsumerSecret"] = encrypted });

        var failure = Assert.ThrowsAny<InvalidOperationException>(() => { ProtectedSettings.Decrypt(configuration); });

        Assert.Contains("Ecommerce:Stores:0:ConsumerSecret", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(encrypted, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretsProtect_WithNothingOnStandardInput_IsAUsageError()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await CommandLine.RunAsync(["secrets", "protect"], new StringReader(""), output, error, new FakeTimeProvider(), TestContext.Current.CancellationToken);

        Assert.NotEqual(0, exit);
        Assert.Contains("no secret on standard input", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OdooPasswordKeptEncrypted_StillDeliversSales()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var odoo = await OdooEmulator.StartAsync(17);
        var data = Directory.CreateTempSubdirectory("posbridge-data-").FullName;
        var password = await ProtectAsync(data, OdooEmulator.Password);
        await using var host = await ConnectorHost.StartAsync(new()
        {
            ["PosBridge:DataDirectory"] = data,
            ["Odoo:Url"] = odoo.Url.ToString(), ["Odoo:Database"] = OdooEmulator.Database, ["Odoo:User"] = OdooEmulator.Login, ["Odoo:Password"] = password,
            ["Odoo:Pos:Tills:CAI1/T2"] = "2", ["Odoo:Pos:PaymentMethods:cash"] = "1", ["Odoo:Pos:Taxes:vat14"] = "3", ["Odoo:Pos:ProductIdsAreOdooIds"] = "false",
        });
        var till = await host.PairTillAsync();
        (await till.UploadAsync([new Sales(host.Clock).Next(price: 35m, quantity: 1m, sku: "COF-TR")])).EnsureSuccessStatusCode();

        var run = await host.Services.GetRequiredService<SalesDispatcher>().DeliverAsync("odoo", ct);

        Assert.Equal(1, run.Delivered);
    }
}
