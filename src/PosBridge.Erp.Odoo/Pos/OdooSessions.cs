using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;
using PosBridge.Erp.Odoo.Rpc;

namespace PosBridge.Erp.Odoo.Pos;

/// <summary>Which <c>pos.session</c> a sale went into, and whether it is the shift's own.</summary>
public sealed record SessionChoice(long SessionId, bool IsShiftSession);

/// <summary>
/// The drawer of a shift by the till's Z report: float (null: the start Odoo expects), cash in, cash out (negative)
/// and the count.
/// </summary>
public sealed record ShiftCash(decimal? OpeningFloat, decimal CashIn, decimal CashOut, decimal Counted);

/// <summary>
/// A till's shift is an Odoo <c>pos.session</c> of the till's <c>pos.config</c>, opened on the shift's first sale
/// and closed when the shift closes. The link lives in Odoo itself: the session's opening notes carry
/// <c>posbridge-shift:&lt;till&gt;/&lt;shift&gt;</c>, so it survives the loss of the connector's database.
/// Odoo allows one open session per config: a new shift closes the previous shift's session first.
/// </summary>
internal sealed class OdooSessions(OdooClient client, ILogger logger)
{
    private static readonly string[] SessionFields = ["id", "name", "state", "opening_notes", "cash_control", "cash_register_balance_start", "cash_register_balance_end"];
    private readonly ConcurrentDictionary<string, long> _openSessions = new(StringComparer.Ordinal);

    public static string Tag(string tillId, string shiftId) => $"posbridge-shift:{tillId}/{shiftId}";

    /// <summary>Drops what this process remembers of the shift's session (closed in Odoo behind our back): the next sale looks again.</summary>
    public void Forget(string tillId, string shiftId) => _openSessions.TryRemove(Tag(tillId, shiftId), out _);

