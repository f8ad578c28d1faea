namespace PosBridge.Erp.Odoo.Pos;

/// <summary>How a store's tills, payment methods and taxes map onto Odoo's POS. Bound from <c>Odoo:Pos</c>.</summary>
public sealed class OdooPosOptions
{
    /// <summary>Deliver sales as POS orders. Off: the adapter only reads catalog and stock.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The adapter's name in the connector (cursors, retries and dead letters are kept under it).</summary>
    public string AdapterName { get; set; } = "odoo";

    /// <summary>Orders per <c>create_from_ui</c>/<c>sync_from_ui</c> call; the real server does ~100 orders/s at 100 per call.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Till → <c>pos.config</c> id. Keys are "store/till" or just "till".</summary>
    public Dictionary<string, long> Tills { get; set; } = [];

    /// <summary>Our payment method id → <c>pos.payment.method</c> id. A numeric id of ours not listed here is taken as Odoo's.</summary>
    public Dictionary<string, long> PaymentMethods { get; set; } = [];

    /// <summary>
    /// The kind tills take a payment method as, by our id or the <c>pos.payment.method</c> id: <c>Cash</c>, <c>Card</c>,
    /// <c>Wallet</c>, <c>Qr</c> or <c>CustomerAccount</c>. Only needed where Odoo cannot say: Odoo has no "wallet", and
    /// a bank method with no terminal integration is taken as a card. Others follow Odoo's <c>type</c> (cash, bank,
    /// pay_later) and, from 18.0, <c>payment_method_type</c> (qr_code); on 16 and 17 a QR method must be named here.
    /// </summary>
    public Dictionary<string, string> PaymentMethodKinds { get; set; } = [];

    /// <summary>Our tax id → <c>account.tax</c> id. A numeric id of ours not listed here is taken as Odoo's (catalogs pulled from Odoo).</summary>
    public Dictionary<string, long> Taxes { get; set; } = [];

    /// <summary>
    /// Our product ids are Odoo's <c>product.product</c> ids (the tills' catalog comes from this Odoo). Otherwise
    /// products are found by external id (<see cref="ExternalIdModule"/>), then barcode, then internal reference.
    /// </summary>
    public bool ProductIdsAreOdooIds { get; set; } = true;

    /// <summary>The module name of external ids (<c>ir.model.data</c>) that map our product ids to Odoo's.</summary>
    public string ExternalIdModule { get; set; } = "posbridge";

    /// <summary>
    /// How much of the latest product changes each catalog pull reads again: longer than Odoo's longest writing
    /// transaction (an import), which dates its rows at its start. 0 to 1 day; default 10 minutes.
    /// </summary>
    public TimeSpan ChangeWindow { get; set; } = Rpc.WriteDatePager.DefaultWindow;
}

/// <summary>Checks the mapping before the adapter starts; every problem named.</summary>
public static class OdooPosOptionsValidation
{
    public static IReadOnlyList<string> Validate(OdooPosOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!options.Enabled)
        {
            return failures;
        }

        if (string.IsNullOrWhiteSpace(options.AdapterName))
        {
            failures.Add("Odoo:Pos:AdapterName is empty; name the adapter (e.g. \"odoo\").");
        }

        if (options.BatchSize is < 1 or > 500)
        {
            failures.Add($"Odoo:Pos:BatchSize is {options.BatchSize}; use 1 to 500 orders per call.");
        }

        if (options.ChangeWindow < TimeSpan.Zero || options.ChangeWindow > TimeSpan.FromDays(1))
        {
            failures.Add($"Odoo:Pos:ChangeWindow is {options.ChangeWindow}; use 00:00:00 to 1.00:00:00 (default 00:10:00).");
        }

        if (options.Tills.Count == 0)
        {
            failures.Add("Odoo:Pos:Tills is empty; map each till to its pos.config id, e.g. \"Tills\": { \"CAI1/T1\": 1 }.");
        }

        foreach (var (till, id) in options.Tills)
        {
            if (id <= 0)
            {
                failures.Add($"Odoo:Pos:Tills:{till} is {id}; a pos.config id is a positive number.");
            }
        }

        foreach (var (method, id) in options.PaymentMethods)
        {
            if (id <= 0)
            {
                failures.Add($"Odoo:Pos:PaymentMethods:{method} is {id}; a pos.payment.method id is a positive number.");
            }
        }

        foreach (var (method, kind) in options.PaymentMethodKinds)
        {
            if (!Enum.TryParse<PosBridge.Core.Sales.PaymentKind>(kind, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(kind, out _))
            {
                failures.Add($"Odoo:Pos:PaymentMethodKinds:{method} is '{kind}'; use Cash, Card, Wallet, Qr or CustomerAccount.");
            }
        }

        foreach (var (tax, id) in options.Taxes)
        {
            if (id <= 0)
            {
                failures.Add($"Odoo:Pos:Taxes:{tax} is {id}; an account.tax id is a positive number.");
            }
        }

        return failures;
    }
}
