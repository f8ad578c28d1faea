using SQLite;

namespace PosBridge.Terminal.Storage;

/// <summary>
/// The schema, one numbered step at a time. <c>PRAGMA user_version</c> records the last step applied,
/// so a till that has been offline through several releases upgrades in place. Steps are only ever
/// appended; a shipped step is never edited.
/// </summary>
internal static class Migrations
{
    private static readonly string[][] Steps =
    [
        // 1: the first release.
        [
            "CREATE TABLE Settings(Key TEXT PRIMARY KEY, Value TEXT NOT NULL)",
            """
            CREATE TABLE Shifts(
                Id TEXT PRIMARY KEY, Number INTEGER NOT NULL UNIQUE, CashierId TEXT NOT NULL,
                OpenedAtUtc TEXT NOT NULL, OpeningFloat TEXT NOT NULL,
                ClosedAtUtc TEXT, CountedCash TEXT, LastSeq INTEGER NOT NULL DEFAULT 0)
            """,
            // At most one open shift per till.
            "CREATE UNIQUE INDEX ShiftsOneOpen ON Shifts((ClosedAtUtc IS NULL)) WHERE ClosedAtUtc IS NULL",
            """
            CREATE TABLE CashMovements(
                Id INTEGER PRIMARY KEY AUTOINCREMENT, ShiftId TEXT NOT NULL REFERENCES Shifts(Id),
                Amount TEXT NOT NULL, Reason TEXT NOT NULL, AtUtc TEXT NOT NULL)
            """,
            """
            CREATE TABLE Sales(
                Id TEXT PRIMARY KEY, SaleNumber TEXT NOT NULL UNIQUE, ShiftId TEXT NOT NULL REFERENCES Shifts(Id),
                Seq INTEGER NOT NULL, CreatedAtUtc TEXT NOT NULL, RefundOfId TEXT, Json TEXT NOT NULL,
                UNIQUE(ShiftId, Seq))
            """,
            """
            CREATE TABLE Outbox(
                Seq INTEGER PRIMARY KEY AUTOINCREMENT, SaleId TEXT NOT NULL UNIQUE REFERENCES Sales(Id),
                State INTEGER NOT NULL DEFAULT 0, Attempts INTEGER NOT NULL DEFAULT 0,
                LastError TEXT, SentAtUtc TEXT)
            """,
            """
            CREATE TABLE Products(
                Id TEXT PRIMARY KEY, Name TEXT NOT NULL, SearchKey TEXT NOT NULL, Sku TEXT, Barcode TEXT,
                Unit TEXT NOT NULL, ListPrice TEXT NOT NULL, Currency TEXT NOT NULL, TaxIds TEXT NOT NULL,
                IsWeighed INTEGER NOT NULL, Active INTEGER NOT NULL)
            """,
            "CREATE INDEX ProductsBySku ON Products(Sku)",
            "CREATE INDEX ProductsByBarcode ON Products(Barcode)",
            "CREATE TABLE Taxes(Id TEXT PRIMARY KEY, Json TEXT NOT NULL)",
        ],

        // 2: uploads read pending rows in order, refunds look up earlier refunds of a sale.
        [
            "CREATE INDEX OutboxPending ON Outbox(State, Seq)",
            "CREATE INDEX SalesByRefundOf ON Sales(RefundOfId) WHERE RefundOfId IS NOT NULL",
        ],

        // 3: refunds find sales by date, voided carts are kept for the shift report, staff approve with a PIN.
        [
            "CREATE INDEX SalesByCreatedAt ON Sales(CreatedAtUtc)",
            """
            CREATE TABLE Voids(
                Id INTEGER PRIMARY KEY AUTOINCREMENT, ShiftId TEXT REFERENCES Shifts(Id), AtUtc TEXT NOT NULL,
                CashierId TEXT NOT NULL, Reason TEXT NOT NULL, Amount TEXT NOT NULL, Lines INTEGER NOT NULL,
                ReversedReferences TEXT NOT NULL)
            """,
            "CREATE INDEX VoidsByShift ON Voids(ShiftId)",
            """
            CREATE TABLE Staff(
                Id TEXT PRIMARY KEY, Name TEXT NOT NULL, PinSalt TEXT NOT NULL, PinHash TEXT NOT NULL,
                Permissions INTEGER NOT NULL, Active INTEGER NOT NULL DEFAULT 1)
            """,
        ],

        // 4: the outbox carries shift closes too, in the same sequence as the sales, so a close goes after
        // the shift's last sale. SQLite cannot relax SaleId's NOT NULL in place: the table is rebuilt, keeping
        // every Seq and the AUTOINCREMENT high-water mark so no Seq is ever handed out twice.
        [
            """
            CREATE TABLE OutboxNew(
                Seq INTEGER PRIMARY KEY AUTOINCREMENT, Kind INTEGER NOT NULL DEFAULT 0,
                SaleId TEXT UNIQUE REFERENCES Sales(Id), ShiftId TEXT UNIQUE REFERENCES Shifts(Id), Json TEXT,
                State INTEGER NOT NULL DEFAULT 0, Attempts INTEGER NOT NULL DEFAULT 0,
                LastError TEXT, SentAtUtc TEXT,
                CHECK ((Kind = 0 AND SaleId IS NOT NULL AND ShiftId IS NULL) OR (Kind = 1 AND SaleId IS NULL AND ShiftId IS NOT NULL AND Json IS NOT NULL)))
            """,
            "INSERT INTO OutboxNew(Seq, Kind, SaleId, State, Attempts, LastError, SentAtUtc) SELECT Seq, 0, SaleId, State, Attempts, LastError, SentAtUtc FROM Outbox",
            "INSERT INTO sqlite_sequence(name, seq) SELECT 'OutboxNew', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'OutboxNew')",
            "UPDATE sqlite_sequence SET seq = MAX(seq, COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'Outbox'), 0)) WHERE name = 'OutboxNew'",
            "DROP TABLE Outbox",
            "ALTER TABLE OutboxNew RENAME TO Outbox",
            "CREATE INDEX OutboxPending ON Outbox(State, Seq)",
        ],

        // 5: customers, found at the till by phone, loyalty card code, or an NFC tag's UID.
        [
            """
            CREATE TABLE Customers(
                Id TEXT PRIMARY KEY, Name TEXT, Phone TEXT, Email TEXT, CardCode TEXT UNIQUE, NfcTagId TEXT UNIQUE)
            """,
            "CREATE INDEX CustomersByPhone ON Customers(Phone)",
        ],

        // 6: a refund that pays back through the provider is recorded as an intent before the provider is called,
        // and each part's state after, so a till killed in between settles it on restart instead of losing it.
        [
            """
            CREATE TABLE RefundIntents(
                Id TEXT PRIMARY KEY, SaleId TEXT NOT NULL REFERENCES Sales(Id), SaleNumber TEXT NOT NULL,
                Request TEXT NOT NULL, Parts TEXT NOT NULL, State INTEGER NOT NULL, RefundId TEXT REFERENCES Sales(Id),
                Problem TEXT, CreatedAtUtc TEXT NOT NULL, UpdatedAtUtc TEXT NOT NULL)
            """,
            "CREATE INDEX RefundIntentsBySale ON RefundIntents(SaleId)",
        ],

        // 7: the catalog pulled from the connector carries categories, payment methods and loyalty programs; each
        // sale's points are kept per customer for the till's view of their balance.
        [
            "CREATE TABLE Categories(Id TEXT PRIMARY KEY, Name TEXT NOT NULL, ParentId TEXT)",
            "ALTER TABLE Products ADD COLUMN CategoryId TEXT",
            "CREATE TABLE PaymentMethods(Id TEXT PRIMARY KEY, Name TEXT NOT NULL, Kind TEXT NOT NULL)",
            "CREATE TABLE LoyaltyPrograms(Id TEXT PRIMARY KEY, Json TEXT NOT NULL)",
            """
            CREATE TABLE LoyaltyMoves(
                SaleId TEXT PRIMARY KEY REFERENCES Sales(Id), CustomerId TEXT NOT NULL, ProgramId TEXT NOT NULL,
                Earned TEXT NOT NULL, Spent TEXT NOT NULL, AtUtc TEXT NOT NULL)
            """,
            "CREATE INDEX LoyaltyMovesByCustomer ON LoyaltyMoves(CustomerId, ProgramId, AtUtc)",
            """
            CREATE TABLE LoyaltyBalances(
                CustomerId TEXT NOT NULL, ProgramId TEXT NOT NULL, Points TEXT NOT NULL, AsOfUtc TEXT NOT NULL,
                PRIMARY KEY (CustomerId, ProgramId))
            """,
        ],

        // 8: receipts a customer asked for by e-mail or SMS, queued with the same durability as sales and
        // uploaded to the connector (which sends them) when it answers. Json is the request as it is sent.
        [
            """
            CREATE TABLE ReceiptRequests(
                Id TEXT PRIMARY KEY, SaleId TEXT NOT NULL REFERENCES Sales(Id), Channel TEXT NOT NULL,
                Recipient TEXT NOT NULL, Json TEXT NOT NULL, CreatedAtUtc TEXT NOT NULL,
                State INTEGER NOT NULL DEFAULT 0, Attempts INTEGER NOT NULL DEFAULT 0, LastError TEXT, SentAtUtc TEXT)
            """,
            "CREATE INDEX ReceiptRequestsPending ON ReceiptRequests(State, CreatedAtUtc)",
        ],

        // 9: the back office's loyalty cards, pulled with the catalog: a customer is found by any of their cards'
        // codes, and earns in the card's program. Codes are matched case-insensitively, as they are typed.
        [
            """
            CREATE TABLE LoyaltyCards(
                Id TEXT PRIMARY KEY, CustomerId TEXT NOT NULL, ProgramId TEXT NOT NULL, Code TEXT)
            """,
            "CREATE INDEX LoyaltyCardsByCode ON LoyaltyCards(Code COLLATE NOCASE)",
            "CREATE INDEX LoyaltyCardsByCustomer ON LoyaltyCards(CustomerId, ProgramId)",
        ],

        // 10: fiscal documents (ZATCA invoices, ETA e-receipts), written in the sale's own transaction: each authority's
        // chain (counter and previous hash) moves forward only when a sale commits, so a crash leaves no gap and no reuse.
        // The EGS unit's key pair and certificates stay on the till; only the CSR and signed documents leave it.
        [
            "CREATE TABLE FiscalChains(Authority TEXT PRIMARY KEY, LastCounter INTEGER NOT NULL, LastHash TEXT NOT NULL)",
            """
            CREATE TABLE FiscalDocuments(
                SaleId TEXT PRIMARY KEY REFERENCES Sales(Id), Authority TEXT NOT NULL, Counter INTEGER NOT NULL,
                Uuid TEXT NOT NULL UNIQUE, Hash TEXT NOT NULL, PreviousHash TEXT NOT NULL, Document TEXT NOT NULL, Qr TEXT,
                CreatedAtUtc TEXT NOT NULL, State INTEGER NOT NULL DEFAULT 0, Attempts INTEGER NOT NULL DEFAULT 0,
                LastError TEXT, SentAtUtc TEXT,
                UNIQUE(Authority, Counter))
            """,
            "CREATE INDEX FiscalDocumentsPending ON FiscalDocuments(State, Authority, Counter)",
            """
            CREATE TABLE FiscalKeys(
                Authority TEXT PRIMARY KEY, PrivateKey TEXT NOT NULL, Csr TEXT NOT NULL, EgsSerial TEXT NOT NULL,
                ComplianceCertificate TEXT, ProductionCertificate TEXT, CertificateExpiresUtc TEXT, UpdatedAtUtc TEXT NOT NULL)
            """,
        ],

        // (fiscal) standard (B2B) invoices cleared by ZATCA before they are given: a document is keyed by its uuid, as a
        // sale whose standard invoice was not cleared gets a simplified one under the next counter (the refused one keeps
        // its place in the chain); Clearance says where a standard invoice stands and ClearedXml keeps ZATCA's answer.
        // FiscalBuyers holds the business customers (VAT number and national address) the cashier typed.
        [
            """
            CREATE TABLE FiscalDocumentsByUuid(
                Uuid TEXT PRIMARY KEY, SaleId TEXT NOT NULL REFERENCES Sales(Id), Authority TEXT NOT NULL, Counter INTEGER NOT NULL,
                Hash TEXT NOT NULL, PreviousHash TEXT NOT NULL, Document TEXT NOT NULL, Qr TEXT,
                CreatedAtUtc TEXT NOT NULL, State INTEGER NOT NULL DEFAULT 0, Attempts INTEGER NOT NULL DEFAULT 0,
                LastError TEXT, SentAtUtc TEXT, Clearance TEXT, ClearedXml TEXT,
                UNIQUE(Authority, Counter))
            """,
            """
            INSERT INTO FiscalDocumentsByUuid(Uuid, SaleId, Authority, Counter, Hash, PreviousHash, Document, Qr, CreatedAtUtc, State, Attempts, LastError, SentAtUtc)
            SELECT Uuid, SaleId, Authority, Counter, Hash, PreviousHash, Document, Qr, CreatedAtUtc, State, Attempts, LastError, SentAtUtc FROM FiscalDocuments
            """,
            "DROP TABLE FiscalDocuments",
            "ALTER TABLE FiscalDocumentsByUuid RENAME TO FiscalDocuments",
            "CREATE INDEX FiscalDocumentsPending ON FiscalDocuments(State, Authority, Counter)",
            "CREATE INDEX FiscalDocumentsBySale ON FiscalDocuments(SaleId)",
            """
            CREATE TABLE FiscalBuyers(
                CustomerId TEXT PRIMARY KEY, VatNumber TEXT NOT NULL, Name TEXT NOT NULL, StreetName TEXT NOT NULL, BuildingNumber TEXT NOT NULL,
                CitySubdivision TEXT NOT NULL, City TEXT NOT NULL, PostalZone TEXT NOT NULL, Country TEXT NOT NULL, UpdatedAtUtc TEXT NOT NULL)
            """,
        ],
    ];

    public static int Latest => Steps.Length;

    public static void Apply(SQLiteConnection connection, int target)
    {
        var current = connection.ExecuteScalar<int>("PRAGMA user_version");
        if (current > Latest)
        {
            throw new InvalidOperationException(
                $"The till database is at schema version {current}, newer than this build knows ({Latest}); install the newer till.");
        }

        for (var version = current + 1; version <= target; version++)
        {
            // Each step and its version number commit together: a crash mid-upgrade reruns the whole step.
            connection.RunInTransaction(() =>
            {
                foreach (var sql in Steps[version - 1])
                {
                    connection.Execute(sql);
                }

                connection.Execute($"PRAGMA user_version = {version}");
            });
        }
    }
}
