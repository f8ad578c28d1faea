using System.Text.RegularExpressions;
using PosBridge.Till.Receipts;

namespace PosBridge.Till.Fiscal;

/// <summary>Which tax authority's documents this till issues with each sale (none, ZATCA in Saudi Arabia, or the ETA in Egypt).</summary>
public sealed class FiscalOptions
{
    /// <summary>Saudi Arabia: a ZATCA simplified tax invoice (or credit note) signed with each sale. Null when off.</summary>
    public ZatcaOptions? Zatca { get; set; }

    /// <summary>Egypt: an ETA e-receipt chained with each sale. Null when off.</summary>
    public EtaOptions? Eta { get; set; }

    /// <summary>
    /// The file (0600) holding the key that encrypts the till's signing key in its database; by default the database's
    /// path with ".fiscal-key" added. Keep it out of database-only backups, and back it up on its own.
    /// </summary>
    public string? KeyFile { get; set; }

    /// <summary>Every setting that is wrong, each naming its key (Till:Fiscal:…) and what is expected.</summary>
    public IEnumerable<string> Problems()
    {
        if (Zatca is not null && Eta is not null)
        {
            yield return "Till:Fiscal has both Zatca and Eta; a till issues one country's documents: keep the one for this store.";
        }

        if (Zatca is not null)
        {
            foreach (var problem in Zatca.Problems())
            {
                yield return problem;
            }
        }

        if (Eta is not null)
        {
            if (string.IsNullOrWhiteSpace(Eta.Rin))
            {
                yield return "Till:Fiscal:Eta:Rin is empty; set the seller's ETA registration number.";
            }

            if (string.IsNullOrWhiteSpace(Eta.DeviceSerialNumber))
            {
                yield return "Till:Fiscal:Eta:DeviceSerialNumber is empty; set the POS serial number registered with the ETA.";
            }

            if (string.IsNullOrWhiteSpace(Eta.ActivityCode))
            {
                yield return "Till:Fiscal:Eta:ActivityCode is empty; set the seller's ETA activity code (e.g. 4711).";
            }
        }
    }
}

/// <summary>The seller and EGS unit (this till) as ZATCA's invoices and onboarding name them.</summary>
public sealed partial class ZatcaOptions
{
    /// <summary>The seller's registered name (Arabic is fine): the invoice's RegistrationName and QR tag 1.</summary>
    public string SellerName { get; set; } = string.Empty;

    /// <summary>The 15-digit VAT number, starting and ending with 3.</summary>
    public string VatNumber { get; set; } = string.Empty;

    /// <summary>The commercial registration number (CRN), the seller's other identifier on the invoice.</summary>
    public string CommercialRegistration { get; set; } = string.Empty;

    public string StreetName { get; set; } = string.Empty;

    /// <summary>The national address's 4-digit building number.</summary>
    public string BuildingNumber { get; set; } = string.Empty;

    /// <summary>The district.</summary>
    public string CitySubdivision { get; set; } = string.Empty;

    public string City { get; set; } = string.Empty;

    /// <summary>The 5-digit postal code.</summary>
    public string PostalZone { get; set; } = string.Empty;

    /// <summary>The branch this till is in (the CSR's organisational unit).</summary>
    public string BranchName { get; set; } = string.Empty;

    /// <summary>The business category (the CSR's businessCategory), e.g. "Retail".</summary>
    public string Industry { get; set; } = "Retail";

    /// <summary>The solution's name and the device model: parts 1 and 2 of the EGS serial.</summary>
    public string SolutionName { get; set; } = "PosBridge";

    public string Model { get; set; } = "Till";

    /// <summary>
    /// The CSR's invoice types (the "title" field): four digits, standard then simplified then two reserved.
    /// "0100" issues simplified invoices only (a POS); "1100" issues both.
    /// </summary>
    public string InvoiceTypes { get; set; } = "0100";

    /// <summary>The till may issue standard (B2B) invoices, cleared by ZATCA before they are given ("1100" or "1000").</summary>
    public bool IssuesStandardInvoices => InvoiceTypes.StartsWith('1');

    /// <summary>Which Fatoora platform the till onboards with: Production, Simulation or Sandbox (the CSR's certificate template differs).</summary>
    public string Environment { get; set; } = "Production";

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(SellerName))
        {
            yield return "Till:Fiscal:Zatca:SellerName is empty; set the seller's name as registered with ZATCA.";
        }

        if (!VatPattern().IsMatch(VatNumber))
        {
            yield return $"Till:Fiscal:Zatca:VatNumber '{VatNumber}' is not a ZATCA VAT number: 15 digits that start and end with 3.";
        }

        if (!DigitsPattern().IsMatch(CommercialRegistration))
        {
            yield return $"Till:Fiscal:Zatca:CommercialRegistration '{CommercialRegistration}' is not a commercial registration number (digits only).";
        }

        if (!BuildingPattern().IsMatch(BuildingNumber))
        {
            yield return $"Till:Fiscal:Zatca:BuildingNumber '{BuildingNumber}' is not a national-address building number (4 digits).";
        }

        if (!PostalPattern().IsMatch(PostalZone))
        {
            yield return $"Till:Fiscal:Zatca:PostalZone '{PostalZone}' is not a Saudi postal code (5 digits).";
        }

        foreach (var (name, value) in new[] { ("StreetName", StreetName), ("CitySubdivision", CitySubdivision), ("City", City), ("BranchName", BranchName), ("Industry", Industry), ("SolutionName", SolutionName), ("Model", Model) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return $"Till:Fiscal:Zatca:{name} is empty; ZATCA's invoice and onboarding need it.";
            }
        }

        if (Environment is not ("Production" or "Simulation" or "Sandbox"))
        {
            yield return $"Till:Fiscal:Zatca:Environment '{Environment}' is not one of Production, Simulation, Sandbox.";
        }

        if (InvoiceTypes is not ("0100" or "1100" or "1000"))
        {
            yield return $"Till:Fiscal:Zatca:InvoiceTypes '{InvoiceTypes}' is not one of 0100 (simplified), 1100 (standard and simplified), 1000 (standard).";
        }
    }

    [GeneratedRegex("^3[0-9]{13}3$")]
    private static partial Regex VatPattern();

    [GeneratedRegex("^[0-9]{1,20}$")]
    private static partial Regex DigitsPattern();

    [GeneratedRegex("^[0-9]{4}$")]
    private static partial Regex BuildingPattern();

    [GeneratedRegex("^[0-9]{5}$")]
    private static partial Regex PostalPattern();
}
