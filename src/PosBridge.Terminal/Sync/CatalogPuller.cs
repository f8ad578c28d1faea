using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PosBridge.Core.Catalog;
using PosBridge.Core.Loyalty;
using PosBridge.Core.Taxes;
using PosBridge.Terminal.Catalog;
using PosBridge.Terminal.Customers;
using PosBridge.Terminal.Loyalty;
using PosBridge.Terminal.Storage;
using PosBridge.Till;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Sync;

/// <summary>
/// What one catalog pull did: pages applied and rows in them. <see cref="Problem"/> names a page refused (nothing
/// of it applied; the next pull asks for it again); <see cref="ConnectorUnavailable"/> means the pull stopped
/// for the network, keeping what it had applied.
/// </summary>
public sealed record CatalogPullReport(
    int Pages,
    int Products,
    int RemovedProducts,
    int Taxes,
    int Categories,
    int PaymentMethods,
    int LoyaltyPrograms,
    int LoyaltyCards,
    int RemovedLoyaltyCards,
    bool Complete,
    string? Problem = null,
    bool ConnectorUnavailable = false);

/// <summary>
/// Pulls the catalog from the connector (<c>GET /api/v1/catalog</c>) into the till's own copy, page by page:
/// products (a removed one is taken off sale), taxes, categories, the payment methods offered at this till, the
/// loyalty programs and the customers' loyalty cards (holder, code, the back office's points). Each page and the cursor after it are written in one transaction, so a till killed
/// mid-pull resumes at the next page with nothing lost and nothing applied twice. A page that fails the till's
/// checks is refused whole, with every problem logged and kept for the manager; the store stays as it was.
/// </summary>
public sealed class CatalogPuller
{
    internal const string CursorKey = "catalog.cursor";
    internal const string ProblemKey = "catalog.problem";
    internal const string PulledAtKey = "catalog.pulledAt";
    private readonly TillDatabase _database;
    private readonly CatalogStore _catalog;
    private readonly CustomerStore _customers;
    private readonly LoyaltyService _loyalty;
    private readonly TillOptions _options;
    private readonly ConnectorClient _client;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private DateTimeOffset? _lastAttempt;

