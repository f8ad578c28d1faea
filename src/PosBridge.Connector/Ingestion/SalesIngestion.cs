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
/// Takes a till's upload: checks the whole request, validates every sale with Core's one validation path,
/// then stores the valid ones in one transaction — refunds checked against their originals inside it — and
/// answers per sale only once that transaction is committed.
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
            var index = 0;
            var dates = new SaleDateWindow(timeProvider.GetUtcNow(), options.Value.SaleDates.MaxAge, options.Value.SaleDates.MaxAhead);
            foreach (var element in salesElement.EnumerateArray())
            {
                var (sale, errors) = Check(till, store, element, dates);
                if (errors is not null)
                {
                    results[index] = new SaleUploadResult { Index = index, Id = sale?.Id ?? TryReadId(element), Status = UploadStatus.Rejected, Errors = errors };
                }
                else
                {
                    var canonical = SaleJson.Serialize(sale!);
                    var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
                    valid.Add((index, new IncomingSale(sale!, canonical, hash)));
                }

                index++;
            }

            var outcomes = await inbox.StoreAsync(
                till.Id,
                till.StoreId,
                valid.ConvertAll(v => v.Sale),
                (refund, history) => Errors(SaleValidator.Validate(refund, history, dates)),
                dates.Now,
                cancellationToken).ConfigureAwait(false);
            {
                for (var i = 0; i < valid.Count; i++)
                {
                    var (position, incoming) = valid[i];
                    results[position] = outcomes[i].Outcome switch
                    {
                        StoreOutcome.Accepted => new SaleUploadResult { Index = position, Id = incoming.Sale.Id, Status = UploadStatus.Accepted },
                        StoreOutcome.Duplicate => new SaleUploadResult { Index = position, Id = incoming.Sale.Id, Status = UploadStatus.Duplicate },
                        StoreOutcome.Rejected => new SaleUploadResult { Index = position, Id = incoming.Sale.Id, Status = UploadStatus.Rejected, Errors = outcomes[i].Errors },
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

    private static (Sale? Sale, IReadOnlyList<UploadError>? Errors) Check(Till till, Stores.Store store, JsonElement element, SaleDateWindow dates)
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

        // A refund is checked against its original inside the storing transaction (IInbox.StoreAsync).
        var validation = SaleValidator.Validate(sale, null, dates);
        return validation.IsValid ? (sale, null) : (sale, Errors(validation));
    }

    private static List<UploadError> Errors(SaleValidationResult validation) =>
        validation.Errors.Select(e => new UploadError { Field = e.Field, Message = e.Message }).ToList();

    private static Guid? TryReadId(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty("id", out var id)
        && id.ValueKind == JsonValueKind.String
        && Guid.TryParse(id.GetString(), out var guid)
            ? guid
            : null;
}
