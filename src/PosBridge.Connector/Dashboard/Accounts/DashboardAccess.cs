namespace PosBridge.Connector.Dashboard.Accounts;

/// <summary>
/// Who may call a dashboard endpoint: the least role, whether it changes data (and so needs a login with a second
/// factor), and what it does in words for the refusal. Every signed-in endpoint carries one; one without is refused.
/// </summary>
internal sealed record DashboardAccess(DashboardRole Least, bool Changes, string What)
{
    /// <summary>Endpoints an account needs before it has a second factor: its session, signing out, enrolling.</summary>
    public bool Enrolment { get; init; }

    public static readonly DashboardAccess View = new(DashboardRole.ReadOnly, false, "see the dashboard");
}

internal static class DashboardAccessExtensions
{
    /// <summary>Open to <paramref name="least"/> and the roles above it; <paramref name="changes"/>: needs a second factor too.</summary>
    public static TBuilder Allow<TBuilder>(this TBuilder builder, DashboardRole least, string what, bool changes = false)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new DashboardAccess(least, changes, what));

    public static TBuilder AllowView<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(DashboardAccess.View);

    public static TBuilder AllowEnrolment<TBuilder>(this TBuilder builder, string what)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new DashboardAccess(DashboardRole.ReadOnly, false, what) { Enrolment = true });
}
