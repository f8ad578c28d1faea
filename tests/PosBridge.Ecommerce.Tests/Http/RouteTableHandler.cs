using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace PosBridge.Ecommerce.Tests.Http;

/// <summary>
/// A fake HTTP server: a table of (method, path pattern) routes. A request no route expects fails the test
/// loudly: it throws, and is also kept in <see cref="Unexpected"/> in case a caller swallowed the throw.
/// </summary>
public sealed class RouteTableHandler : HttpMessageHandler
{
    private readonly List<(HttpMethod Method, Regex Path, Func<HttpRequestMessage, Match, Task<HttpResponseMessage>> Answer)> _routes = [];
    private readonly List<string> _unexpected = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<string> Unexpected
    {
        get
        {
            lock (_lock)
            {
                return [.. _unexpected];
            }
        }
    }

    public RouteTableHandler Map(HttpMethod method, string pathPattern, Func<HttpRequestMessage, Match, Task<HttpResponseMessage>> answer)
    {
        _routes.Add((method, new Regex("^" + pathPattern + "$", RegexOptions.CultureInvariant), answer));
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        foreach (var (method, pattern, answer) in _routes)
        {
            if (method == request.Method && pattern.Match(path) is { Success: true } match)
            {
                // As a real handler does: Refit reads the request back from the response when it reports an error.
                var response = await answer(request, match).ConfigureAwait(false);
                response.RequestMessage ??= request;
                return response;
            }
        }

        var description = $"{request.Method} {request.RequestUri}";
        lock (_lock)
        {
            _unexpected.Add(description);
        }

        throw new UnexpectedRequestException($"The fake server has no route for {description}.");
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}

/// <summary>A request the fake did not expect, or one that breaks the protocol: a bug in the adapter.</summary>
public sealed class UnexpectedRequestException : Exception
{
    public UnexpectedRequestException()
    {
    }

    public UnexpectedRequestException(string message)
        : base(message)
    {
    }

    public UnexpectedRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
