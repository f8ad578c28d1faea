using Microsoft.Extensions.Logging;

namespace PosBridge.Erp.Odoo;

/// <summary>Every log line of the Odoo adapter, with stable event ids. Never a password, API key or card data.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Connected to Odoo at {Url}, database {Database}: version {Version}, uid {Uid}")]
    public static partial void OdooConnected(ILogger logger, Uri? url, string database, string version, long uid);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Debug, Message = "Odoo call {Call} failed ({Reason}); retry {Attempt} in {Delay}")]
    public static partial void OdooRetry(ILogger logger, string call, int attempt, TimeSpan delay, string reason);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Odoo session expired during {Model}.{Method}; logging in again")]
    public static partial void OdooSessionExpired(ILogger logger, string model, string method);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "Opened pos.session {SessionId} on pos.config {ConfigId} for {Tag}")]
    public static partial void SessionOpened(ILogger logger, long sessionId, long configId, string tag);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Warning, Message = "Till {TillId} began shift {ShiftId} while pos.session {SessionId} ({Notes}) was still open; closing it with the cash Odoo expects")]
    public static partial void ClosingPreviousShift(ILogger logger, string notes, long sessionId, string tillId, string shiftId);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Warning, Message = "A late sale of till {TillId} shift {ShiftId}: its pos.session {ClosedSessionId} is closed, so it goes into pos.session {SessionId}")]
    public static partial void LateSaleSession(ILogger logger, string tillId, string shiftId, long closedSessionId, long sessionId);

    [LoggerMessage(EventId = 6013, Level = LogLevel.Warning, Message = "pos.session {SessionId} ({Tag}) has no cash register (its pos.config has no cash payment method): the till's counted cash {Counted} and its float are not booked in Odoo")]
    public static partial void NoCashRegister(ILogger logger, long sessionId, string tag, decimal counted);

    [LoggerMessage(EventId = 6014, Level = LogLevel.Information, Message = "Odoo took a batch of {Count} sales in {Elapsed}: {Done} delivered, {Duplicates} already there, {Rejected} rejected, {Waiting} to try again")]
    public static partial void BatchDelivered(ILogger logger, int count, TimeSpan elapsed, int done, int duplicates, int rejected, int waiting);

    [LoggerMessage(EventId = 6015, Level = LogLevel.Warning, Message = "Odoo is not answering ({Reason}); {Count} sales wait and are sent again later, nothing is lost or doubled")]
    public static partial void OdooDown(ILogger logger, string reason, int count);

    [LoggerMessage(EventId = 6016, Level = LogLevel.Debug, Message = "Odoo delivery failure in detail")]
    public static partial void OdooDownDetail(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6020, Level = LogLevel.Warning, Message = "Odoo refused a batch of {Count} orders ({Reason}); splitting it to find the order at fault")]
    public static partial void BatchSplit(ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 6030, Level = LogLevel.Information, Message = "Invoice {Name} ({Reference}) posted and paid for {SaleCount} sales")]
    public static partial void InvoicePosted(ILogger logger, string name, string reference, int saleCount);

    [LoggerMessage(EventId = 6031, Level = LogLevel.Information, Message = "Making daily summary {Reference} of {SaleCount} sales")]
    public static partial void SummaryCreating(ILogger logger, string reference, int saleCount);

    [LoggerMessage(EventId = 6040, Level = LogLevel.Information, Message = "Loyalty card {CardId}: {Before} → {After} points for sale {SaleId}")]
    public static partial void LoyaltyApplied(ILogger logger, long cardId, decimal before, decimal after, Guid saleId);
}
