/**
 * The SQLite schema, as numbered migrations. A migration, once released, never changes: a new
 * version is a new entry. Money is INTEGER millionths (exact, summable inside int64).
 */
import type Database from 'better-sqlite3';
import type { Migration as GenericMigration } from '../stored-values.js';
import { repairUsernames } from './username-repair.js';

export type Migration = GenericMigration<Database.Database>;

/** Fills idempotency_keys from the ledger: after migration 5, and after a copy of the ledger. */
export const REBUILD_IDEMPOTENCY_KEYS = `
  INSERT INTO idempotency_keys (key, entry_id)
    SELECT idempotency_key, CASE WHEN count(*) = 1 THEN max(id) END
    FROM ledger_entries WHERE idempotency_key IS NOT NULL GROUP BY idempotency_key`;

/**
 * Every entry with a key claims it, whoever writes it: a writer that does not know the key table
 * (a process of an older Tally on the same file during an upgrade) meets its primary key and
 * fails, rather than applying a retry twice. Dropped and made again around a copy of the ledger.
 */
export const CLAIM_KEY_TRIGGER = `
  CREATE TRIGGER ledger_entries_claim_key AFTER INSERT ON ledger_entries WHEN NEW.idempotency_key IS NOT NULL
  BEGIN INSERT INTO idempotency_keys (key, entry_id) VALUES (NEW.idempotency_key, NEW.id); END`;

/** The ledger's entries are never changed nor deleted (migration 2; again after the rebuild of 7). */
const LEDGER_IMMUTABLE_TRIGGERS = `
  CREATE TRIGGER ledger_entries_are_immutable BEFORE UPDATE ON ledger_entries
    BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END;
  CREATE TRIGGER ledger_entries_are_permanent BEFORE DELETE ON ledger_entries
    BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END`;

/**
 * Gives TABLE_new the AUTOINCREMENT counter of TABLE before the old one is dropped (which
 * deletes its counter); the rename then carries it over to the new table's name.
 */
