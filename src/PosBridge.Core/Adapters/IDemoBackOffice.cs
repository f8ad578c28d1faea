using Microsoft.Extensions.Configuration;
using PosBridge.Core.Sales;

namespace PosBridge.Core.Adapters;

/// <summary>
/// An adapter module (<see cref="IAdapterModule"/>) whose back office <c>posbridge demo</c> can make ready for its
/// café by itself, when the developer's environment names one (Odoo: <c>ODOO_URL</c>): the records an owner would
/// otherwise create by hand in the back office's own screens (the café's products, taxes, a register per till), found
/// again on the next run instead of made twice. Nothing else of the back office is changed.
/// </summary>
public interface IDemoBackOffice
{
    /// <summary>
    /// The adapter's settings (full paths, e.g. <c>Odoo:Url</c>) taken from the environment variables a developer
    /// sets for its tests, or none when the environment names no such back office.
    /// </summary>
    IReadOnlyDictionary<string, string?> SettingsFromEnvironment(Func<string, string?> variable);

    /// <summary>
    /// Makes the back office named by <paramref name="section"/> ready to take <paramref name="shop"/>'s day, and
    /// answers the settings that map the shop onto what it found or made.
    /// </summary>
    /// <exception cref="DemoBackOfficeException">The back office cannot be reached or refused; the message says why in a user's words.</exception>
    Task<DemoBackOfficeReady> PrepareAsync(IConfigurationSection section, DemoShopFacts shop, CancellationToken cancellationToken);
}

/// <summary>
/// The demo's shop as a back office needs to know it: its store id (<c>CAI1</c>), the currency it would sell in
/// (ISO 4217), its tills, the products of its product file, its taxes and its payment methods.
/// </summary>
public sealed record DemoShopFacts(
    string Store,
    string Currency,
    IReadOnlyList<DemoTillFacts> Tills,
    IReadOnlyList<DemoProductFacts> Products,
    IReadOnlyList<DemoTaxFacts> Taxes,
    IReadOnlyList<DemoPaymentMethodFacts> PaymentMethods);

public sealed record DemoTillFacts(string Id, string Name);

/// <summary>A product of the shop's file: its SKU and barcode, its name as the back office should show it (Latin and Arabic), price, tax and whether it is weighed.</summary>
public sealed record DemoProductFacts(string Sku, string? Barcode, string Name, decimal Price, string TaxId, bool Weighed);

/// <summary>A tax of the shop's catalog: a percent of the price, included in it (as shelf prices are) or on top.</summary>
public sealed record DemoTaxFacts(string Id, string Name, decimal Percent, bool PriceIncluded);

public sealed record DemoPaymentMethodFacts(string Id, string Name, PaymentKind Kind);

/// <summary>What the back office answered.</summary>
/// <param name="Settings">Settings to add to the connector's (full paths), e.g. which register each till is.</param>
/// <param name="Currency">
/// The currency the back office books the shop in when it is not the one asked for (the shop then sells in it,
/// since a till is never paired to a store of another currency); null when they agree.
/// </param>
/// <param name="Done">What was found or made, a line each, for the demo's progress.</param>
public sealed record DemoBackOfficeReady(IReadOnlyDictionary<string, string?> Settings, string? Currency, IReadOnlyList<string> Done);

/// <summary>The back office cannot be made ready; the message says why and what to do.</summary>
public sealed class DemoBackOfficeException : Exception
{
    public DemoBackOfficeException()
    {
    }

    public DemoBackOfficeException(string message)
        : base(message)
    {
    }

    public DemoBackOfficeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
