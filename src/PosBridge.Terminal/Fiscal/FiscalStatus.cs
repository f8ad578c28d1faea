using System.Globalization;
using PosBridge.Terminal.Storage;
using PosBridge.Till;

namespace PosBridge.Terminal.Fiscal;

/// <summary>
/// The till's fiscal state in words for the owner at the counter: whether it is onboarded with ZATCA and until when,
/// how far each chain has gone, and what still waits to reach the connector (which reports it on).
/// </summary>
public static class FiscalStatus
{
    public static IReadOnlyList<string> Lines(FiscalChain chain, TillDatabase database, TillOptions till, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(till);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var lines = new List<string>();
        if (till.Fiscal.Zatca is null && till.Fiscal.Eta is null)
        {
            lines.Add("No tax authority is set up on this till (Till:Fiscal:Zatca for Saudi Arabia, Till:Fiscal:Eta for Egypt).");
            return lines;
        }

        if (chain.Zatca is { } unit)
        {
            var status = unit.Status();
            var now = timeProvider.GetUtcNow();
            lines.Add(status switch
            {
                { HasProductionCertificate: true, CertificateExpiresUtc: { } expires } when expires <= now =>
                    $"ZATCA: the certificate expired on {Day(expires)}; sales are refused until the till is onboarded again: get a new OTP on the Fatoora portal and type 'zatca onboard OTP'.",
                { HasProductionCertificate: true, CertificateExpiresUtc: { } expires } =>
                    $"ZATCA: onboarded (EGS {status.EgsSerial}); the certificate is valid until {Day(expires)}" + (expires - now < TimeSpan.FromDays(30) ? ": renew it now with a new OTP ('zatca onboard OTP')." : "."),
                { HasProductionCertificate: true } => $"ZATCA: onboarded (EGS {status.EgsSerial}).",
                _ => "ZATCA: not onboarded, so sales are refused: get an OTP on the Fatoora portal ('Onboard new solution unit') and type 'zatca onboard OTP' while the till is paired and online.",
            });
            if (status.RenewalPending)
            {
                lines.Add("ZATCA: a renewal was started and waits for its certificate; the current certificate still signs.");
            }
        }

        foreach (var authority in new[] { FiscalAuthority.Zatca, FiscalAuthority.Eta })
        {
            var issued = database.Scalar<long?>("SELECT LastCounter FROM FiscalChains WHERE Authority = ?", authority.ToString()) ?? 0;
            if (issued == 0 && !(authority == FiscalAuthority.Zatca ? till.Fiscal.Zatca is not null : till.Fiscal.Eta is not null))
            {
                continue;
            }

            var waiting = database.Scalar<int>("SELECT COUNT(*) FROM FiscalDocuments WHERE Authority = ? AND State = 0", authority.ToString());
            var refused = database.Scalar<int>("SELECT COUNT(*) FROM FiscalDocuments WHERE Authority = ? AND State = 2", authority.ToString());
            var name = authority == FiscalAuthority.Zatca ? "ZATCA invoices" : "ETA receipts";
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: {issued} issued, {waiting} waiting to go to the connector")
                + (refused > 0 ? string.Create(CultureInfo.InvariantCulture, $", {refused} refused by the connector (see the till's log)") : string.Empty) + ".");
        }

        return lines;
    }

    private static string Day(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
