using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace PosBridge.Erp.Odoo.Emulator;

/// <summary>A call the emulator served, for tests to inspect.</summary>
public sealed record RecordedCall(string Model, string Method, JObject Context, JToken? Arguments);

/// <summary>
/// An Odoo server on loopback, as far as PosBridge uses one: <c>/jsonrpc</c> (common and object services) for
/// 16, 17 and 18, plus JSON-2 for 19; in-memory models with Odoo's domains, false-for-unset values and
/// many2one pairs; the POS flow (sessions, <c>create_from_ui</c>/<c>sync_from_ui</c>, closing); the traps of the
/// reference (totals stored as sent, an underpaid order saved as draft with no error); and injected faults.
/// Anything it does not implement is answered loudly with the error Odoo would give.
/// </summary>
public sealed partial class OdooEmulator : IAsyncDisposable
{
    public const string Database = "posbridge";
    public const string Login = "admin";
    public const string Password = "admin";
    public const string ApiKey = "0123456789abcdef0123456789abcdef01234567";
    private const long AdminUid = 2;

    private readonly object _gate = new();
    private readonly List<Fault> _faults = [];
    private readonly List<RecordedCall> _calls = [];
    private readonly List<string> _disagreements = [];
    private WebApplication? _app;

    private OdooEmulator(int version)
    {
        Version = version;
        Seed.Define(Store, version);
        Store.AfterCreate = AfterCreate;
        Seed.Populate(Store, version);
    }

    public int Version { get; }

    public Uri Url { get; private set; } = null!;

    public Store Store { get; } = new();

    /// <summary>Delay added to every call, as a slow server or network would.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>
    /// Whether the server has wkhtmltopdf. Without it Odoo 17+ refuses an invoiced POS order, because invoicing
    /// renders the invoice's PDF (unless the call's context says <c>generate_pdf: false</c>).
    /// </summary>
    public bool HasWkhtmltopdf { get; set; } = true;

    /// <summary>Every call served, in order.</summary>
    public IReadOnlyList<RecordedCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Lines whose sent totals differ from what Odoo computes for them (the server stores them anyway).</summary>
    public IReadOnlyList<string> TotalsDisagreements
    {
        get
        {
            lock (_gate)
            {
                return [.. _disagreements];
            }
        }
    }

