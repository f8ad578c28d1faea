namespace PosBridge.Connector.Fiscal;

/// <summary>The dashboard's view of fiscal documents: each invoice or receipt's state, the authority's messages, and what to do.</summary>
internal static class FiscalDashboard
{
    public static async Task<IResult> ListAsync(IFiscalDocumentStore store, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var documents = await store.ListAsync(500, cancellationToken).ConfigureAwait(false);
        return Results.Ok(new
        {
            counts = documents.GroupBy(d => d.State).ToDictionary(g => g.Key, g => g.Count()),
            // ETA receipts the ETA took, by how it validated them: waiting, valid, invalid, cancelled.
            validations = documents.Where(d => d.Validation is not null).GroupBy(d => d.Validation!.Status.ToString().ToLowerInvariant()).ToDictionary(g => g.Key, g => g.Count()),
            documents = documents.Select(d => new
            {
                uuid = d.Uuid,
                authority = d.Authority,
                store = d.StoreId,
                till = d.TillId,
                saleNumber = d.SaleNumber,
                counter = d.Counter,
                state = d.State,
                // ZATCA wants a simplified invoice reported within 24 hours of its issue.
                overdue = d.State is "waiting" or "attention" && now - d.IssuedAt > TimeSpan.FromHours(24),
                warnings = d.Warnings,
                // An invalid receipt's reasons are the ETA's validation errors.
                errors = d.Validation is { Errors.Count: > 0 } validation ? [.. d.Errors, .. validation.Errors] : d.Errors,
                validation = d.Validation is { } v ? new { submission = v.SubmissionUuid, status = v.Status.ToString().ToLowerInvariant(), polls = v.Polls, lastError = v.LastError, validatedAt = v.ValidatedAt } : null,
                lastError = d.LastError,
                advice = d.Advice,
                whatToDo = d.WhatToDo,
                issuedAt = d.IssuedAt,
                answeredAt = d.AnsweredAt,
            }),
        });
    }
}
