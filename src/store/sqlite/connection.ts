/** SQLite connections: opening and checking the file, its settings, and the migrations. */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { TallyError } from '../../domain/errors.js';
import { MIGRATIONS } from './migrations.js';

export interface SqliteStoreOptions {
  /** Refuse to create a missing file: every command but init, serve and copy's target expects one. */
  readonly mustExist: boolean;
  /** Create the file's missing directories (init and serve); otherwise a new file needs its directory. */
  readonly createDirectories?: boolean;
}

/** Opens (creating if allowed) and migrates the database file at `path`: the connection that serves the store. */
export function openConnection(path: string, options: SqliteStoreOptions): Database.Database {
  if (options.mustExist && !existsSync(path)) {
    throw new TallyError('not_initialized', `no database at ${path}`);
  }
  if (!options.mustExist) {
    if (options.createDirectories === true) mkdirSync(dirname(path), { recursive: true });
    else if (statSync(dirname(path), { throwIfNoEntry: false })?.isDirectory() !== true) {
      throw new TallyError('not_found', `cannot create the database ${resolve(path)}: no directory ${resolve(dirname(path))}`);
    }
  }
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory() === true) {
    throw new TallyError('invalid_value', `${resolve(path)} is a directory, not a database file`);
  }
  const db = openFile(path);
  try {
    // Checked before anything is written: a read command never turns a stray file into a database.
    if (options.mustExist && !hasTallySchema(db)) {
      throw new TallyError('not_initialized', `the database at ${path} is not initialised`);
    }
    db.pragma('journal_mode = WAL');
    // FULL: a committed balance change survives a power cut, not only a process crash.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Room for the balance lookup index of about a million users (43 MB at 1M), so the hot path
    // reads from memory instead of copying a page from the OS per request. Filled only as read.
    db.pragma(`cache_size = ${READ_CACHE_SIZE}`);
    migrate(db);
    // From here on a busy lock is waited for asynchronously (see SqliteStore.write).
    db.pragma('busy_timeout = 0');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** SQLite's own words ("file is not a database", "unable to open database file") name no file: this does. */
function openFile(path: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    // A file that is not SQLite opens without complaint; its first read says so.
    db.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get();
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('SQLITE_')) {
      throw new TallyError('invalid_value', `cannot open ${resolve(path)} as a database: ${error.message}`);
    }
    throw error;
  }
}

/** The settings of a connection of its own for a bulk write (see SqliteStore.onOwnConnection). */
export function configureBulkConnection(db: Database.Database): void {
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = FULL');
  db.pragma(`cache_size = ${BULK_CACHE_SIZE}`);
}

function hasTallySchema(db: Database.Database): boolean {
  return db.prepare<[]>("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
}

function migrate(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  ) STRICT`);
  // IMMEDIATE takes the write lock first, so two processes starting at once migrate in turn.
  db.transaction(() => {
    const current = db.prepare<[], number | null>('SELECT max(version) FROM schema_migrations').pluck().get() ?? 0;
    const latest = MIGRATIONS.at(-1)?.version ?? 0;
    if (current > latest) {
      throw new TallyError('schema_too_new', `the database has schema version ${current}, newer than this Tally knows (${latest}): upgrade Tally`);
    }
    const record = db.prepare<[number, string]>('INSERT INTO schema_migrations (version, name) VALUES (?, ?)');
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      migration.run?.(db);
      record.run(migration.version, migration.name);
    }
  }).immediate();
}

/** Negative: KiB. 48 MB at most, for the connection that serves requests. */
const READ_CACHE_SIZE = -49152;
/** Negative: KiB. 512 MB at most, for bulk writes only: a million users' index pages stay in memory. */
const BULK_CACHE_SIZE = -524288;
