using System.Text.Json;
using System.Text.Json.Nodes;
using PosBridge.Connector.Customers;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Cli;

/// <summary>
/// <c>posbridge customers export</c>: a person's right of access (PDPL art. 4, GDPR art. 15). Writes everything the
/// connector holds about them as one JSON file readable by its owner only: their sales as the tills sent them and
/// which back office each went to (with the back office's id for it), receipt messages, loyalty cards and fiscal
/// documents, and where else copies are. Reads only; the export itself is audited with the person masked.
/// </summary>
internal static class CustomersCommand
{
    public static readonly string[] Selectors = ["phone", "email", "customer", "card"];

    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The lookup the options name, or the problem with them.</summary>
    public static (CustomerLookup? Lookup, string? Problem) Lookup(IReadOnlyDictionary<string, string> options)
    {
        string? Value(string name) => options.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        var lookup = new CustomerLookup { Phone = Value("phone"), Email = Value("email"), CustomerId = Value("customer"), CardCode = Value("card") };
        if (lookup.IsEmpty)
        {
            return (null, "customers export needs at least one of --phone, --email, --customer or --card: what the person gave the shop.");
        }

        if (lookup.Phone is { } phone && CustomerLookup.Forms(phone).Count == 0)
        {
            return (null, $"--phone '{phone}' is not a phone number (at least 6 digits, e.g. +20 100 123 4567 or 0501234567).");
        }

        if (lookup.Email is { } email && (email.IndexOf('@', StringComparison.Ordinal) is < 1 || email.EndsWith('@')))
        {
            return (null, $"--email '{email}' is not an e-mail address.");
        }

        return (lookup, null);
    }

    public static async Task<int> ExportAsync(IServiceProvider services, CustomerLookup who, string outFile, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var path = Path.GetFullPath(outFile);
        if (File.Exists(path) || Directory.Exists(path))
        {
            await error.WriteLineAsync($"posbridge: {path} exists; name a new file (an export is never written over another).").ConfigureAwait(false);
            return CommandLine.Usage;
        }

        if (Path.GetDirectoryName(path) is { } folder && !Directory.Exists(folder))
        {
            await error.WriteLineAsync($"posbridge: the folder {folder} does not exist.").ConfigureAwait(false);
            return CommandLine.Usage;
        }

        var held = await services.GetRequiredService<ICustomerDataStore>().FindAsync(who, cancellationToken).ConfigureAwait(false);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var document = Document(who, held, now);

        // Created for the owner alone before a byte is written: it holds a person's data.
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var file = new FileStream(path, create))
        {
            await JsonSerializer.SerializeAsync(file, document, Indented, cancellationToken).ConfigureAwait(false);
        }

        await services.GetRequiredService<ITillStore>().AuditAsync("cli", "customers.export", who.Masked(), $"{held.Sales.Count} sales, {held.ReceiptMessages.Count} receipt messages, {held.LoyaltyCards.Count} loyalty cards", now, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(held.IsEmpty
            ? $"Nothing is held about {who.Masked()} in this connector; {path} says so."
            : $"Wrote {path}: {held.Sales.Count} sales, {held.ReceiptMessages.Count} receipt messages, {held.LoyaltyCards.Count} loyalty cards, {held.FiscalDocuments.Count} fiscal documents. It is readable by you alone; give it to the person by a safe way.").ConfigureAwait(false);
        return CommandLine.Ok;
    }

