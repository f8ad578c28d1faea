namespace PosBridge.Erp.Odoo.Rpc;

/// <summary>What went wrong, classified on Odoo's <c>error.data.name</c> (never its <c>code</c>, which differs across versions).</summary>
public enum OdooErrorKind
{
    /// <summary>Bad login, password or API key: stop and tell a person; retrying will not help.</summary>
    AccessDenied,

    /// <summary>The user lacks the rights, or the company is not allowed.</summary>
    AccessError,

    /// <summary>Odoo refuses the data (UserError, ValidationError, a unique or not-null violation): its message says why.</summary>
    UserError,

    /// <summary>A record the call needs no longer exists.</summary>
    MissingRecord,

    /// <summary>A concurrent update won; Odoo already retried. Try again after a pause.</summary>
    Concurrency,

    /// <summary>The session behind the call expired: log in again once.</summary>
    SessionExpired,

    /// <summary>No usable answer: timeout, refused connection, HTTP 5xx or 429, a broken body.</summary>
    Transport,

    /// <summary>The call itself is wrong for this server (unknown method, bad field, unknown database).</summary>
    ServerError,
}

/// <summary>A failed Odoo call, with Odoo's own message for a person to act on.</summary>
public sealed class OdooException : Exception
{
    public OdooException(OdooErrorKind kind, string message, string? odooErrorName = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        OdooErrorName = odooErrorName;
    }

    public OdooErrorKind Kind { get; }

    /// <summary>Odoo's <c>error.data.name</c>, e.g. <c>odoo.exceptions.ValidationError</c>.</summary>
    public string? OdooErrorName { get; }

    /// <summary>For transport failures: the server asked us to wait this long (HTTP Retry-After).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Passing failures worth a retry with backoff: transport and concurrency. Never data or access errors.</summary>
    public bool IsTransient => Kind is OdooErrorKind.Transport or OdooErrorKind.Concurrency;

    /// <summary>Maps Odoo's error name (and, for serialisation failures, its message) to a kind.</summary>
    public static OdooErrorKind Classify(string? name, string? message)
    {
        switch (name)
        {
            case "odoo.exceptions.AccessDenied":
                return OdooErrorKind.AccessDenied;
            case "odoo.exceptions.AccessError":
                return OdooErrorKind.AccessError;
            case "odoo.exceptions.UserError":
            case "odoo.exceptions.ValidationError":
            case "odoo.exceptions.RedirectWarning":
            case "odoo.exceptions.Warning":
                return message is not null && message.Contains("could not serialize access", StringComparison.OrdinalIgnoreCase)
                    ? OdooErrorKind.Concurrency
                    : OdooErrorKind.UserError;
            case "odoo.exceptions.MissingError":
                return OdooErrorKind.MissingRecord;
            case "odoo.exceptions.ConcurrencyError":
            case "psycopg2.errors.SerializationFailure":
            case "psycopg2.extensions.TransactionRollbackError":
            case "psycopg2.errors.LockNotAvailable":
                return OdooErrorKind.Concurrency;
            case "odoo.http.SessionExpiredException":
                return OdooErrorKind.SessionExpired;
        }

        return message is not null && message.Contains("could not serialize access", StringComparison.OrdinalIgnoreCase)
            ? OdooErrorKind.Concurrency
            : OdooErrorKind.ServerError;
    }
}
