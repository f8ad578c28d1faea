using System.Globalization;
using PosBridge.Accounting.Journals;
using PosBridge.Connector.Fees;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Storage.Sqlite;

/// <summary>
/// The providers' fees reported on their settlements (<c>provider_fees</c>), one row per store, method and
/// provider reference. A report imported again adds nothing; a reference stored with other figures is a
/// conflict and is never overwritten, because the ledgers may have booked it already.
/// </summary>
internal sealed class SqliteProviderFeeStore(ConnectorDatabase database) : IProviderFeeStore
{
    private const string Columns = "store_id, method_id, reference, kind, reported_at, amount, currency, imported_at, source_file, source_line";

    /// <summary>
    /// Stores every fee of one file in one transaction, or none: the look-up of what is stored already and the
    /// inserts share the write lock, so two imports at once cannot both add a reference.
    /// </summary>
    public Task<FeeImportResult> ImportAsync(IReadOnlyList<FeeToImport> fees, string sourceFile, DateTimeOffset importedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fees);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceFile);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var fresh = new List<FeeToImport>(fees.Count);
                var conflicts = new List<FeeConflict>();
                var already = 0;
                await using (var find = Sql.Command(
                    connection,
                    transaction,
                    $"SELECT {Columns} FROM provider_fees WHERE store_id = $store AND method_id = $method AND reference = $reference",
                    ("$store", string.Empty), ("$method", string.Empty), ("$reference", string.Empty)))
                {
                    foreach (var incoming in fees)
                    {
                        find.Parameters["$store"].Value = incoming.Fee.StoreId;
                        find.Parameters["$method"].Value = incoming.Fee.MethodId;
                        find.Parameters["$reference"].Value = incoming.Fee.Reference;
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
                }

                if (conflicts.Count > 0)
                {
                    return new FeeImportResult(0, already, conflicts);
                }

                await using var insert = Sql.Command(
                    connection,
                    transaction,
                    $"INSERT INTO provider_fees ({Columns}) VALUES ($store, $method, $reference, $kind, $reported, $amount, $currency, $imported, $file, $line)",
                    ("$store", null), ("$method", null), ("$reference", null), ("$kind", null), ("$reported", null), ("$amount", null),
                    ("$currency", null), ("$imported", Sql.ToUnixMs(importedAt)), ("$file", sourceFile), ("$line", null));
                foreach (var (line, fee) in fresh)
                {
                    insert.Parameters["$store"].Value = fee.StoreId;
                    insert.Parameters["$method"].Value = fee.MethodId;
                    insert.Parameters["$reference"].Value = fee.Reference;
                    insert.Parameters["$kind"].Value = fee.Kind.ToString();
                    insert.Parameters["$reported"].Value = Sql.ToUnixMs(fee.ReportedAtUtc);
                    insert.Parameters["$amount"].Value = fee.Amount.ToString(CultureInfo.InvariantCulture);
                    insert.Parameters["$currency"].Value = fee.Currency ?? throw new ArgumentException($"The fee {fee.Reference} has no currency.", nameof(fees));
                    insert.Parameters["$line"].Value = line;
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return new FeeImportResult(fresh.Count, already, []);
            },
            cancellationToken);
    }

    /// <summary>
    /// A store's fees (every store's when <paramref name="storeId"/> is null) reported from <paramref name="fromUtc"/> up
    /// to (not including) <paramref name="toUtc"/>, ordered by report time, method and reference, so ledger files made
    /// from them are the same on every export.
    /// </summary>
    public Task<IReadOnlyList<StoredFee>> ForStoreAsync(string? storeId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<StoredFee>>(
            async connection =>
            {
                await using var command = Sql.Command(
                    connection,
                    null,
                    $"""
                    SELECT {Columns} FROM provider_fees
                    WHERE ($store IS NULL OR store_id = $store) AND reported_at >= $from AND reported_at < $to
                    ORDER BY store_id, reported_at, method_id, reference
                    """,
                    ("$store", storeId), ("$from", Sql.ToUnixMs(fromUtc)), ("$to", Sql.ToUnixMs(toUtc)));
                var fees = new List<StoredFee>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    fees.Add(Read(reader));
                }

                return fees;
            },
            cancellationToken);

    private static StoredFee Read(Microsoft.Data.Sqlite.SqliteDataReader reader) => new(
        new ProviderFee
        {
            StoreId = reader.GetString(0),
            MethodId = reader.GetString(1),
            Reference = reader.GetString(2),
            Kind = Enum.Parse<PaymentKind>(reader.GetString(3)),
            ReportedAtUtc = Sql.FromUnixMs(reader.GetInt64(4)),
            Amount = decimal.Parse(reader.GetString(5), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture),
            Currency = reader.GetString(6),
        },
        Sql.FromUnixMs(reader.GetInt64(7)),
        reader.GetString(8),
        reader.GetInt32(9));

    // The same fee reported again: same kind, instant (to the millisecond stored), amount and currency.
    private static bool Same(ProviderFee stored, ProviderFee incoming) =>
        stored.Kind == incoming.Kind
        && Sql.ToUnixMs(stored.ReportedAtUtc) == Sql.ToUnixMs(incoming.ReportedAtUtc)
        && stored.Amount == incoming.Amount
        && string.Equals(stored.Currency, incoming.Currency, StringComparison.Ordinal);
}
