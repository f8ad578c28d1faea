using System.Text.Json;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Storage;
using PosBridge.Till.Refunds;

namespace PosBridge.Terminal.Refunds;

/// <summary>Where a refund that pays back through the provider stands.</summary>
internal enum RefundIntentState
{
    /// <summary>Money may be moving: the provider was or is about to be called. Settled by <see cref="RefundService.ReconcileAsync"/>.</summary>
    Open = 0,

    /// <summary>The refund document was committed (with this state, in one transaction).</summary>
    Recorded = 1,

    /// <summary>No money moved; nothing was recorded. The cashier may refund again.</summary>
    Failed = 2,

    /// <summary>Money moved (or may have) but no refund could be recorded: a manager must look at it.</summary>
    Unresolved = 3,

    /// <summary>A manager dealt with an unresolved refund and said how.</summary>
    Resolved = 4,
}

internal enum RefundPartState
{
    /// <summary>Not paid through the provider (cash, the customer's account, a transfer): written with the document.</summary>
    Local = 0,

    /// <summary>The provider has not been asked.</summary>
    NotSent = 1,

    /// <summary>The provider was asked and its answer is not known (yet, or it was lost with a killed till).</summary>
    Sent = 2,

    Approved = 3,

    /// <summary>The provider did not pay it back.</summary>
    Declined = 4,
}

/// <summary>One part of a refund's payout. <see cref="Reference"/> is the till's reference sent to the provider, unique per attempt.</summary>
internal sealed record RefundPart(
    PaymentKind Kind,
    string MethodId,
    decimal Amount,
    RefundPartState State,
    string? Reference = null,
    string? OriginalReference = null,
    CardDetails? OriginalCard = null,
    string? ProviderReference = null,
    string? AuthorizationCode = null,
    string? Scheme = null,
    string? Last4 = null,
    string? Message = null)
{
    public bool ThroughProvider => State != RefundPartState.Local;
}

internal sealed record RefundIntent(string Id, Guid SaleId, string SaleNumber, RefundRequest Request, IReadOnlyList<RefundPart> Parts, RefundIntentState State, string? Problem);

/// <summary>
/// Where refund intents are kept: written before the provider is called and after each of its answers, each write
/// durable on its own, so what a killed till leaves says exactly which parts were never sent, which were sent with
/// their answer unknown, and which were approved.
/// </summary>
internal interface IRefundIntentStore
{
    /// <summary>Records a new attempt (all its provider parts <see cref="RefundPartState.NotSent"/>, each given its reference) and returns it.</summary>
    RefundIntent Create(Sale original, RefundRequest request, IReadOnlyList<RefundPart> parts);

    /// <summary>Saves the parts' states (after a provider answer); the intent stays open.</summary>
    RefundIntent SaveParts(RefundIntent intent, IReadOnlyList<RefundPart> parts);

    /// <summary>Moves an intent to <paramref name="state"/>, with the problem a manager must see and the refund document it recorded.</summary>
    void SetState(string id, RefundIntentState state, string? problem, Guid? refundId = null);

    /// <summary>Every intent in <paramref name="state"/>, oldest first.</summary>
    IReadOnlyList<RefundIntent> InState(RefundIntentState state);

    /// <summary>The sale's attempts that are open or wait for a manager.</summary>
    IReadOnlyList<RefundIntent> Unsettled(Guid saleId);

    RefundIntent? Find(string id);
}

/// <summary>The till's SQLite refund intents (table <c>RefundIntents</c>), each write its own committed statement.</summary>
internal sealed class RefundIntentStore(TillDatabase database, TimeProvider timeProvider) : IRefundIntentStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public RefundIntent Create(Sale original, RefundRequest request, IReadOnlyList<RefundPart> parts) =>
        database.InTransaction(() =>
        {
            // One id per attempt, so a provider that keys on our reference never mistakes a new attempt for an old one.
            var attempt = database.Scalar<int>("SELECT COUNT(*) FROM RefundIntents WHERE SaleId = ?", original.Id.ToString()) + 1;
            var id = $"{original.SaleNumber}-R{attempt}";
            var numbered = parts.Select((p, i) => p.ThroughProvider ? p with { Reference = $"{id}-{i + 1}" } : p).ToList();
            var now = TillDatabase.Text(timeProvider.GetUtcNow());
            database.Execute(
                "INSERT INTO RefundIntents(Id, SaleId, SaleNumber, Request, Parts, State, CreatedAtUtc, UpdatedAtUtc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                id, original.Id.ToString(), original.SaleNumber, JsonSerializer.Serialize(request, Json), JsonSerializer.Serialize(numbered, Json), (int)RefundIntentState.Open, now, now);
            return new RefundIntent(id, original.Id, original.SaleNumber, request, numbered, RefundIntentState.Open, null);
        });

    public RefundIntent SaveParts(RefundIntent intent, IReadOnlyList<RefundPart> parts)
    {
        database.Execute(
            "UPDATE RefundIntents SET Parts = ?, UpdatedAtUtc = ? WHERE Id = ?",
            JsonSerializer.Serialize(parts, Json), TillDatabase.Text(timeProvider.GetUtcNow()), intent.Id);
        return intent with { Parts = parts };
    }

    public void SetState(string id, RefundIntentState state, string? problem, Guid? refundId = null) =>
        database.Execute(
            "UPDATE RefundIntents SET State = ?, Problem = ?, RefundId = COALESCE(?, RefundId), UpdatedAtUtc = ? WHERE Id = ?",
            (int)state, problem, refundId?.ToString(), TillDatabase.Text(timeProvider.GetUtcNow()), id);

    public IReadOnlyList<RefundIntent> InState(RefundIntentState state) =>
        database.Query<Row>("SELECT * FROM RefundIntents WHERE State = ? ORDER BY CreatedAtUtc, Id", (int)state).ConvertAll(r => r.ToIntent());

    public IReadOnlyList<RefundIntent> Unsettled(Guid saleId) =>
        database.Query<Row>("SELECT * FROM RefundIntents WHERE SaleId = ? AND State IN (0, 3) ORDER BY CreatedAtUtc, Id", saleId.ToString()).ConvertAll(r => r.ToIntent());

    public RefundIntent? Find(string id) => database.Query<Row>("SELECT * FROM RefundIntents WHERE Id = ?", id).FirstOrDefault()?.ToIntent();

    private sealed class Row
    {
        public string Id { get; set; } = string.Empty;

        public string SaleId { get; set; } = string.Empty;

        public string SaleNumber { get; set; } = string.Empty;

        public string Request { get; set; } = string.Empty;

        public string Parts { get; set; } = string.Empty;

        public int State { get; set; }

        public string? Problem { get; set; }

        public RefundIntent ToIntent() => new(
            Id,
            Guid.Parse(SaleId),
            SaleNumber,
            JsonSerializer.Deserialize<RefundRequest>(Request, Json) ?? throw new InvalidOperationException($"Refund intent {Id} has no request."),
            JsonSerializer.Deserialize<List<RefundPart>>(Parts, Json) ?? [],
            (RefundIntentState)State,
            Problem);
    }
}
