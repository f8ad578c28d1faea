using Newtonsoft.Json.Linq;
using PosBridge.Erp.Odoo.Emulator;
using PosBridge.Erp.Odoo.Rpc;

namespace PosBridge.Erp.Odoo.Tests.Rpc;

public sealed class OdooClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    [InlineData(19)]
    public async Task Connect_DetectsTheVersion_AndItsFieldNames(int version)
    {
        await using var odoo = await OdooEmulator.StartAsync(version);
        await using var client = Odoo.Client(odoo);

        var detected = await client.GetVersionAsync(Ct);

        Assert.Equal(version, detected.Major);
        Assert.Equal(version >= 18, detected.UsesSyncFromUi);
        var rows = await client.SearchReadAsync("product.product", OdooValues.Domain(OdooValues.Leaf("default_code", "=", "COF-TR")), ["name", detected.PosCategoryField, detected.ProductTypeField], cancellationToken: Ct);
        Assert.Equal("Turkish Coffee", OdooValues.Text(Assert.Single(rows)["name"]));
    }

    [Fact]
    public async Task Json2_OnOdoo19_ReadsWithTheApiKey()
    {
        await using var odoo = await OdooEmulator.StartAsync(19);
        await using var client = Odoo.Client(odoo, OdooProtocol.Json2);

        var rows = await client.SearchReadAsync("product.product", OdooValues.Domain(OdooValues.Leaf("barcode", "=", "6221234567885")), ["name", "uom_id", "barcode"], cancellationToken: Ct);

        Assert.Equal(2, await client.GetUserIdAsync(Ct));
        Assert.Equal(new OdooRef(1, "Units"), OdooValues.Ref(Assert.Single(rows)["uom_id"]));
    }

    [Fact]
    public async Task Read_UnsetFieldsComeAsFalse_AndMapToNoValue_ManyToOneToATypedReference()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);

        var dates = Assert.Single(await client.SearchReadAsync("product.product", OdooValues.Domain(OdooValues.Leaf("default_code", "=", "DAT-1K")), ["barcode", "uom_id", "available_in_pos"], cancellationToken: Ct));

        Assert.Equal(JTokenType.Boolean, dates["barcode"]!.Type);
        Assert.Null(OdooValues.Text(dates["barcode"]));
        Assert.Equal(new OdooRef(2, "kg"), OdooValues.Ref(dates["uom_id"]));
        Assert.True(OdooValues.Bool(dates["available_in_pos"]));
    }

    [Fact]
    public async Task WrongPassword_IsAccessDenied_NotRetried()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(Odoo.Options(odoo.Url, password: "wrong"));

        var failure = await Assert.ThrowsAsync<OdooException>(() => client.GetUserIdAsync(Ct));

        Assert.Equal(OdooErrorKind.AccessDenied, failure.Kind);
        Assert.Empty(odoo.Calls); // no model call was attempted with a refused login
    }

    [Fact]
    public async Task ValidationError_CarriesOdoosMessage_AndIsNotRetried()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);

        var failure = await Assert.ThrowsAsync<OdooException>(() => client.WriteAsync("product.product", [1], new JObject { ["taxes_id"] = new JArray((object)new JArray(6, 0, new JArray(999))) }, Ct));

        Assert.Equal(OdooErrorKind.UserError, failure.Kind);
        Assert.Equal("odoo.exceptions.ValidationError", failure.OdooErrorName);
        Assert.Contains("The operation cannot be completed", failure.Message, StringComparison.Ordinal);
        Assert.Single(odoo.Calls, c => c.Method == "write");
    }

    [Theory]
    [InlineData(FaultKind.Concurrency)]
    [InlineData(FaultKind.BadGateway)]
    public async Task TransientFailure_IsRetried_ThenSucceeds(FaultKind kind)
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        await client.GetVersionAsync(Ct);
        odoo.Inject(new Fault(kind, "product.product.search_read", Times: 2));

        var rows = await client.SearchReadAsync("product.product", [], ["name"], cancellationToken: Ct);

        Assert.Equal(5, rows.Count);
    }

    [Fact]
    public async Task SlowServer_TimesOutPerCall_AsATransportFailure()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        var options = Odoo.Options(odoo.Url);
        options.CallTimeout = TimeSpan.FromSeconds(2);
        options.MaxRetryAttempts = 0;
        await using var client = Odoo.Client(options);
        await client.GetVersionAsync(Ct);
        odoo.Inject(new Fault(FaultKind.Slow, "res.partner.search_read") { Delay = TimeSpan.FromSeconds(20) });

        var failure = await Assert.ThrowsAsync<OdooException>(() => client.SearchReadAsync("res.partner", [], ["name"], cancellationToken: Ct));

        Assert.Equal(OdooErrorKind.Transport, failure.Kind);
        Assert.True(failure.IsTransient);
    }

    [Fact]
    public async Task ServerDown_IsATransportFailure_NotALibrarysException()
    {
        // Seen with the demo against a stopped Odoo: Refit wraps the refused connection in its own ApiRequestException.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var options = Odoo.Options(new Uri($"http://127.0.0.1:{port}/"));
        options.MaxRetryAttempts = 0;
        await using var client = Odoo.Client(options);

        var failure = await Assert.ThrowsAsync<OdooException>(() => client.GetVersionAsync(Ct));

        Assert.Equal(OdooErrorKind.Transport, failure.Kind);
        Assert.Contains("could not be reached", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowLogin_TimesOutAsATransportFailure_NotALibrarysException()
    {
        // Seen under load: the first call's login took longer than CallTimeout and Polly's own exception came out.
        await using var odoo = await OdooEmulator.StartAsync(17);
        var options = Odoo.Options(odoo.Url);
        options.CallTimeout = TimeSpan.FromSeconds(2);
        options.MaxRetryAttempts = 0;
        await using var client = Odoo.Client(options);
        odoo.Inject(new Fault(FaultKind.Slow, "common.authenticate") { Delay = TimeSpan.FromSeconds(20) });

        var failure = await Assert.ThrowsAsync<OdooException>(() => client.GetVersionAsync(Ct));

        Assert.Equal(OdooErrorKind.Transport, failure.Kind);
        Assert.True(failure.IsTransient);
        Assert.Contains("did not answer", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerThatKeepsFailing_OpensTheCircuit_AndCallsStopReachingIt()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        var options = Odoo.Options(odoo.Url);
        options.MaxRetryAttempts = 0;
        options.CircuitBreakerFailures = 3;
        await using var client = Odoo.Client(options);
        await client.GetVersionAsync(Ct);
        odoo.Inject(new Fault(FaultKind.BadGateway, Times: 100));

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<OdooException>(() => client.SearchReadAsync("res.partner", [], ["name"], cancellationToken: Ct));
        }

        var served = odoo.Calls.Count;
        var broken = await Assert.ThrowsAsync<OdooException>(() => client.SearchReadAsync("res.partner", [], ["name"], cancellationToken: Ct));

        Assert.Contains("paused", broken.Message, StringComparison.Ordinal);
        Assert.Equal(served, odoo.Calls.Count);
    }

    [Fact]
    public async Task ExpiredSession_LogsInAgainOnce_AndTheCallGoesThrough()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        await client.GetVersionAsync(Ct);
        odoo.Inject(new Fault(FaultKind.SessionExpired, "res.partner.search_read"));

        var rows = await client.SearchReadAsync("res.partner", [], ["name"], cancellationToken: Ct);

        Assert.Equal(2, rows.Count);
    }

    [Fact]
    public async Task UnknownMethod_IsALoudServerError()
    {
        await using var odoo = await OdooEmulator.StartAsync(18);
        await using var client = Odoo.Client(odoo);

        var failure = await Assert.ThrowsAsync<OdooException>(() => client.ExecuteAsync(new OdooCall("pos.order", "create_from_ui") { Arguments = new Dictionary<string, JToken?> { ["orders"] = new JArray() } }, Ct));

        Assert.Equal(OdooErrorKind.ServerError, failure.Kind);
        Assert.Contains("create_from_ui", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("odoo.exceptions.AccessDenied", null, OdooErrorKind.AccessDenied)]
    [InlineData("odoo.exceptions.AccessError", null, OdooErrorKind.AccessError)]
    [InlineData("odoo.exceptions.MissingError", null, OdooErrorKind.MissingRecord)]
    [InlineData("psycopg2.errors.SerializationFailure", null, OdooErrorKind.Concurrency)]
    [InlineData("odoo.exceptions.ConcurrencyError", null, OdooErrorKind.Concurrency)]
    [InlineData("odoo.exceptions.UserError", "could not serialize access due to concurrent update", OdooErrorKind.Concurrency)]
    [InlineData("odoo.http.SessionExpiredException", null, OdooErrorKind.SessionExpired)]
    [InlineData("builtins.ValueError", "Invalid field 'x'", OdooErrorKind.ServerError)]
    public void Classify_ReadsTheErrorName(string name, string? message, OdooErrorKind expected) =>
        Assert.Equal(expected, OdooException.Classify(name, message));
}
