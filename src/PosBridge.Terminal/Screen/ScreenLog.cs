using Microsoft.Extensions.Logging;

namespace PosBridge.Terminal;

/// <summary>The cashier screen's log messages (event ids 100–199). Never pass PINs or card data.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Cashier screen on {Urls}; till database {Database}")]
    public static partial void ScreenStarted(ILogger logger, string urls, string database);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Cart in progress restored: {Lines} lines, {Payments} payments")]
    public static partial void CartRestored(ILogger logger, int lines, int payments);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "The cart in progress had been committed as sale {SaleNumber} before the till stopped; not selling it again")]
    public static partial void CartFoundCommitted(ILogger logger, string saleNumber);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "A saved cart line's product {ProductId} is no longer in the catalog; line dropped")]
    public static partial void CartLineDropped(ILogger logger, string productId);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Manager {ManagerId} overrode the price of {ProductId} to {Price}")]
    public static partial void PriceOverridden(ILogger logger, string managerId, string productId, decimal price);

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Connector reachable: {Reachable}")]
    public static partial void ConnectorReachable(ILogger logger, bool reachable);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "The connector refused the till: {Reason}")]
    public static partial void SyncRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 120, Level = LogLevel.Warning, Message = "Screen login refused from {Remote}")]
    public static partial void LoginRefused(ILogger logger, string remote);

    [LoggerMessage(EventId = 130, Level = LogLevel.Information, Message = "A refund left open when the till stopped was settled at start: {Status}: {Message}")]
    public static partial void RefundSettledAtStart(ILogger logger, PosBridge.Till.Refunds.RefundStatus status, string message);

    [LoggerMessage(EventId = 131, Level = LogLevel.Warning, Message = "Refunds left open when the till stopped could not be settled at start ({Reason}); they are tried again before the same sale is refunded and at the next start")]
    public static partial void RefundSettlingFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 132, Level = LogLevel.Warning, Message = "{Count} refunds were paid back (or may have been) but could not be recorded: a manager must look at them")]
    public static partial void RefundsWaitForManager(ILogger logger, int count);

    [LoggerMessage(EventId = 140, Level = LogLevel.Information, Message = "Customer {CustomerId} attached to the cart")]
    public static partial void CustomerAttached(ILogger logger, string customerId);

    [LoggerMessage(EventId = 141, Level = LogLevel.Information, Message = "Reward {RewardId} applied for {Points} points")]
    public static partial void RewardApplied(ILogger logger, string rewardId, decimal points);

    [LoggerMessage(EventId = 142, Level = LogLevel.Warning, Message = "Reward {RewardId} taken off the cart: {Reason}")]
    public static partial void RewardDropped(ILogger logger, string rewardId, string reason);

    [LoggerMessage(EventId = 143, Level = LogLevel.Information, Message = "Promotion code {Code} applied: program {ProgramId}, reward {RewardId}")]
    public static partial void PromotionApplied(ILogger logger, string code, string programId, string rewardId);

    [LoggerMessage(EventId = 144, Level = LogLevel.Warning, Message = "Promotion code {Code} taken off the cart: {Reason}")]
    public static partial void PromotionDropped(ILogger logger, string code, string reason);
}
