namespace PosBridge.Connector.Cli;

/// <summary>
/// Progress of long work for the person at the terminal (a year's export): a line on standard error at most every
/// <see cref="Interval"/>, none for work done sooner, and never the same line twice. Standard output keeps only the
/// result, so a script reading it sees the same text with or without progress.
/// </summary>
internal sealed class ProgressLines(TextWriter error, TimeProvider timeProvider)
{
    /// <summary>At most one line this often: enough to show the work moves, not a scrolling log.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private DateTimeOffset _shownAt = timeProvider.GetUtcNow();
    private string? _shown;

    /// <summary>Shows <paramref name="line"/> (made only when it is shown) if <see cref="Interval"/> has passed since the last line or the start.</summary>
    public async Task ReportAsync(Func<string> line, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(line);
        var now = timeProvider.GetUtcNow();
        if (now - _shownAt < Interval)
        {
            return;
        }

        var text = line();
        if (text == _shown)
        {
            return;
        }

        _shownAt = now;
        _shown = text;
        await error.WriteLineAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
    }
}
