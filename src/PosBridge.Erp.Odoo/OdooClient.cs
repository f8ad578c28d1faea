using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;
using PosBridge.Erp.Odoo.Rpc;

namespace PosBridge.Erp.Odoo;

/// <summary>
/// One Odoo database as the adapter uses it: logs in once (uid cached), knows the server's version, sends
/// the context (<c>lang</c>, <c>tz</c>, <c>allowed_company_ids</c>) on every call, and runs every call through
/// a timeout, a retry for transient and concurrency failures only, a circuit breaker and a rate limiter.
/// Data and access errors are never retried: they surface as <see cref="OdooException"/> at once.
/// </summary>
public sealed class OdooClient : IAsyncDisposable
{
    private readonly IOdooTransport _transport;
    private readonly OdooConnectionOptions _options;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private readonly List<IDisposable> _limiters = [];
    private volatile Connection? _connection;

    public OdooClient(IOdooTransport transport, OdooConnectionOptions options, TimeProvider timeProvider, ILogger<OdooClient> logger)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _transport = transport;
        _options = options;
        _logger = logger;
        _pipeline = BuildPipeline(options, timeProvider);
    }

    /// <summary>The server's version; connects first if needed.</summary>
    public async Task<OdooServerVersion> GetVersionAsync(CancellationToken cancellationToken = default) =>
        (await ConnectAsync(cancellationToken).ConfigureAwait(false)).Version;

    /// <summary>The API user's id; connects first if needed.</summary>
    public async Task<long> GetUserIdAsync(CancellationToken cancellationToken = default) =>
        (await ConnectAsync(cancellationToken).ConfigureAwait(false)).Uid;

    /// <summary>Runs one call. Throws <see cref="OdooException"/> on any failure, after retries where they make sense.</summary>
    public async Task<JToken?> ExecuteAsync(OdooCall call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RunAsync(connection, call, cancellationToken).ConfigureAwait(false);
        }
        catch (OdooException ex) when (ex.Kind == OdooErrorKind.SessionExpired)
        {
            // Log in again once, then give the call one more go.
            Log.OdooSessionExpired(_logger, call.Model, call.Method);
            _connection = null;
            connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            return await RunAsync(connection, call, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary><c>search_read</c>: records matching <paramref name="domain"/>, with only <paramref name="fields"/>.</summary>
    public async Task<IReadOnlyList<JObject>> SearchReadAsync(string model, JArray domain, IReadOnlyList<string> fields, int? limit = null, int offset = 0, string? order = null, IReadOnlyDictionary<string, JToken?>? context = null, CancellationToken cancellationToken = default)
    {
        var arguments = new Dictionary<string, JToken?> { ["domain"] = domain, ["fields"] = new JArray(fields) };
        if (limit is not null)
        {
            arguments["limit"] = limit.Value;
        }

        if (offset != 0)
        {
            arguments["offset"] = offset;
        }

        if (order is not null)
        {
            arguments["order"] = order;
        }

        var result = await ExecuteAsync(new OdooCall(model, "search_read") { Arguments = arguments, Idempotent = true, ExtraContext = context ?? new Dictionary<string, JToken?>() }, cancellationToken).ConfigureAwait(false);
        return result is JArray rows ? [.. rows.OfType<JObject>()] : [];
    }

    /// <summary><c>create</c> with a list of value dicts; returns the new ids in the same order.</summary>
    public async Task<IReadOnlyList<long>> CreateAsync(string model, IReadOnlyList<JObject> values, CancellationToken cancellationToken = default)
    {
        var result = await ExecuteAsync(new OdooCall(model, "create") { Arguments = new Dictionary<string, JToken?> { ["vals_list"] = new JArray(values) }, ByPosition = true }, cancellationToken).ConfigureAwait(false);
        return result switch
        {
            JArray ids => [.. ids.Select(t => t.Value<long>())],
            JValue id when id.Type == JTokenType.Integer => [id.Value<long>()],
            _ => throw new OdooException(OdooErrorKind.ServerError, $"{model}.create answered {result} instead of ids."),
        };
    }

    /// <summary><c>write</c> on <paramref name="ids"/>.</summary>
    public Task WriteAsync(string model, IReadOnlyList<long> ids, JObject values, CancellationToken cancellationToken = default) =>
        ExecuteAsync(new OdooCall(model, "write") { Ids = ids, Arguments = new Dictionary<string, JToken?> { ["vals"] = values }, Idempotent = true, ByPosition = true }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _connectGate.Dispose();
        foreach (var limiter in _limiters)
        {
            if (limiter is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                limiter.Dispose();
            }
        }
    }

    private async Task<JToken?> RunAsync(Connection connection, OdooCall call, CancellationToken cancellationToken)
    {
        var context = new JObject(connection.Context);
        foreach (var (key, value) in call.ExtraContext)
        {
            context[key] = value ?? JValue.CreateNull();
        }

        var properties = ResilienceContextPool.Shared.Get(cancellationToken);
        properties.Properties.Set(CallKey, call);
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (ctx, state) => await state.Transport.ExecuteAsync(state.Uid, state.Call, state.Context, ctx.CancellationToken).ConfigureAwait(false),
                properties,
                (Transport: _transport, Uid: connection.Uid, Call: call, Context: context)).ConfigureAwait(false);
        }
        catch (Exception ex) when (Refused(ex, call.ToString()) is { } refused)
        {
            throw refused;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(properties);
        }
    }

    /// <summary>The resilience pipeline's refusals (circuit open, timeout, queue full) as the transport failures they are.</summary>
    private OdooException? Refused(Exception exception, string call) => exception switch
    {
        BrokenCircuitException ex => new OdooException(OdooErrorKind.Transport, $"Odoo has failed too often in a row; calls are paused for a while ({call}). Last failure: {ex.InnerException?.Message ?? ex.Message}", innerException: ex) { RetryAfter = ex.RetryAfter },
        TimeoutRejectedException ex => new OdooException(OdooErrorKind.Transport, $"Odoo did not answer {call} within {_options.CallTimeout.TotalSeconds:0} s.", innerException: ex),
        RateLimiterRejectedException ex => new OdooException(OdooErrorKind.Transport, $"Too many calls to Odoo are waiting; {call} was not sent.", innerException: ex) { RetryAfter = ex.RetryAfter },
        _ => null,
    };

    private async Task<Connection> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connection is { } ready)
        {
            return ready;
        }

        await _connectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is { } raced)
            {
                return raced;
            }

            OdooServerVersion version;
            long uid;
            try
            {
                (version, uid) = await _pipeline.ExecuteAsync(
                    async (state, ct) => (await state.VersionAsync(ct).ConfigureAwait(false), await state.AuthenticateAsync(ct).ConfigureAwait(false)),
                    _transport,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Refused(ex, $"the login to {_options.Url} ({_options.Database})") is { } refused)
            {
                throw refused;
            }

            if (version.Major < 16)
            {
                throw new OdooException(OdooErrorKind.ServerError, $"Odoo {version} is too old: PosBridge supports Odoo 16 and later.");
            }

            var context = new JObject { ["lang"] = _options.Language, ["tz"] = _options.TimeZone };
            if (_options.CompanyIds.Count > 0)
            {
                context["allowed_company_ids"] = new JArray(_options.CompanyIds);
            }

            Log.OdooConnected(_logger, _options.Url, _options.Database, version.Text, uid);
            var connection = new Connection(version, uid, context);
            _connection = connection;
            return connection;
        }
        finally
        {
            _connectGate.Release();
        }
    }

    private static readonly ResiliencePropertyKey<OdooCall> CallKey = new("posbridge.odoo.call");

    private ResiliencePipeline BuildPipeline(OdooConnectionOptions options, TimeProvider timeProvider)
    {
        var concurrency = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = options.MaxConcurrentCalls, QueueLimit = 10_000, QueueProcessingOrder = QueueProcessingOrder.OldestFirst });
        var rate = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.MaxCallsPerSecond,
            TokensPerPeriod = options.MaxCallsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 10_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
        _limiters.Add(concurrency);
        _limiters.Add(rate);

        static bool Transient(Outcome<object> outcome) => outcome.Exception is OdooException { IsTransient: true };

        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };

        // Polly wants at least one retry; MaxRetryAttempts 0 means no retry strategy at all.
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args =>
                {
                    if (args.Outcome.Exception is not OdooException { IsTransient: true } failure)
                    {
                        return ValueTask.FromResult(false);
                    }

                    // A lost answer to a write Odoo does not de-duplicate is left to the caller, who looks
                    // before sending again; a concurrency failure was rolled back, so it is always safe.
                    var call = args.Context.Properties.GetValue(CallKey, null!);
                    return ValueTask.FromResult(failure.Kind == OdooErrorKind.Concurrency || call is null || call.Idempotent);
                },
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is OdooException { RetryAfter: { } wait } ? (TimeSpan?)wait : null),
                OnRetry = args =>
                {
                    if (_logger.IsEnabled(LogLevel.Debug))
                    {
                        var what = args.Context.Properties.GetValue(CallKey, null!)?.ToString() ?? "login";
                        var reason = args.Outcome.Exception?.Message ?? "?";
                        Log.OdooRetry(_logger, what, args.AttemptNumber + 1, args.RetryDelay, reason);
                    }

                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = Math.Max(2, options.CircuitBreakerFailures),
                SamplingDuration = TimeSpan.FromSeconds(Math.Max(30, options.CircuitBreakDuration.TotalSeconds)),
                BreakDuration = options.CircuitBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(Transient(args.Outcome)),
            })
            .AddRateLimiter(new RateLimiterStrategyOptions { RateLimiter = args => rate.AcquireAsync(1, args.Context.CancellationToken) })
            .AddRateLimiter(concurrency)
            .AddTimeout(options.CallTimeout)
            .Build();
    }

    private sealed record Connection(OdooServerVersion Version, long Uid, JObject Context);
}
