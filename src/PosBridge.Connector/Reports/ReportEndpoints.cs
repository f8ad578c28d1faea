using PosBridge.Connector.Dashboard;
using PosBridge.Connector.Dashboard.Accounts;
using PosBridge.Connector.Stores;

namespace PosBridge.Connector.Reports;

/// <summary>Sent to the page so it knows whether a sale has been stored since its last report.</summary>
internal sealed record LiveView(long LastSale);

/// <summary>
/// The reports' JSON and downloads under <c>/dashboard/api/reports</c>, behind the dashboard's sign-in (mapped on
/// its signed-in group): <c>?store=&amp;period=&amp;from=&amp;to=</c> as <see cref="ReportRequest.Parse"/> reads them.
/// </summary>
internal static class ReportEndpoints
{
    public static void Map(RouteGroupBuilder signedIn)
    {
        ArgumentNullException.ThrowIfNull(signedIn);
        signedIn.MapGet("/reports", ReportAsync).AllowView();
        signedIn.MapGet("/reports/live", async (IReportQueries queries, CancellationToken cancellationToken) =>
            Results.Ok(new LiveView(await queries.LastSaleAsync(cancellationToken).ConfigureAwait(false)))).AllowView();
        signedIn.MapGet("/reports/tables/{file}", DownloadAsync).Allow(DashboardRole.Accountant, "download report tables");
    }

    private static async Task<IResult> ReportAsync(HttpContext http, IReportQueries queries, StoreDirectory stores, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var (request, problem) = Read(http, stores, timeProvider);
        return request is null ? problem! : Results.Ok(await queries.RunAsync(request, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<IResult> DownloadAsync(HttpContext http, string file, IReportQueries queries, StoreDirectory stores, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var dot = file.LastIndexOf('.');
        var name = dot > 0 ? file[..dot] : file;
        var format = dot > 0 ? file[(dot + 1)..] : string.Empty;
        if (!ReportTables.Names.Contains(name) || format is not ("csv" or "xlsx"))
        {
            return Invalid($"there is no report table '{(file.Length > 40 ? file[..40] + "…" : file)}'; ask for one of {string.Join(", ", ReportTables.Names)} as .csv or .xlsx.", StatusCodes.Status404NotFound);
        }

        var (request, problem) = Read(http, stores, timeProvider);
        if (request is null)
        {
            return problem!;
        }

        var report = await queries.RunAsync(request, cancellationToken).ConfigureAwait(false);
        var table = ReportTables.Find(report, name)!;
        var days = report.Stores.Count == 0 ? string.Empty : $"_{report.Stores.Min(s => s.From)}_{report.Stores.Max(s => s.To)}";
        var download = $"posbridge-{name}-{report.StoreId ?? "all-stores"}{days}.{format}";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return format == "csv"
            ? Results.File(ReportTables.Csv(table), "text/csv; charset=utf-8", download)
            : Results.File(ReportTables.Xlsx(table), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", download);
    }

    private static (ReportRequest? Request, IResult? Problem) Read(HttpContext http, StoreDirectory stores, TimeProvider timeProvider)
    {
        var query = http.Request.Query;
        foreach (var key in query.Keys)
        {
            if (key is not ("store" or "period" or "from" or "to"))
            {
                return (null, Invalid($"'{(key.Length > 40 ? key[..40] + "…" : key)}' is not a report setting; use store, period (today, yesterday, week, range), from and to."));
            }

            if (query[key].Count > 1)
            {
                return (null, Invalid($"{key} is given {query[key].Count} times; give it once."));
            }
        }

        var (request, problem) = ReportRequest.Parse(query["store"], query["period"], query["from"], query["to"], stores, timeProvider.GetUtcNow());
        return request is null ? (null, Invalid(Sentence(problem!))) : (request, null);
    }

    private static IResult Invalid(string detail, int status = StatusCodes.Status400BadRequest) =>
        DashboardEndpoints.Problem(status, "report-invalid-request", "The report cannot be made as asked.", detail);

    private static string Sentence(string message) => char.ToUpperInvariant(message[0]) + message[1..];
}
