using System.Net;
using System.Security.Cryptography;
using System.Text;
using PosBridge.Core.Catalog;

namespace PosBridge.Ecommerce.Publishing;

/// <summary>What the product CSVs share: HTML-escaped text, URL handles, and the safe way to list unknown stock.</summary>
internal static class ProductCsvText
{
    /// <summary>Plain catalog text as HTML: <c>Tea &amp; &lt;Mint&gt;</c> shows as written, line breaks as <c>&lt;br&gt;</c>.</summary>
    public static string Html(string? text) =>
        string.IsNullOrEmpty(text) ? string.Empty : WebUtility.HtmlEncode(text).Replace("\r\n", "<br>", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal);

    /// <summary>
    /// A handle of lower-case ASCII letters, digits and dashes only, as Shopify's CSV rules allow: the name spelled
    /// in Latin letters (Arabic transliterated), then the key (SKU); when neither gives a letter or digit, "product-"
    /// and a short hash of the key, so the handle is never empty and always the same for the same product.
    /// </summary>
    public static string Handle(string key, string? title)
    {
        var slug = Slug(title ?? string.Empty);
        var keySlug = Slug(key);
        var handle = (slug.Length, keySlug.Length) switch
        {
            (> 0, > 0) => slug + "-" + keySlug,
            (> 0, 0) => slug,
            (0, > 0) => keySlug,
            _ => "product-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 4)),
        };
        return handle.Length <= 255 ? handle : handle[..255].TrimEnd('-');
    }

    private static string Slug(string text)
    {
        var latin = LatinSpelling.Spell(text, c => c < 0x80).ToLowerInvariant();
        var slug = new StringBuilder(latin.Length);
        foreach (var c in latin)
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                slug.Append(c);
            }
            else if (c != '\'' && slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        return slug.ToString().TrimEnd('-');
    }
}
