using PosBridge.Core.Sales;

namespace PosBridge.Till.Payments;

/// <summary>What the till asks a payment provider for: an amount and the till's reference for it.</summary>
public sealed record TerminalRequest(PaymentKind Kind, decimal Amount, string Currency, string Reference);

public enum TerminalStatus
{
    Approved,
    Declined,
    Cancelled,
    TimedOut,
}

/// <summary>
/// The provider's answer: only what a receipt and a refund need. The contract has no field for a card
/// number, track data or PIN, so none can reach the till's storage or logs.
/// </summary>
public sealed record TerminalOutcome(
    TerminalStatus Status,
    string? ProviderReference = null,
    string? AuthorizationCode = null,
    string? Scheme = null,
    string? Last4 = null,
    string? Message = null);

/// <summary>
/// A card or wallet payment provider (its SDK in the app, or an app-to-app call to its payment app).
/// The certified kernel behind it reads the card; the till sees only the outcome.
/// </summary>
public interface IPaymentTerminal
{
    /// <summary>Takes a payment. Cancelling <paramref name="cancellationToken"/> asks the provider to abort.</summary>
    Task<TerminalOutcome> PayAsync(TerminalRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gives money back for an earlier payment, by the provider's reference.</summary>
    Task<TerminalOutcome> RefundAsync(string providerReference, TerminalRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels an approved payment of a sale that was never completed (a voided cart), by the provider's
    /// reference. Providers that distinguish a void (reversal before settlement) from a refund implement
    /// it; for the others a void is a refund of the whole amount.
    /// </summary>
    Task<TerminalOutcome> VoidAsync(string providerReference, TerminalRequest request, CancellationToken cancellationToken = default) =>
        RefundAsync(providerReference, request, cancellationToken);

    /// <summary>
    /// What became of a request the till sent under its own <see cref="TerminalRequest.Reference"/> and whose answer it
    /// lost (it was killed while waiting): <see cref="TerminalStatus.Approved"/> (with the provider's reference) when the
    /// provider carried it out, any other status when it did not (or never received it), and null when this provider
    /// cannot look requests up by the merchant's reference; the till then asks a manager to check the provider's portal.
    /// </summary>
    Task<TerminalOutcome?> FindAsync(string tillReference, CancellationToken cancellationToken = default) =>
        Task.FromResult<TerminalOutcome?>(null);

    /// <summary>
    /// Whether the provider can be reached now, as its SDK or payment app reports it. Card, wallet and QR are offered
    /// while it can: the provider has its own network (a terminal's SIM, the phone's data), so the back-office PC and
    /// the connector being off does not stop them.
    /// </summary>
    bool IsReachable { get; }
}

/// <summary>Whether the till can reach the network now (the device's connectivity API on a phone).</summary>
public interface INetworkStatus
{
    bool IsOnline { get; }
}
