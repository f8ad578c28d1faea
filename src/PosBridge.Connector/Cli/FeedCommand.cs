using Microsoft.Extensions.Options;
using PosBridge.Connector.WebStores;

namespace PosBridge.Connector.Cli;

/// <summary>
/// <c>posbridge feed</c>: writes a store's catalog (Merchant Center feed or product CSV) to a file, the same bytes
/// the connector serves at <c>/feeds/{store}/{format}</c>. The file is replaced whole, never left half-written.
/// </summary>
internal static class FeedCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyDictionary<string, string> options, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var format = options["format"];
        if (!FeedFiles.TryParse(format, out var file))
        {
            return await FailAsync(error, $"--format '{format}' is not a feed format; use one of {string.Join(", ", FeedFiles.Names)}.", CommandLine.Usage).ConfigureAwait(false);
        }

        var feeds = services.GetRequiredService<StoreFeeds>();
        var name = options["store"];
        if (feeds.Find(name) is not { } store)
        {
            var publishing = feeds.Publishing.Select(s => s.Name).ToList();
            return await FailAsync(
                error,
                publishing.Count == 0
                    ? $"no store '{name}' publishes a feed: give a store a Feed section under Ecommerce:Stores (see src/PosBridge.Ecommerce/README.md)."
                    : $"no store '{name}' publishes a feed; stores with a feed: {string.Join(", ", publishing)}.",
                CommandLine.InputProblems).ConfigureAwait(false);
        }

        FeedContent content;
        try
        {
            content = await feeds.BuildAsync(store, file, cancellationToken).ConfigureAwait(false);
        }
        catch (OptionsValidationException ex)
        {
            return await FailAsync(error, $"the store's settings are not valid: {string.Join(" ", ex.Failures)}", CommandLine.InputProblems).ConfigureAwait(false);
        }

        var path = Path.GetFullPath(options["out"]);
        if (Path.GetDirectoryName(path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var temporary = path + ".tmp";
        await File.WriteAllBytesAsync(temporary, content.Bytes, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);

        await output.WriteLineAsync($"Store {store.Name}, {format}: {content.Items} item(s) written to {path}").ConfigureAwait(false);
        if (content.Rejected.Count > 0)
        {
            await output.WriteLineAsync($"{content.Rejected.Count} item(s) left out:").ConfigureAwait(false);
            foreach (var rejected in content.Rejected)
            {
                await output.WriteLineAsync($"  {rejected.ItemId}: {rejected.Reason}").ConfigureAwait(false);
            }
        }

        if (content.Notes.Count > 0)
        {
            await output.WriteLineAsync($"{content.Notes.Count} item(s) written otherwise than the catalog says:").ConfigureAwait(false);
            foreach (var note in content.Notes)
            {
                await output.WriteLineAsync($"  {note.ItemId}: {note.Reason}").ConfigureAwait(false);
            }
        }

        return CommandLine.Ok;
    }

    private static async Task<int> FailAsync(TextWriter error, string message, int code)
    {
        await error.WriteLineAsync($"posbridge: {message}").ConfigureAwait(false);
        return code;
    }
}
