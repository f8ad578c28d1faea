namespace PosBridge.Connector.Hosting;

/// <summary>The connector's log messages, with stable event ids. Never log credentials, keys or card data.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Adapter {Adapter} failed on a batch of {Count} sales; they will be retried: {Error}")]
    public static partial void AdapterFailed(ILogger logger, string adapter, int count, string error);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Adapter {Adapter} rejected sale {SaleNumber}; dead-lettered: {Reason}")]
    public static partial void SaleDeadLettered(ILogger logger, string adapter, string saleNumber, string reason);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Till {TillId} uploaded {Count} sales: {Accepted} accepted, {Duplicates} duplicate, {Rejected} rejected, {Conflicts} conflicting")]
    public static partial void Uploaded(ILogger logger, string tillId, int count, int accepted, int duplicates, int rejected, int conflicts);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Refused a request to {Path}: {ProblemType}")]
    public static partial void Refused(ILogger logger, string path, string problemType);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Ledger {Ledger} could not write business day {Day}; it is tried again on the next run: {Error}")]
    public static partial void LedgerDayFailed(ILogger logger, string ledger, string day, string error);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Database {Path} is at schema version {Version}")]
    public static partial void DatabaseReady(ILogger logger, string path, int version);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Closing shift {ShiftId} of till {TillId} in {Adapter} failed (attempt {Attempt}); tried again after the next delivery: {Error}")]
    public static partial void ShiftCloseFailed(ILogger logger, string adapter, string tillId, string shiftId, int attempt, string error);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Till {TillId} closed shift {ShiftId}: {Receipt}")]
    public static partial void ShiftClosingReceived(ILogger logger, string tillId, string shiftId, Shifts.ShiftClosingReceipt receipt);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Till {TillId} was restored from a backup or reinstalled: it continues after numbering epoch {After} in epoch {Epoch}")]
    public static partial void NumberingEpochIssued(ILogger logger, string tillId, int after, int epoch);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "The dashboard is off: {Problems}")]
    public static partial void DashboardOff(ILogger logger, string problems);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Refused a dashboard request to {Path}: {ProblemType}")]
    public static partial void DashboardRefused(ILogger logger, string path, string problemType);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "Wrong dashboard password from {Client}")]
    public static partial void DashboardLoginRefused(ILogger logger, string client);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "Dashboard action {Action} on {Subject} from {Client}")]
    public static partial void DashboardAction(ILogger logger, string action, string subject, string client);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Warning, Message = "Dashboard account {Account} is locked until {Until} after repeated failed logins (last from {Client}); an owner unlocks it with 'posbridge accounts unlock --name {Account}'")]
    public static partial void DashboardAccountLocked(ILogger logger, string account, DateTimeOffset until, string client);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Warning, Message = "PosBridge:Dashboard:Password became the dashboard account '{Account}' (role owner). The setting is no longer used to sign in: sign in as '{Account}' with the same password, set up an authenticator app, then remove the setting")]
    public static partial void DashboardPasswordMigrated(ILogger logger, string account);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Information, Message = "PosBridge:Dashboard:Password is set but no longer used to sign in: the dashboard has accounts (posbridge accounts list). Remove the setting")]
    public static partial void DashboardPasswordUnused(ILogger logger);

    [LoggerMessage(EventId = 6013, Level = LogLevel.Warning, Message = "The dashboard has no accounts: create the first owner with 'posbridge accounts add --name NAME --role owner'")]
    public static partial void DashboardNoAccounts(ILogger logger);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "Till {TillId} asked for receipt {SaleNumber} by {Channel}: {Receipt}")]
    public static partial void ReceiptRequestReceived(ILogger logger, string tillId, string saleNumber, string channel, Receipts.ReceiptRequestReceipt receipt);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Information, Message = "Sent receipt {SaleNumber} of till {TillId} by {Channel}")]
    public static partial void ReceiptMessageSent(ILogger logger, string channel, string saleNumber, string tillId);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Warning, Message = "Receipt {SaleNumber} by {Channel} not sent (attempt {Attempt}); tried again in {Delay}: {Error}")]
    public static partial void ReceiptMessageRetry(ILogger logger, string channel, string saleNumber, int attempt, TimeSpan delay, string error);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Error, Message = "Receipt {SaleNumber} by {Channel} given up after attempt {Attempt}: {Error}")]
    public static partial void ReceiptMessageFailed(ILogger logger, string channel, string saleNumber, int attempt, string error);

    [LoggerMessage(EventId = 5205, Level = LogLevel.Warning, Message = "{Count} receipt message(s) were being sent when the connector stopped; marked uncertain and not sent again")]
    public static partial void ReceiptMessagesInterrupted(ILogger logger, int count);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Store {StoreId} takes its catalog from {Source}")]
    public static partial void StoreCatalogSource(ILogger logger, string storeId, string source);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "No catalog source is configured: paired tills get no products or payment methods and feeds stay empty. Set PosBridge:Stores:STORE:Catalog (Source File with a product file) or configure Odoo")]
    public static partial void NoCatalogSource(ILogger logger);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "The catalog pull failed; tills keep the last good catalog: {Error}")]
    public static partial void CatalogPullFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "ZATCA answered invoice {Uuid} of till {TillId}: {State} ({Warnings} warnings, {Errors} errors)")]
    public static partial void ZatcaAnswered(ILogger logger, Guid uuid, string tillId, string state, int warnings, int errors);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Warning, Message = "ZATCA reporting of invoice {Uuid} will be retried: {Reason}")]
    public static partial void ZatcaRetrying(ILogger logger, Guid uuid, string reason);

    [LoggerMessage(EventId = 5303, Level = LogLevel.Error, Message = "ZATCA reporting stopped for invoice {Uuid} of till {TillId}: {Reason}")]
    public static partial void ZatcaStopped(ILogger logger, Guid uuid, string tillId, string reason);

    [LoggerMessage(EventId = 5320, Level = LogLevel.Information, Message = "The ETA validated receipt {Uuid} of till {TillId}: {Status} ({Errors} errors)")]
    public static partial void EtaValidated(ILogger logger, Guid uuid, string tillId, PosBridge.Connector.Fiscal.EtaValidationStatus status, int errors);

    [LoggerMessage(EventId = 5321, Level = LogLevel.Warning, Message = "The ETA's validation of submission {SubmissionUuid} will be asked again: {Reason}")]
    public static partial void EtaValidationRetrying(ILogger logger, string submissionUuid, string reason);

    [LoggerMessage(EventId = 5304, Level = LogLevel.Information, Message = "Till {TillId} onboarding with ZATCA: {Step}")]
    public static partial void ZatcaOnboarding(ILogger logger, string tillId, string step);

    [LoggerMessage(EventId = 5401, Level = LogLevel.Information, Message = "TLS certificate {Path} in use, valid until {NotAfter:yyyy-MM-dd}")]
    public static partial void CertificateLoaded(ILogger logger, string path, DateTime notAfter);

    [LoggerMessage(EventId = 5402, Level = LogLevel.Warning, Message = "TLS certificate {Path} changed but could not be read ({Reason}); the previous one stays in use")]
    public static partial void CertificateNotReloaded(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 5310, Level = LogLevel.Information, Message = "ZATCA clearance of invoice {Uuid} of till {TillId}: {State} ({Warnings} warnings, {Errors} errors)")]
    public static partial void ZatcaClearanceAnswered(ILogger logger, Guid uuid, string tillId, PosBridge.Connector.Fiscal.ZatcaClearanceState state, int warnings, int errors);

    [LoggerMessage(EventId = 5501, Level = LogLevel.Warning, Message = "Back office {Adapter} set-up, {Severity}: {Finding}")]
    public static partial void SetupFinding(ILogger logger, string adapter, string severity, string finding);

    [LoggerMessage(EventId = 5502, Level = LogLevel.Warning, Message = "Back office {Adapter} set-up could not be checked; checked again later: {Reason}")]
    public static partial void SetupUnchecked(ILogger logger, string adapter, string reason);
}
