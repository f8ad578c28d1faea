using System.Globalization;
using Npgsql;
using PosBridge.Accounting.Journals;
using PosBridge.Connector.Fees;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// The providers' fees reported on their settlements (<c>provider_fees</c>), one row per store, method and provider
/// reference. A report imported again adds nothing; a reference stored with other figures is a conflict and is never
/// overwritten, because the ledgers may have booked it already. An import checks every fee and then adds them all or
/// none, under one transaction-level advisory lock, so two instances importing at once cannot both add a reference.
/// </summary>
internal sealed class PostgresProviderFeeStore(PostgresDatabase database) : IProviderFeeStore
{
    // Any fixed number: every instance takes the same lock to import fees.
    private const long ImportLock = 0x506f734665657331;

    private const string Columns = "store_id, method_id, reference, kind, reported_at, amount, currency, imported_at, source_file, source_line";

    public Task<FeeImportResult> ImportAsync(IReadOnlyList<FeeToImport> fees, string sourceFile, DateTimeOffset importedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fees);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceFile);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                await PostgresSql.ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@lock)", cancellationToken, ("lock", ImportLock)).ConfigureAwait(false);
                var fresh = new List<FeeToImport>(fees.Count);
                var conflicts = new List<FeeConflict>();
                var already = 0;
                foreach (var incoming in fees)
                {
                    await using var find = PostgresSql.Command(
                        connection,
                        transaction,
                        $"SELECT {Columns} FROM provider_fees WHERE store_id = @store AND method_id = @method AND reference = @reference",
                        ("store", incoming.Fee.StoreId), ("method", incoming.Fee.MethodId), ("reference", incoming.Fee.Reference));
                    await using var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        fresh.Add(incoming);
                    }
                    else if (Read(reader) is var stored && Same(stored.Fee, incoming.Fee))
                    {
                        already++;
                    }
                    else
                    {
                        conflicts.Add(new FeeConflict(incoming, stored));
                    }
                }

                if (conflicts.Count > 0)
                {
                    return new FeeImportResult(0, already, conflicts);
                }

                foreach (var (line, fee) in fresh)
                {
                    await PostgresSql.ExecuteAsync(
                        connection,
                        transaction,
                        $"INSERT INTO provider_fees ({Columns}) VALUES (@store, @method, @reference, @kind, @reported, @amount, @currency, @imported, @file, @line)",
                        cancellationToken,
                        ("store", fee.StoreId),
                        ("method", fee.MethodId),
                        ("reference", fee.Reference),
                        ("kind", fee.Kind.ToString()),
                        ("reported", fee.ReportedAtUtc.ToUnixTimeMilliseconds()),
                        ("amount", fee.Amount.ToString(CultureInfo.InvariantCulture)),
                        ("currency", fee.Currency ?? throw new ArgumentException($"The fee {fee.Reference} has no currency.", nameof(fees))),
                        ("imported", importedAt.ToUnixTimeMilliseconds()),
                        ("file", sourceFile),
                        ("line", (long)line)).ConfigureAwait(false);
                }

                return new FeeImportResult(fresh.Count, already, []);
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<StoredFee>> ForStoreAsync(string? storeId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(
            connection,
            null,
            $"""
            SELECT {Columns} FROM provider_fees
            WHERE (@store::text IS NULL OR store_id = @store::text) AND reported_at >= @from AND reported_at < @to
            ORDER BY store_id COLLATE "C", reported_at, method_id COLLATE "C", reference COLLATE "C"
            """,
            ("store", storeId), ("from", fromUtc.ToUnixTimeMilliseconds()), ("to", toUtc.ToUnixTimeMilliseconds()));
        var fees = new List<StoredFee>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            fees.Add(Read(reader));
        }

        return fees;
    }

    private static StoredFee Read(NpgsqlDataReader reader) => new(
        new ProviderFee
        {
            StoreId = reader.GetString(0),
            MethodId = reader.GetString(1),
            Reference = reader.GetString(2),
            Kind = Enum.Parse<PaymentKind>(reader.GetString(3)),
            ReportedAtUtc = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
            Amount = decimal.Parse(reader.GetString(5), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture),
            Currency = reader.GetString(6),
        },
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
        reader.GetString(8),
        checked((int)reader.GetInt64(9)));

    // The same fee reported again: same kind, instant (to the millisecond stored), amount and currency.
    private static bool Same(ProviderFee stored, ProviderFee incoming) =>
        stored.Kind == incoming.Kind
        && stored.ReportedAtUtc.ToUnixTimeMilliseconds() == incoming.ReportedAtUtc.ToUnixTimeMilliseconds()
        && stored.Amount == incoming.Amount
        && string.Equals(stored.Currency, incoming.Currency, StringComparison.Ordinal);
}
