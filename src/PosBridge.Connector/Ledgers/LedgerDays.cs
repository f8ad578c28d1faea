namespace PosBridge.Connector.Ledgers;

/// <summary>The business days the close-of-day run has written, per ledger: a day is written once.</summary>
internal interface ILedgerDays
{
    /// <summary>The latest business day written for <paramref name="ledger"/>, or null before the first.</summary>
    Task<DateOnly?> LastWrittenAsync(string ledger, CancellationToken cancellationToken = default);

    /// <summary>Records <paramref name="day"/> as written with its journal count; a day recorded before keeps its first record.</summary>
    Task RecordWrittenAsync(string ledger, DateOnly day, int journals, DateTimeOffset writtenAt, CancellationToken cancellationToken = default);
}
