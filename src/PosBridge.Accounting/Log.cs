using Microsoft.Extensions.Logging;

namespace PosBridge.Accounting;

/// <summary>Every log message of the accounting adapter, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Ledger {Ledger} wrote {JournalCount} journals for {StoreId} {From} to {To} into {FileCount} files")]
    public static partial void ExportWritten(ILogger logger, string ledger, int journalCount, string storeId, DateOnly from, DateOnly to, int fileCount);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Ledger {Ledger} wrote nothing for {StoreId} {From} to {To}: {Reason}")]
    public static partial void ExportFailed(ILogger logger, string ledger, string storeId, DateOnly from, DateOnly to, string reason);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Ledger {Ledger} left out {Count} sales given for {StoreId} {From} to {To}: another store or another business day")]
    public static partial void SalesOutsidePeriod(ILogger logger, string ledger, int count, string storeId, DateOnly from, DateOnly to);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "Ledger {Ledger}: {Count} sales of {StoreId} carry a UTC offset other than {TimeZone} gives at their time; business days follow {TimeZone}, check the till's or the store's time zone")]
    public static partial void StoreOffsetMismatch(ILogger logger, string ledger, int count, string storeId, string timeZone);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "Ledger {Ledger}: {Note}")]
    public static partial void ExportNote(ILogger logger, string ledger, string note);
}
