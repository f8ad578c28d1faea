using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PosBridge.Terminal.Screen;

/// <summary>
/// The cashier page's API: minimal endpoints straight over <see cref="TillScreen"/>. Every action answers
/// with the whole screen state, so the page draws what the engine says and never computes a total.
/// A refused action answers 422 with the error and the unchanged state.
/// </summary>
public static class ScreenEndpoints
{
    public static IEndpointRouteBuilder MapTillScreen(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var assets = app.ServiceProvider.GetRequiredService<StaticAssets>();
        app.MapGet("/", (HttpContext context) => assets.Serve(context, "index.html"));
        app.MapGet("/{file}", (HttpContext context, string file) => assets.Serve(context, file));

        var api = app.MapGroup("/api");
        api.MapPost("/login", Login);
        api.MapGet("/state", async (TillScreen screen, CancellationToken ct) => Results.Json(await screen.StateAsync(ct)));
        api.MapGet("/sync", (TillScreen screen) => Results.Json(screen.Sync()));
        api.MapGet("/tiles", (TillScreen screen) => Results.Json(screen.Tiles()));
        api.MapGet("/search", (TillScreen screen, string? q) => Results.Json(screen.Search(q)));

        api.MapPost("/cart/scan", async (TillScreen screen, ScanRequest body, CancellationToken ct) => Answer(await screen.ScanAsync(body.Code, ct)));
        api.MapPost("/cart/add", async (TillScreen screen, AddRequest body, CancellationToken ct) => Answer(await screen.AddAsync(body.ProductId, ct)));
        api.MapPost("/cart/lines/{index:int}/quantity", async (TillScreen screen, int index, QuantityRequest body, CancellationToken ct) => Answer(await screen.SetQuantityAsync(index, body.Quantity, ct)));
        api.MapPost("/cart/lines/{index:int}/discount", async (TillScreen screen, int index, DiscountRequest body, CancellationToken ct) => Answer(await screen.DiscountAsync(index, body.Percent, body.Amount, ct)));
        api.MapPost("/cart/lines/{index:int}/price", async (TillScreen screen, int index, PriceRequest body, CancellationToken ct) => Answer(await screen.OverridePriceAsync(index, body.Price, body.ManagerPin, ct)));
        api.MapDelete("/cart/lines/{index:int}", async (TillScreen screen, int index, CancellationToken ct) => Answer(await screen.RemoveAsync(index, ct)));
        api.MapPost("/cart/discount", async (TillScreen screen, OrderDiscountRequest body, CancellationToken ct) => Answer(await screen.OrderDiscountAsync(body.Percent, ct)));
        api.MapPost("/cart/clear", async (TillScreen screen, CancellationToken ct) => Answer(await screen.ClearAsync(ct)));

        api.MapPost("/customer", async (TillScreen screen, AttachCustomerRequest body, CancellationToken ct) => Answer(await screen.AttachCustomerAsync(body, ct)));
        api.MapPost("/customer/tap", async (TillScreen screen, CancellationToken ct) => Answer(await screen.TapCustomerAsync(ct)));
        api.MapDelete("/customer", async (TillScreen screen, CancellationToken ct) => Answer(await screen.DetachCustomerAsync(ct)));
        api.MapPost("/loyalty/reward", async (TillScreen screen, RedeemRequest body, CancellationToken ct) => Answer(await screen.RedeemAsync(body.RewardId, ct)));
        api.MapDelete("/loyalty/reward", async (TillScreen screen, CancellationToken ct) => Answer(await screen.RemoveRewardAsync(ct)));
        api.MapPost("/loyalty/promo", async (TillScreen screen, PromotionRequest body, CancellationToken ct) => Answer(await screen.ApplyPromotionAsync(body.Code, ct)));
        api.MapDelete("/loyalty/promo", async (TillScreen screen, CancellationToken ct) => Answer(await screen.RemovePromotionAsync(ct)));

        api.MapPost("/pay/later", async (TillScreen screen, PayLaterRequest body, CancellationToken ct) => Answer(await screen.PayLaterAsync(body.Amount, ct)));
        api.MapPost("/pay/cash", async (TillScreen screen, CashRequest body, CancellationToken ct) => Answer(await screen.PayCashAsync(body.Tendered, ct)));
        api.MapPost("/pay/terminal", async (TillScreen screen, TerminalPayRequest body, CancellationToken ct) => Answer(await screen.PayByTerminalAsync(body.Kind, body.Amount, ct)));
        api.MapPost("/pay/terminal/cancel", (TillScreen screen) =>
        {
            screen.CancelTerminalPayment();
            return Results.NoContent();
        });
        api.MapPost("/pay/qr", async (TillScreen screen, QrPayRequest body, CancellationToken ct) => Answer(await screen.PayByReferenceAsync(body.Reference, body.Amount, ct)));
        api.MapPost("/pay/cash/undo", async (TillScreen screen, CancellationToken ct) => Answer(await screen.RemoveCashPaymentsAsync(ct)));
        api.MapPost("/sale/next", async (TillScreen screen, CancellationToken ct) => Answer(await screen.NextSaleAsync(ct)));

        api.MapGet("/refund/find", async (TillScreen screen, string? q, CancellationToken ct) =>
        {
            var found = await screen.FindForRefundAsync(q, ct);
            return Results.Json(found, statusCode: found.Error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
        });
        api.MapGet("/refund/search", async (TillScreen screen, string? q, string? date, string? amount, int? page, CancellationToken ct) =>
        {
            var found = await screen.SearchSalesAsync(q, date, amount, page ?? 0, ct);
            return Results.Json(found, statusCode: found.Error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
        });
        api.MapPost("/receipts/{id:guid}/print", async (TillScreen screen, Guid id, CancellationToken ct) =>
        {
            var printed = await screen.PrintAsync(id, ct);
            return Results.Json(printed, statusCode: printed.Error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
        });
        api.MapPost("/receipts/{id:guid}/send", async (TillScreen screen, Guid id, SendReceiptRequest body, CancellationToken ct) =>
        {
            var queued = await screen.SendReceiptAsync(id, body, ct);
            return Results.Json(queued, statusCode: queued.Error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
        });
        api.MapPost("/refund", async (TillScreen screen, RefundInput body, CancellationToken ct) => Answer(await screen.RefundAsync(body, ct)));
        api.MapGet("/receipts/{id:guid}", (HttpContext context, TillScreen screen, Guid id) =>
        {
            var html = screen.ReceiptHtml(id);
            if (html is null)
            {
                return Results.NotFound();
            }

            // The engine's receipt carries its own styles and QR images inline, and nothing else.
            context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";
            return Results.Content(html, "text/html; charset=utf-8");
        });

        api.MapPost("/shift/open", async (TillScreen screen, OpenShiftRequest body, CancellationToken ct) => Answer(await screen.OpenShiftAsync(body.OpeningFloat, ct)));
        api.MapGet("/shift/x", async (TillScreen screen, CancellationToken ct) => Report(await screen.XReportAsync(ct)));
        api.MapPost("/shift/close", async (TillScreen screen, CloseShiftRequest body, CancellationToken ct) => Report(await screen.CloseShiftAsync(body.CountedCash, ct)));
        api.MapPost("/shift/cash", async (TillScreen screen, CashMoveRequest body, CancellationToken ct) => Answer(await screen.MoveCashAsync(body.Amount, body.Reason, body.ManagerPin, ct)));
        return app;
    }

    private static IResult Answer(ScreenResponse response) =>
        Results.Json(response, statusCode: response.Error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);

    private static IResult Report(ScreenReportResponse response) =>
        Results.Json(response, statusCode: response.Error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);

    private static IResult Login(HttpContext context, PinRequest body, ScreenLogin login, Pins pins, ILogger<ScreenLogin> logger)
    {
        var check = pins.Login(body.Pin);
        if (!check.Ok)
        {
            Log.LoginRefused(logger, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            return Results.Json(new ScreenError(check.Error!, "Wrong PIN."), statusCode: StatusCodes.Status401Unauthorized);
        }

        context.Response.Cookies.Append(ScreenLogin.Cookie, login.Open(), new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true });
        return Results.NoContent();
    }
}
