using System.Globalization;
using Newtonsoft.Json.Linq;
using PosBridge.Core.Adapters;
using PosBridge.Core.Sales;
using PosBridge.Erp.Odoo.Rpc;

namespace PosBridge.Erp.Odoo.Pos;

/// <summary>
/// What an Odoo administrator must still map or set before the shop's sales go through, read from Odoo without
/// changing it: the API user's e-mail and rights, each paired till's <c>pos.config</c> (mapped, active, in the
/// till's currency, its cash journal able to book a difference), each payment method the tills offer, each tax the
/// catalog uses. Every finding names the setting or the Odoo screen to fix it in — the same words the delivery's
/// own errors use, but before a sale waits.
/// </summary>
public sealed class OdooSetupCheck : ISetupCheck
{
    // The rights delivery needs, with the group that gives each (docs/odoo.md, "The API user").
    private static readonly (string Model, string Operation, string Needed, string Group)[] Rights =
    [
        ("pos.order", "create", "book the tills' sales", "Point of Sale › Administrator"),
        ("pos.session", "create", "open a session per shift", "Point of Sale › Administrator"),
        ("res.partner", "create", "make the customers the tills name", "Extra Rights › Contact Creation (or Sales › User)"),
        ("stock.quant", "read", "read stock levels for the tills", "Inventory › User"),
    ];

    private readonly OdooClient _client;
    private readonly OdooPosOptions _options;
    private readonly OdooLookups _lookups;

    public OdooSetupCheck(OdooClient client, OdooPosOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options;
        _lookups = new OdooLookups(client, options);
    }

    public string Name => _options.AdapterName;

    public async Task<IReadOnlyList<SetupFinding>> CheckSetupAsync(SetupScope scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var findings = new List<SetupFinding>();
        await CheckUserAsync(findings, cancellationToken).ConfigureAwait(false);

        var configs = await CheckTillsAsync(scope, findings, cancellationToken).ConfigureAwait(false);
        var distinct = configs.Values.DistinctBy(c => c.Id).ToList();
        await CheckCashJournalsAsync(distinct, findings, cancellationToken).ConfigureAwait(false);
        foreach (var config in distinct)
        {
            await CheckPaymentMethodsAsync(config, scope.PaymentMethods, findings, cancellationToken).ConfigureAwait(false);
        }

        await CheckTaxesAsync(scope.TaxIds, findings, cancellationToken).ConfigureAwait(false);
        return [.. findings.OrderBy(f => f.Severity)];
    }

    private async Task CheckUserAsync(List<SetupFinding> findings, CancellationToken cancellationToken)
    {
        var uid = await _client.GetUserIdAsync(cancellationToken).ConfigureAwait(false);
        var users = await _client.SearchReadAsync("res.users", OdooValues.Domain(OdooValues.Leaf("id", "=", uid)), ["id", "name", "login", "email"], limit: 1, cancellationToken: cancellationToken).ConfigureAwait(false);
        var user = users.Count == 0 ? null : users[0];
        var who = $"Odoo user '{OdooValues.Text(user?["login"]) ?? uid.ToString(CultureInfo.InvariantCulture)}'";
        if (user is not null && string.IsNullOrWhiteSpace(OdooValues.Text(user["email"])))
        {
            findings.Add(new SetupFinding(
                SetupSeverity.Blocking,
                who,
                "has no e-mail address: Odoo refuses to open or close a session for it (\"Unable to send message, please configure the sender's email address\").",
                $"Give the user an e-mail address in Odoo (Settings › Users › {OdooValues.Text(user["name"])})."));
        }

        foreach (var (model, operation, needed, group) in Rights)
        {
            if (await MayAsync(model, operation, cancellationToken).ConfigureAwait(false) == false)
            {
                findings.Add(new SetupFinding(
                    SetupSeverity.Blocking,
                    who,
                    $"may not {operation} '{model}' records, which PosBridge needs to {needed}.",
                    $"Give the user {group} in Odoo (Settings › Users)."));
            }
        }
    }

