using System.Text.RegularExpressions;

namespace PosBridge.Till.Fiscal;

/// <summary>
/// A business customer of a standard tax invoice as ZATCA's data dictionary names it: the buyer's VAT number (BT-48),
/// registration name (BT-44) and national address (street BT-50, building number KSA-18, district KSA-4, city BT-52,
/// postal code BT-53, country BT-55). A sale to a buyer with a VAT number is cleared by ZATCA before it is given.
/// </summary>
public sealed partial record ZatcaBuyer(string VatNumber, string Name, string StreetName, string BuildingNumber, string CitySubdivision, string City, string PostalZone, string Country = "SA")
{
    /// <summary>The till's customer id for this buyer, so the sale carries who it was sold to.</summary>
    public string CustomerId => "vat-" + VatNumber;

    /// <summary>Every field that is wrong, each naming the field and what to type.</summary>
    public IReadOnlyList<string> Problems() => [.. FieldProblems().Select(p => p.Message)];

    /// <summary>
    /// Every field that is wrong, keyed by the field (<c>vatNumber</c>, <c>name</c>, <c>streetName</c>,
    /// <c>buildingNumber</c>, <c>citySubdivision</c>, <c>city</c>, <c>postalZone</c>, <c>country</c>) so a screen can
    /// mark the field and say it in the cashier's language.
    /// </summary>
    public IReadOnlyList<ZatcaBuyerProblem> FieldProblems()
    {
        var problems = new List<ZatcaBuyerProblem>();
        if (!VatPattern().IsMatch(VatNumber ?? string.Empty))
        {
            problems.Add(new("vatNumber", "VAT number: 15 digits that start and end with 3, as on the buyer's VAT certificate."));
        }

        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 200 || Name.Any(char.IsControl))
        {
            problems.Add(new("name", "Name: the buyer's registered name (1-200 characters)."));
        }

        if (string.IsNullOrWhiteSpace(StreetName) || StreetName.Length > 200 || StreetName.Any(char.IsControl))
        {
            problems.Add(new("streetName", "Street: the street of the buyer's national address."));
        }

        if (!BuildingPattern().IsMatch(BuildingNumber ?? string.Empty))
        {
            problems.Add(new("buildingNumber", "Building number: the 4 digits of the buyer's national address."));
        }

        if (string.IsNullOrWhiteSpace(CitySubdivision) || CitySubdivision.Length > 100 || CitySubdivision.Any(char.IsControl))
        {
            problems.Add(new("citySubdivision", "District: the district of the buyer's national address."));
        }

        if (string.IsNullOrWhiteSpace(City) || City.Length > 100 || City.Any(char.IsControl))
        {
            problems.Add(new("city", "City: the city of the buyer's national address."));
        }

        if (!PostalPattern().IsMatch(PostalZone ?? string.Empty))
        {
            problems.Add(new("postalZone", "Postal code: the 5 digits of the buyer's national address."));
        }

        if (Country != "SA")
        {
            problems.Add(new("country", "Country: SA (a buyer with a Saudi VAT number)."));
        }

        return problems;
    }

    /// <summary>
    /// Digits as ZATCA wants them (ASCII): an Arabic keyboard types Arabic-Indic digits (٣٠٠…), which are the same
    /// number; spaces typed to group them go too. Anything else is left for <see cref="FieldProblems"/> to refuse.
    /// </summary>
    public static string Digits(string? typed) =>
        new([.. (typed ?? string.Empty).Where(c => !char.IsWhiteSpace(c)).Select(c => char.IsDigit(c) ? (char)('0' + (int)char.GetNumericValue(c)) : c)]);

    [GeneratedRegex("^3[0-9]{13}3$")]
    private static partial Regex VatPattern();

    [GeneratedRegex("^[0-9]{4}$")]
    private static partial Regex BuildingPattern();

    [GeneratedRegex("^[0-9]{5}$")]
    private static partial Regex PostalPattern();
}

/// <summary>One wrong field of a business customer: the field's key and what to type, in English.</summary>
public sealed record ZatcaBuyerProblem(string Field, string Message);