const CARRY_SEQUENCE = (table: string): string => `
  DELETE FROM sqlite_sequence WHERE name = '${table}_new';
  INSERT INTO sqlite_sequence (name, seq) SELECT '${table}_new', seq FROM sqlite_sequence WHERE name = '${table}';`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'core: currencies, settings, users, config version',
    sql: `
      CREATE TABLE currencies (
        code      TEXT PRIMARY KEY,
        name      TEXT NOT NULL,
        rate      TEXT NOT NULL,              -- exact decimal text: units of this per system unit
        active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        is_system INTEGER NOT NULL DEFAULT 0 CHECK (is_system IN (0, 1))
      ) STRICT;
      CREATE UNIQUE INDEX currencies_one_system ON currencies (is_system) WHERE is_system = 1;

      CREATE TABLE settings (
        name  TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE users (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        username     TEXT NOT NULL,
        username_key TEXT NOT NULL UNIQUE,    -- Unicode lower case: unique without regard to case
        currency     TEXT NOT NULL REFERENCES currencies (code),
        balance      INTEGER NOT NULL,        -- millionths of the system currency
        uniquehash   TEXT NOT NULL UNIQUE,
        role         TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
        created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
      ) STRICT;

      -- One row whose number moves whenever a setting or a currency changes, so that every
      -- server process notices a change made by the CLI or by another process.
      CREATE TABLE config_version (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL
      ) STRICT;
      INSERT INTO config_version (id, version) VALUES (1, 1);
      CREATE TRIGGER settings_insert_bumps AFTER INSERT ON settings
        BEGIN UPDATE config_version SET version = version + 1; END;
      CREATE TRIGGER settings_update_bumps AFTER UPDATE ON settings
        BEGIN UPDATE config_version SET version = version + 1; END;
      CREATE TRIGGER settings_delete_bumps AFTER DELETE ON settings
        BEGIN UPDATE config_version SET version = version + 1; END;
      CREATE TRIGGER currencies_insert_bumps AFTER INSERT ON currencies
        BEGIN UPDATE config_version SET version = version + 1; END;
      CREATE TRIGGER currencies_update_bumps AFTER UPDATE ON currencies
        BEGIN UPDATE config_version SET version = version + 1; END;
      CREATE TRIGGER currencies_delete_bumps AFTER DELETE ON currencies
        BEGIN UPDATE config_version SET version = version + 1; END;
    `,
  },
  {
    version: 2,
    name: 'ledger: immutable balance entries, exchange rate history',
    sql: `
      CREATE TABLE ledger_entries (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id         INTEGER NOT NULL REFERENCES users (id),
        amount          INTEGER NOT NULL,     -- signed millionths of the system currency
        balance_after   INTEGER NOT NULL,     -- the user's balance once this entry applied
        source          TEXT NOT NULL CHECK (source IN ('cli', 'api', 'import')),
        comment         TEXT NOT NULL DEFAULT '',
        idempotency_key TEXT,                 -- a retry with the same key changes nothing twice
        created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
      ) STRICT;
      CREATE INDEX ledger_entries_by_user ON ledger_entries (user_id, id);
      CREATE UNIQUE INDEX ledger_entries_by_key ON ledger_entries (source, idempotency_key)
        WHERE idempotency_key IS NOT NULL;
      CREATE TRIGGER ledger_entries_are_immutable BEFORE UPDATE ON ledger_entries
        BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END;
      CREATE TRIGGER ledger_entries_are_permanent BEFORE DELETE ON ledger_entries
        BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END;
      -- Balances set before the ledger existed become opening entries, so sums match at once.
      INSERT INTO ledger_entries (user_id, amount, balance_after, source, comment)
        SELECT id, balance, balance, 'cli', 'opening balance (ledger introduced)' FROM users WHERE balance <> 0;

      CREATE TABLE rate_changes (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        currency   TEXT NOT NULL REFERENCES currencies (code),
        old_rate   TEXT,                      -- NULL when the currency was added
        new_rate   TEXT NOT NULL,
        source     TEXT NOT NULL CHECK (source IN ('cli', 'api', 'import')),
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
      ) STRICT;
      CREATE INDEX rate_changes_by_currency ON rate_changes (currency, id);
      INSERT INTO rate_changes (currency, old_rate, new_rate, source)
        SELECT code, NULL, rate, 'cli' FROM currencies WHERE is_system = 0;
    `,
  },
  {
    version: 3,
    name: 'hardening: failed authentications per client, used signature nonces',
    sql: `
      CREATE TABLE auth_failures (
        address       TEXT PRIMARY KEY,
        window_start  INTEGER NOT NULL,   -- ms since the epoch
        failures      INTEGER NOT NULL,
        blocked_until INTEGER NOT NULL    -- ms since the epoch; 0 when never blocked
      ) STRICT;
      CREATE TABLE signature_nonces (
        nonce      TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL       -- ms since the epoch
      ) STRICT;
      CREATE INDEX signature_nonces_by_expiry ON signature_nonces (expires_at);
    `,
  },
  {
    version: 4,
    name: 'balance reads from one index',
    // The hot path's lookup by username reads everything it needs from this index: one B-tree
    // descent instead of two (the unique index, then the table), half the page reads.
    sql: `
      CREATE INDEX users_balance_lookup ON users (username_key, id, username, currency, balance);
    `,
  },
  {
    version: 5,
    name: 'one namespace for idempotency keys; the hashes that authorised API writes',
    sql: `
      -- A key names one change, whatever its source. A key that two sources used before keys were
      -- shared keeps both entries and has no entry here (NULL): it is refused from now on.
      CREATE TABLE idempotency_keys (
        key      TEXT PRIMARY KEY,
        entry_id INTEGER                 -- a ledger entry (entries are never deleted)
      ) STRICT, WITHOUT ROWID;
      ${REBUILD_IDEMPOTENCY_KEYS};
      DROP INDEX ledger_entries_by_key;
      ${CLAIM_KEY_TRIGGER};

      -- Kolmisoft's hash runs values together, so one hash fits several splits of them: a write
      -- records the hash with a digest of the request it authorised, and refuses it for any other.
      CREATE TABLE request_hashes (
        hash       TEXT PRIMARY KEY,      -- lower-case hex
        request    TEXT NOT NULL,         -- SHA-256 hex of the method and its named parameters
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 6,
    name: 'usernames in Unicode NFC, keys from the NFC form',
    // Two spellings of one name that collide under the new key are left as they were, for
    // `tally verify` to report: merging them would merge two customers' money.
    sql: '',
    run: repairUsernames,
  },
  {
    version: 7,
    name: 'who did it: actors and request ids in the ledger, the audit log, closed users',
    // A CHECK constraint changes only by rebuilding its table (SQLite's "12 steps": new table,
    // copy, drop, rename, then every index and trigger again). Nothing references either table,
    // so foreign keys stay on; the AUTOINCREMENT counter is carried over, so no id is handed out twice.
    sql: `
      CREATE TABLE ledger_entries_new (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id         INTEGER NOT NULL REFERENCES users (id),
        amount          INTEGER NOT NULL,
        balance_after   INTEGER NOT NULL,
        source          TEXT NOT NULL CHECK (source IN ('cli', 'api', 'import', 'admin')),
        comment         TEXT NOT NULL DEFAULT '',
        idempotency_key TEXT,
        created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        actor           TEXT NOT NULL DEFAULT '',   -- who: '' for entries made before actors were kept
        request_id      TEXT
      ) STRICT;
      INSERT INTO ledger_entries_new (id, user_id, amount, balance_after, source, comment, idempotency_key, created_at)
        SELECT id, user_id, amount, balance_after, source, comment, idempotency_key, created_at FROM ledger_entries;
      ${CARRY_SEQUENCE('ledger_entries')}
      DROP TABLE ledger_entries;
      ALTER TABLE ledger_entries_new RENAME TO ledger_entries;
      CREATE INDEX ledger_entries_by_user ON ledger_entries (user_id, id);
      ${LEDGER_IMMUTABLE_TRIGGERS};
      ${CLAIM_KEY_TRIGGER};

      CREATE TABLE rate_changes_new (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        currency   TEXT NOT NULL REFERENCES currencies (code),
        old_rate   TEXT,
        new_rate   TEXT NOT NULL,
        source     TEXT NOT NULL CHECK (source IN ('cli', 'api', 'import', 'admin')),
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        actor      TEXT NOT NULL DEFAULT '',
        request_id TEXT
      ) STRICT;
      INSERT INTO rate_changes_new (id, currency, old_rate, new_rate, source, created_at)
        SELECT id, currency, old_rate, new_rate, source, created_at FROM rate_changes;
      ${CARRY_SEQUENCE('rate_changes')}
      DROP TABLE rate_changes;
      ALTER TABLE rate_changes_new RENAME TO rate_changes;
      CREATE INDEX rate_changes_by_currency ON rate_changes (currency, id);

      -- A closed user keeps its row and its ledger; the balance reads skip it.
      ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed'));
      -- The hot path's lookup still reads everything it needs from one index, the status included.
      DROP INDEX users_balance_lookup;
      CREATE INDEX users_balance_lookup ON users (username_key, id, username, currency, balance, status);
      -- Few users are closed: listing them reads this small index, not the table.
      CREATE INDEX users_closed ON users (id) WHERE status = 'closed';

      CREATE TABLE audit_log (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        source     TEXT NOT NULL CHECK (source IN ('cli', 'api', 'import', 'admin')),
        actor      TEXT NOT NULL,
        -- No CHECK on the action: a later Tally adds actions without rebuilding the table.
        action     TEXT NOT NULL,
        target     TEXT NOT NULL,
        detail     TEXT,
        client     TEXT,
        request_id TEXT
      ) STRICT;
      CREATE TRIGGER audit_log_is_immutable BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit records are immutable'); END;
      CREATE TRIGGER audit_log_is_permanent BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit records are immutable'); END;
    `,
    // The rebuilt tables must hold every row they held, each still pointing at its user or currency.
    run: (db) => {
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) throw new Error(`migration 7 would leave ${broken.length} rows without their user or currency`);
    },
  },
  {
    version: 8,
    name: 'operators of the admin API and their tokens',
    sql: `
      CREATE TABLE operators (
        id                  INTEGER PRIMARY KEY AUTOINCREMENT,
        username            TEXT NOT NULL,
        username_key        TEXT NOT NULL UNIQUE,   -- lower case: names are ASCII, unique without regard to case
        role                TEXT NOT NULL CHECK (role IN ('viewer', 'admin', 'owner')),
        password_hash       TEXT NOT NULL,          -- scrypt, with its parameters and salt; never the password
        password_changed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
      ) STRICT;
      CREATE TABLE operator_tokens (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        operator_id INTEGER NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
        label       TEXT NOT NULL,
        digest      TEXT NOT NULL UNIQUE,           -- SHA-256 of the token, in hex; never the token
        created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        UNIQUE (operator_id, label)
      ) STRICT;
    `,
  },
  {
    version: 9,
    name: 'admin API: console sessions, stored replies of keyed requests, the ledger by time',
    sql: `
      -- Short-lived: never copied. A session is named by the SHA-256 of its cookie, never the cookie.
      CREATE TABLE operator_sessions (
        digest       TEXT PRIMARY KEY,          -- SHA-256 hex of the session token
        operator_id  INTEGER NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
        created_at   TEXT NOT NULL,             -- ISO 8601 UTC with milliseconds, as every time here
        last_seen_at TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX operator_sessions_by_operator ON operator_sessions (operator_id);
      -- The answers of the admin API's money-moving requests, by their Idempotency-Key: a replay
      -- answers the same bytes. Never copied.
      CREATE TABLE admin_replies (
        idempotency_key TEXT PRIMARY KEY,
        request_digest  TEXT NOT NULL,          -- SHA-256 hex of what the request asked
        status          INTEGER NOT NULL,
        body            TEXT NOT NULL,
        created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
      ) STRICT, WITHOUT ROWID;
      -- A date range of the whole ledger reads this index, not the table: ids mostly grow with
      -- time, but not strictly (imports, copies and concurrent PostgreSQL transactions), so the
      -- filter is on the time itself.
      CREATE INDEX ledger_entries_by_time ON ledger_entries (created_at);
      CREATE INDEX audit_log_by_actor ON audit_log (actor, id);
    `,
  },
  {
    version: 10,
    name: "users' first and last names; payments in the ledger",
    // Added columns rewrite no row, so the ledger's immutability triggers are never asked.
    sql: `
      ALTER TABLE users ADD COLUMN first_name TEXT NOT NULL DEFAULT '';
      ALTER TABLE users ADD COLUMN last_name TEXT NOT NULL DEFAULT '';
      -- A payment is an entry with its details, all three or none (NULL for every other entry);
      -- the balance before it is balance_after - amount.
      ALTER TABLE ledger_entries ADD COLUMN payment_currency TEXT;      -- the payment's currency code
      ALTER TABLE ledger_entries ADD COLUMN payment_amount INTEGER;     -- signed millionths of that currency, as entered
      ALTER TABLE ledger_entries ADD COLUMN payment_rate TEXT           -- exact decimal text: the rate used
        CHECK ((payment_currency IS NULL) = (payment_rate IS NULL) AND (payment_amount IS NULL) = (payment_rate IS NULL));
      -- Payments are listed by time, everyone's or one user's: small indexes of the payments alone.
      CREATE INDEX ledger_payments_by_time ON ledger_entries (created_at) WHERE payment_currency IS NOT NULL;
      CREATE INDEX ledger_payments_by_user ON ledger_entries (user_id, created_at) WHERE payment_currency IS NOT NULL;
    `,
  },
  {
    version: 11,
    name: 'balance alerts, the events outbox, webhook endpoints and their deliveries',
    // Events are written by triggers in the transaction of the change itself (an outbox): no path
    // that writes an entry or a user, the single-statement fast path of PostgreSQL included, can
    // commit without its event. Money in events is decimal text with six digits on both backends.
    sql: `
      ALTER TABLE users ADD COLUMN warning_balance INTEGER;             -- millionths; NULL: the global warning_balance
      ALTER TABLE users ADD COLUMN balance_low_armed INTEGER NOT NULL DEFAULT 1 CHECK (balance_low_armed IN (0, 1));
      CREATE TABLE events (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        type       TEXT NOT NULL,
        user_id    INTEGER REFERENCES users (id),
        data       TEXT NOT NULL,                 -- JSON, money as decimal text
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
      ) STRICT;
      CREATE TRIGGER ledger_entries_emit AFTER INSERT ON ledger_entries
      BEGIN
        INSERT INTO events (type, user_id, data)
          SELECT 'balance.changed', u.id, json_object(
            'user', json_object('id', u.id, 'username', u.username),
            'entry', json_object('id', NEW.id, 'amount', printf('%s%d.%06d', CASE WHEN NEW.amount < 0 THEN '-' ELSE '' END, abs(NEW.amount) / 1000000, abs(NEW.amount) % 1000000), 'balance_after', printf('%s%d.%06d', CASE WHEN NEW.balance_after < 0 THEN '-' ELSE '' END, abs(NEW.balance_after) / 1000000, abs(NEW.balance_after) % 1000000), 'source', NEW.source))
          FROM users u WHERE u.id = NEW.user_id;
        INSERT INTO events (type, user_id, data)
          SELECT 'payment.created', u.id, json_object(
            'user', json_object('id', u.id, 'username', u.username),
            'payment', json_object('entry_id', NEW.id, 'amount', printf('%s%d.%06d', CASE WHEN NEW.amount < 0 THEN '-' ELSE '' END, abs(NEW.amount) / 1000000, abs(NEW.amount) % 1000000), 'currency', NEW.payment_currency,
                                   'currency_amount', printf('%s%d.%06d', CASE WHEN NEW.payment_amount < 0 THEN '-' ELSE '' END, abs(NEW.payment_amount) / 1000000, abs(NEW.payment_amount) % 1000000), 'rate', NEW.payment_rate))
          FROM users u WHERE u.id = NEW.user_id AND NEW.payment_currency IS NOT NULL;
      END;
      CREATE TRIGGER users_emit_created AFTER INSERT ON users
      BEGIN
        INSERT INTO events (type, user_id, data)
          VALUES ('user.created', NEW.id, json_object('user', json_object('id', NEW.id, 'username', NEW.username)));
      END;
      CREATE TRIGGER users_emit_closed AFTER UPDATE OF status ON users WHEN NEW.status = 'closed' AND OLD.status <> 'closed'
      BEGIN
        INSERT INTO events (type, user_id, data)
          VALUES ('user.closed', NEW.id, json_object('user', json_object('id', NEW.id, 'username', NEW.username)));
      END;

      CREATE TABLE webhook_endpoints (
        id                      INTEGER PRIMARY KEY AUTOINCREMENT,
        url                     TEXT NOT NULL,
        events                  TEXT NOT NULL,    -- event types, comma-separated
        secret                  TEXT NOT NULL,    -- whsec_ and base64; never shown again once made
        previous_secret         TEXT,             -- still signs beside the new one until it expires
        previous_expires_at     TEXT,
        state                   TEXT NOT NULL DEFAULT 'enabled' CHECK (state IN ('enabled', 'failing', 'disabled')),
        created_at              TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
      ) STRICT;
      CREATE TABLE webhook_deliveries (
        event_id         INTEGER NOT NULL REFERENCES events (id),
        endpoint_id      INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        user_id          INTEGER,                 -- the event's user: one user's events go out in order
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  TEXT NOT NULL,
        lease_until      TEXT,                    -- a node is delivering it until then
        last_status      INTEGER,                 -- HTTP status of the last attempt, NULL for no answer
        last_duration_ms INTEGER,
        last_attempt_at  TEXT,
        delivered_at     TEXT,
        failed_at        TEXT,                    -- retries ran out (about three days): the endpoint went failing
        PRIMARY KEY (endpoint_id, event_id)
      ) STRICT;
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
      CREATE INDEX webhook_deliveries_by_user ON webhook_deliveries (endpoint_id, user_id, event_id) WHERE delivered_at IS NULL AND failed_at IS NULL;
      -- Every endpoint that takes the event's type gets its delivery in the event's own transaction.
      CREATE TRIGGER events_fan_out AFTER INSERT ON events
      BEGIN
        INSERT INTO webhook_deliveries (event_id, endpoint_id, user_id, next_attempt_at)
          SELECT NEW.id, e.id, NEW.user_id, NEW.created_at FROM webhook_endpoints e
          WHERE e.state <> 'disabled' AND instr(',' || e.events || ',', ',' || NEW.type || ',') > 0;
      END;
    `,
  },
];
