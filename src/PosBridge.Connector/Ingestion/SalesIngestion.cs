using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Tills;
using PosBridge.Core.Sales;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Ingestion;

/// <summary>The outcome of an upload: per-sale results, or a problem with the request as a whole.</summary>
internal sealed record IngestionResult(SalesUploadResponse? Response, IResult? Problem);

/// <summary>
/// Takes a till's upload: checks the whole request, validates every sale with Core's one validation path
/// (refunds against their originals), then stores the valid ones in one transaction and answers per
/// sale only once that transaction is committed.
/// </summary>
internal sealed class SalesIngestion(IInbox inbox, Stores.StoreDirectory stores, TimeProvider timeProvider, IOptions<ConnectorOptions> options)
{
    public async Task<IngestionResult> IngestAsync(Till till, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(till);
        if (stores.Find(till.StoreId) is not { } store)
        {
            return new(null, Problems.StoreNotConfigured(till.StoreId));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32, AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            return new(null, Problems.MalformedJson(ex.Message.Split(" Path:", 2)[0]));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("sales", out var salesElement)
                || salesElement.ValueKind != JsonValueKind.Array
                || root.EnumerateObject().Count() != 1)
            {
                return new(null, Problems.InvalidRequest("The body must be {\"sales\": [ …sale documents… ]} and nothing else."));
            }

            var count = salesElement.GetArrayLength();
            if (count > options.Value.MaxBatchSize)
            {
                return new(null, Problems.BatchTooLarge(count, options.Value.MaxBatchSize));
            }

            var results = new SaleUploadResult[count];
            var valid = new List<(int Index, IncomingSale Sale)>(count);
            var inBatch = new Dictionary<Guid, Sale>();
            var index = 0;
            foreach (var element in salesElement.EnumerateArray())
            {
                var (sale, errors) = await CheckAsync(till, store, element, inBatch, cancellationToken).ConfigureAwait(false);
                if (errors is not null)
                {
                    results[index] = new SaleUploadResult { Index = index, Id = sale?.Id ?? TryReadId(element), Status = UploadStatus.Rejected, Errors = errors };
                }
                else
                {
                    var canonical = SaleJson.Serialize(sale!);
                    var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
                    valid.Add((index, new IncomingSale(sale!, canonical, hash)));
                    inBatch.TryAdd(sale!.Id, sale);
                }

                index++;
            }

            var outcomes = await inbox.StoreAsync(till.Id, valid.ConvertAll(v => v.Sale), timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            {
                for (var i = 0; i < valid.Count; i++)
                {
                    var (position, incoming) = valid[i];
                    results[position] = outcomes[i] switch
                    {
                        StoreOutcome.Accepted => new SaleUploadResult { Index = position, Id = incoming.Sale.Id, Status = UploadStatus.Accepted },
                        StoreOutcome.Duplicate => new SaleUploadResult { Index = position, Id = incoming.Sale.Id, Status = UploadStatus.Duplicate },
                        _ => new SaleUploadResult
                        {
                            Index = position,
                            Id = incoming.Sale.Id,
                            Status = UploadStatus.Conflict,
                            Errors = [new UploadError { Field = "id", Message = "a different sale with this id is already stored; it was kept and this one refused." }],
                        },
                    };
                }
            }

            return new(new SalesUploadResponse { Results = results }, null);
        }
    }

    private async Task<(Sale? Sale, IReadOnlyList<UploadError>? Errors)> CheckAsync(Till till, Stores.Store store, JsonElement element, Dictionary<Guid, Sale> inBatch, CancellationToken cancellationToken)
    {
        Sale? sale;
        try
        {
            sale = element.Deserialize<Sale>(SaleJson.Options);
        }
        catch (JsonException ex)
        {
            var error = SaleJson.Describe(ex);
            return (null, [new UploadError { Field = error.Field, Message = error.Message }]);
        }

        if (sale is null)
        {
            return (null, [new UploadError { Field = "$", Message = "a sale document is null." }]);
        }

        if (!string.Equals(sale.TillId, till.Id, StringComparison.Ordinal) || !string.Equals(sale.StoreId, till.StoreId, StringComparison.Ordinal))
        {
            return (sale, [new UploadError { Field = "tillId", Message = $"the sale is from till '{sale.TillId}' of store '{sale.StoreId}', but this request is signed by till '{till.Id}' of store '{till.StoreId}'." }]);
        }

        if (!string.Equals(sale.Currency, store.Currency.Code, StringComparison.Ordinal))
        {
            return (sale, [new UploadError { Field = "currency", Message = $"the sale is in '{sale.Currency}', but store '{store.Id}' sells in {store.Currency.Code}; the till's currency setting must be the store's." }]);
        }

        RefundHistory? history = null;
        if (sale.RefundOf is { } refundOf)
        {
            var original = inBatch.GetValueOrDefault(refundOf.SaleId) ?? await inbox.FindAsync(refundOf.SaleId, cancellationToken).ConfigureAwait(false);
            if (original is null)
            {
                return (sale, [new UploadError { Field = "refundOf.saleId", Message = $"the original sale {refundOf.SaleNumber} ({refundOf.SaleId}) has not reached the connector; upload it first." }]);
            }

            var earlier = (await inbox.FindRefundsOfAsync(refundOf.SaleId, cancellationToken).ConfigureAwait(false))
                .Concat(inBatch.Values.Where(s => s.RefundOf?.SaleId == refundOf.SaleId))
                .Where(s => s.Id != sale.Id)
                .ToList();
            history = new RefundHistory(original, earlier);
        }

        var validation = sale.Validate(history);
        return validation.IsValid
            ? (sale, null)
            : (sale, validation.Errors.Select(e => new UploadError { Field = e.Field, Message = e.Message }).ToList());
    }

    private static Guid? TryReadId(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty("id", out var id)
        && id.ValueKind == JsonValueKind.String
        && Guid.TryParse(id.GetString(), out var guid)
            ? guid
            : null;
}
