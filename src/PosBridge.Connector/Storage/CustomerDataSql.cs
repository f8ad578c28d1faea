using System.Data.Common;
using System.Text.Json;
using PosBridge.Connector.Customers;
using PosBridge.Core.Loyalty;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Storage;

/// <summary>
/// What a backend's SQL says differently when a person's data is found or erased: which sales name a customer (SQLite's
/// <c>json_extract</c>, PostgreSQL's <c>jsonb_typeof</c>), how a catalog row is not deleted (an integer flag, a boolean),
/// and the byte-order collation, so rows come back in the same order on both.
/// </summary>
internal sealed record CustomerDataDialect(string NamesACustomer, string NotDeleted, string OrdinalCollation)
{
    public static readonly CustomerDataDialect Sqlite = new("json_extract(document, '$.customer') IS NOT NULL", "deleted = 0", "COLLATE BINARY");

    public static readonly CustomerDataDialect Postgres = new("jsonb_typeof(document::jsonb -> 'customer') = 'object'", "NOT deleted", "COLLATE \"C\"");
}

/// <summary>
/// A person's data in the connector's database, the one copy for every backend (as <see cref="ReportQuerySql"/> is of
/// the report queries): sales whose customer block is theirs (read in one pass over the sales that name a customer; a
/// request is rare and must be complete), each with its deliveries; receipt messages to their phone or e-mail, or for
/// their sales; their loyalty cards in the catalog snapshot; the fiscal documents of their sales. Each backend opens the
/// connection and transaction (and takes what locks it needs) and calls this.
/// </summary>
internal sealed class CustomerDataSql(CustomerDataDialect dialect)
{
    // As the catalog snapshot writes the catalog's documents.
    private static readonly JsonSerializerOptions CatalogJson = new(JsonSerializerDefaults.Web);

    private static readonly string[] CustomerTables = ["report_customers", "report_customer_first"];