    public CatalogPuller(TillDatabase database, TillOptions options, ConnectorClient client, TimeProvider timeProvider, ILogger<CatalogPuller> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _database = database;
        _catalog = new CatalogStore(database, options);
        _customers = new CustomerStore(database);
        _loyalty = new LoyaltyService(database, options);
        _options = options;
        _client = client;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Rows asked for per page (the connector allows 1–1000).</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>How often <see cref="PullIfDueAsync"/> pulls; the first call always does.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A pull still going after this long says which page it is on ("page 3 of 12"), then again each time as long has
    /// passed: a till's first pull of a big catalog takes minutes, and a silent till looks stuck.
    /// </summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The connector's cursor after the last page applied; null before the first.</summary>
    public string? Cursor => _database.GetSetting(CursorKey);

    /// <summary>Why the last pull refused a page, or null when it did not.</summary>
    public string? Problem => _database.GetSetting(ProblemKey) is { Length: > 0 } problem ? problem : null;

    /// <summary>When a pull last reached the end of the connector's changes.</summary>
    public DateTimeOffset? PulledAt => _database.GetSetting(PulledAtKey) is { } text ? TillDatabase.Instant(text) : null;

    /// <summary>Pulls when <see cref="Interval"/> has passed since the last attempt (or none was made); null when not due.</summary>
    public async Task<CatalogPullReport?> PullIfDueAsync(TillCredentials credentials, CancellationToken cancellationToken = default)
    {
        if (_lastAttempt is { } last && _timeProvider.GetUtcNow() - last < Interval)
        {
            return null;
        }

        return await PullAsync(credentials, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pulls every page the connector has after the stored cursor.</summary>
    /// <exception cref="InvalidOperationException">The connector refused the request (revoked till, bad cursor).</exception>
    public async Task<CatalogPullReport> PullAsync(TillCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        _lastAttempt = _timeProvider.GetUtcNow();
        var progressShownAt = _lastAttempt.Value;
        var report = new CatalogPullReport(0, 0, 0, 0, 0, 0, 0, 0, 0, Complete: false);
        while (true)
        {
            var cursor = Cursor;
            CatalogChanges page;
            try
            {
                page = await _client.CatalogAsync(credentials, cursor, PageSize, cancellationToken).ConfigureAwait(false);
            }
            catch (ConnectorUnavailableException)
            {
                return report with { ConnectorUnavailable = true };
            }
            catch (JsonException e)
            {
                return Refuse(report, cursor, [$"the answer is not a catalog page ({e.Message})"]);
            }

            var problems = Check(page, cursor);
            if (problems.Count > 0)
            {
                return Refuse(report, cursor, problems);
            }

            Apply(page, credentials.ClockSkew);
            report = report with
            {
                Pages = report.Pages + 1,
                Products = report.Products + page.Products.Count,
                RemovedProducts = report.RemovedProducts + page.RemovedProductIds.Count,
                Taxes = report.Taxes + page.Taxes.Count,
                Categories = report.Categories + page.Categories.Count,
                PaymentMethods = report.PaymentMethods + page.PaymentMethods.Count,
                LoyaltyPrograms = report.LoyaltyPrograms + page.LoyaltyPrograms.Count,
                LoyaltyCards = report.LoyaltyCards + page.LoyaltyCards.Count,
                RemovedLoyaltyCards = report.RemovedLoyaltyCards + page.RemovedLoyaltyCardIds.Count,
            };
            if (_timeProvider.GetUtcNow() is var now && now - progressShownAt >= ProgressInterval)
            {
                progressShownAt = now;
                if (page.RemainingRows is { } remaining)
                {
                    var pages = report.Pages + ((remaining + PageSize - 1) / PageSize);
                    Log.CatalogPullProgress(_logger, report.Pages, pages);
                }
                else
                {
                    Log.CatalogPullProgressUncounted(_logger, report.Pages);
                }
            }

            if (!page.HasMore)
            {
                _database.SetSetting(PulledAtKey, TillDatabase.Text(_timeProvider.GetUtcNow()));
                Log.CatalogPulled(_logger, report.Pages, report.Products, report.RemovedProducts, report.PaymentMethods, report.LoyaltyPrograms, report.LoyaltyCards, report.RemovedLoyaltyCards);
                return report with { Complete = true };
            }
        }
    }

    private CatalogPullReport Refuse(CatalogPullReport report, string? cursor, IReadOnlyList<string> problems)
    {
        var reason = $"The catalog page after cursor '{cursor ?? "(start)"}' was refused; nothing of it was applied: {string.Join("; ", problems)}.";
        _database.SetSetting(ProblemKey, reason);
        Log.CatalogPageRefused(_logger, cursor ?? "(start)", string.Join("; ", problems));
        return report with { Problem = reason };
    }

    /// <summary>One transaction: the page's rows and the cursor past them, and the problem of an earlier page cleared.</summary>
    private void Apply(CatalogChanges page, TimeSpan clockSkew) =>
        _database.InTransaction(() =>
        {
            foreach (var tax in page.Taxes)
            {
                _catalog.Upsert(tax);
            }

            foreach (var category in page.Categories)
            {
                _catalog.Upsert(category);
            }

            foreach (var product in page.Products)
            {
                _catalog.Upsert(product);
            }

            foreach (var id in page.RemovedProductIds)
            {
                _catalog.Remove(id);
            }

            foreach (var method in page.PaymentMethods)
            {
                _catalog.Upsert(method);
            }

            foreach (var id in page.RemovedPaymentMethodIds)
            {
                _catalog.RemovePaymentMethod(id);
            }

            foreach (var program in page.LoyaltyPrograms)
            {
                _catalog.Upsert(program);
            }

            foreach (var id in page.RemovedLoyaltyProgramIds)
            {
                _catalog.RemoveLoyaltyProgram(id);
            }

            // The back office is authoritative for its card holders and their points; a card's code wins over the
            // same code given to a customer at this till.
            foreach (var card in page.LoyaltyCards)
            {
                if (_customers.SaveBackOfficeCard(card) is { } moved)
                {
                    _loyalty.ForgetBackOfficeBalance(moved.CustomerId, moved.ProgramId);
                }

                // As-of is on the connector's clock; acknowledgements are on ours (connector = till + skew).
                _loyalty.SetBackOfficeBalance(card.Customer.Id, card.ProgramId, card.Points, card.AsOf - clockSkew);
            }

            foreach (var id in page.RemovedLoyaltyCardIds)
            {
                if (_customers.RemoveBackOfficeCard(id) is { } removed)
                {
                    _loyalty.ForgetBackOfficeBalance(removed.CustomerId, removed.ProgramId);
                }
            }

            _database.SetSetting(CursorKey, page.NextCursor);
            _database.SetSetting(ProblemKey, string.Empty);
            return 0;
        });

    /// <summary>Everything wrong with a page, by row; empty when it can be applied.</summary>
    internal List<string> Check(CatalogChanges page, string? cursor)
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(page.NextCursor))
        {
            problems.Add("nextCursor is empty");
        }
        else if (page.HasMore && page.NextCursor == cursor)
        {
            problems.Add($"nextCursor '{page.NextCursor}' does not move past the cursor asked with, yet hasMore is true");
        }

        Duplicates(problems, "product", page.Products.Select(p => p.Id).Concat(page.RemovedProductIds));
        Duplicates(problems, "tax", page.Taxes.Select(t => t.Id));
        Duplicates(problems, "payment method", page.PaymentMethods.Select(m => m.Id).Concat(page.RemovedPaymentMethodIds));
        Duplicates(problems, "loyalty program", page.LoyaltyPrograms.Select(p => p.Id).Concat(page.RemovedLoyaltyProgramIds));
        Duplicates(problems, "loyalty card", page.LoyaltyCards.Where(c => c is not null).Select(c => c.Id).Concat(page.RemovedLoyaltyCardIds));
        // A till set to another currency than its store's: one message for the whole catalog, not one per product.
        foreach (var other in page.Products.Where(p => !string.Equals(p.Currency, _options.Currency, StringComparison.OrdinalIgnoreCase)).GroupBy(p => p.Currency, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add($"the back office prices {other.Count()} product(s) in '{other.Key}' (e.g. '{other.First().Name}'), but this till sells in {_options.Currency}: set the till's currency to {other.Key} (--currency {other.Key}, or Till:Currency) if that is its store's currency, else check the store's currency in the back office");
        }

        foreach (var product in page.Products)
        {
            var name = $"product '{product.Id}'";
            Require(problems, name + " id", product.Id);
            Require(problems, name + " name", product.Name);
            Require(problems, name + " unit", product.Unit);
            if (product.ListPrice < 0m)
            {
                problems.Add($"{name} has a negative price {product.ListPrice.ToString(CultureInfo.InvariantCulture)}");
            }

            if (product.TaxIds.Any(string.IsNullOrWhiteSpace))
            {
                problems.Add($"{name} lists an empty tax id");
            }

            if (product.Barcode is { Length: > 0 } barcode && !barcode.All(char.IsAsciiLetterOrDigit))
            {
                problems.Add($"{name} has barcode '{barcode}', which is not letters and digits");
            }
        }

        foreach (var tax in page.Taxes)
        {
            var name = $"tax '{tax.Id}'";
            Require(problems, name + " id", tax.Id);
            Require(problems, name + " name", tax.Name);
            if (!Enum.IsDefined(tax.AmountType))
            {
                problems.Add($"{name} has an unknown amount type {(int)tax.AmountType}");
            }
            else if (tax.AmountType is TaxAmountType.Percent or TaxAmountType.Division && tax.Amount is < -100m or > 100m)
            {
                problems.Add($"{name} is {tax.Amount.ToString(CultureInfo.InvariantCulture)} %, outside -100 to 100");
            }
        }

        foreach (var category in page.Categories)
        {
            Require(problems, $"category '{category.Id}' id", category.Id);
            Require(problems, $"category '{category.Id}' name", category.Name);
        }

        foreach (var method in page.PaymentMethods)
        {
            Require(problems, $"payment method '{method.Id}' id", method.Id);
            Require(problems, $"payment method '{method.Id}' name", method.Name);
            if (!Enum.IsDefined(method.Kind))
            {
                problems.Add($"payment method '{method.Id}' has an unknown kind {(int)method.Kind}");
            }
        }

        foreach (var program in page.LoyaltyPrograms)
        {
            CheckProgram(problems, program);
        }

        foreach (var card in page.LoyaltyCards)
        {
            CheckCard(problems, card);
        }

        if (page.RemovedLoyaltyCardIds.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("removedLoyaltyCardIds lists an empty id");
        }

        return problems;
    }

    private static void CheckProgram(List<string> problems, LoyaltyProgram program)
    {
        var name = $"loyalty program '{program.Id}'";
        Require(problems, name + " id", program.Id);
        Require(problems, name + " name", program.Name);
        foreach (var rule in program.Rules)
        {
            if (!Enum.IsDefined(rule.PointMode))
            {
                problems.Add($"{name} rule '{rule.Id}' has an unknown point mode {(int)rule.PointMode}");
            }

            if (rule.Points < 0m || rule.MinimumAmount < 0m || rule.MinimumQuantity < 0m)
            {
                problems.Add($"{name} rule '{rule.Id}' has negative points or minimums");
            }
        }

        foreach (var reward in program.Rewards)
        {
            var rewardName = $"{name} reward '{reward.Id}'";
            if (!Enum.IsDefined(reward.Kind) || !Enum.IsDefined(reward.DiscountMode))
            {
                problems.Add($"{rewardName} has an unknown kind or discount mode");
            }

            if (reward.RequiredPoints < 0m || reward.Discount < 0m || reward.MaxDiscount < 0m)
            {
                problems.Add($"{rewardName} has negative points or discount");
            }

            if (reward.Kind == LoyaltyRewardKind.Discount && reward.DiscountMode == LoyaltyDiscountMode.Percent && reward.Discount > 100m)
            {
                problems.Add($"{rewardName} gives {reward.Discount.ToString(CultureInfo.InvariantCulture)} % off, more than 100");
            }

            if (reward.Kind == LoyaltyRewardKind.Product && (string.IsNullOrWhiteSpace(reward.ProductId) || reward.ProductQuantity <= 0m))
            {
                problems.Add($"{rewardName} gives a product but names none (or no quantity)");
            }
        }
    }

    /// <summary>
    /// A card needs an id, a program and a holder with an id. The holder's phone and e-mail are the back office's and
    /// not checked: a phone too short to search by is kept, the customer is found by their card instead.
    /// </summary>
    private static void CheckCard(List<string> problems, LoyaltyCard? card)
    {
        if (card is null)
        {
            problems.Add("a loyalty card is null");
            return;
        }

        var name = $"loyalty card '{card.Id}'";
        Require(problems, name + " id", card.Id);
        Require(problems, name + " program id", card.ProgramId);
        if (card.Customer is null)
        {
            problems.Add(name + " has no customer");
        }
        else
        {
            Require(problems, name + " customer id", card.Customer.Id);
        }
    }

    private static void Require(List<string> problems, string what, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add(what + " is empty");
        }
    }

    private static void Duplicates(List<string> problems, string what, IEnumerable<string> ids)
    {
        foreach (var id in ids.Where(i => i is not null).GroupBy(i => i, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            problems.Add($"{what} '{id}' appears more than once");
        }
    }
}
