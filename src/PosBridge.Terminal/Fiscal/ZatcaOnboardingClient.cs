using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;
using PosBridge.Till;
using PosBridge.Till.Fiscal;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Fiscal;

/// <summary>How onboarding went, in words for the owner at the till.</summary>
public sealed record ZatcaOnboardingResult(bool Onboarded, string Message);

/// <summary>
/// Onboards this till with ZATCA through the connector, the till's half: the key and CSR are made here, the OTP the
/// owner got on the Fatoora portal goes with the CSR, the compliance certificate comes back and signs one sample of
/// each document type the till issues (on a chain of their own, so the real ICV and PIH are untouched), and the
/// production certificate that comes back is installed. The private key never leaves the till.
/// </summary>
public sealed class ZatcaOnboardingClient(FiscalChain chain, TillOptions till, ConnectorClient client, TimeProvider timeProvider)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<ZatcaOnboardingResult> OnboardAsync(TillCredentials credentials, string otp, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (chain.Zatca is not { } unit || till.Fiscal.Zatca is not { } seller)
        {
            return new ZatcaOnboardingResult(false, "ZATCA is not set up on this till: fill Till:Fiscal:Zatca (seller, VAT number, address) first.");
        }

        if (string.IsNullOrWhiteSpace(otp) || !otp.Trim().All(char.IsAsciiDigit))
        {
            return new ZatcaOnboardingResult(false, "Type the OTP the Fatoora portal shows under 'Onboard new solution unit' (digits only).");
        }

        var csr = unit.CreateCsr();
        var (status, text) = await client.SendFiscalAsync(credentials, "/api/v1/fiscal/zatca/compliance", JsonSerializer.Serialize(new { csr, otp = otp.Trim() }, Json), cancellationToken).ConfigureAwait(false);
        if (status != HttpStatusCode.OK)
        {
            return new ZatcaOnboardingResult(false, $"ZATCA did not issue the compliance certificate: {Detail(text)}");
        }

        unit.InstallComplianceCertificate(JsonNode.Parse(text)!["certificate"]!.GetValue<string>());
        var samples = Samples(seller, unit);
        (status, text) = await client.SendFiscalAsync(credentials, "/api/v1/fiscal/zatca/production", JsonSerializer.Serialize(new { samples }, Json), cancellationToken).ConfigureAwait(false);
        if (status != HttpStatusCode.OK)
        {
            return new ZatcaOnboardingResult(false, $"ZATCA's compliance checks could not run: {Detail(text)}");
        }

        var answer = JsonNode.Parse(text)!;
        if (answer["certificate"]?.GetValue<string>() is not { Length: > 0 } certificate)
        {
            var errors = answer["samples"]!.AsArray().SelectMany(s => s!["errors"]!.AsArray().Select(e => $"{s["kind"]}: {e!["code"]} {e["message"]}"));
            return new ZatcaOnboardingResult(false, "ZATCA's compliance checks failed: " + string.Join("; ", errors));
        }

        unit.InstallProductionCertificate(certificate);
        return new ZatcaOnboardingResult(true, "This till is onboarded with ZATCA: every sale is now signed and reported.");
    }

    /// <summary>A simplified invoice and its credit note, signed with the compliance certificate on a sample chain.</summary>
    private List<object> Samples(ZatcaOptions seller, ZatcaEgsUnit unit)
    {
        var (key, certificate) = unit.Signer(compliance: true);
        using (key)
        using (certificate)
        {
            var now = timeProvider.GetUtcNow();
            var invoice = SampleSale(now, null);
            var credit = SampleSale(now, new RefundOf { SaleId = invoice.Id, SaleNumber = invoice.SaleNumber });
            var first = ZatcaStamp.Sign(ZatcaInvoiceXml.ForSale(invoice, seller, new ZatcaChainLink(1, ZatcaChainLink.FirstPreviousHash)), invoice, seller, key, certificate, now);
            var second = ZatcaStamp.Sign(ZatcaInvoiceXml.ForSale(credit, seller, new ZatcaChainLink(2, first.InvoiceHash)), credit, seller, key, certificate, now);
            List<object> samples =
            [
                new { kind = "simplified-invoice", uuid = invoice.Id, invoiceHash = first.InvoiceHash, xml = first.Xml },
                new { kind = "simplified-credit-note", uuid = credit.Id, invoiceHash = second.InvoiceHash, xml = second.Xml },
            ];
            if (seller.IssuesStandardInvoices)
            {
                // ZATCA checks every document type the CSR declares: a till that clears tax invoices sends standard samples too.
                var buyer = new ZatcaBuyer("300000000000003", "Compliance sample buyer", "Prince Sultan", "2322", "Al-Murabba", "Riyadh", "23333");
                var standard = SampleSale(now, null);
                var standardCredit = SampleSale(now, new RefundOf { SaleId = standard.Id, SaleNumber = standard.SaleNumber });
                var third = ZatcaStamp.Sign(ZatcaInvoiceXml.ForSale(standard, seller, new ZatcaChainLink(3, second.InvoiceHash), buyer, standard.Id), standard, seller, key, certificate, now);
                var fourth = ZatcaStamp.Sign(ZatcaInvoiceXml.ForSale(standardCredit, seller, new ZatcaChainLink(4, third.InvoiceHash), buyer, standardCredit.Id), standardCredit, seller, key, certificate, now);
                samples.Add(new { kind = "standard-invoice", uuid = standard.Id, invoiceHash = third.InvoiceHash, xml = third.Xml });
                samples.Add(new { kind = "standard-credit-note", uuid = standardCredit.Id, invoiceHash = fourth.InvoiceHash, xml = fourth.Xml });
            }

            return samples;
        }
    }

    private Sale SampleSale(DateTimeOffset now, RefundOf? refundOf)
    {
        var sign = refundOf is null ? 1m : -1m;
        var vat = new TaxDefinition { Id = "vat15", Name = "VAT 15%", AmountType = TaxAmountType.Percent, Amount = 15m };
        var number = string.Create(CultureInfo.InvariantCulture, $"{till.StoreId}-{till.TillId}-ZATCA-SAMPLE-{(refundOf is null ? 1 : 2)}");
        return new Sale
        {
            SchemaVersion = SaleValidator.CurrentSchemaVersion,
            Id = SaleId.New(timeProvider),
            StoreId = till.StoreId,
            TillId = till.TillId,
            ShiftId = "zatca-compliance",
            SaleNumber = number,
            CreatedAtUtc = now,
            StoreUtcOffset = TimeSpan.FromHours(3),
            Currency = "SAR",
            TaxRounding = TaxRoundingMethod.RoundPerLine,
            Cashier = new Cashier { Id = "zatca", Name = "ZATCA compliance check" },
            Taxes = [vat],
            Lines = [new SaleLine { LineNumber = 1, ProductId = "sample", Name = "Compliance sample", Quantity = sign, Unit = "Units", UnitPrice = 100m, TaxIds = ["vat15"], TotalExcluded = sign * 100m, TotalIncluded = sign * 115m, TaxAmounts = [new LineTaxAmount { TaxId = "vat15", Base = sign * 100m, Amount = sign * 15m }] }],
            Payments = [new Payment { MethodId = "cash", Kind = PaymentKind.Cash, Amount = sign * 115m }],
            RefundOf = refundOf,
            Note = refundOf is null ? null : "Compliance sample: goods returned",
            Totals = new SaleTotals { Untaxed = sign * 100m, Taxes = [new SaleTaxTotal { TaxId = "vat15", Name = "VAT 15%", Base = sign * 100m, Amount = sign * 15m }], Tax = sign * 15m, Total = sign * 115m, AmountDue = sign * 115m, Paid = sign * 115m },
        };
    }

    private static string Detail(string text)
    {
        try
        {
            return JsonNode.Parse(text)?["detail"]?.GetValue<string>() ?? text;
        }
        catch (JsonException)
        {
            return text;
        }
    }
}
