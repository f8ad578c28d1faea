using Microsoft.Extensions.Logging;

namespace PosBridge.Terminal;

/// <summary>The till's log messages. Never pass card data, credentials or signing keys to these.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Sale {SaleNumber} committed: {AmountDue} {Currency}, {Lines} lines")]
    public static partial void SaleCommitted(ILogger logger, string saleNumber, decimal amountDue, string currency, int lines);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Sale not committed: it failed validation: {Errors}")]
    public static partial void SaleInvalid(ILogger logger, string errors);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "{Kind} payment of {Amount}: {Status} (provider reference {ProviderReference})")]
    public static partial void TerminalPayment(ILogger logger, PosBridge.Core.Sales.PaymentKind kind, decimal amount, PosBridge.Till.Payments.TerminalStatus status, string? providerReference);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "{Kind} payment refused: the till is offline")]
    public static partial void RefusedOffline(ILogger logger, PosBridge.Core.Sales.PaymentKind kind);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "{Operation} of {Kind} payment of {Amount}: {Status} (original provider reference {ProviderReference})")]
    public static partial void TerminalReversal(ILogger logger, string operation, PosBridge.Core.Sales.PaymentKind kind, decimal amount, PosBridge.Till.Payments.TerminalStatus status, string providerReference);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Refund {RefundNumber} of sale {SaleNumber} committed: {Amount} {Currency}")]
    public static partial void RefundCommitted(ILogger logger, string refundNumber, string saleNumber, decimal amount, string currency);

    [LoggerMessage(EventId = 14, Level = LogLevel.Error, Message = "Money went back through the provider ({ProviderReferences}) for sale {SaleNumber} but the refund was not recorded: {Reason}. A manager must record or reverse it.")]
    public static partial void RefundNotRecorded(ILogger logger, string saleNumber, string providerReferences, string reason);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "Refund request {Reference} had lost its answer; the provider says: {Status}")]
    public static partial void RefundLookedUp(ILogger logger, string reference, string status);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Uploaded {Count} sales: {Sent} sent, {Rejected} rejected")]
    public static partial void Uploaded(ILogger logger, int count, int sent, int rejected);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Sale {SaleId} rejected by the connector ({Status}): {Reason}")]
    public static partial void UploadRejected(ILogger logger, Guid saleId, PosBridge.Core.Sync.UploadStatus status, string reason);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "Connector unreachable; {Pending} sales wait in the outbox, next try in {Delay}")]
    public static partial void UploadDeferred(ILogger logger, int pending, TimeSpan delay);

    [LoggerMessage(EventId = 23, Level = LogLevel.Information, Message = "Paired as till {TillId} of store {StoreId}; clock skew {Skew}")]
    public static partial void Paired(ILogger logger, string tillId, string storeId, TimeSpan skew);

    [LoggerMessage(EventId = 24, Level = LogLevel.Information, Message = "Shift {ShiftId} close sent to the connector: {Status}")]
    public static partial void ShiftClosingSent(ILogger logger, string shiftId, PosBridge.Till.Sync.ShiftClosingStatus status);

    [LoggerMessage(EventId = 25, Level = LogLevel.Warning, Message = "Shift {ShiftId} close refused by the connector ({Status}): {Reason}")]
    public static partial void ShiftClosingRejected(ILogger logger, string shiftId, PosBridge.Till.Sync.ShiftClosingStatus status, string reason);

    [LoggerMessage(EventId = 26, Level = LogLevel.Information, Message = "Catalog pulled: {Pages} pages, {Products} products, {Removed} removed, {PaymentMethods} payment methods, {LoyaltyPrograms} loyalty programs, {LoyaltyCards} loyalty cards, {RemovedLoyaltyCards} cards removed")]
    public static partial void CatalogPulled(ILogger logger, int pages, int products, int removed, int paymentMethods, int loyaltyPrograms, int loyaltyCards, int removedLoyaltyCards);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "This till's database was restored ({Reason}): it numbers in a new epoch from now on, the shift the backup left open was ended (open a new one), and the fiscal chains continue where the till had reached")]
    public static partial void DatabaseRestoredOnOpen(ILogger logger, string reason);

    [LoggerMessage(EventId = 28, Level = LogLevel.Warning, Message = "This till's database is older than what it sent ({Reason}): restored from a backup or reinstalled. Numbering moves from epoch {From} to {To}; the shift it had open ({EndedShift}) was ended without sending its close again")]
    public static partial void NumberingRestored(ILogger logger, string reason, int from, int to, string endedShift);

    [LoggerMessage(EventId = 29, Level = LogLevel.Information, Message = "Catalog pull: page {Page} of {Pages}")]
    public static partial void CatalogPullProgress(ILogger logger, int page, int pages);

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Catalog pull: page {Page}, more to come")]
    public static partial void CatalogPullProgressUncounted(ILogger logger, int page);

    [LoggerMessage(EventId = 27, Level = LogLevel.Warning, Message = "Catalog page after cursor {Cursor} refused, nothing of it applied: {Problems}")]
    public static partial void CatalogPageRefused(ILogger logger, string cursor, string problems);
}
