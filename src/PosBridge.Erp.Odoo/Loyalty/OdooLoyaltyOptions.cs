namespace PosBridge.Erp.Odoo.Loyalty;

/// <summary>Loyalty programs to the tills and points from sales to customers' cards. Bound from <c>Odoo:Loyalty</c>.</summary>
public sealed class OdooLoyaltyOptions
{
    public bool Enabled { get; set; }

    /// <summary>The points sink's name in the connector (its cursor, retries and dead letters).</summary>
    public string AdapterName { get; set; } = "odoo-loyalty";

    /// <summary>Our program id → <c>loyalty.program</c> id. A numeric id of ours not listed is taken as Odoo's (programs pulled from Odoo).</summary>
    public Dictionary<string, long> Programs { get; set; } = [];

    /// <summary>Give a customer with no card in the program a new one (as the POS does on a first purchase).</summary>
    public bool CreateMissingCards { get; set; } = true;

    public int BatchSize { get; set; } = 100;
}

/// <summary>Checks the loyalty settings; every problem named.</summary>
public static class OdooLoyaltyOptionsValidation
{
    public static IReadOnlyList<string> Validate(OdooLoyaltyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!options.Enabled)
        {
            return failures;
        }

        if (string.IsNullOrWhiteSpace(options.AdapterName))
        {
            failures.Add("Odoo:Loyalty:AdapterName is empty; name the adapter (e.g. \"odoo-loyalty\").");
        }

        foreach (var (program, id) in options.Programs)
        {
            if (id <= 0)
            {
                failures.Add($"Odoo:Loyalty:Programs:{program} is {id}; a loyalty.program id is a positive number.");
            }
        }

        if (options.BatchSize is < 1 or > 1000)
        {
            failures.Add($"Odoo:Loyalty:BatchSize is {options.BatchSize}; use 1 to 1000 sales per delivery.");
        }

        return failures;
    }
}
