namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema, versioned on its own (table <c>schema_migrations</c>). Never edit a released script: add the
/// next one. Only the tables of the stores PostgreSQL implements so far.
/// </summary>
internal static class PostgresMigrations
{
    public static readonly string[] Scripts =
    [
        // 1: what several instances must share: delivery leases, request nonces, request windows, dashboard sessions.
        """
        CREATE TABLE dispatch_leases (
            adapter         text    PRIMARY KEY,
            holder          text    NOT NULL,
            expires_at      bigint  NOT NULL
        );

        CREATE TABLE request_nonces (
            till_id         text    NOT NULL,
            nonce           text    NOT NULL,
            expires_at      bigint  NOT NULL,
            PRIMARY KEY (till_id, nonce)
        );
        CREATE INDEX request_nonces_expiry ON request_nonces (expires_at);

        CREATE TABLE request_windows (
            key             text    PRIMARY KEY,
            window_start    bigint  NOT NULL,
            used            integer NOT NULL
        );

        CREATE TABLE dashboard_sessions (
            token_hash      text    PRIMARY KEY,
            csrf_token      text    NOT NULL,
            created_at      bigint  NOT NULL,
            last_seen_at    bigint  NOT NULL
        );

        CREATE TABLE dashboard_login_failures (
            client          text    NOT NULL,
            at              bigint  NOT NULL
        );
        CREATE INDEX dashboard_login_failures_client ON dashboard_login_failures (client, at);
        """,
        // Dashboard accounts (issue 24): a session belongs to an account and says whether its login proved a second
        // factor (sessions from before have no account and end); the accounts themselves, as on SQLite.
        """
        DELETE FROM dashboard_sessions;
        ALTER TABLE dashboard_sessions ADD COLUMN account text NOT NULL DEFAULT '';
        ALTER TABLE dashboard_sessions ADD COLUMN second_factor boolean NOT NULL DEFAULT false;

        CREATE TABLE dashboard_accounts (
            name            text    PRIMARY KEY,
            role            text    NOT NULL CHECK (role IN ('owner', 'manager', 'accountant', 'read-only')),
            password_hash   text    NOT NULL,
            totp_secret     text    NULL,
            pending_secret  text    NULL,
            last_totp_step  bigint  NULL,
            failed_logins   integer NOT NULL DEFAULT 0,
            locked_until    bigint  NULL,
            created_at      bigint  NOT NULL,
            last_login_at   bigint  NULL
        );
        CREATE TABLE dashboard_recovery_codes (
            account         text    NOT NULL REFERENCES dashboard_accounts (name) ON DELETE CASCADE,
            code_hash       text    NOT NULL,
            PRIMARY KEY (account, code_hash)
        );
        """,
    ];

    public static int Latest => Scripts.Length;
}