    public async Task<CustomerHoldings> FindAsync(DbConnection connection, DbTransaction? transaction, CustomerLookup who, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(who);
        var sales = new List<(long Seq, HeldSale Sale)>();
        await using (var command = DbSql.Command(
            connection,
            transaction,
            $"SELECT seq, id, store_id, till_id, sale_number, received_at, document FROM sales WHERE {dialect.NamesACustomer} ORDER BY seq"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var document = reader.GetString(6);
                if (who.Matches(CustomerOf(document)))
                {
                    sales.Add((reader.GetInt64(0), new HeldSale(Guid.Parse(reader.GetString(1)), reader.GetString(2), reader.GetString(3), reader.GetString(4), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)), document, [])));
                }
            }
        }

        var withDeliveries = new List<HeldSale>(sales.Count);
        await using (var deliveries = DbSql.Command(connection, transaction, $"SELECT adapter, state, external_id, updated_at FROM deliveries WHERE sale_seq = @seq ORDER BY adapter {dialect.OrdinalCollation}", ("@seq", 0L)))
        {
            foreach (var (seq, sale) in sales)
            {
                deliveries.Parameters[0].Value = seq;
                var list = new List<HeldDelivery>();
                await using var reader = await deliveries.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    list.Add(new HeldDelivery(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
                }

                withDeliveries.Add(sale with { Deliveries = list });
            }
        }

        var saleIds = withDeliveries.Select(s => s.Id.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var messages = new List<HeldReceiptMessage>();
        await using (var command = DbSql.Command(connection, transaction, "SELECT request_id, store_id, till_id, sale_id, sale_number, channel, recipient, state, received_at, sent_at FROM receipt_messages ORDER BY received_at"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (saleIds.Contains(reader.GetString(3)) || who.IsRecipient(reader.GetString(5), reader.GetString(6)))
                {
                    messages.Add(new HeldReceiptMessage(
                        Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7),
                        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)), reader.IsDBNull(9) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9))));
                }
            }
        }

        var cards = new List<HeldLoyaltyCard>();
        await using (var command = DbSql.Command(connection, transaction, $"SELECT id, document FROM catalog_snapshot WHERE kind = 'loyalty_card' AND {dialect.NotDeleted} ORDER BY id {dialect.OrdinalCollation}"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var card = JsonSerializer.Deserialize<LoyaltyCard>(reader.GetString(1), CatalogJson);
                if (card is not null && who.Matches(card.Customer, card.Code))
                {
                    cards.Add(new HeldLoyaltyCard(reader.GetString(0), reader.GetString(1)));
                }
            }
        }

        var fiscal = new List<HeldFiscalDocument>();
        var numbers = withDeliveries.Select(s => (s.TillId, s.SaleNumber)).ToHashSet();
        if (numbers.Count > 0)
        {
            await using var command = DbSql.Command(connection, transaction, "SELECT authority, uuid, store_id, till_id, sale_number, state FROM fiscal_documents ORDER BY issued_at");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (numbers.Contains((reader.GetString(3), reader.GetString(4))))
                {
                    fiscal.Add(new HeldFiscalDocument(reader.GetString(0), Guid.Parse(reader.GetString(1)), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
                }
            }
        }

        return new CustomerHoldings(withDeliveries, messages, cards, fiscal);
    }

    public async Task<CustomerErasure> EraseAsync(DbConnection connection, DbTransaction transaction, CustomerLookup who, Func<string, string> pseudonymOf, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(who);
        ArgumentNullException.ThrowIfNull(pseudonymOf);
        var matched = new List<(long Seq, string Id, string TillId, string SaleNumber, string CustomerId, string Document)>();
        await using (var command = DbSql.Command(
            connection,
            transaction,
            $"SELECT seq, id, till_id, sale_number, document FROM sales WHERE {dialect.NamesACustomer} ORDER BY seq"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var document = reader.GetString(4);
                if (CustomerOf(document) is { } customer && who.Matches(customer))
                {
                    matched.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), customer.Id, document));
                }
            }
        }

        var pseudonyms = matched.Select(m => m.CustomerId).Distinct(StringComparer.Ordinal).ToDictionary(id => id, pseudonymOf, StringComparer.Ordinal);
        var delivered = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var update = DbSql.Command(connection, transaction, "UPDATE sales SET document = @document WHERE seq = @seq", ("@document", string.Empty), ("@seq", 0L)))
        await using (var deliveries = DbSql.Command(connection, transaction, "SELECT adapter FROM deliveries WHERE sale_seq = @seq AND state IN ('done', 'duplicate')", ("@seq", 0L)))
        {
            foreach (var sale in matched)
            {
                var node = System.Text.Json.Nodes.JsonNode.Parse(sale.Document)!.AsObject();
                node["customer"] = new System.Text.Json.Nodes.JsonObject { ["id"] = pseudonyms[sale.CustomerId] };
                update.Parameters[0].Value = node.ToJsonString();
                update.Parameters[1].Value = sale.Seq;
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                deliveries.Parameters[0].Value = sale.Seq;
                await using var reader = await deliveries.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    delivered[reader.GetString(0)] = delivered.GetValueOrDefault(reader.GetString(0)) + 1;
                }
            }
        }

        // The report figures name customers by id: the same pseudonym there, so a rebuild from the sales agrees.
        foreach (var (id, pseudonym) in pseudonyms)
        {
            foreach (var table in CustomerTables)
            {
                await using var rename = DbSql.Command(connection, transaction, $"UPDATE {table} SET customer_id = @pseudonym WHERE customer_id = @id", ("@pseudonym", pseudonym), ("@id", id));
                await rename.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        var saleIds = matched.Select(m => m.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var messages = new List<string>();
        await using (var command = DbSql.Command(connection, transaction, "SELECT request_id, sale_id, channel, recipient FROM receipt_messages WHERE expires_at > 0"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (saleIds.Contains(reader.GetString(1)) || who.IsRecipient(reader.GetString(2), reader.GetString(3)))
                {
                    messages.Add(reader.GetString(0));
                }
            }
        }

        foreach (var request in messages)
        {
            // Not sent any more (a message being sent right now has its text in hand already), its link ends, and
            // a resend is refused as for an expired link.
            await using var erase = DbSql.Command(
                connection,
                transaction,
                """
                UPDATE receipt_messages SET recipient = '(erased)', receipt_html = '', expires_at = 0,
                    state = CASE WHEN state = 'pending' THEN 'dead' ELSE state END,
                    last_error = CASE WHEN state = 'pending' THEN 'erased at the customer''s request' ELSE last_error END
                WHERE request_id = @request
                """,
                ("@request", request));
            await erase.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var cards = new List<string>();
        await using (var command = DbSql.Command(connection, transaction, $"SELECT id, document FROM catalog_snapshot WHERE kind = 'loyalty_card' AND {dialect.NotDeleted} ORDER BY id {dialect.OrdinalCollation}"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var card = JsonSerializer.Deserialize<LoyaltyCard>(reader.GetString(1), CatalogJson);
                if (card is not null && who.Matches(card.Customer, card.Code))
                {
                    cards.Add(card.Code ?? reader.GetString(0));
                }
            }
        }

        var numbers = matched.Select(m => (m.TillId, m.SaleNumber)).ToHashSet();
        var fiscal = 0;
        if (numbers.Count > 0)
        {
            await using var command = DbSql.Command(connection, transaction, "SELECT till_id, sale_number FROM fiscal_documents");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                fiscal += numbers.Contains((reader.GetString(0), reader.GetString(1))) ? 1 : 0;
            }
        }

        return new CustomerErasure(matched.Count, messages.Count, delivered, cards, fiscal, pseudonyms);
    }

    private static Customer? CustomerOf(string document)
    {
        using var json = JsonDocument.Parse(document);
        return json.RootElement.TryGetProperty("customer", out var customer) && customer.ValueKind == JsonValueKind.Object
            ? customer.Deserialize<Customer>(SaleJson.Options)
            : null;
    }
}