    /// <summary>
    /// <c>posbridge customers erase</c>: a person's right to erasure (PDPL art. 18, GDPR art. 17). Without
    /// <c>--confirm yes</c> it only says what it would change. With it, the person's sales keep what tax law needs
    /// (amounts, taxes, numbers) under a pseudonym no one can turn back into their id, their receipt messages and links
    /// are gone, and the owner is told what PosBridge cannot erase itself: back offices that already received the sales,
    /// loyalty cards that come from a back office, and the tills' own copies.
    /// </summary>
    public static async Task<int> EraseAsync(IServiceProvider services, CustomerLookup who, bool confirmed, TextWriter output, CancellationToken cancellationToken = default)
    {
        var store = services.GetRequiredService<ICustomerDataStore>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (!confirmed)
        {
            var held = await store.FindAsync(who, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(held.IsEmpty
                ? $"Nothing is held about {who.Masked()} in this connector."
                : $"Would erase {who.Masked()}: {held.Sales.Count} sales would keep their amounts under a pseudonym, {held.ReceiptMessages.Count} receipt messages would be erased. Nothing is changed yet: run again with --confirm yes.").ConfigureAwait(false);
            return CommandLine.Ok;
        }

        // A salt of this erasure alone: the pseudonym cannot be recomputed from the customer's id by anyone.
        var salt = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        string Pseudonym(string id) =>
            "erased-" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(salt, System.Text.Encoding.UTF8.GetBytes(id)))[..16];
        var erased = await store.EraseAsync(who, Pseudonym, now, cancellationToken).ConfigureAwait(false);
        await services.GetRequiredService<ITillStore>().AuditAsync(
            "cli",
            "customers.erase",
            who.Masked(),
            $"{erased.SalesPseudonymised} sales as {string.Join(", ", erased.Pseudonyms.Values)}, {erased.ReceiptMessagesErased} receipt messages",
            now,
            cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(erased.SalesPseudonymised == 0 && erased.ReceiptMessagesErased == 0
            ? $"Nothing of {who.Masked()} to erase in this connector."
            : $"Erased {who.Masked()}: {erased.SalesPseudonymised} sales keep their amounts, taxes and numbers as {string.Join(", ", erased.Pseudonyms.Values)}; {erased.ReceiptMessagesErased} receipt messages and their links are gone.").ConfigureAwait(false);
        foreach (var (backOffice, count) in erased.DeliveredTo.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            await output.WriteLineAsync($"  still to do: {backOffice} received {count} of these sales before; erase the customer there too.").ConfigureAwait(false);
        }

        foreach (var card in erased.LoyaltyCardsFromBackOffice)
        {
            await output.WriteLineAsync($"  still to do: loyalty card {card} comes from the catalog's back office; erase it there, or its next pull brings it back.").ConfigureAwait(false);
        }

        if (erased.FiscalDocumentsKept > 0)
        {
            await output.WriteLineAsync($"  kept: {erased.FiscalDocumentsKept} tax invoices or e-receipts of these sales, as tax law requires.").ConfigureAwait(false);
        }

        if (erased.SalesPseudonymised > 0)
        {
            await output.WriteLineAsync("  not erased here: the tills' own copies of these sales and their customer records (erase them on each till).").ConfigureAwait(false);
        }

        return CommandLine.Ok;
    }

    private static JsonObject Document(CustomerLookup who, CustomerHoldings held, DateTimeOffset now)
    {
        var tills = held.Sales.Select(s => $"{s.StoreId}/{s.TillId}").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var backOffices = held.Sales.SelectMany(s => s.Deliveries).Where(d => d.State is "done" or "duplicate").Select(d => d.Adapter).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var elsewhere = new JsonArray();
        if (tills.Count > 0)
        {
            elsewhere.Add($"The tills that made these sales keep their own copy and customer records: {string.Join(", ", tills)}.");
        }

        if (backOffices.Count > 0)
        {
            elsewhere.Add($"These back offices received the sales marked sent there and keep them under their own rules: {string.Join(", ", backOffices)}.");
        }

        return new JsonObject
        {
            ["generatedAt"] = now.ToString("O"),
            ["about"] = who.Masked(),
            ["sales"] = new JsonArray([.. held.Sales.Select(s => (JsonNode)new JsonObject
            {
                ["id"] = s.Id.ToString(),
                ["store"] = s.StoreId,
                ["till"] = s.TillId,
                ["saleNumber"] = s.SaleNumber,
                ["receivedAt"] = s.ReceivedAt.ToString("O"),
                ["sale"] = JsonNode.Parse(s.Document),
                ["sentTo"] = new JsonArray([.. s.Deliveries.Select(d => (JsonNode)new JsonObject
                {
                    ["backOffice"] = d.Adapter,
                    ["state"] = d.State is "done" or "duplicate" ? "sent" : d.State == "dead" ? "refused" : "waiting",
                    ["theirId"] = d.ExternalId,
                    ["at"] = d.UpdatedAt.ToString("O"),
                })]),
            })]),
            ["receiptMessages"] = new JsonArray([.. held.ReceiptMessages.Select(m => (JsonNode)new JsonObject
            {
                ["channel"] = m.Channel,
                ["recipient"] = m.Recipient,
                ["store"] = m.StoreId,
                ["till"] = m.TillId,
                ["saleNumber"] = m.SaleNumber,
                ["state"] = m.State,
                ["receivedAt"] = m.ReceivedAt.ToString("O"),
                ["sentAt"] = m.SentAt?.ToString("O"),
            })]),
            ["loyaltyCards"] = new JsonArray([.. held.LoyaltyCards.Select(c => JsonNode.Parse(c.Document))]),
            ["fiscalDocuments"] = new JsonArray([.. held.FiscalDocuments.Select(f => (JsonNode)new JsonObject
            {
                ["authority"] = f.Authority,
                ["uuid"] = f.Uuid.ToString(),
                ["store"] = f.StoreId,
                ["till"] = f.TillId,
                ["saleNumber"] = f.SaleNumber,
                ["state"] = f.State,
            })]),
            ["heldElsewhere"] = elsewhere,
        };
    }
}
