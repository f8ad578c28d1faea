using System.Globalization;
using Newtonsoft.Json.Linq;

namespace PosBridge.Erp.Odoo.Rpc;

/// <summary>
/// The server's <c>server_version_info</c>, e.g. <c>[17, 0, 0, "final", 0, ""]</c> or, on Odoo's SaaS
/// releases, <c>["saas~17", 2, 0, "final", 0, ""]</c> (17.2). Decides which POS calls and field names apply.
/// </summary>
public sealed record OdooServerVersion(int Major, int Minor, string Text)
{
    /// <summary>16 and 17 save orders with <c>create_from_ui</c>; 18 and later with <c>sync_from_ui</c>.</summary>
    public bool UsesSyncFromUi => Major >= 18;

    /// <summary>POS categories: a many2one <c>pos_categ_id</c> up to 16, a many2many <c>pos_categ_ids</c> from 17.</summary>
    public string PosCategoryField => Major >= 17 ? "pos_categ_ids" : "pos_categ_id";

    /// <summary>The product type field: <c>type</c> (16, and 18+ with <c>is_storable</c>), <c>detailed_type</c> in 17.</summary>
    public string ProductTypeField => Major == 17 ? "detailed_type" : "type";

    /// <summary>Odoo 18 and later have no rescue session: the connector opens one when needed.</summary>
    public bool HasRescueSessions => Major < 18;

    /// <summary>The order's date field in the POS UI payload: <c>creation_date</c> in 16, <c>date_order</c> from 17.</summary>
    public string OrderDateField => Major >= 17 ? "date_order" : "creation_date";

    public override string ToString() => Text;

    public static OdooServerVersion Parse(JToken? versionResult)
    {
        if (versionResult is not JObject obj || obj["server_version_info"] is not JArray info || info.Count < 2)
        {
            throw new OdooException(OdooErrorKind.ServerError, "The server did not answer common.version with server_version_info: is this an Odoo server?");
        }

        var first = info[0];
        int major;
        if (first.Type == JTokenType.Integer)
        {
            major = first.Value<int>();
        }
        else
        {
            var text = first.Value<string>() ?? string.Empty;
            var digits = text.StartsWith("saas~", StringComparison.Ordinal) ? text["saas~".Length..] : text;
            if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out major))
            {
                throw new OdooException(OdooErrorKind.ServerError, $"Unrecognised Odoo version '{text}'.");
            }
        }

        var minor = info[1].Type == JTokenType.Integer ? info[1].Value<int>() : 0;
        var label = obj["server_version"]?.Value<string>() ?? $"{major}.{minor}";
        return new OdooServerVersion(major, minor, label);
    }
}
