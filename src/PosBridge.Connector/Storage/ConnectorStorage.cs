namespace PosBridge.Connector.Storage;

/// <summary>
/// The connector's database as a whole, whatever the backend: its schema brought up to date before anything reads
/// or writes, and a cheap question for the readiness probe.
/// </summary>
internal interface IConnectorStorage
{
    /// <summary>Where the data is, for the log and messages (a file path, or a server and database; never a password).</summary>
    string Location { get; }

    /// <summary>The schema version this connector brings the database to.</summary>
    int SchemaVersion { get; }

    /// <summary>Creates the database if needed and applies the migrations it lacks; refuses one newer than this connector.</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Answers when the database takes queries; throws when it does not.</summary>
    Task CheckAsync(CancellationToken cancellationToken = default);
}