    public static async Task<OdooEmulator> StartAsync(int version = 17)
    {
        if (version is < 16 or > 19)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "The emulator knows Odoo 16 to 19.");
        }

        var emulator = new OdooEmulator(version);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (!context.Response.HasStarted)
            {
                // A bug in the emulator or a call it cannot parse: say so loudly, as a crash of the server would.
                context.Response.StatusCode = 500;
                await context.Response.WriteAsync("Emulator failure: " + ex).ConfigureAwait(false);
            }
        });
        app.MapPost("/jsonrpc", emulator.JsonRpcAsync);
        app.MapPost("/json/2/{model}/{method}", emulator.Json2Async);
        app.MapGet("/web/version", emulator.WebVersion);
        app.MapFallback(context =>
        {
            context.Response.StatusCode = 404;
            return context.Response.WriteAsync("404: Not Found");
        });
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        emulator.Url = new Uri(address);
        emulator._app = app;
        return emulator;
    }

    // Rights the API user lacks, as (model, operation): check_access_rights answers false, as Odoo does for a user
    // without the group.
    private readonly HashSet<(string Model, string Operation)> _denied = [];

    /// <summary>Takes a right from the API user, as a user made without the group that gives it.</summary>
    public void Deny(string model, string operation) => Read(_ => _denied.Add((model, operation)));

    /// <summary>Queues a fault; faults are used in the order they were added.</summary>
    public void Inject(Fault fault)
    {
        lock (_gate)
        {
            _faults.Add(fault);
        }
    }

    /// <summary>Drops every fault not yet used: the server is healthy again.</summary>
    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>Runs <paramref name="action"/> on the data under the server's lock (for arranging and asserting).</summary>
    public T Read<T>(Func<Store, T> action)
    {
        lock (_gate)
        {
            return action(Store);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private JObject VersionInfo() => new()
    {
        ["server_version"] = Version.ToString(CultureInfo.InvariantCulture) + ".0",
        ["server_version_info"] = new JArray(Version, 0, 0, "final", 0, ""),
        ["server_serie"] = Version.ToString(CultureInfo.InvariantCulture) + ".0",
        ["protocol_version"] = 1,
    };

    private IResult WebVersion() =>
        Version >= 19 ? Results.Text(VersionInfo().ToString(Formatting.None), "application/json") : Results.NotFound();

    private async Task JsonRpcAsync(HttpContext http)
    {
        JObject request;
        try
        {
            request = await ReadBodyAsync(http).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            http.Response.StatusCode = 400;
            await http.Response.WriteAsync("<html><body>Bad Request: the body is not JSON</body></html>").ConfigureAwait(false);
            return;
        }

        var id = request["id"];
        var parameters = request["params"] as JObject ?? throw new InvalidOperationException("JSON-RPC request without params");
        var service = parameters["service"]?.Value<string>();
        var method = parameters["method"]?.Value<string>();
        var args = parameters["args"] as JArray ?? [];
        var what = service == "object" && args.Count >= 5 ? $"{args[3]}.{args[4]}" : $"{service}.{method}";

        if (await ApplyFaultAsync(http, what, id).ConfigureAwait(false) is not null)
        {
            // The call runs and commits; only its answer is lost.
            _ = Serve(service, method, args);
            http.Response.StatusCode = 502;
            await http.Response.WriteAsync("<html><body>502 Bad Gateway</body></html>").ConfigureAwait(false);
            return;
        }

        if (http.Response.HasStarted)
        {
            return;
        }

        JObject answer;
        try
        {
            var result = Serve(service, method, args);
            answer = new JObject { ["jsonrpc"] = "2.0", ["id"] = id };
            if (result is not null)
            {
                answer["result"] = result;
            }
        }
        catch (OdooFault fault)
        {
            answer = ErrorEnvelope(id, fault.Name, fault.Message);
        }

        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(answer.ToString(Formatting.None)).ConfigureAwait(false);
    }

    private async Task Json2Async(HttpContext http, string model, string method)
    {
        if (Version < 19)
        {
            http.Response.StatusCode = 404;
            await http.Response.WriteAsync("404: Not Found").ConfigureAwait(false);
            return;
        }

        var auth = http.Request.Headers.Authorization.ToString();
        if (!string.Equals(auth, "bearer " + ApiKey, StringComparison.OrdinalIgnoreCase))
        {
            await Json2ErrorAsync(http, 401, "odoo.exceptions.AccessDenied", "Access Denied").ConfigureAwait(false);
            return;
        }

        var body = await ReadBodyAsync(http).ConfigureAwait(false);

        if (await ApplyFaultAsync(http, $"{model}.{method}", null).ConfigureAwait(false) is not null)
        {
            _ = Execute(model, method, body);
            http.Response.StatusCode = 502;
            return;
        }

        if (http.Response.HasStarted)
        {
            return;
        }

        try
        {
            var result = Execute(model, method, body);
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync((result ?? JValue.CreateNull()).ToString(Formatting.None)).ConfigureAwait(false);
        }
        catch (OdooFault fault)
        {
            var status = fault.Name switch
            {
                "odoo.exceptions.AccessDenied" => 401,
                "odoo.exceptions.AccessError" => 403,
                "odoo.exceptions.MissingError" => 404,
                "odoo.exceptions.ConcurrencyError" => 409,
                "odoo.exceptions.UserError" or "odoo.exceptions.ValidationError" => 422,
                _ => 500,
            };
            await Json2ErrorAsync(http, status, fault.Name, fault.Message).ConfigureAwait(false);
        }
    }

    private static async Task<JObject> ReadBodyAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync().ConfigureAwait(false);
        using var json = new JsonTextReader(new StringReader(text)) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Decimal };
        return JObject.Load(json);
    }

    private static Task Json2ErrorAsync(HttpContext http, int status, string name, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(new JObject { ["name"] = name, ["message"] = message, ["arguments"] = new JArray(message), ["context"] = new JObject(), ["debug"] = "" }.ToString(Formatting.None));
    }

    /// <summary>Applies the next matching fault. Returns the fault when the call must run but its answer be lost.</summary>
    private async Task<Fault?> ApplyFaultAsync(HttpContext http, string what, JToken? id)
    {
        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency).ConfigureAwait(false);
        }

        Fault? fault;
        lock (_gate)
        {
            fault = _faults.FirstOrDefault(f => f.Method is null || f.Method == what);
            if (fault is not null)
            {
                _faults.Remove(fault);
                if (fault.Times > 1)
                {
                    _faults.Insert(0, fault with { Times = fault.Times - 1 });
                }
            }
        }

        switch (fault?.Kind)
        {
            case null:
                return null;
            case FaultKind.AnswerLost:
                return fault;
            case FaultKind.Slow:
                await Task.Delay(fault.Delay).ConfigureAwait(false);
                return null;
            case FaultKind.BadGateway:
                http.Response.StatusCode = 502;
                await http.Response.WriteAsync("<html><body>502 Bad Gateway</body></html>").ConfigureAwait(false);
                return null;
            case FaultKind.Concurrency:
                await WriteErrorAsync(http, id, Version >= 18 ? "odoo.exceptions.ConcurrencyError" : "psycopg2.errors.SerializationFailure", "could not serialize access due to concurrent update").ConfigureAwait(false);
                return null;
            case FaultKind.SessionExpired:
                await WriteErrorAsync(http, id, "odoo.http.SessionExpiredException", "Session expired").ConfigureAwait(false);
                return null;
            default:
                throw new InvalidOperationException($"Unknown fault {fault.Kind}");
        }
    }

    private async Task WriteErrorAsync(HttpContext http, JToken? id, string name, string message)
    {
        if (Version >= 19 && id is null)
        {
            await Json2ErrorAsync(http, name.Contains("Concurrency", StringComparison.Ordinal) || name.Contains("Serialization", StringComparison.Ordinal) ? 409 : 401, name, message).ConfigureAwait(false);
            return;
        }

        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(ErrorEnvelope(id, name, message).ToString(Formatting.None)).ConfigureAwait(false);
    }

    private JObject ErrorEnvelope(JToken? id, string name, string message) => new()
    {
        ["jsonrpc"] = "2.0",
        ["id"] = id,
        ["error"] = new JObject
        {
            // The code differs across versions (200 up to 18, 0 later; 100 for an expired session): clients must not read it.
            ["code"] = name == "odoo.http.SessionExpiredException" ? 100 : Version >= 19 ? 0 : 200,
            ["message"] = name == "odoo.http.SessionExpiredException" ? "Odoo Session Expired" : "Odoo Server Error",
            ["data"] = new JObject { ["name"] = name, ["debug"] = "Traceback (most recent call last):\n  (emulated)", ["message"] = message, ["arguments"] = new JArray(message), ["context"] = new JObject() },
        },
    };

    private JToken? Serve(string? service, string? method, JArray args)
    {
        switch (service, method)
        {
            case ("common", "version"):
                return VersionInfo();
            case ("common", "login"):
            case ("common", "authenticate"):
                CheckDatabase(args[0].Value<string>());
                return args[1].Value<string>() == Login && IsSecret(args[2].Value<string>()) ? AdminUid : false;
            case ("object", "execute_kw"):
                CheckDatabase(args[0].Value<string>());
                if (args[1].Type != JTokenType.Integer || args[1].Value<long>() != AdminUid || !IsSecret(args[2].Value<string>()))
                {
                    throw new OdooFault("odoo.exceptions.AccessDenied", "Access Denied");
                }

                var model = args[3].Value<string>()!;
                var name = args[4].Value<string>()!;
                var positional = args.Count > 5 ? (JArray)args[5] : [];
                var kwargs = args.Count > 6 ? (JObject)args[6] : [];
                return Execute(model, name, Named(model, name, positional, kwargs));
            default:
                throw new OdooFault("builtins.AttributeError", $"module 'odoo.service.{service}' has no attribute 'exp_{method}'");
        }
    }

    private static void CheckDatabase(string? database)
    {
        if (database != Database)
        {
            throw new OdooFault("psycopg2.OperationalError", $"connection to server failed: FATAL:  database \"{database}\" does not exist");
        }
    }

    private static bool IsSecret(string? secret) => secret == Password || secret == ApiKey;

    /// <summary>Maps <c>execute_kw</c>'s positional arguments onto the method's parameter names, as Python would.</summary>
    private JObject Named(string model, string method, JArray positional, JObject kwargs)
    {
        var (recordMethod, parameters) = Signature(model, method);
        var named = new JObject();
        var position = 0;
        if (recordMethod)
        {
            if (positional.Count == 0)
            {
                throw new OdooFault("builtins.TypeError", $"{model}.{method}() missing 1 required positional argument: 'ids'");
            }

            named["ids"] = positional[position++];
        }

        for (var i = 0; position < positional.Count; i++, position++)
        {
            if (i >= parameters.Length)
            {
                throw new OdooFault("builtins.TypeError", $"{method}() takes {parameters.Length + 1} positional arguments but {positional.Count + 1} were given");
            }

            named[parameters[i]] = positional[position];
        }

        foreach (var (key, value) in kwargs)
        {
            if (key != "context" && !parameters.Contains(key))
            {
                throw new OdooFault("builtins.TypeError", $"{model}.{method}() got an unexpected keyword argument '{key}'");
            }

            if (named.ContainsKey(key))
            {
                throw new OdooFault("builtins.TypeError", $"{method}() got multiple values for argument '{key}'");
            }

            named[key] = value;
        }

        return named;
    }

    /// <summary>Runs a model method with named arguments (JSON-2's shape; <c>/jsonrpc</c> calls are mapped to it).</summary>
    private JToken? Execute(string model, string method, JObject named)
    {
        var context = named["context"] as JObject ?? [];
        lock (_gate)
        {
            _calls.Add(new RecordedCall(model, method, (JObject)context.DeepClone(), named.DeepClone()));
            if (context["allowed_company_ids"] is JArray companies && companies.Any(c => c.Value<long>() != 1))
            {
                throw new OdooFault("odoo.exceptions.AccessError", $"Access to unauthorized or invalid companies.");
            }

            if (!Store.Has(model))
            {
                throw new OdooFault("builtins.KeyError", $"'{model}'");
            }

            return Store.Transaction(() => Dispatch(model, method, named, context));
        }
    }
}
