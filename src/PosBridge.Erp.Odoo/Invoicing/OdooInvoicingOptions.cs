namespace PosBridge.Erp.Odoo.Invoicing;

/// <summary>How sales become customer invoices.</summary>
public enum OdooInvoicingMode
{
    /// <summary>One posted invoice (or credit note) per sale, paid with the sale's payments.</summary>
    PerSale,

    /// <summary>
    /// One posted invoice (or credit note) per store, business day and payment method(s), made once the day is
    /// closed; sales of a day still open wait. A sale of that day arriving after its summary was made goes into a
    /// supplement (part 2, 3, …), never into a second copy of the summary.
    /// </summary>
    DailySummary,
}

/// <summary>
/// The Invoicing-only fallback (an Odoo without the POS app): sales as posted customer invoices with their
/// payments registered. Bound from <c>Odoo:Invoicing</c>. Products and taxes map as under <c>Odoo:Pos</c>
/// (<c>ProductIdsAreOdooIds</c>, <c>ExternalIdModule</c>, <c>Taxes</c>), which applies even with <c>Odoo:Pos:Enabled</c> false.
/// </summary>
public sealed class OdooInvoicingOptions
{
    public bool Enabled { get; set; }

    /// <summary>The adapter's name in the connector (its cursor, retries and dead letters).</summary>
    public string AdapterName { get; set; } = "odoo-invoicing";

    public OdooInvoicingMode Mode { get; set; } = OdooInvoicingMode.PerSale;

    /// <summary>Our payment method id → the <c>account.journal</c> (cash or bank) its payments are registered in.</summary>
    public Dictionary<string, long> Journals { get; set; } = [];

    /// <summary>The <c>res.partner</c> that sales without a named customer are invoiced to (Odoo needs a customer to post).</summary>
    public long WalkInPartnerId { get; set; }

    /// <summary>
    /// Daily summary: how long after the store's midnight a business day counts as closed, so tills that were
    /// offline can upload the day's last sales first.
    /// </summary>
    public TimeSpan DayClosesAfter { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Sales per delivery. In summary mode a bigger batch means fewer supplements for a day.</summary>
    public int BatchSize { get; set; } = 200;
}

/// <summary>Checks the invoicing settings; every problem named.</summary>
public static class OdooInvoicingOptionsValidation
{
    public static IReadOnlyList<string> Validate(OdooInvoicingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!options.Enabled)
        {
            return failures;
        }

        if (string.IsNullOrWhiteSpace(options.AdapterName))
        {
            failures.Add("Odoo:Invoicing:AdapterName is empty; name the adapter (e.g. \"odoo-invoicing\").");
        }

        if (!Enum.IsDefined(options.Mode))
        {
            failures.Add($"Odoo:Invoicing:Mode is {options.Mode}; use PerSale or DailySummary.");
        }

        if (options.Journals.Count == 0)
        {
            failures.Add("Odoo:Invoicing:Journals is empty; map each payment method to its account.journal id, e.g. \"Journals\": { \"cash\": 7, \"card\": 6 }.");
        }

        foreach (var (method, id) in options.Journals)
        {
            if (id <= 0)
            {
                failures.Add($"Odoo:Invoicing:Journals:{method} is {id}; an account.journal id is a positive number.");
            }
        }

        if (options.WalkInPartnerId <= 0)
        {
            failures.Add("Odoo:Invoicing:WalkInPartnerId is missing; give the res.partner id that walk-in sales are invoiced to (Odoo posts no invoice without a customer).");
        }

        if (options.DayClosesAfter < TimeSpan.Zero || options.DayClosesAfter > TimeSpan.FromDays(7))
        {
            failures.Add($"Odoo:Invoicing:DayClosesAfter is {options.DayClosesAfter}; use 00:00:00 to 7.00:00:00.");
        }

        if (options.BatchSize is < 1 or > 1000)
        {
            failures.Add($"Odoo:Invoicing:BatchSize is {options.BatchSize}; use 1 to 1000 sales per delivery.");
        }

        return failures;
    }
}
