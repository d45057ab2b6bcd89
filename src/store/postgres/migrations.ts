/**
 * The PostgreSQL schema: the same numbered migrations as SQLite's, in PostgreSQL's dialect.
 * Money is NUMERIC(19,6): exact, six fractional digits like the SQLite store's millionths.
 */
import type pg from 'pg';
import type { Migration } from '../stored-values.js';
import { repairUsernames } from './username-repair.js';

/** Fills idempotency_keys from the ledger: after migration 5, and after a copy of the ledger. */
export const REBUILD_IDEMPOTENCY_KEYS = `
  INSERT INTO idempotency_keys (key, entry_id)
    SELECT idempotency_key, CASE WHEN count(*) = 1 THEN max(id) END
    FROM ledger_entries WHERE idempotency_key IS NOT NULL GROUP BY idempotency_key`;

export const PG_MIGRATIONS: readonly Migration<pg.PoolClient, Promise<void>>[] = [
  {
    version: 1,
    name: 'core: currencies, settings, users, config version',
    sql: `
      CREATE TABLE currencies (
        code      TEXT PRIMARY KEY,
        name      TEXT NOT NULL,
        rate      NUMERIC NOT NULL CHECK (rate > 0), -- units of this per system unit
        active    BOOLEAN NOT NULL DEFAULT true,
        is_system BOOLEAN NOT NULL DEFAULT false
      );
      CREATE UNIQUE INDEX currencies_one_system ON currencies (is_system) WHERE is_system;

      CREATE TABLE settings (
        name  TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      CREATE TABLE users (
        id           BIGSERIAL PRIMARY KEY,
        username     TEXT NOT NULL,
        username_key TEXT NOT NULL UNIQUE,      -- Unicode lower case: unique without regard to case
        currency     TEXT NOT NULL REFERENCES currencies (code),
        balance      NUMERIC(19, 6) NOT NULL,   -- in the system currency
        uniquehash   TEXT NOT NULL UNIQUE,
        role         TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
        created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
      );

      -- Moves whenever a setting or a currency changes, so every node notices within a poll.
      CREATE TABLE config_version (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        version BIGINT NOT NULL
      );
      INSERT INTO config_version (id, version) VALUES (1, 1);
      -- Per row, so a statement that changes nothing (INSERT ... ON CONFLICT DO NOTHING) bumps nothing.
      CREATE FUNCTION bump_config_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN UPDATE config_version SET version = version + 1; RETURN NULL; END $$;
      CREATE TRIGGER settings_bump AFTER INSERT OR UPDATE OR DELETE ON settings
        FOR EACH ROW EXECUTE FUNCTION bump_config_version();
      CREATE TRIGGER currencies_bump AFTER INSERT OR UPDATE OR DELETE ON currencies
        FOR EACH ROW EXECUTE FUNCTION bump_config_version();
    `,
  },
  {
    version: 2,
    name: 'ledger: immutable balance entries, exchange rate history',
    sql: `
      CREATE TABLE ledger_entries (
        id              BIGSERIAL PRIMARY KEY,
        user_id         BIGINT NOT NULL REFERENCES users (id),
        amount          NUMERIC(19, 6) NOT NULL,
        balance_after   NUMERIC(19, 6) NOT NULL,
        source          TEXT NOT NULL CHECK (source IN ('cli', 'api', 'import')),
        comment         TEXT NOT NULL DEFAULT '',
        idempotency_key TEXT,
        created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX ledger_entries_by_user ON ledger_entries (user_id, id);
      CREATE UNIQUE INDEX ledger_entries_by_key ON ledger_entries (source, idempotency_key)
        WHERE idempotency_key IS NOT NULL;
      CREATE FUNCTION refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'ledger entries are immutable'; END $$;
      CREATE TRIGGER ledger_entries_are_immutable BEFORE UPDATE OR DELETE ON ledger_entries
        FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
      CREATE TRIGGER ledger_entries_are_permanent BEFORE TRUNCATE ON ledger_entries
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_ledger_change();
      INSERT INTO ledger_entries (user_id, amount, balance_after, source, comment)
        SELECT id, balance, balance, 'cli', 'opening balance (ledger introduced)' FROM users WHERE balance <> 0;

      CREATE TABLE rate_changes (
        id         BIGSERIAL PRIMARY KEY,
        currency   TEXT NOT NULL REFERENCES currencies (code),
        old_rate   NUMERIC,                     -- NULL when the currency was added
        new_rate   NUMERIC NOT NULL,
        source     TEXT NOT NULL CHECK (source IN ('cli', 'api', 'import')),
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX rate_changes_by_currency ON rate_changes (currency, id);
      INSERT INTO rate_changes (currency, old_rate, new_rate, source)
        SELECT code, NULL, rate, 'cli' FROM currencies WHERE NOT is_system;
    `,
  },
  {
    version: 3,
    name: 'hardening: failed authentications per client, used signature nonces',
    sql: `
      CREATE TABLE auth_failures (
        address       TEXT PRIMARY KEY,
        window_start  BIGINT NOT NULL,    -- ms since the epoch
        failures      INTEGER NOT NULL,
        blocked_until BIGINT NOT NULL     -- ms since the epoch; 0 when never blocked
      );
      CREATE TABLE signature_nonces (
        nonce      TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL        -- ms since the epoch
      );
      CREATE INDEX signature_nonces_by_expiry ON signature_nonces (expires_at);
    `,
  },
  // Version 4 is SQLite's covering lookup index; PostgreSQL's plan needs none.
  {
    version: 5,
    name: 'one namespace for idempotency keys; the hashes that authorised API writes',
    sql: `
      -- A key names one change, whatever its source. A key that two sources used before keys were
      -- shared keeps both entries and has no entry here (NULL): it is refused from now on.
      CREATE TABLE idempotency_keys (
        key      TEXT PRIMARY KEY,
        entry_id BIGINT                  -- a ledger entry (never deleted: no foreign key, so TRUNCATE meets the immutability trigger)
      );
      ${REBUILD_IDEMPOTENCY_KEYS};
      DROP INDEX ledger_entries_by_key;
      -- Every entry with a key claims it, whoever writes it: a node of an older Tally still running
      -- during a rolling upgrade meets the key's primary key and fails, rather than applying a
      -- retry twice. Disabled around a copy of the ledger, which rebuilds the keys instead.
      CREATE FUNCTION claim_idempotency_key() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO idempotency_keys (key, entry_id) VALUES (NEW.idempotency_key, NEW.id); RETURN NULL; END $$;
      CREATE TRIGGER ledger_entries_claim_key AFTER INSERT ON ledger_entries
        FOR EACH ROW WHEN (NEW.idempotency_key IS NOT NULL) EXECUTE FUNCTION claim_idempotency_key();

      -- Kolmisoft's hash runs values together, so one hash fits several splits of them: a write
      -- records the hash with a digest of the request it authorised, and refuses it for any other.
      CREATE TABLE request_hashes (
        hash       TEXT PRIMARY KEY,      -- lower-case hex
        request    TEXT NOT NULL,         -- SHA-256 hex of the method and its named parameters
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 6,
    name: 'usernames in Unicode NFC, keys from the NFC form',
    // As on SQLite: colliding spellings are left as they were, for `tally verify` to report.
    sql: '',
    run: repairUsernames,
  },
  {
    version: 7,
    name: 'who did it: actors and request ids in the ledger, the audit log, closed users',
    // Added columns with a constant default rewrite no row (PostgreSQL 11 and later), so the
    // ledger's immutability trigger is never asked; the checks are replaced by name.
    sql: `
      ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_source_check;
      ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_source_check CHECK (source IN ('cli', 'api', 'import', 'admin'));
      ALTER TABLE ledger_entries
        ADD COLUMN actor TEXT NOT NULL DEFAULT '',   -- who: '' for entries made before actors were kept
        ADD COLUMN request_id TEXT;
      ALTER TABLE rate_changes DROP CONSTRAINT rate_changes_source_check;
      ALTER TABLE rate_changes ADD CONSTRAINT rate_changes_source_check CHECK (source IN ('cli', 'api', 'import', 'admin'));
      ALTER TABLE rate_changes
        ADD COLUMN actor TEXT NOT NULL DEFAULT '',
        ADD COLUMN request_id TEXT;

      -- A closed user keeps its row and its ledger; the balance reads skip it.
      ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed'));
      -- Few users are closed: listing them reads this small index, not the table.
      CREATE INDEX users_closed ON users (id) WHERE status = 'closed';
      -- Username prefixes are searched as a range in code point order, whatever the database's
      -- collation (the unique index follows it, and a range in most locales is no prefix).
      CREATE INDEX users_by_key_prefix ON users (username_key COLLATE "C") INCLUDE (id, status);

      CREATE TABLE audit_log (
        id         BIGSERIAL PRIMARY KEY,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        source     TEXT NOT NULL CHECK (source IN ('cli', 'api', 'import', 'admin')),
        actor      TEXT NOT NULL,
        -- No CHECK on the action: a later Tally adds actions without a migration.
        action     TEXT NOT NULL,
        target     TEXT NOT NULL,
        detail     TEXT,
        client     TEXT,
        request_id TEXT
      );
      CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit records are immutable'; END $$;
      CREATE TRIGGER audit_log_is_immutable BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
      CREATE TRIGGER audit_log_is_permanent BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();
    `,
  },
  {
    version: 8,
    name: 'operators of the admin API and their tokens',
    sql: `
      CREATE TABLE operators (
        id                  BIGSERIAL PRIMARY KEY,
        username            TEXT NOT NULL,
        username_key        TEXT NOT NULL UNIQUE,   -- lower case: names are ASCII, unique without regard to case
        role                TEXT NOT NULL CHECK (role IN ('viewer', 'admin', 'owner')),
        password_hash       TEXT NOT NULL,          -- scrypt, with its parameters and salt; never the password
        password_changed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        created_at          TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE TABLE operator_tokens (
        id          BIGSERIAL PRIMARY KEY,
        operator_id BIGINT NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
        label       TEXT NOT NULL,
        digest      TEXT NOT NULL UNIQUE,           -- SHA-256 of the token, in hex; never the token
        created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
        UNIQUE (operator_id, label)
      );
    `,
  },
  {
    version: 9,
    name: 'admin API: console sessions, stored replies of keyed requests, the ledger by time',
    sql: `
      -- Short-lived: never copied. A session is named by the SHA-256 of its cookie, never the cookie.
      CREATE TABLE operator_sessions (
        digest       TEXT PRIMARY KEY,          -- SHA-256 hex of the session token
        operator_id  BIGINT NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
        created_at   TIMESTAMPTZ NOT NULL,
        last_seen_at TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX operator_sessions_by_operator ON operator_sessions (operator_id);
      -- The answers of the admin API's money-moving requests, by their Idempotency-Key: a replay
      -- answers the same bytes. Never copied.
      CREATE TABLE admin_replies (
        idempotency_key TEXT PRIMARY KEY,
        request_digest  TEXT NOT NULL,          -- SHA-256 hex of what the request asked
        status          INTEGER NOT NULL,
        body            TEXT NOT NULL,
        created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      -- A date range of the whole ledger reads this index, not the table: ids mostly grow with
      -- time, but not strictly (a transaction's now() is its start, and imports and copies keep
      -- their times), so the filter is on the time itself.
      CREATE INDEX ledger_entries_by_time ON ledger_entries (created_at);
      CREATE INDEX audit_log_by_actor ON audit_log (actor, id);
    `,
  },
  {
    version: 10,
    name: "users' first and last names; payments in the ledger",
    // Added columns with a constant default rewrite no row, so the ledger's immutability trigger is never asked.
    sql: `
      ALTER TABLE users
        ADD COLUMN first_name TEXT NOT NULL DEFAULT '',
        ADD COLUMN last_name TEXT NOT NULL DEFAULT '';
      -- A payment is an entry with its details, all three or none (NULL for every other entry);
      -- the balance before it is balance_after - amount.
      ALTER TABLE ledger_entries
        ADD COLUMN payment_currency TEXT,                                 -- the payment's currency code
        ADD COLUMN payment_amount NUMERIC(19, 6),                         -- in that currency, as entered
        ADD COLUMN payment_rate NUMERIC CHECK (payment_rate > 0),         -- the rate used, exact
        ADD CONSTRAINT ledger_entries_payment_whole
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
    // that writes an entry or a user, the single-statement fast path included, can commit without
    // its event. NUMERIC(19,6)::text gives money with six digits, as SQLite's printf does.
    sql: `
      ALTER TABLE users
        ADD COLUMN warning_balance NUMERIC(19, 6),                        -- NULL: the global warning_balance
        ADD COLUMN balance_low_armed BOOLEAN NOT NULL DEFAULT true;
      CREATE TABLE events (
        id         BIGSERIAL PRIMARY KEY,
        type       TEXT NOT NULL,
        user_id    BIGINT REFERENCES users (id),
        data       TEXT NOT NULL,                 -- JSON, money as decimal text
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE FUNCTION emit_ledger_events() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE who jsonb;
        BEGIN
          SELECT jsonb_build_object('id', id, 'username', username) INTO who FROM users WHERE id = NEW.user_id;
          INSERT INTO events (type, user_id, data) VALUES ('balance.changed', NEW.user_id, jsonb_build_object(
            'user', who,
            'entry', jsonb_build_object('id', NEW.id, 'amount', NEW.amount::text, 'balance_after', NEW.balance_after::text, 'source', NEW.source))::text);
          IF NEW.payment_currency IS NOT NULL THEN
            INSERT INTO events (type, user_id, data) VALUES ('payment.created', NEW.user_id, jsonb_build_object(
              'user', who,
              'payment', jsonb_build_object('entry_id', NEW.id, 'amount', NEW.amount::text, 'currency', NEW.payment_currency,
                                            'currency_amount', NEW.payment_amount::text, 'rate', NEW.payment_rate::text))::text);
          END IF;
          RETURN NULL;
        END $$;
      CREATE TRIGGER ledger_entries_emit AFTER INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION emit_ledger_events();
      CREATE FUNCTION emit_user_events() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            INSERT INTO events (type, user_id, data)
              VALUES ('user.created', NEW.id, jsonb_build_object('user', jsonb_build_object('id', NEW.id, 'username', NEW.username))::text);
          ELSIF NEW.status = 'closed' AND OLD.status <> 'closed' THEN
            INSERT INTO events (type, user_id, data)
              VALUES ('user.closed', NEW.id, jsonb_build_object('user', jsonb_build_object('id', NEW.id, 'username', NEW.username))::text);
          END IF;
          RETURN NULL;
        END $$;
      CREATE TRIGGER users_emit_created AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION emit_user_events();
      CREATE TRIGGER users_emit_closed AFTER UPDATE OF status ON users FOR EACH ROW EXECUTE FUNCTION emit_user_events();

      CREATE TABLE webhook_endpoints (
        id                  BIGSERIAL PRIMARY KEY,
        url                 TEXT NOT NULL,
        events              TEXT NOT NULL,        -- event types, comma-separated
        secret              TEXT NOT NULL,        -- whsec_ and base64; never shown again once made
        previous_secret     TEXT,                 -- still signs beside the new one until it expires
        previous_expires_at TIMESTAMPTZ,
        state               TEXT NOT NULL DEFAULT 'enabled' CHECK (state IN ('enabled', 'failing', 'disabled')),
        created_at          TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE TABLE webhook_deliveries (
        event_id         BIGINT NOT NULL REFERENCES events (id),
        endpoint_id      BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        user_id          BIGINT,                  -- the event's user: one user's events go out in order
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  TIMESTAMPTZ NOT NULL,
        lease_until      TIMESTAMPTZ,             -- a node is delivering it until then
        last_status      INTEGER,                 -- HTTP status of the last attempt, NULL for no answer
        last_duration_ms INTEGER,
        last_attempt_at  TIMESTAMPTZ,
        delivered_at     TIMESTAMPTZ,
        failed_at        TIMESTAMPTZ,             -- retries ran out (about three days): the endpoint went failing
        PRIMARY KEY (endpoint_id, event_id)
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
      CREATE INDEX webhook_deliveries_by_user ON webhook_deliveries (endpoint_id, user_id, event_id) WHERE delivered_at IS NULL AND failed_at IS NULL;
      -- Every endpoint that takes the event's type gets its delivery in the event's own transaction.
      CREATE FUNCTION fan_out_event() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO webhook_deliveries (event_id, endpoint_id, user_id, next_attempt_at)
            SELECT NEW.id, e.id, NEW.user_id, NEW.created_at FROM webhook_endpoints e
            WHERE e.state <> 'disabled' AND NEW.type = ANY (string_to_array(e.events, ','));
          RETURN NULL;
        END $$;
      CREATE TRIGGER events_fan_out AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION fan_out_event();
    `,
  },
];
