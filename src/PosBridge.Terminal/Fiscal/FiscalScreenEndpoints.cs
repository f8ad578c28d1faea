using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PosBridge.Terminal.Sales;
using PosBridge.Terminal.Screen;
using PosBridge.Terminal.Storage;
using PosBridge.Terminal.Sync;

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
    IReadOnlyList<string> Lines);

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
            FiscalStatus.Lines(chain, database, till, clock));
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