    /// <summary>Odoo's own answer to "may this user do it"; null when the server cannot say (a version without the call).</summary>
    private async Task<bool?> MayAsync(string model, string operation, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await _client.ExecuteAsync(
                new OdooCall(model, "check_access_rights")
                {
                    Arguments = new Dictionary<string, JToken?>(StringComparer.Ordinal) { ["operation"] = operation, ["raise_exception"] = false },
                    ByPosition = true,
                },
                cancellationToken).ConfigureAwait(false);
            return OdooValues.Bool(answer);
        }
        catch (OdooException ex) when (ex.Kind is OdooErrorKind.ServerError)
        {
            return null;
        }
    }

    private sealed record Config(long Id, string Name, string? Currency, IReadOnlyList<long> MethodIds);

    /// <summary>Each paired till's mapped <c>pos.config</c>, by till; findings for tills that have none usable.</summary>
    private async Task<Dictionary<SetupTill, Config>> CheckTillsAsync(SetupScope scope, List<SetupFinding> findings, CancellationToken cancellationToken)
    {
        var mapped = scope.Tills.Select(t => (Till: t, ConfigId: _lookups.ConfigFor(t.StoreId, t.TillId))).ToList();
        var ids = mapped.Where(m => m.ConfigId is not null).Select(m => m.ConfigId!.Value).Distinct().ToList();
        var rows = ids.Count == 0 ? [] : await _client.SearchReadAsync(
            "pos.config",
            OdooValues.Domain(OdooValues.Leaf("id", "in", new JArray(ids))),
            ["id", "name", "active", "currency_id", "payment_method_ids"],
            context: new Dictionary<string, JToken?>(StringComparer.Ordinal) { ["active_test"] = false },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var byId = rows.ToDictionary(r => r["id"]!.Value<long>());

        var usable = new Dictionary<SetupTill, Config>();
        foreach (var (till, configId) in mapped)
        {
            var subject = $"Till {till.StoreId}/{till.TillId}";
            if (configId is null)
            {
                findings.Add(new SetupFinding(
                    SetupSeverity.Blocking,
                    subject,
                    "is paired but has no pos.config in Odoo: its sales wait.",
                    $"Set Odoo:Pos:Tills:{till.StoreId}/{till.TillId} to the id of its Point of Sale in Odoo (Point of Sale › Configuration › Point of Sale: the number in the address){await ConfigsOfferedAsync(cancellationToken).ConfigureAwait(false)}."));
                continue;
            }

            if (!byId.TryGetValue(configId.Value, out var row))
            {
                findings.Add(new SetupFinding(SetupSeverity.Blocking, subject, $"is mapped to pos.config {configId}, which does not exist in Odoo.", $"Correct Odoo:Pos:Tills:{till.StoreId}/{till.TillId}{await ConfigsOfferedAsync(cancellationToken).ConfigureAwait(false)}."));
                continue;
            }

            var config = new Config(configId.Value, OdooValues.Text(row["name"]) ?? string.Empty, OdooValues.Ref(row["currency_id"])?.Name, OdooValues.Ids(row["payment_method_ids"]));
            var named = $"pos.config {config.Id} ({config.Name})";
            if (!OdooValues.Bool(row["active"]))
            {
                findings.Add(new SetupFinding(SetupSeverity.Blocking, subject, $"is mapped to {named}, which is archived in Odoo.", $"Restore the Point of Sale in Odoo, or map the till to another (Odoo:Pos:Tills:{till.StoreId}/{till.TillId})."));
                continue;
            }

            if (config.Currency is { } currency && !string.Equals(currency, till.Currency, StringComparison.OrdinalIgnoreCase))
            {
                findings.Add(new SetupFinding(
                    SetupSeverity.Blocking,
                    subject,
                    $"sells in {till.Currency}, but {named} books in {currency}: its sales are refused.",
                    $"Set the store's currency (PosBridge:Stores:{till.StoreId}:Currency) to {currency} if that is the shop's currency, or map the till to a Point of Sale in {till.Currency} (Odoo:Pos:Tills:{till.StoreId}/{till.TillId})."));
            }

            usable[till] = config;
        }

        foreach (var shared in usable.GroupBy(u => u.Value.Id).Where(g => g.Count() > 1))
        {
            var tills = string.Join(", ", shared.Select(s => $"{s.Key.StoreId}/{s.Key.TillId}"));
            findings.Add(new SetupFinding(
                SetupSeverity.Warning,
                $"pos.config {shared.Key} ({shared.First().Value.Name})",
                $"is shared by tills {tills}: Odoo keeps one open session per Point of Sale, so their shifts close each other's sessions and the cash counts mix.",
                "Give each till its own Point of Sale in Odoo with its own cash method, and map each in Odoo:Pos:Tills (docs/odoo.md)."));
        }

        return usable;
    }

    private async Task<string> ConfigsOfferedAsync(CancellationToken cancellationToken)
    {
        var rows = await _client.SearchReadAsync("pos.config", [], ["id", "name"], limit: 10, order: "id asc", cancellationToken: cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? "; Odoo has no Point of Sale yet" : "; Odoo has " + string.Join(", ", rows.Select(r => $"{OdooValues.Text(r["name"])} ({r["id"]})"));
    }

    /// <summary>Odoo refuses to open a session of a config whose cash journal has no loss and profit account.</summary>
    private async Task CheckCashJournalsAsync(IReadOnlyList<Config> configs, List<SetupFinding> findings, CancellationToken cancellationToken)
    {
        var methodIds = configs.SelectMany(c => c.MethodIds).Distinct().ToList();
        if (methodIds.Count == 0)
        {
            return;
        }

        var cash = await _client.SearchReadAsync("pos.payment.method", OdooValues.Domain(OdooValues.Leaf("id", "in", new JArray(methodIds)), OdooValues.Leaf("is_cash_count", "=", true)), ["id", "journal_id"], cancellationToken: cancellationToken).ConfigureAwait(false);
        var journalOf = cash.Where(c => OdooValues.Id(c["journal_id"]) is not null).ToDictionary(c => c["id"]!.Value<long>(), c => OdooValues.Id(c["journal_id"])!.Value);
        if (journalOf.Count == 0)
        {
            return;
        }

        var journals = await _client.SearchReadAsync("account.journal", OdooValues.Domain(OdooValues.Leaf("id", "in", new JArray(journalOf.Values.Distinct()))), ["id", "name", "loss_account_id", "profit_account_id"], cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var journal in journals.Where(j => OdooValues.Id(j["loss_account_id"]) is null || OdooValues.Id(j["profit_account_id"]) is null))
        {
            var id = journal["id"]!.Value<long>();
            var users = configs.Where(c => c.MethodIds.Any(m => journalOf.TryGetValue(m, out var j) && j == id)).Select(c => $"pos.config {c.Id} ({c.Name})");
            findings.Add(new SetupFinding(
                SetupSeverity.Blocking,
                $"Cash journal '{OdooValues.Text(journal["name"])}'",
                $"has no loss and profit account: Odoo will not open a session of {string.Join(", ", users)} (\"You need a loss and profit account on your cash journal.\").",
                "Set a Loss Account and a Profit Account on the journal in Odoo (Invoicing › Configuration › Journals › Cash Difference)."));
        }
    }

    private async Task CheckPaymentMethodsAsync(Config config, IReadOnlyList<SetupPaymentMethod> offered, List<SetupFinding> findings, CancellationToken cancellationToken)
    {
        foreach (var method in offered)
        {
            var payment = new Payment { MethodId = method.MethodId, Kind = method.Kind, Amount = 0m };
            var (id, problem) = await _lookups.PaymentMethodForAsync(config.Id, payment, cancellationToken).ConfigureAwait(false);
            var subject = $"Payment method '{method.MethodId}' ({method.Kind}) at pos.config {config.Id} ({config.Name})";
            if (problem is not null)
            {
                findings.Add(new SetupFinding(SetupSeverity.Blocking, subject, "has no pos.payment.method: sales paid with it wait.", problem));
            }
            else if (id is { } mapped && !config.MethodIds.Contains(mapped))
            {
                findings.Add(new SetupFinding(
                    SetupSeverity.Blocking,
                    subject,
                    $"is mapped to pos.payment.method {mapped}, which this Point of Sale does not offer: Odoo books it outside the session's methods.",
                    $"Add the method to the Point of Sale in Odoo, or correct Odoo:Pos:PaymentMethods:{method.MethodId}."));
            }
        }
    }

    private async Task CheckTaxesAsync(IReadOnlyList<string> taxIds, List<SetupFinding> findings, CancellationToken cancellationToken)
    {
        var mapped = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var taxId in taxIds.Distinct(StringComparer.Ordinal))
        {
            if (_lookups.TaxFor(taxId) is { } odooTax)
            {
                mapped[taxId] = odooTax;
            }
            else
            {
                findings.Add(new SetupFinding(SetupSeverity.Blocking, $"Tax '{taxId}'", "has no account.tax in Odoo: sales of products with it wait.", $"Map it in Odoo:Pos:Taxes, e.g. \"{taxId}\": <the account.tax id> (Invoicing › Configuration › Taxes)."));
            }
        }

        if (mapped.Count == 0)
        {
            return;
        }

        var rows = await _client.SearchReadAsync("account.tax", OdooValues.Domain(OdooValues.Leaf("id", "in", new JArray(mapped.Values.Distinct()))), ["id", "active", "type_tax_use"], context: new Dictionary<string, JToken?>(StringComparer.Ordinal) { ["active_test"] = false }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var byId = rows.ToDictionary(r => r["id"]!.Value<long>());
        foreach (var (taxId, odooTax) in mapped)
        {
            var problem = !byId.TryGetValue(odooTax, out var row) ? $"is mapped to account.tax {odooTax}, which does not exist in Odoo."
                : !OdooValues.Bool(row["active"]) ? $"is mapped to account.tax {odooTax}, which is archived in Odoo."
                : OdooValues.Text(row["type_tax_use"]) is { } use && use != "sale" ? $"is mapped to account.tax {odooTax}, a {use} tax, not a sales tax."
                : null;
            if (problem is not null)
            {
                findings.Add(new SetupFinding(SetupSeverity.Blocking, $"Tax '{taxId}'", problem, $"Correct Odoo:Pos:Taxes:{taxId} (Invoicing › Configuration › Taxes)."));
            }
        }
    }
}
