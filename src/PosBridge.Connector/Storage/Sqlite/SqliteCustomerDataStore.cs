using System.Text.Json;
using PosBridge.Connector.Customers;
using PosBridge.Core.Loyalty;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Storage.Sqlite;

/// <summary>
/// A person's data in the connector's SQLite database: sales whose customer block is theirs (read in one pass over the
/// sales that name a customer; a request is rare and must be complete), each with its deliveries; receipt messages to
/// their phone or e-mail, or for their sales; their loyalty cards in the catalog snapshot; the fiscal documents of their
/// sales. One read transaction, so the answer is one consistent moment.
/// </summary>
internal sealed class SqliteCustomerDataStore(ConnectorDatabase database) : ICustomerDataStore
{
    // As SqliteCatalogSnapshot writes the catalog's documents.
    private static readonly JsonSerializerOptions CatalogJson = new(JsonSerializerDefaults.Web);

    public Task<CustomerHoldings> FindAsync(CustomerLookup who, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(who);
        return database.ReadAsync(
            async connection =>
            {
                var sales = new List<(long Seq, HeldSale Sale)>();
                await using (var command = Sql.Command(
                    connection,
                    null,
                    "SELECT seq, id, store_id, till_id, sale_number, received_at, document FROM sales WHERE json_extract(document, '$.customer') IS NOT NULL ORDER BY seq"))
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var document = reader.GetString(6);
                        if (who.Matches(CustomerOf(document)))
                        {
                            sales.Add((reader.GetInt64(0), new HeldSale(Guid.Parse(reader.GetString(1)), reader.GetString(2), reader.GetString(3), reader.GetString(4), Sql.FromUnixMs(reader.GetInt64(5)), document, [])));
                        }
                    }
                }

                var withDeliveries = new List<HeldSale>(sales.Count);
                await using (var deliveries = Sql.Command(connection, null, "SELECT adapter, state, external_id, updated_at FROM deliveries WHERE sale_seq = $seq ORDER BY adapter", ("$seq", 0L)))
                {
                    foreach (var (seq, sale) in sales)
                    {
                        deliveries.Parameters["$seq"].Value = seq;
                        var list = new List<HeldDelivery>();
                        await using var reader = await deliveries.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            list.Add(new HeldDelivery(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), Sql.FromUnixMs(reader.GetInt64(3))));
                        }

                        withDeliveries.Add(sale with { Deliveries = list });
                    }
                }

                var saleIds = withDeliveries.Select(s => s.Id.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
                var messages = new List<HeldReceiptMessage>();
                await using (var command = Sql.Command(connection, null, "SELECT request_id, store_id, till_id, sale_id, sale_number, channel, recipient, state, received_at, sent_at FROM receipt_messages ORDER BY received_at"))
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        if (saleIds.Contains(reader.GetString(3)) || who.IsRecipient(reader.GetString(5), reader.GetString(6)))
                        {
                            messages.Add(new HeldReceiptMessage(
                                Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7),
                                Sql.FromUnixMs(reader.GetInt64(8)), reader.IsDBNull(9) ? null : Sql.FromUnixMs(reader.GetInt64(9))));
                        }
                    }
                }

                var cards = new List<HeldLoyaltyCard>();
                await using (var command = Sql.Command(connection, null, "SELECT id, document FROM catalog_snapshot WHERE kind = 'loyalty_card' AND deleted = 0 ORDER BY id"))
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
                    await using var command = Sql.Command(connection, null, "SELECT authority, uuid, store_id, till_id, sale_number, state FROM fiscal_documents ORDER BY issued_at");
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
            },
            cancellationToken);
    }

    private static Customer? CustomerOf(string document)
    {
        using var json = JsonDocument.Parse(document);
        return json.RootElement.TryGetProperty("customer", out var customer) && customer.ValueKind == JsonValueKind.Object
            ? customer.Deserialize<Customer>(SaleJson.Options)
            : null;
    }
}
