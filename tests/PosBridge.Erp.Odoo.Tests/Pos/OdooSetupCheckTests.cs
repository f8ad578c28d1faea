using Newtonsoft.Json.Linq;
using PosBridge.Core.Adapters;
using PosBridge.Core.Sales;
using PosBridge.Erp.Odoo.Emulator;
using PosBridge.Erp.Odoo.Pos;

namespace PosBridge.Erp.Odoo.Tests.Pos;

/// <summary>
/// What an Odoo administrator must map before the first sale, as the shop's owner would meet it: a till added
/// but not mapped, a card method Odoo does not offer, a cash journal that blocks sessions, an API user made without
/// the rights docs/odoo.md lists. Each finding names what to set; the check changes nothing in Odoo.
/// </summary>
public sealed class OdooSetupCheckTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly SetupScope Shop = new()
    {
        Tills = [new SetupTill("CAI1", "T1", "EGP"), new SetupTill("CAI1", "T2", "EGP")],
        PaymentMethods = [new SetupPaymentMethod("cash", PaymentKind.Cash), new SetupPaymentMethod("card", PaymentKind.Card)],
        TaxIds = ["1", "2"],
    };

    [Fact]
    public async Task ASetUpShop_HasNothingToFix_AndTheCheckChangesNothing()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);

        var findings = await new OdooSetupCheck(client, Odoo.EmulatorPos()).CheckSetupAsync(Shop, Ct);

        Assert.Empty(findings);
        Assert.DoesNotContain(odoo.Calls, c => c.Method is "create" or "write" or "unlink" or "open_ui");
    }

    [Fact]
    public async Task ATillPairedButNotMapped_IsNamedWithTheSettingAndTheConfigsOdooHas()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);

        var findings = await new OdooSetupCheck(client, Odoo.EmulatorPos()).CheckSetupAsync(Shop with { Tills = [.. Shop.Tills, new SetupTill("ALX1", "T9", "EGP")] }, Ct);

        var finding = Assert.Single(findings);
        Assert.Equal((SetupSeverity.Blocking, "Till ALX1/T9"), (finding.Severity, finding.Subject));
        Assert.Contains("Odoo:Pos:Tills:ALX1/T9", finding.Fix, StringComparison.Ordinal);
        Assert.Contains("PosBridge Till 1 (1)", finding.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    public async Task MappedToAMissingAnArchivedOrAForeignCurrencyConfig_EachSaysWhatToDo(int version)
    {
        await using var odoo = await OdooEmulator.StartAsync(version);
        await using var client = Odoo.Client(odoo);
        odoo.Read(s => { s.Write("pos.config", 2, new JObject { ["active"] = false }); return 0; });
        var pos = Odoo.EmulatorPos();
        pos.Tills["CAI1/T3"] = 99;

        var findings = await new OdooSetupCheck(client, pos).CheckSetupAsync(Shop with
        {
            Tills = [new SetupTill("CAI1", "T1", "USD"), new SetupTill("CAI1", "T2", "EGP"), new SetupTill("CAI1", "T3", "EGP")],
        }, Ct);

        Assert.Equal(3, findings.Count);
        Assert.All(findings, f => Assert.Equal(SetupSeverity.Blocking, f.Severity));
        Assert.Contains(findings, f => f.Subject == "Till CAI1/T1" && f.Problem.Contains("books in EGP", StringComparison.Ordinal) && f.Fix.Contains("PosBridge:Stores:CAI1:Currency", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Subject == "Till CAI1/T2" && f.Problem.Contains("archived", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Subject == "Till CAI1/T3" && f.Problem.Contains("pos.config 99, which does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TwoTillsOnOneConfig_IsAWarning_TheirShiftsWouldCloseEachOthersSessions()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        var pos = Odoo.EmulatorPos();
        pos.Tills["CAI1/T2"] = 1;

        var finding = Assert.Single(await new OdooSetupCheck(client, pos).CheckSetupAsync(Shop, Ct));

        Assert.Equal(SetupSeverity.Warning, finding.Severity);
        Assert.Contains("CAI1/T1, CAI1/T2", finding.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CardNotMapped_AndTheConfigHasTwoCardMethods_SaysWhichToMap_ReturnsNoMethodForAQrTheConfigLacks()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        odoo.Read(s =>
        {
            var second = s.Create("pos.payment.method", new JObject { ["name"] = "Visa", ["journal_id"] = 3, ["type"] = "bank", ["active"] = true });
            s.Write("pos.config", 1, new JObject { ["payment_method_ids"] = new JArray((object)new JArray(6, 0, new JArray(1, 2, 3, second))) });
            return 0;
        });
        var pos = Odoo.EmulatorPos();
        pos.PaymentMethods.Remove("card");

        var findings = await new OdooSetupCheck(client, pos).CheckSetupAsync(Shop with
        {
            Tills = [Shop.Tills[0]],
            PaymentMethods = [.. Shop.PaymentMethods, new SetupPaymentMethod("qr", PaymentKind.Qr)],
        }, Ct);

        Assert.Equal(2, findings.Count);
        Assert.Contains(findings, f => f.Subject.StartsWith("Payment method 'card'", StringComparison.Ordinal) && f.Fix.Contains("Map it in Odoo:Pos:PaymentMethods", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Subject.StartsWith("Payment method 'qr'", StringComparison.Ordinal) && f.Fix.Contains("offers no Qr method", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACashJournalWithoutLossAndProfitAccounts_BlocksSessions_AndOdooItselfRefusesToOpenOne()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        odoo.Read(s => { s.Write("account.journal", 2, new JObject { ["loss_account_id"] = false }); return 0; });

        var finding = Assert.Single(await new OdooSetupCheck(client, Odoo.EmulatorPos()).CheckSetupAsync(Shop, Ct));

        Assert.Contains("loss and profit account", finding.Problem, StringComparison.Ordinal);
        Assert.Contains("Cash Difference", finding.Fix, StringComparison.Ordinal);

        // What the finding foretells: the first sale waits with Odoo's own words.
        var result = Assert.Single(await Odoo.Sink(client).DeliverAsync([Odoo.CafeSale()], Ct));
        Assert.NotEqual(Core.Adapters.DeliveryOutcome.Done, result.Outcome);
        Assert.Contains("loss and profit account", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnApiUserWithoutEmailOrContactCreation_IsToldWhichRightToGive()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        odoo.Read(s => { s.Write("res.users", 2, new JObject { ["email"] = false }); return 0; });
        odoo.Deny("res.partner", "create");

        var findings = await new OdooSetupCheck(client, Odoo.EmulatorPos()).CheckSetupAsync(Shop, Ct);

        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal("Odoo user 'admin'", f.Subject));
        Assert.Contains(findings, f => f.Problem.Contains("no e-mail address", StringComparison.Ordinal) && f.Fix.Contains("Mitchell Admin", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Problem.Contains("'res.partner'", StringComparison.Ordinal) && f.Fix.Contains("Contact Creation", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ATaxNotMapped_OrMappedToAMissingOne_IsNamed()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        var pos = Odoo.EmulatorPos();
        pos.Taxes["vat5"] = 77;

        var findings = await new OdooSetupCheck(client, pos).CheckSetupAsync(Shop with { TaxIds = ["1", "vat14", "vat5"] }, Ct);

        Assert.Equal(2, findings.Count);
        Assert.Contains(findings, f => f.Subject == "Tax 'vat14'" && f.Fix.Contains("Odoo:Pos:Taxes", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Subject == "Tax 'vat5'" && f.Problem.Contains("account.tax 77, which does not exist", StringComparison.Ordinal));
    }
}
