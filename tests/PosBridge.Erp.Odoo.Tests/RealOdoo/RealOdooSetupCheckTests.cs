using Newtonsoft.Json.Linq;
using PosBridge.Core.Adapters;
using PosBridge.Core.Sales;
using PosBridge.Erp.Odoo.Pos;
using PosBridge.Erp.Odoo.Rpc;

namespace PosBridge.Erp.Odoo.Tests.RealOdoo;

/// <summary>Against a real Odoo (ODOO_URL set): the set-up check reads the real server's configs, journals, taxes and rights.</summary>
[Collection(RealOdoo.Collection)]
public sealed class RealOdooSetupCheckTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheTestShop_HasItsTillsJournalsAndTaxesRight_AndARightTheUserLacksIsOneOdooReallyRefuses()
    {
        await using var odoo = await RealOdoo.ConnectAsync(Ct);
        var scope = new SetupScope
        {
            Tills = [.. odoo.Tills.Select(t => new SetupTill("RT", t, odoo.Currency)), new SetupTill("RT", "T-unmapped", odoo.Currency)],
            PaymentMethods = [new SetupPaymentMethod("cash", PaymentKind.Cash)],
            TaxIds = [.. odoo.Products.Where(p => p.Tax is not null).Select(p => p.Tax!.Id).Distinct()],
        };
        var pos = new OdooPosOptions { Tills = new(odoo.Pos.Tills) };

        var findings = await new OdooSetupCheck(odoo.Client, pos).CheckSetupAsync(scope, Ct);
        foreach (var finding in findings)
        {
            output.WriteLine($"{finding.Severity}: {finding}");
        }

        // Every mapped till is usable; the one left unmapped is named with its setting.
        var till = Assert.Single(findings, f => f.Subject.StartsWith("Till ", StringComparison.Ordinal));
        Assert.Equal("Till RT/T-unmapped", till.Subject);
        Assert.Contains("Odoo:Pos:Tills:RT/T-unmapped", till.Fix, StringComparison.Ordinal);
        Assert.DoesNotContain(findings, f => f.Subject.StartsWith("Cash journal", StringComparison.Ordinal) || f.Subject.StartsWith("Tax ", StringComparison.Ordinal));
        Assert.DoesNotContain(findings, f => f.Subject.StartsWith("Payment method 'cash'", StringComparison.Ordinal));

        // A right the check says the user lacks is one Odoo refuses when used.
        if (findings.Any(f => f.Problem.Contains("'res.partner'", StringComparison.Ordinal)))
        {
            var refused = await Assert.ThrowsAsync<OdooException>(() => odoo.Client.CreateAsync("res.partner", [new JObject { ["name"] = "PosBridge set-up check " + odoo.Run }], Ct));
            Assert.Equal(OdooErrorKind.AccessError, refused.Kind);
        }
    }
}
