using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PosBridge.Terminal.Screen;
using PosBridge.Terminal.Storage;
using PosBridge.Till;
using PosBridge.Till.Fiscal;
using PosBridge.Till.Sales;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Fiscal;

/// <summary>The till's tax-authority state on the cashier screen: onboarded or not, until when, and what waits.</summary>
public sealed record FiscalScreenState(
    bool Zatca,
    bool Eta,
    bool Onboarded,
    string? EgsSerial,
    string? ValidUntil,
    bool RenewSoon,
    long Issued,
    int Waiting,
    int NotCleared,
    IReadOnlyList<string> Lines,
    bool Standard = false);

/// <summary>A business customer as the cashier typed it (digits may be Arabic-Indic; spaces between them are dropped).</summary>
public sealed record ZatcaBuyerRequest(string? Name, string? VatNumber, string? StreetName, string? BuildingNumber, string? CitySubdivision, string? City, string? PostalZone);

/// <summary>A finished sale whose tax invoice the screen asks about.</summary>
public sealed record ZatcaSaleRequest(Guid SaleId);

/// <summary>
/// Where a sale's tax invoice stands: <c>cleared</c>, <c>report</c> (ZATCA switched clearance off), <c>not-cleared</c>,
/// <c>offline</c> (the connector or ZATCA could not be reached), <c>failed</c> (the connector refused; the message says
/// why) or <c>none</c> (a simplified invoice: nothing to clear). <see cref="CanBeGiven"/>: print or send it now.
/// </summary>
public sealed record ZatcaClearanceAnswer(Guid SaleId, string Outcome, string Message, bool CanBeGiven, IReadOnlyList<string> Messages, FiscalScreenState Fiscal);

/// <summary>The owner's OTP from the Fatoora portal, with a manager's PIN (onboarding changes how every sale is signed).</summary>
public sealed record ZatcaOnboardRequest(string? Otp, string? ManagerPin);

/// <summary>
/// The fiscal part of the cashier screen's API (behind the screen's login like the rest of /api): the state, and ZATCA
/// onboarding with the OTP typed on the till, which runs the same <see cref="ZatcaOnboardingClient"/> as the session's
/// 'zatca onboard OTP'. Every answer carries the whole fiscal state.
/// </summary>
internal static class FiscalScreenEndpoints
{
    /// <summary>The named HttpClient onboarding calls the connector with (tests put a stand-in behind it).</summary>
    public const string ConnectorClientName = "fiscal-connector";

    public static IEndpointRouteBuilder MapFiscalScreen(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api/fiscal");
        api.MapGet("/", (FiscalChain chain, TillDatabase database, TillOptions till, TimeProvider clock) => Results.Json(State(chain, database, till, clock)));
        api.MapPost("/zatca/onboard", OnboardAsync);
        api.MapPost("/zatca/buyer", RegisterBuyerAsync);
        api.MapPost("/zatca/clear", ClearAsync);
        api.MapPost("/zatca/simplified", (ZatcaSaleRequest body, FiscalChain chain, TillDatabase database, TillOptions till, TimeProvider clock) =>
            Answer(body.SaleId, new ZatcaClearing(chain, database, clock).IssueSimplifiedInstead(body.SaleId), chain, database, till, clock));
        return app;
    }

    internal static FiscalScreenState State(FiscalChain chain, TillDatabase database, TillOptions till, TimeProvider clock)
    {
        var status = chain.Zatca?.Status();
        var now = clock.GetUtcNow();
        var expires = status?.CertificateExpiresUtc;
        return new FiscalScreenState(
            till.Fiscal.Zatca is not null,
            till.Fiscal.Eta is not null,
            status is { HasProductionCertificate: true } && (expires is null || expires > now),
            status?.EgsSerial,
            expires?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            expires is { } e && e - now < TimeSpan.FromDays(30),
            database.Scalar<long?>("SELECT SUM(LastCounter) FROM FiscalChains") ?? 0,
            database.Scalar<int>("SELECT COUNT(*) FROM FiscalDocuments WHERE State = ?", FiscalUploader.PendingState),
            database.Scalar<int>("SELECT COUNT(*) FROM FiscalDocuments WHERE Clearance IN ('pending', 'not-cleared')"),
            FiscalStatus.Lines(chain, database, till, clock),
            till.Fiscal.Zatca?.IssuesStandardInvoices == true);
    }

