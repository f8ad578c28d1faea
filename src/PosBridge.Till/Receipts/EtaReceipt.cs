using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;

namespace PosBridge.Till.Receipts;

/// <summary>What the Egyptian Tax Authority's e-receipt says about the seller and its device.</summary>
public sealed class EtaOptions
{
    /// <summary>The seller's registration number (RIN).</summary>
    public string Rin { get; set; } = string.Empty;

    public string CompanyTradeName { get; set; } = string.Empty;

    public string BranchCode { get; set; } = "0";

    public string Governate { get; set; } = string.Empty;

    public string RegionCity { get; set; } = string.Empty;

    public string Street { get; set; } = string.Empty;

    public string BuildingNumber { get; set; } = string.Empty;

    /// <summary>The POS device's serial number as registered with the ETA.</summary>
    public string DeviceSerialNumber { get; set; } = string.Empty;

    public string ActivityCode { get; set; } = string.Empty;

    public string TypeVersion { get; set; } = "1.2";

    /// <summary>The item coding the catalog's product ids are registered under (EGS or GS1).</summary>
    public string ItemType { get; set; } = "EGS";
}

/// <summary>
/// The ETA B2C e-receipt of a stored sale (receipt type <c>s</c>) or refund (<c>r</c>, with the original's
/// uuid as <c>referenceUUID</c>): JSON ready for the connector to submit. Its <c>uuid</c> is the hex SHA-256
/// of the document's canonical serialization with the uuid empty; <c>previousUUID</c> chains each device's
/// receipts in the order they were issued.
/// </summary>
public static class EtaReceipt
{
    /// <summary>Builds the document and fills in its uuid.</summary>
    public static JsonObject Build(Sale sale, EtaOptions options, string previousUuid, string? referenceUuid = null)
    {
        ArgumentNullException.ThrowIfNull(sale);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(previousUuid);
        var sign = sale.IsRefund ? -1m : 1m;
        var taxes = sale.Taxes.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var header = new JsonObject
        {
            ["dateTimeIssued"] = sale.CreatedAtUtc.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["receiptNumber"] = sale.SaleNumber,
            ["uuid"] = string.Empty,
            ["previousUUID"] = previousUuid,
            ["referenceUUID"] = referenceUuid ?? string.Empty,
            ["currency"] = sale.Currency,
        };
        var items = new JsonArray();
        foreach (var line in sale.Lines)
        {
            var taxable = new JsonArray();
            foreach (var amount in line.TaxAmounts)
            {
                var tax = taxes.GetValueOrDefault(amount.TaxId);
                taxable.Add(new JsonObject
                {
                    ["taxType"] = "T1",
                    ["amount"] = sign * amount.Amount,
                    ["subType"] = "V009",
                    ["rate"] = tax is { AmountType: TaxAmountType.Percent } ? tax.Amount : 0m,
                });
            }

            var quantity = sign * line.Quantity;
            items.Add(new JsonObject
            {
                ["internalCode"] = line.ProductId,
                ["description"] = line.Name,
                ["itemType"] = options.ItemType,
                ["itemCode"] = line.Barcode ?? line.Sku ?? line.ProductId,
                ["unitType"] = string.Equals(line.Unit, "kg", StringComparison.OrdinalIgnoreCase) ? "KGM" : "EA",
                ["quantity"] = quantity,
                ["unitPrice"] = line.UnitPrice,
                ["netSale"] = sign * line.TotalExcluded,
                ["totalSale"] = sign * line.TotalExcluded,
                ["total"] = sign * line.TotalIncluded,
                ["taxableItems"] = taxable,
            });
        }

        var document = new JsonObject
        {
            ["header"] = header,
            ["documentType"] = new JsonObject { ["receiptType"] = sale.IsRefund ? "r" : "s", ["typeVersion"] = options.TypeVersion },
            ["seller"] = new JsonObject
            {
                ["rin"] = options.Rin,
                ["companyTradeName"] = options.CompanyTradeName,
                ["branchCode"] = options.BranchCode,
                ["branchAddress"] = new JsonObject
                {
                    ["country"] = "EG",
                    ["governate"] = options.Governate,
                    ["regionCity"] = options.RegionCity,
                    ["street"] = options.Street,
                    ["buildingNumber"] = options.BuildingNumber,
                },
                ["deviceSerialNumber"] = options.DeviceSerialNumber,
                ["activityCode"] = options.ActivityCode,
            },
            ["buyer"] = new JsonObject
            {
                ["type"] = "P",
                ["id"] = sale.Customer?.Id ?? string.Empty,
                ["name"] = sale.Customer?.Name ?? string.Empty,
                ["mobileNumber"] = sale.Customer?.Phone ?? string.Empty,
            },
            ["itemData"] = items,
            ["totalSales"] = sign * sale.Totals.Untaxed,
            ["totalCommercialDiscount"] = 0m,
            ["netAmount"] = sign * sale.Totals.Untaxed,
            ["taxTotals"] = new JsonArray([.. sale.Totals.Taxes.Select(t => (JsonNode)new JsonObject { ["taxType"] = "T1", ["amount"] = sign * t.Amount })]),
            ["totalAmount"] = sign * sale.Totals.AmountDue,
            ["paymentMethod"] = PaymentMethod(sale),
        };
        header["uuid"] = Uuid(document);
        return document;
    }

    /// <summary>The hex SHA-256 (upper case) of the canonical serialization of <paramref name="document"/> with its uuid empty.</summary>
    public static string Uuid(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var copy = (JsonObject)document.DeepClone();
        if (copy["header"] is JsonObject header)
        {
            header["uuid"] = string.Empty;
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(copy))));
    }

    /// <summary>
    /// The ETA's canonical form: each property as its upper-cased name in quotes followed by its value; a
    /// plain value in quotes; an array's name repeated before each of its elements.
    /// </summary>
    public static string Canonical(JsonNode? node)
    {
        var text = new StringBuilder();
        Write(node, text);
        return text.ToString();
    }

    private static void Write(JsonNode? node, StringBuilder text)
    {
        if (node is JsonObject obj)
        {
            foreach (var (name, value) in obj)
            {
                var key = "\"" + name.ToUpperInvariant() + "\"";
                if (value is JsonArray array)
                {
                    text.Append(key);
                    foreach (var element in array)
                    {
                        text.Append(key);
                        Write(element, text);
                    }
                }
                else
                {
                    text.Append(key);
                    Write(value, text);
                }
            }

            return;
        }

        text.Append('"').Append(node is JsonValue value2 ? Scalar(value2) : string.Empty).Append('"');
    }

    private static string Scalar(JsonValue value) =>
        value.TryGetValue<string>(out var s) ? s
        : value.TryGetValue<decimal>(out var d) ? d.ToString(CultureInfo.InvariantCulture)
        : value.ToJsonString();

    private static string PaymentMethod(Sale sale) =>
        sale.Payments.Count == 0 ? "C"
        : sale.Payments.MaxBy(p => Math.Abs(p.Amount))!.Kind switch
        {
            PaymentKind.Cash => "C",
            PaymentKind.Card => "V",
            _ => "O",
        };
}
