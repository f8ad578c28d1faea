using PosBridge.Core.Sales;

namespace PosBridge.Connector.Cli;

/// <summary>Reads a JSON-lines file of sale documents and validates each as the connector's ingestion does.</summary>
internal static class ValidateCommand
{
    public static async Task<int> RunAsync(string path, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
        {
            await error.WriteLineAsync($"posbridge: no file at '{Path.GetFullPath(path)}'.").ConfigureAwait(false);
            return CommandLine.InputProblems;
        }

        var result = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
        foreach (var (line, errors) in result.Refused)
        {
            foreach (var problem in errors)
            {
                await output.WriteLineAsync($"{path}:{line}: {problem.Field}: {problem.Message}").ConfigureAwait(false);
            }
        }

        await output.WriteLineAsync($"{result.Accepted.Count} sale(s) valid, {result.Refused.Count} refused.").ConfigureAwait(false);
        return result.Refused.Count == 0 && result.Accepted.Count > 0 ? CommandLine.Ok : CommandLine.InputProblems;
    }

    /// <summary>Every sale that passes, and every refused line with its problems. Blank lines are skipped.</summary>
    public static async Task<SaleFile> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var accepted = new List<Sale>();
        var refused = new List<(int Line, IReadOnlyList<ValidationError> Errors)>();
        var seen = new HashSet<Guid>();
        var byId = new Dictionary<Guid, Sale>();
        var number = 0;
        foreach (var text in await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false))
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var parsed = SaleJson.Parse(text);
            if (parsed.IsValid && parsed.Sale.RefundOf is { } refundOf && byId.TryGetValue(refundOf.SaleId, out var original))
            {
                // A refund in the same file is checked against its original and the refunds before it.
                var earlier = accepted.Where(s => s.RefundOf?.SaleId == refundOf.SaleId).ToList();
                parsed = SaleJson.Parse(text, new RefundHistory(original, earlier));
            }

            if (!parsed.IsValid)
            {
                refused.Add((number, parsed.Errors));
            }
            else if (!seen.Add(parsed.Sale.Id))
            {
                refused.Add((number, [new ValidationError("id", $"sale {parsed.Sale.Id} appears earlier in the file.")]));
            }
            else
            {
                accepted.Add(parsed.Sale);
                byId[parsed.Sale.Id] = parsed.Sale;
            }
        }

        return new SaleFile(accepted, refused);
    }
}

internal sealed record SaleFile(IReadOnlyList<Sale> Accepted, IReadOnlyList<(int Line, IReadOnlyList<ValidationError> Errors)> Refused);