    /// <summary>The session to send a shift's sales to, opening one when needed.</summary>
    public async Task<SessionChoice> SessionForShiftAsync(long configId, string tillId, string shiftId, CancellationToken cancellationToken)
    {
        var tag = Tag(tillId, shiftId);
        if (_openSessions.TryGetValue(tag, out var cached))
        {
            return new SessionChoice(cached, true);
        }

        var version = await client.GetVersionAsync(cancellationToken).ConfigureAwait(false);
        var own = await FindAsync(OdooValues.Domain(OdooValues.Leaf("config_id", "=", configId), OdooValues.Leaf("opening_notes", "=like", tag + "%")), cancellationToken).ConfigureAwait(false);
        if (own is not null)
        {
            var state = OdooValues.Text(own["state"]);
            var id = own["id"]!.Value<long>();
            if (state == "opening_control")
            {
                await OpenControlAsync(version, id, tag, cancellationToken).ConfigureAwait(false);
                state = "opened";
            }

            if (state == "opened")
            {
                _openSessions[tag] = id;
                return new SessionChoice(id, true);
            }

            // The shift's session is closing or closed: a late sale. Up to 17 Odoo puts it in a rescue session
            // by itself; from 18 it needs an open session of the same config, which we open if there is none.
            if (version.HasRescueSessions)
            {
                return new SessionChoice(id, true);
            }

            var open = await FindAsync(OdooValues.Domain(OdooValues.Leaf("config_id", "=", configId), OdooValues.Leaf("state", "=", "opened")), cancellationToken).ConfigureAwait(false);
            var lateId = open?["id"]!.Value<long>() ?? await OpenAsync(version, configId, tag + " (late sales)", cancellationToken).ConfigureAwait(false);
            Log.LateSaleSession(logger, tillId, shiftId, id, lateId);
            return new SessionChoice(lateId, false);
        }

        var current = await FindAsync(NotClosed(version, configId), cancellationToken).ConfigureAwait(false);
        if (current is not null)
        {
            var notes = OdooValues.Text(current["opening_notes"]) ?? string.Empty;
            var currentId = current["id"]!.Value<long>();
            if (!notes.StartsWith("posbridge-shift:", StringComparison.Ordinal))
            {
                // Opened by a person in Odoo for this till: adopt it for the shift.
                if (OdooValues.Text(current["state"]) == "opening_control")
                {
                    await OpenControlAsync(version, currentId, tag, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await client.WriteAsync("pos.session", [currentId], new JObject { ["opening_notes"] = string.IsNullOrEmpty(notes) ? tag : tag + "\n" + notes }, cancellationToken).ConfigureAwait(false);
                }

                _openSessions[tag] = currentId;
                return new SessionChoice(currentId, true);
            }

            // The till's previous shift is still open in Odoo: its close never reached us. Close it with the
            // cash Odoo expects, so the new shift can have its own session.
            Log.ClosingPreviousShift(logger, notes, currentId, tillId, shiftId);
            await CloseAsync(currentId, notes.Split('\n')[0], null, "Closed by PosBridge when the till's next shift began.", cancellationToken).ConfigureAwait(false);
            _openSessions.TryRemove(notes.Split('\n')[0].Replace(" (late sales)", string.Empty, StringComparison.Ordinal), out _);
        }

        var opened = await OpenAsync(version, configId, tag, cancellationToken).ConfigureAwait(false);
        _openSessions[tag] = opened;
        return new SessionChoice(opened, true);
    }

    /// <summary>
    /// Closes the shift's session as Odoo's POS screen does: under cash control (16+: the config has a cash method)
    /// the till's opening float, its cash in and out, then the counted cash; then the closing state and the close
    /// that posts the journal entry and stock moves. Odoo's expected cash and difference then equal the Z report's.
    /// With no Z report (<paramref name="cash"/> null) the cash Odoo expects is taken as counted.
    /// Answers false when the shift has no session; a session already closed is left alone.
    /// </summary>
    public async Task<bool> CloseShiftAsync(long configId, string tillId, string shiftId, ShiftCash? cash, string? notes, CancellationToken cancellationToken)
    {
        var tag = Tag(tillId, shiftId);
        var own = await FindAsync(OdooValues.Domain(OdooValues.Leaf("config_id", "=", configId), OdooValues.Leaf("opening_notes", "=like", tag + "%"), OdooValues.Leaf("state", "!=", "closed")), cancellationToken).ConfigureAwait(false);
        _openSessions.TryRemove(tag, out _);
        if (own is null)
        {
            return false;
        }

        await CloseAsync(own["id"]!.Value<long>(), tag, cash, notes ?? "Closed by PosBridge from the till's Z report.", cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Closes a session whose shift's close will never come, with the cash Odoo expects taken as counted.</summary>
    public Task CloseLeftOpenAsync(long sessionId, string tag, string notes, CancellationToken cancellationToken) =>
        CloseAsync(sessionId, tag, null, notes, cancellationToken);

    private async Task CloseAsync(long sessionId, string tag, ShiftCash? cash, string notes, CancellationToken cancellationToken)
    {
        var session = await FindAsync(OdooValues.Domain(OdooValues.Leaf("id", "=", sessionId)), cancellationToken).ConfigureAwait(false)
            ?? throw new OdooException(OdooErrorKind.MissingRecord, $"pos.session {sessionId} no longer exists.");
        var state = OdooValues.Text(session["state"]);
        if (state == "closed")
        {
            return;
        }

        // Odoo refuses to close a session with a draft order ("still in draft") without saying which: name them, and
        // what to do, for the manager who reads the dead letter.
        var drafts = await client.SearchReadAsync("pos.order", OdooValues.Domain(OdooValues.Leaf("session_id", "=", sessionId), OdooValues.Leaf("state", "=", "draft")), ["id", "name", "pos_reference"], limit: 10, order: "id asc", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (drafts.Count > 0)
        {
            var named = string.Join(", ", drafts.Select(d => $"{OdooValues.Text(d["pos_reference"]) ?? OdooValues.Text(d["name"])} (pos.order {d["id"]})"));
            throw new OdooException(
                OdooErrorKind.UserError,
                $"Odoo would not close pos.session {sessionId}: orders are still in draft ({named}{(drafts.Count == 10 ? ", …" : string.Empty)}). Pay or cancel them in Odoo (Point of Sale › Orders), or fix and replay their sales, then retry.");
        }

        if (state != "closing_control")
        {
            var version = await client.GetVersionAsync(cancellationToken).ConfigureAwait(false);
            if (OdooValues.Bool(session["cash_control"]))
            {
                var notesKept = OdooValues.Text(session["opening_notes"]) ?? tag;
                if (cash is not null)
                {
                    // The float the till counted at opening: Odoo books its difference from the start it expected
                    // (the last session's count) as its own opening count does, and starts the session from it.
                    var start = OdooValues.Number(session["cash_register_balance_start"]) ?? 0m;
                    if (state == "opening_control" || (cash.OpeningFloat is { } opening && opening != start))
                    {
                        await SetOpeningAsync(version, sessionId, cash.OpeningFloat ?? start, notesKept, cancellationToken).ConfigureAwait(false);
                    }

                    await CashInOutAsync(version, session, tag, cash, cancellationToken).ConfigureAwait(false);
                }
                else if (state == "opening_control")
                {
                    await SetOpeningAsync(version, sessionId, OdooValues.Number(session["cash_register_balance_start"]) ?? 0m, notesKept, cancellationToken).ConfigureAwait(false);
                }

                var counted = cash?.Counted;
                if (counted is null)
                {
                    var expected = await FindAsync(OdooValues.Domain(OdooValues.Leaf("id", "=", sessionId)), cancellationToken).ConfigureAwait(false);
                    counted = OdooValues.Number(expected?["cash_register_balance_end"]) ?? 0m;
                }

                Require(await client.ExecuteAsync(new OdooCall("pos.session", "post_closing_cash_details") { Ids = [sessionId], Arguments = Args(("counted_cash", counted)), ByPosition = true }, cancellationToken).ConfigureAwait(false), "post_closing_cash_details", sessionId);
            }
            else if (cash is not null && (cash.OpeningFloat is not null and not 0m || cash.CashIn != 0m || cash.CashOut != 0m || cash.Counted != 0m))
            {
                // Without a cash method Odoo keeps no drawer: it would refuse the count ("no cash register").
                Log.NoCashRegister(logger, sessionId, tag, cash.Counted);
            }

            await client.ExecuteAsync(new OdooCall("pos.session", "update_closing_control_state_session") { Ids = [sessionId], Arguments = Args(("notes", notes)), ByPosition = true }, cancellationToken).ConfigureAwait(false);
        }

        Require(await client.ExecuteAsync(new OdooCall("pos.session", "close_session_from_ui") { Ids = [sessionId], Arguments = Args(("bank_payment_method_diff_pairs", JValue.CreateNull())), ByPosition = true }, cancellationToken).ConfigureAwait(false), "close_session_from_ui", sessionId);
    }

    /// <summary>
    /// The till's cash in and out as the session's cash moves (<c>try_cash_in_out</c>, as the POS screen records
    /// them), once: a move already there from an interrupted close is not made again.
    /// </summary>
    private async Task CashInOutAsync(Rpc.OdooServerVersion version, JObject session, string tag, ShiftCash cash, CancellationToken cancellationToken)
    {
        var sessionId = session["id"]!.Value<long>();
        var existing = await client.SearchReadAsync("account.bank.statement.line", OdooValues.Domain(OdooValues.Leaf("pos_session_id", "=", sessionId)), ["payment_ref"], cancellationToken: cancellationToken).ConfigureAwait(false);
        var references = existing.Select(l => OdooValues.Text(l["payment_ref"]) ?? string.Empty).ToList();
        foreach (var (type, amount) in new[] { ("in", cash.CashIn), ("out", -cash.CashOut) })
        {
            var reason = $"{tag} cash {type} at the till";
            if (amount == 0m || references.Exists(r => r.EndsWith(reason, StringComparison.Ordinal)))
            {
                continue;
            }

            var extras = new JObject { ["translatedType"] = type, ["formattedAmount"] = amount.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            var arguments = version.Major >= 18
                ? Args(("_type", type), ("amount", amount), ("reason", reason), ("partner_id", false), ("extras", extras))
                : Args(("_type", type), ("amount", amount), ("reason", reason), ("extras", extras));
            await client.ExecuteAsync(new OdooCall("pos.session", "try_cash_in_out") { Ids = [sessionId], Arguments = arguments, ByPosition = true }, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<long> OpenAsync(Rpc.OdooServerVersion version, long configId, string tag, CancellationToken cancellationToken)
    {
        // open_ui checks the config (chart of accounts, pricelists, payment methods, journals) and creates the session.
        await client.ExecuteAsync(new OdooCall("pos.config", "open_ui") { Ids = [configId], ByPosition = true }, cancellationToken).ConfigureAwait(false);
        var session = await FindAsync(NotClosed(version, configId), cancellationToken).ConfigureAwait(false)
            ?? throw new OdooException(OdooErrorKind.UserError, $"Odoo opened no session for pos.config {configId}.");
        var id = session["id"]!.Value<long>();
        if (OdooValues.Text(session["state"]) == "opening_control")
        {
            await OpenControlAsync(version, id, tag, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await client.WriteAsync("pos.session", [id], new JObject { ["opening_notes"] = tag }, cancellationToken).ConfigureAwait(false);
        }

        Log.SessionOpened(logger, id, configId, tag);
        return id;
    }

    private async Task OpenControlAsync(Rpc.OdooServerVersion version, long sessionId, string tag, CancellationToken cancellationToken)
    {
        // The till counted its float, but no sale says how much: the session opens on Odoo's own expected start,
        // and the float from the shift's Z report is set when the shift closes (see CloseAsync).
        var session = await FindAsync(OdooValues.Domain(OdooValues.Leaf("id", "=", sessionId)), cancellationToken, ["cash_register_balance_start"]).ConfigureAwait(false);
        await SetOpeningAsync(version, sessionId, OdooValues.Number(session?["cash_register_balance_start"]) ?? 0m, tag, cancellationToken).ConfigureAwait(false);
    }

    private async Task SetOpeningAsync(Rpc.OdooServerVersion version, long sessionId, decimal cashboxValue, string notes, CancellationToken cancellationToken)
    {
        var method = version.Major >= 18 ? "set_opening_control" : "set_cashbox_pos";
        await client.ExecuteAsync(new OdooCall("pos.session", method) { Ids = [sessionId], Arguments = Args(("cashbox_value", cashboxValue), ("notes", notes)), ByPosition = true }, cancellationToken).ConfigureAwait(false);

        // Odoo 18 keeps the notes only when the config has a cash method: write them ourselves.
        await client.WriteAsync("pos.session", [sessionId], new JObject { ["opening_notes"] = notes }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The config's session that is not closed. Up to 17 a rescue session (Odoo's own, for orders of a closed
    /// session) may be open beside it: it is never a shift's, and Odoo does not count it as the config's session.
    /// </summary>
    private static JArray NotClosed(Rpc.OdooServerVersion version, long configId) =>
        version.HasRescueSessions
            ? OdooValues.Domain(OdooValues.Leaf("config_id", "=", configId), OdooValues.Leaf("state", "!=", "closed"), OdooValues.Leaf("rescue", "=", false))
            : OdooValues.Domain(OdooValues.Leaf("config_id", "=", configId), OdooValues.Leaf("state", "!=", "closed"));

    private async Task<JObject?> FindAsync(JArray domain, CancellationToken cancellationToken, IReadOnlyList<string>? fields = null)
    {
        var rows = await client.SearchReadAsync("pos.session", domain, fields is null ? SessionFields : [.. fields, "id", "state"], limit: 1, order: "id desc", cancellationToken: cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    private static Dictionary<string, JToken?> Args(params (string Name, JToken? Value)[] arguments) =>
        arguments.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal);

    /// <summary>Closing calls answer <c>{successful: false, message}</c> instead of raising when a check fails.</summary>
    private static void Require(JToken? answer, string step, long sessionId)
    {
        if (answer is JObject result && result["successful"] is { } ok && !OdooValues.Bool(ok))
        {
            throw new OdooException(OdooErrorKind.UserError, $"Odoo would not close pos.session {sessionId} ({step}): {OdooValues.Text(result["message"]) ?? "no reason given"}");
        }
    }
}
