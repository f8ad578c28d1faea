using System.Net;
using Polly;
using Polly.CircuitBreaker;

namespace PosBridge.Till.Sync;

/// <summary>Where the connector client's circuit breaker stands.</summary>
public enum ConnectorCircuitState
{
    /// <summary>Requests go through.</summary>
    Closed,

    /// <summary>The connector kept failing: requests are refused on the till, without touching the network, until the break ends.</summary>
    Open,

    /// <summary>The break is over: the next request is a probe; its outcome closes or reopens the circuit.</summary>
    HalfOpen,

    /// <summary>Held open by hand.</summary>
    Isolated,
}

/// <summary>When the connector client stops calling a connector that keeps failing, and for how long.</summary>
public sealed class ConnectorCircuitOptions
{
    /// <summary>Share of failed calls in <see cref="SamplingDuration"/> that opens the circuit (0–1].</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Calls needed in the window before the ratio counts (at least 2).</summary>
    public int MinimumThroughput { get; set; } = 4;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long the circuit stays open before one probe is let through.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// A Polly circuit breaker around every call to the connector. Why on top of the uploader's backoff: pairing,
/// status, uploads and shift closes share one connector, and several loops (the screen's sync, a manual
/// "sync now") may call it; the breaker makes all of them stop at once when it is down, and lets one probe
/// find out when it is back.
/// </summary>
internal sealed class ConnectorCircuit
{
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public ConnectorCircuit(ConnectorCircuitOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                StateProvider = _state,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException } => true,
                    // A timeout counts; the caller giving up does not.
                    { Exception: OperationCanceledException } => !args.Context.CancellationToken.IsCancellationRequested,
                    { Result: { } response } => IsTransient(response.StatusCode),
                    _ => false,
                }),
            })
            .Build();
    }

    public ConnectorCircuitState State => _state.CircuitState switch
    {
        CircuitState.Open => ConnectorCircuitState.Open,
        CircuitState.HalfOpen => ConnectorCircuitState.HalfOpen,
        CircuitState.Isolated => ConnectorCircuitState.Isolated,
        _ => ConnectorCircuitState.Closed,
    };

    /// <summary>Answers a status the connector gives when it cannot take the request now: worth retrying later.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;

    /// <exception cref="BrokenCircuitException">The circuit is open: nothing was sent.</exception>
    public ValueTask<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(
            static async (state, token) => await state.http.SendAsync(state.request, token).ConfigureAwait(false),
            (http, request),
            cancellationToken);
}
