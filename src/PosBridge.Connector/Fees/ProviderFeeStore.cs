using PosBridge.Accounting.Journals;

namespace PosBridge.Connector.Fees;

/// <summary>A provider's fee as the connector keeps it: the fee, and where and when it came from.</summary>
internal sealed record StoredFee(ProviderFee Fee, DateTimeOffset ImportedAt, string SourceFile, int SourceLine);

/// <summary>A fee of a file to import, with the line of the file it is on.</summary>
internal sealed record FeeToImport(int Line, ProviderFee Fee);

/// <summary>A fee of the file whose method and reference are stored already with other figures.</summary>
internal sealed record FeeConflict(FeeToImport Incoming, StoredFee Stored);

/// <summary>What an import did: fees added, fees already there as they are, and conflicts (then nothing was added).</summary>
internal sealed record FeeImportResult(int Added, int AlreadyThere, IReadOnlyList<FeeConflict> Conflicts)
{
    public bool Refused => Conflicts.Count > 0;
}

/// <summary>
/// The providers' fees reported on their settlements (<c>provider_fees</c>), one row per store, method and
/// provider reference. A report imported again adds nothing; a reference stored with other figures is a
/// conflict and is never overwritten, because the ledgers may have booked it already.
/// </summary>
internal interface IProviderFeeStore
{
    /// <summary>
    /// Stores every fee of one file in one transaction, or none: the look-up of what is stored already and the
    /// inserts share the write lock, so two imports at once cannot both add a reference.
    /// </summary>
    Task<FeeImportResult> ImportAsync(IReadOnlyList<FeeToImport> fees, string sourceFile, DateTimeOffset importedAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// A store's fees (every store's when <paramref name="storeId"/> is null) reported from <paramref name="fromUtc"/> up
    /// to (not including) <paramref name="toUtc"/>, ordered by report time, method and reference, so ledger files made
    /// from them are the same on every export.
    /// </summary>
    Task<IReadOnlyList<StoredFee>> ForStoreAsync(string? storeId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default);
}
