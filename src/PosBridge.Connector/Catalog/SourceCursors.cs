namespace PosBridge.Connector.Catalog;

/// <summary>
/// How far the pull has read each source (catalog, stock, loyalty cards): the source's own opaque cursor, saved only
/// after the page it ends was stored, so a crash re-pulls a page and never skips one.
/// </summary>
internal interface ISourceCursors
{
    /// <summary>The cursor saved for <paramref name="source"/>, or null before its first page.</summary>
    Task<string?> CursorAsync(string source, CancellationToken cancellationToken = default);

    Task SaveAsync(string source, string cursor, DateTimeOffset pulledAt, CancellationToken cancellationToken = default);
}
