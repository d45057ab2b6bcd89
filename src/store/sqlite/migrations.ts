/**
 * The SQLite schema, as numbered migrations. A migration, once released, never changes: a new
 * version is a new entry. Money is INTEGER millionths (exact, summable inside int64).
 */

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

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
];
