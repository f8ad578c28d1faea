using Microsoft.Extensions.Logging;

namespace PosBridge.Terminal;

/// <summary>Log messages of printing and receipt requests (event ids 60–69).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 60, Level = LogLevel.Warning, Message = "Receipt request {RequestId} refused by the connector: {Reason}")]
    public static partial void ReceiptRequestRejected(ILogger logger, string requestId, string reason);

    [LoggerMessage(EventId = 61, Level = LogLevel.Information, Message = "Receipt {SaleNumber} printed: {Status} ({Message})")]
    public static partial void ReceiptPrinted(ILogger logger, string saleNumber, Printing.PrintStatus status, string message);

    [LoggerMessage(EventId = 62, Level = LogLevel.Information, Message = "Receipt {SaleNumber} queued for {Channel}")]
    public static partial void ReceiptQueued(ILogger logger, string saleNumber, string channel);
}
