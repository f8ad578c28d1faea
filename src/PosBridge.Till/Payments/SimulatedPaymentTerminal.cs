using System.Collections.Concurrent;
using System.Globalization;
using PosBridge.Core.Sales;

namespace PosBridge.Till.Payments;

/// <summary>How the simulated provider answers the next request.</summary>
public enum SimulatedAnswer
{
    Approve,
    Decline,

    /// <summary>The provider gives up and reports a time-out.</summary>
    TimeOut,

    /// <summary>No answer until the till cancels (the customer walks away): then Cancelled.</summary>
    WaitForCancel,
}

/// <summary>
/// A payment provider for the desktop till, demos and tests. It "reads" <see cref="CardNumber"/> the way a
/// certified kernel would and, like one, hands the till only the scheme and last four digits.
/// </summary>
public sealed class SimulatedPaymentTerminal : IPaymentTerminal
{
    private readonly Queue<SimulatedAnswer> _script = new();
    private readonly ConcurrentDictionary<string, TerminalOutcome> _answered = new(StringComparer.Ordinal);
    private int _counter;

    /// <summary>
    /// The card the simulated customer presents, when a test needs a whole number to flow up to the
    /// terminal boundary; unset, the card is a Visa ending 4242 and no card number exists in the till at all.
    /// </summary>
    public string? CardNumber { get; set; }

    /// <summary>Whether the simulated provider's network answers (tests and the desktop till switch it).</summary>
    public bool IsReachable { get; set; } = true;

    /// <summary>The answer when nothing is scripted.</summary>
    public SimulatedAnswer DefaultAnswer { get; set; } = SimulatedAnswer.Approve;

    public IList<TerminalRequest> Requests { get; } = [];

    /// <summary>Each refund or void asked for: which operation, the original's provider reference, and the request.</summary>
    public IList<(string Operation, string ProviderReference, TerminalRequest Request)> Reversals { get; } = [];

    /// <summary>False: the provider cannot look requests up by the till's reference (<see cref="FindAsync"/> answers null).</summary>
    public bool CanFind { get; set; } = true;

    public void Script(params SimulatedAnswer[] answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        foreach (var answer in answers)
        {
            _script.Enqueue(answer);
        }
    }

    public Task<TerminalOutcome> PayAsync(TerminalRequest request, CancellationToken cancellationToken = default) => AnswerAsync(request, cancellationToken);

    public Task<TerminalOutcome> RefundAsync(string providerReference, TerminalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(providerReference);
        Reversals.Add(("refund", providerReference, request));
        return AnswerAsync(request, cancellationToken);
    }

    public Task<TerminalOutcome> VoidAsync(string providerReference, TerminalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(providerReference);
        Reversals.Add(("void", providerReference, request));
        return AnswerAsync(request, cancellationToken);
    }

    public Task<TerminalOutcome?> FindAsync(string tillReference, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tillReference);
        if (!CanFind)
        {
            return Task.FromResult<TerminalOutcome?>(null);
        }

        return Task.FromResult<TerminalOutcome?>(_answered.TryGetValue(tillReference, out var outcome)
            ? outcome
            : new TerminalOutcome(TerminalStatus.Declined, Message: "No request with this reference reached the provider (simulated)."));
    }

    private async Task<TerminalOutcome> AnswerAsync(TerminalRequest request, CancellationToken cancellationToken)
    {
        var outcome = await DecideAsync(request, cancellationToken).ConfigureAwait(false);
        _answered[request.Reference] = outcome;
        return outcome;
    }

    private async Task<TerminalOutcome> DecideAsync(TerminalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Requests.Add(request);
        var answer = _script.Count > 0 ? _script.Dequeue() : DefaultAnswer;
        switch (answer)
        {
            case SimulatedAnswer.Approve:
                var n = Interlocked.Increment(ref _counter);
                return new TerminalOutcome(
                    TerminalStatus.Approved,
                    ProviderReference: string.Create(CultureInfo.InvariantCulture, $"SIM-{n:D8}"),
                    AuthorizationCode: string.Create(CultureInfo.InvariantCulture, $"A{n:D5}"),
                    Scheme: request.Kind == PaymentKind.Wallet ? "wallet" : CardNumber is null ? "visa" : Scheme(CardNumber),
                    Last4: CardNumber is null ? "4242" : CardNumber[^4..]);
            case SimulatedAnswer.Decline:
                return new TerminalOutcome(TerminalStatus.Declined, Message: "Declined by issuer (simulated).");
            case SimulatedAnswer.TimeOut:
                return new TerminalOutcome(TerminalStatus.TimedOut, Message: "The payment provider did not answer in time (simulated).");
            default:
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }

                return new TerminalOutcome(TerminalStatus.Cancelled, Message: "Cancelled at the till.");
        }
    }

    private static string Scheme(string pan) => pan[0] switch
    {
        '4' => "visa",
        '5' or '2' => "mastercard",
        _ => "card",
    };
}

/// <summary>A network switch for tests and the desktop till.</summary>
public sealed class ManualNetworkStatus : INetworkStatus
{
    public bool IsOnline { get; set; } = true;
}
