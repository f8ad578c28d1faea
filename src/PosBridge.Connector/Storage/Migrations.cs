namespace PosBridge.Connector.Storage;

/// <summary>
/// Versioned schema scripts. Never edit a released script: add the next one. Instants are Unix
/// milliseconds (UTC), so the same columns work on PostgreSQL as bigint.
/// </summary>
internal static class Migrations
{
    public static readonly string[] Sqlite =
    [
        """
        CREATE TABLE sales (
            seq             INTEGER PRIMARY KEY AUTOINCREMENT,
            id              TEXT    NOT NULL UNIQUE,
            store_id        TEXT    NOT NULL,
            till_id         TEXT    NOT NULL,
            sale_number     TEXT    NOT NULL,
            created_at      INTEGER NOT NULL,
            received_at     INTEGER NOT NULL,
            refund_of       TEXT    NULL,
            currency        TEXT    NOT NULL,
            total           TEXT    NOT NULL,
            content_hash    TEXT    NOT NULL,
            document        TEXT    NOT NULL
        );
        CREATE INDEX sales_refund_of ON sales (refund_of) WHERE refund_of IS NOT NULL;
        CREATE INDEX sales_till ON sales (till_id, seq);

        CREATE TABLE deliveries (
            adapter         TEXT    NOT NULL,
            sale_seq        INTEGER NOT NULL REFERENCES sales (seq),
            state           TEXT    NOT NULL CHECK (state IN ('done', 'duplicate', 'retry', 'dead')),
            attempts        INTEGER NOT NULL,
            next_attempt_at INTEGER NULL,
            last_error      TEXT    NULL,
            external_id     TEXT    NULL,
            updated_at      INTEGER NOT NULL,
            PRIMARY KEY (adapter, sale_seq)
        );
        CREATE INDEX deliveries_state ON deliveries (adapter, state);

        CREATE TABLE adapter_cursors (
            adapter         TEXT    PRIMARY KEY,
            last_seq        INTEGER NOT NULL,
            last_success_at INTEGER NULL,
            last_error      TEXT    NULL,
            last_error_at   INTEGER NULL
        );

        CREATE TABLE id_mappings (
            adapter         TEXT    NOT NULL,
            kind            TEXT    NOT NULL,
            our_id          TEXT    NOT NULL,
            their_id        TEXT    NOT NULL,
            updated_at      INTEGER NOT NULL,
            PRIMARY KEY (adapter, kind, our_id)
        );

        CREATE TABLE catalog_snapshot (
            kind            TEXT    NOT NULL,
            id              TEXT    NOT NULL,
            version         INTEGER NOT NULL,
            deleted         INTEGER NOT NULL DEFAULT 0,
            document        TEXT    NOT NULL,
            PRIMARY KEY (kind, id)
        );
        CREATE INDEX catalog_snapshot_version ON catalog_snapshot (version);

        CREATE TABLE tills (
            id              TEXT    PRIMARY KEY,
            store_id        TEXT    NOT NULL,
            name            TEXT    NOT NULL,
            created_at      INTEGER NOT NULL,
            paired_at       INTEGER NULL,
            revoked_at      INTEGER NULL,
            credential_hash TEXT    NULL UNIQUE,
            signing_key     TEXT    NULL,
            last_contact_at INTEGER NULL
        );

        CREATE TABLE pairing_codes (
            code_hash       TEXT    PRIMARY KEY,
            till_id         TEXT    NOT NULL REFERENCES tills (id),
            expires_at      INTEGER NOT NULL,
            used_at         INTEGER NULL
        );

        CREATE TABLE audit_log (
            seq             INTEGER PRIMARY KEY AUTOINCREMENT,
            at              INTEGER NOT NULL,
            actor           TEXT    NOT NULL,
            action          TEXT    NOT NULL,
            subject         TEXT    NOT NULL,
            details         TEXT    NULL
        );
        """,
        // 2: ledger exports read a store's sales by time.
        """
        CREATE INDEX sales_store_time ON sales (store_id, created_at, id);
        """,
        // 3: which business days each ledger has written at close of day.
        """
        CREATE TABLE ledger_days (
            ledger          TEXT    NOT NULL,
            business_day    TEXT    NOT NULL,
            journals        INTEGER NOT NULL,
            written_at      INTEGER NOT NULL,
            PRIMARY KEY (ledger, business_day)
        );
        """,
        // 4: web stores. A SKU's item id in each store (id_mappings, kind 'sku'; a variation also needs its
        // parent), and each stock change a store was sent: 'pending' (intent written before the request) or
        // 'applied' (its answer recorded), so a restart neither re-resolves SKUs nor applies a change twice.
        """
        ALTER TABLE id_mappings ADD COLUMN their_parent_id TEXT NULL;

        CREATE TABLE stock_deltas (
            store           TEXT    NOT NULL,
            delta_key       TEXT    NOT NULL,
            state           TEXT    NOT NULL CHECK (state IN ('pending', 'applied')),
            batch           TEXT    NULL,
            sku             TEXT    NULL,
            location        TEXT    NULL,
            change          INTEGER NULL,
            before_level    INTEGER NULL,
            after_level     INTEGER NULL,
            updated_at      INTEGER NOT NULL,
            PRIMARY KEY (store, delta_key)
        );
        CREATE INDEX stock_deltas_pending ON stock_deltas (store, batch) WHERE state = 'pending';
        """,
        // 5: who is delivering to an adapter right now, across processes (serve and `posbridge sync now`).
        """
        CREATE TABLE dispatch_leases (
            adapter         TEXT    PRIMARY KEY,
            holder          TEXT    NOT NULL,
            expires_at      INTEGER NOT NULL
        );
        """,
        // 6: how far each catalog or stock source has been pulled (its own opaque cursor).
        """
        CREATE TABLE source_cursors (
            source          TEXT    PRIMARY KEY,
            cursor          TEXT    NOT NULL,
            pulled_at       INTEGER NOT NULL
        );
        """,
        // 7: shift closes from tills (Z reports), and their delivery to back offices that keep sessions.
        """
        CREATE TABLE shift_closings (
            store_id        TEXT    NOT NULL,
            till_id         TEXT    NOT NULL,
            shift_id        TEXT    NOT NULL,
            last_sale_seq   INTEGER NOT NULL,
            received_at     INTEGER NOT NULL,
            content_hash    TEXT    NOT NULL,
            document        TEXT    NOT NULL,
            PRIMARY KEY (store_id, till_id, shift_id)
        );

        CREATE TABLE shift_closing_deliveries (
            adapter         TEXT    NOT NULL,
            store_id        TEXT    NOT NULL,
            till_id         TEXT    NOT NULL,
            shift_id        TEXT    NOT NULL,
            state           TEXT    NOT NULL CHECK (state IN ('closed', 'nothing', 'retry', 'dead')),
            attempts        INTEGER NOT NULL,
            last_error      TEXT    NULL,
            updated_at      INTEGER NOT NULL,
            PRIMARY KEY (adapter, store_id, till_id, shift_id)
        );
        """,
        // 8: receipts customers asked for by e-mail or SMS: the till's request (its id the idempotency key), the
        // receipt page served at a link whose token is kept hashed (for look-up) and encrypted (to resend), and
        // the message's delivery state. 'sending' is written before each send, so a crash mid-send is never resent.
        """
        CREATE TABLE receipt_messages (
            request_id      TEXT    PRIMARY KEY,
            store_id        TEXT    NOT NULL,
            till_id         TEXT    NOT NULL,
            sale_id         TEXT    NOT NULL,
            sale_number     TEXT    NOT NULL,
            channel         TEXT    NOT NULL CHECK (channel IN ('email', 'sms')),
            recipient       TEXT    NOT NULL,
            language        TEXT    NOT NULL,
            store_name      TEXT    NULL,
            content_hash    TEXT    NOT NULL,
            receipt_html    TEXT    NOT NULL,
            token_hash      TEXT    NOT NULL UNIQUE,
            token_protected TEXT    NOT NULL,
            received_at     INTEGER NOT NULL,
            expires_at      INTEGER NOT NULL,
            state           TEXT    NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'dead', 'uncertain')),
            attempts        INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            last_error      TEXT    NULL,
            sent_at         INTEGER NULL
        );
        CREATE INDEX receipt_messages_due ON receipt_messages (state, next_attempt_at);
        """,
        // 9: fees card and wallet providers report on their settlements (`posbridge fees import`), booked by the
        // ledgers on their business day. One row per provider reference and method, so a report imported twice
        // adds nothing; the amount is decimal text, exactly as the report gave it.
        """
        CREATE TABLE provider_fees (
            store_id        TEXT    NOT NULL,
            method_id       TEXT    NOT NULL,
            reference       TEXT    NOT NULL,
            kind            TEXT    NOT NULL,
            reported_at     INTEGER NOT NULL,
            amount          TEXT    NOT NULL,
            currency        TEXT    NOT NULL,
            imported_at     INTEGER NOT NULL,
            source_file     TEXT    NOT NULL,
            source_line     INTEGER NOT NULL,
            PRIMARY KEY (store_id, method_id, reference)
        );
        CREATE INDEX provider_fees_reported ON provider_fees (store_id, reported_at);
        """,
        // 10: tax authorities. Each till's ZATCA stamp identifiers (CSIDs, secrets encrypted with the secrets key), and
        // each fiscal document a till signed or chained, kept by its uuid (the idempotency key at ZATCA and the ETA)
        // with what the authority answered: state, warnings and errors as JSON.
        """
        CREATE TABLE fiscal_units (
            authority       TEXT    NOT NULL,
            till_id         TEXT    NOT NULL,
            store_id        TEXT    NOT NULL,
            compliance_csid TEXT    NULL,
            production_csid TEXT    NULL,
            expires_at      INTEGER NULL,
            updated_at      INTEGER NOT NULL,
            PRIMARY KEY (authority, till_id)
        );
        CREATE TABLE fiscal_documents (
            uuid            TEXT    PRIMARY KEY,
            authority       TEXT    NOT NULL,
            store_id        TEXT    NOT NULL,
            till_id         TEXT    NOT NULL,
            sale_number     TEXT    NOT NULL,
            counter         INTEGER NOT NULL,
            hash            TEXT    NOT NULL,
            document        TEXT    NOT NULL,
            issued_at       INTEGER NOT NULL,
            received_at     INTEGER NOT NULL,
            state           TEXT    NOT NULL CHECK (state IN ('waiting', 'reported', 'warnings', 'rejected', 'attention')),
            attempts        INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            warnings        TEXT    NULL,
            errors          TEXT    NULL,
            last_error      TEXT    NULL,
            answered_at     INTEGER NULL,
            UNIQUE (authority, till_id, counter)
        );
        CREATE INDEX fiscal_documents_due ON fiscal_documents (authority, state, next_attempt_at);
        """,
        // 11: the nonces of till requests seen within the replay window, so a request replayed after a restart (or to
        // another connector on the same database) is refused. Rows past expires_at are deleted as new ones come.
        """
        CREATE TABLE request_nonces (
            till_id         TEXT    NOT NULL,
            nonce           TEXT    NOT NULL,
            expires_at      INTEGER NOT NULL,
            PRIMARY KEY (till_id, nonce)
        ) WITHOUT ROWID;
        CREATE INDEX request_nonces_expiry ON request_nonces (expires_at);
        """,
        // 12: reports: sales pre-aggregated as they are stored (same transaction) and rebuilt from raw sales by
        // `posbridge report rebuild`. Days and hours are the store's local ones; amounts are integers in the
        // currency's minor units, quantities and points in millionths, so sums in SQL are exact. Loyalty: the day's
        // totals, each customer's first purchase in the chain (new customers), and customer-days (returning ones).
        """
        CREATE TABLE report_hours (
            store_id        TEXT    NOT NULL,
            day             TEXT    NOT NULL,
            hour            INTEGER NOT NULL,
            currency        TEXT    NOT NULL,
            sale_count      INTEGER NOT NULL,
            refund_count    INTEGER NOT NULL,
            sales           INTEGER NOT NULL,
            refunds         INTEGER NOT NULL,
            discounts       INTEGER NOT NULL,
            untaxed         INTEGER NOT NULL,
            tax             INTEGER NOT NULL,
            rounding        INTEGER NOT NULL,
            PRIMARY KEY (store_id, day, hour, currency)
        ) WITHOUT ROWID;
        CREATE TABLE report_products (
            store_id        TEXT    NOT NULL,
            day             TEXT    NOT NULL,
            currency        TEXT    NOT NULL,
            product_id      TEXT    NOT NULL,
            name            TEXT    NOT NULL,
            quantity        INTEGER NOT NULL,
            revenue         INTEGER NOT NULL,
            untaxed         INTEGER NOT NULL,
            PRIMARY KEY (store_id, day, currency, product_id)
        ) WITHOUT ROWID;
        CREATE TABLE report_payments (
            store_id        TEXT    NOT NULL,
            day             TEXT    NOT NULL,
            currency        TEXT    NOT NULL,
            kind            TEXT    NOT NULL,
            method_id       TEXT    NOT NULL,
            payment_count   INTEGER NOT NULL,
            amount          INTEGER NOT NULL,
            PRIMARY KEY (store_id, day, currency, kind, method_id)
        ) WITHOUT ROWID;
        CREATE TABLE report_tills (
            store_id        TEXT    NOT NULL,
            day             TEXT    NOT NULL,
            currency        TEXT    NOT NULL,
            till_id         TEXT    NOT NULL,
            cashier_id      TEXT    NOT NULL,
            cashier_name    TEXT    NOT NULL,
            sale_count      INTEGER NOT NULL,
            refund_count    INTEGER NOT NULL,
            sales           INTEGER NOT NULL,
            refunds         INTEGER NOT NULL,
            discounts       INTEGER NOT NULL,
            PRIMARY KEY (store_id, day, currency, till_id, cashier_id)
        ) WITHOUT ROWID;
        CREATE TABLE report_customers (
            store_id        TEXT    NOT NULL,
            day             TEXT    NOT NULL,
            currency        TEXT    NOT NULL,
            customer_id     TEXT    NOT NULL,
            sale_count      INTEGER NOT NULL,
            net             INTEGER NOT NULL,
            points_earned   INTEGER NOT NULL,
            points_spent    INTEGER NOT NULL,
            PRIMARY KEY (store_id, day, currency, customer_id)
        ) WITHOUT ROWID;
        CREATE TABLE report_loyalty (
            store_id        TEXT    NOT NULL,
            day             TEXT    NOT NULL,
            currency        TEXT    NOT NULL,
            sale_count      INTEGER NOT NULL,
            net             INTEGER NOT NULL,
            points_earned   INTEGER NOT NULL,
            points_spent    INTEGER NOT NULL,
            PRIMARY KEY (store_id, day, currency)
        ) WITHOUT ROWID;
        CREATE TABLE report_customer_first (
            customer_id     TEXT    PRIMARY KEY,
            store_id        TEXT    NOT NULL,
            currency        TEXT    NOT NULL,
            day             TEXT    NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX report_customer_first_day ON report_customer_first (store_id, day);
        """,
        // 13: ZATCA's answer to the clearance of each standard invoice, with the cleared XML the customer was given,
        // so a till's retry by uuid gets the same answer without a second call. The invoice itself is in fiscal_documents.
        """
        CREATE TABLE zatca_clearances (
            uuid            TEXT    PRIMARY KEY REFERENCES fiscal_documents (uuid),
            state           TEXT    NOT NULL CHECK (state IN ('Cleared', 'ClearedWithWarnings', 'NotCleared', 'ReportInstead')),
            cleared_invoice TEXT    NULL,
            answered_at     INTEGER NOT NULL
        );
        """,
        // 14: the last failure of each catalog source's pull (a web store unreachable, a key refused, a bad product
        // file), kept until a pull of it succeeds, for 'posbridge status' and the dashboard.
        """
        CREATE TABLE source_problems (
            source          TEXT    PRIMARY KEY,
            failed_at       INTEGER NOT NULL,
            message         TEXT    NOT NULL
        );
        """,
        // 15: the numbering epoch each till continues in. A till restored from a backup or reinstalled asks
        // for the next one at its first contact, so its shift and sale numbers are ones the connector has never seen.
        """
        CREATE TABLE till_numbering (
            till_id         TEXT    PRIMARY KEY,
            epoch           INTEGER NOT NULL,
            issued_at       INTEGER NOT NULL
        );
        """,
        // 16: dashboard accounts (issue 24): each person's password, role and authenticator secret (encrypted with the
        // secrets key), failed logins and lock (kept, so a restart does not unlock), the last one-time-password step
        // used (a code is never accepted twice), and the hashes of unused recovery codes.
        """
        CREATE TABLE dashboard_accounts (
            name            TEXT    PRIMARY KEY,
            role            TEXT    NOT NULL CHECK (role IN ('owner', 'manager', 'accountant', 'read-only')),
            password_hash   TEXT    NOT NULL,
            totp_secret     TEXT    NULL,
            pending_secret  TEXT    NULL,
            last_totp_step  INTEGER NULL,
            failed_logins   INTEGER NOT NULL DEFAULT 0,
            locked_until    INTEGER NULL,
            created_at      INTEGER NOT NULL,
            last_login_at   INTEGER NULL
        );
        CREATE TABLE dashboard_recovery_codes (
            account         TEXT    NOT NULL REFERENCES dashboard_accounts (name) ON DELETE CASCADE,
            code_hash       TEXT    NOT NULL,
            PRIMARY KEY (account, code_hash)
        ) WITHOUT ROWID;
        """,
        // 17: the ETA's validation of each e-receipt it accepted: the submission answer (202) only says a receipt was taken,
        // its final status (Valid, Invalid with the validation errors, later Cancelled) comes from polling the
        // submission's details. Written with the 'reported' state of the receipt in one transaction, so a receipt is
        // either waiting to be submitted or waiting for its validation, never both and never neither.
        """
        CREATE TABLE eta_validations (
            uuid            TEXT    PRIMARY KEY REFERENCES fiscal_documents (uuid),
            submission_uuid TEXT    NOT NULL,
            status          TEXT    NOT NULL CHECK (status IN ('waiting', 'valid', 'invalid', 'cancelled')),
            polls           INTEGER NOT NULL,
            next_poll_at    INTEGER NOT NULL,
            errors          TEXT    NULL,
            last_error      TEXT    NULL,
            submitted_at    INTEGER NOT NULL,
            validated_at    INTEGER NULL
        );
        CREATE INDEX eta_validations_due ON eta_validations (status, next_poll_at);
        """,
    ];

    public static int Latest => Sqlite.Length;
}