    /// <summary>
    /// Registers the business customer the cashier typed and puts it on the cart, so the sale is issued as a standard
    /// tax invoice. Every wrong field is answered at once, by field, and nothing is registered or changed.
    /// </summary>
    private static async Task<IResult> RegisterBuyerAsync(ZatcaBuyerRequest? body, TillScreen screen, FiscalChain chain, TillDatabase database, TillOptions till, TimeProvider clock, CancellationToken cancellationToken)
    {
        var buyer = new ZatcaBuyer(
            ZatcaBuyer.Digits(body?.VatNumber),
            body?.Name?.Trim() ?? string.Empty,
            body?.StreetName?.Trim() ?? string.Empty,
            ZatcaBuyer.Digits(body?.BuildingNumber),
            body?.CitySubdivision?.Trim() ?? string.Empty,
            body?.City?.Trim() ?? string.Empty,
            ZatcaBuyer.Digits(body?.PostalZone));
        var problems = buyer.FieldProblems();
        if (problems.Count > 0)
        {
            return Results.Json(
                new { error = new ScreenError("buyer", string.Join(" ", problems.Select(p => p.Message))), problems, fiscal = State(chain, database, till, clock) },
                statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        var (customer, refused) = new ZatcaClearing(chain, database, clock).RegisterBuyer(buyer);
        if (customer is null)
        {
            var code = till.Fiscal.Zatca is null ? "zatca-off" : "simplified-only";
            return Results.Json(new { error = new ScreenError(code, string.Join(" ", refused)), fiscal = State(chain, database, till, clock) }, statusCode: StatusCodes.Status409Conflict);
        }

        var answer = await screen.AttachBusinessCustomerAsync(customer, cancellationToken).ConfigureAwait(false);
        return Results.Json(answer with { Notice = answer.Error is null ? "buyer-attached" : null }, statusCode: answer.Error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary>
    /// Asks the connector to clear a finished sale's standard invoice with ZATCA (again, if the last try could not reach
    /// it: the uuid is the key, so ZATCA never clears it twice). A sale with a simplified invoice, or one already
    /// answered, is told as stored without a call.
    /// </summary>
    private static async Task<IResult> ClearAsync(ZatcaSaleRequest body, FiscalChain chain, TillDatabase database, TillOptions till, ScreenOptions screen, IHttpClientFactory clients, TimeProvider clock, CancellationToken cancellationToken)
    {
        var clearing = new ZatcaClearing(chain, database, clock);
        if (chain.Find(body.SaleId) is not { Authority: FiscalAuthority.Zatca, Clearance: "pending" })
        {
            return Answer(body.SaleId, clearing.Status(body.SaleId), chain, database, till, clock);
        }

        var credentials = database.GetSetting("sync.credentials") is { } json ? System.Text.Json.JsonSerializer.Deserialize<TillCredentials>(json, ConnectorClient.Json) : null;
        if (string.IsNullOrWhiteSpace(screen.ConnectorUrl) || credentials is null)
        {
            return Answer(body.SaleId, new ZatcaClearanceResult(ZatcaClearanceOutcome.Failed, "The till is not paired with a connector, which asks ZATCA for clearance: do not give this tax invoice; issue a simplified invoice instead.", null, ["not-paired"]), chain, database, till, clock);
        }

        using var http = clients.CreateClient(ConnectorClientName);
        http.BaseAddress = new Uri(screen.ConnectorUrl);
        var result = await clearing.ClearAsync(body.SaleId, new ConnectorClient(http, clock), credentials, cancellationToken).ConfigureAwait(false);
        return Answer(body.SaleId, result, chain, database, till, clock);
    }

    private static IResult Answer(Guid saleId, ZatcaClearanceResult result, FiscalChain chain, TillDatabase database, TillOptions till, TimeProvider clock)
    {
        var outcome = result.Outcome switch
        {
            ZatcaClearanceOutcome.Cleared => "cleared",
            ZatcaClearanceOutcome.ReportInstead => "report",
            ZatcaClearanceOutcome.NotCleared => "not-cleared",
            ZatcaClearanceOutcome.Offline => "offline",
            ZatcaClearanceOutcome.Failed => "failed",
            _ => "none",
        };
        return Results.Json(new ZatcaClearanceAnswer(saleId, outcome, result.Message, result.CanBeGiven || result.Outcome == ZatcaClearanceOutcome.NothingToClear, result.Messages, State(chain, database, till, clock)));
    }

    private static async Task<IResult> OnboardAsync(
        ZatcaOnboardRequest? body,
        FiscalChain chain,
        TillDatabase database,
        TillOptions till,
        ScreenOptions screen,
        Pins pins,
        IHttpClientFactory clients,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        IResult Refuse(int status, string code, string message) =>
            Results.Json(new { error = new ScreenError(code, message), fiscal = State(chain, database, till, clock) }, statusCode: status);

        if (body is null)
        {
            return Refuse(StatusCodes.Status400BadRequest, "otp", "Type the OTP the Fatoora portal shows (digits only) and a manager's PIN.");
        }

        if (till.Fiscal.Zatca is null)
        {
            return Refuse(StatusCodes.Status409Conflict, "zatca-off", "ZATCA is not set up on this till: fill Till:Fiscal:Zatca (seller, VAT number, address) first.");
        }

        var otp = body.Otp?.Trim() ?? string.Empty;
        if (otp.Length is < 4 or > 10 || !otp.All(char.IsAsciiDigit))
        {
            return Refuse(StatusCodes.Status400BadRequest, "otp", "Type the OTP the Fatoora portal shows under 'Onboard new solution unit' (digits only).");
        }

        var check = pins.Manager(body.ManagerPin, TillPermissions.ManageShift);
        if (!check.Ok)
        {
            return Refuse(StatusCodes.Status403Forbidden, "manager-pin", check.Error ?? "A manager's PIN is needed to onboard the till.");
        }

        var credentials = database.GetSetting("sync.credentials") is { } json ? System.Text.Json.JsonSerializer.Deserialize<TillCredentials>(json, ConnectorClient.Json) : null;
        if (string.IsNullOrWhiteSpace(screen.ConnectorUrl) || credentials is null)
        {
            return Refuse(StatusCodes.Status409Conflict, "not-paired", "The till is not paired with a connector, which makes ZATCA's calls: pair it first, then type the OTP again.");
        }

        using var http = clients.CreateClient(ConnectorClientName);
        http.BaseAddress = new Uri(screen.ConnectorUrl);
        ZatcaOnboardingResult result;
        try
        {
            result = await new ZatcaOnboardingClient(chain, till, new ConnectorClient(http, clock), clock).OnboardAsync(credentials, otp, cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectorUnavailableException e)
        {
            return Refuse(StatusCodes.Status503ServiceUnavailable, "offline", $"{e.Message} Onboarding needs the connector: try again when it answers (the same OTP works until the portal's expiry).");
        }

        return result.Onboarded
            ? Results.Json(new { message = result.Message, fiscal = State(chain, database, till, clock) })
            : Refuse(StatusCodes.Status422UnprocessableEntity, "zatca-refused", result.Message);
    }
}
