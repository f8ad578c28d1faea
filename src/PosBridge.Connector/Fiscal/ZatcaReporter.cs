using PosBridge.Connector.Hosting;

namespace PosBridge.Connector.Fiscal;

/// <summary>How one reporting run went.</summary>
internal sealed record ZatcaReportRun(int Reported, int WithWarnings, int Rejected, int Retrying, int Stopped);

/// <summary>
/// Reports the simplified invoices tills signed to ZATCA, each with its till's production CSID, in each till's chain
/// order. The invoice's uuid is the key: a document is reported until ZATCA answers it, and an answered one is never
/// sent again. A refused credential or an answer the API does not describe stops that invoice in 'attention' rather
/// than retrying blindly; ZATCA being down or slow leaves it waiting, retried with a growing delay.
/// </summary>
internal sealed class ZatcaReporter(ZatcaClient client, IZatcaUnits units, IFiscalDocumentStore documents, ILogger<ZatcaReporter> logger)
{
    public const string Authority = "ZATCA";

    public async Task<ZatcaReportRun> ReportDueAsync(int limit = 100, CancellationToken cancellationToken = default)
    {
        int reported = 0, warnings = 0, rejected = 0, retrying = 0, stopped = 0;
        var blockedTills = new HashSet<string>(StringComparer.Ordinal);
        foreach (var document in await documents.DueAsync(Authority, limit, cancellationToken).ConfigureAwait(false))
        {
            if (blockedTills.Contains(document.TillId))
            {
                continue;
            }

            var csid = await units.ProductionAsync(document.TillId, cancellationToken).ConfigureAwait(false);
            if (csid is null)
            {
                await documents.RecordAsync(document.Uuid, "attention", [], [], $"Till {document.TillId} has no ZATCA production CSID: onboard it (README, fiscal section).", null, cancellationToken).ConfigureAwait(false);
                stopped++;
                continue;
            }

            try
            {
                var answer = await client.ReportAsync(csid, document.Hash, document.Uuid, document.Document, cancellationToken).ConfigureAwait(false);
                var state = answer.Outcome switch
                {
                    ZatcaOutcome.Accepted => "reported",
                    ZatcaOutcome.AcceptedWithWarnings => "warnings",
                    _ => "rejected",
                };
                await documents.RecordAsync(document.Uuid, state, answer.Warnings, answer.Errors, null, null, cancellationToken).ConfigureAwait(false);
                Log.ZatcaAnswered(logger, document.Uuid, document.TillId, state, answer.Warnings.Count, answer.Errors.Count);
                _ = answer.Outcome switch
                {
                    ZatcaOutcome.Accepted => reported++,
                    ZatcaOutcome.AcceptedWithWarnings => warnings++,
                    _ => rejected++,
                };
            }
            catch (ZatcaUnavailableException e)
            {
                // 1, 2, 4 … minutes, at most an hour: well inside the 24 hours ZATCA gives.
                var delay = TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, Math.Min(document.Attempts, 6))));
                await documents.RecordAsync(document.Uuid, "waiting", [], [], e.Message, delay, cancellationToken).ConfigureAwait(false);
                Log.ZatcaRetrying(logger, document.Uuid, e.Message);
                retrying++;
            }
            catch (Exception e) when (e is ZatcaUnauthorizedException or ZatcaProtocolException)
            {
                // The same credentials or the same surprise would meet the till's next invoices too: stop the till.
                await documents.RecordAsync(document.Uuid, "attention", [], [], e.Message, null, cancellationToken).ConfigureAwait(false);
                Log.ZatcaStopped(logger, document.Uuid, document.TillId, e.Message);
                blockedTills.Add(document.TillId);
                stopped++;
            }
        }

        return new ZatcaReportRun(reported, warnings, rejected, retrying, stopped);
    }
}
