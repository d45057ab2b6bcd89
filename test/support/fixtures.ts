/** Shared test fixtures: temporary databases, the real CLI binary, a real server. */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { pino, type Logger } from 'pino';
import { startServer, type RunningServer } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

/** The built `tally` executable, as package.json's `bin` names it. */
export const TALLY_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');

/** Which backend the suite runs on: `TALLY_TEST_BACKEND=postgres` for the PostgreSQL half. */
export type Backend = 'sqlite' | 'postgres';
export const BACKEND: Backend = process.env.TALLY_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';
export const PG_TEST_URL = process.env.TALLY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TempDir {
  readonly dir: string;
  /**
   * A fresh, not yet created database on the suite's backend: a file inside the directory, or
   * a PostgreSQL schema of its own (`?schema=tally_test_...`), dropped by remove().
   */
  readonly db: string;
  remove(): Promise<void>;
}

export async function tempDir(backend: Backend = BACKEND): Promise<TempDir> {
  const dir = await mkdtemp(join(tmpdir(), 'tally-test-'));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  if (backend === 'sqlite') return { dir, db: join(dir, 'tally.db'), remove: removeDir };
  const db = pgTestLocation();
  return {
    dir,
    db,
    async remove() {
      await dropPgSchema(db);
      await removeDir();
    },
  };
}

/**
 * A new database holding everything `source` holds, ids kept: a file copy for SQLite (the CLI
 * closes the database after each command, so the file is complete), `tally copy` into a fresh
 * schema for PostgreSQL. Cheaper than replaying the commands that built `source`.
 */
export async function cloneDatabase(source: string): Promise<TempDir> {
  const target = await tempDir(isPostgresUrl(source) ? 'postgres' : 'sqlite');
  try {
    if (isPostgresUrl(source)) {
      await tally('copy', '--db', source, '--to', target.db);
    } else {
      const wal = `${source}-wal`;
      if (existsSync(wal) && statSync(wal).size > 0) throw new Error(`${source} is still open (its WAL is not checkpointed)`);
      await copyFile(source, target.db);
    }
  } catch (error) {
    await target.remove();
    throw error;
  }
  return target;
}

/** True when a test database is a PostgreSQL URL rather than a SQLite file. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** Whether the database exists at all: the SQLite file, or the PostgreSQL schema of the URL. */
export async function databaseExists(db: string): Promise<boolean> {
  if (!isPostgresUrl(db)) return existsSync(db);
  const rows = await execSql(db, 'SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schemaOf(db)]);
  return rows.length > 0;
}

/** The names of the tables in the database, sorted; none when it does not exist. */
export async function tablesOf(db: string): Promise<string[]> {
  if (!isPostgresUrl(db)) {
    if (!existsSync(db)) return [];
    const rows = await execSql(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
    return rows.map((row) => (row as { name: string }).name);
  }
  const rows = await execSql(db, 'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name', [schemaOf(db)]);
  return rows.map((row) => (row as { table_name: string }).table_name);
}

function schemaOf(db: string): string {
  const schema = new URL(db).searchParams.get('schema');
  if (schema === null) throw new Error(`no schema in ${db}`);
  return schema;
}

/** A location on the test PostgreSQL server with a schema of its own. */
export function pgTestLocation(): string {
  const schema = `tally_test_${process.pid}_${randomBytes(6).toString('hex')}`;
  return `${PG_TEST_URL}${PG_TEST_URL.includes('?') ? '&' : '?'}schema=${schema}`;
}

export async function dropPgSchema(location: string): Promise<void> {
  const schema = new URL(location).searchParams.get('schema');
  if (schema === null || !/^tally_test_\w+$/.test(schema)) throw new Error(`not a test schema: ${location}`);
  const client = new pg.Client({ connectionString: PG_TEST_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Runs raw SQL on a test database, bypassing Tally: for tests that tamper with data or prove
 * that the database itself refuses something. Balances are INTEGER millionths on SQLite and
 * NUMERIC on PostgreSQL.
 */
export async function execSql(db: string, sql: string, params: unknown[] = []): Promise<unknown[]> {
  if (!db.startsWith('postgres')) {
    const connection = new Database(db);
    try {
      const statement = connection.prepare(sql);
      return statement.reader ? statement.all(...params) : (statement.run(...params), []);
    } finally {
      connection.close();
    }
  }
  const url = new URL(db);
  const schema = url.searchParams.get('schema');
  url.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: url.toString(), ...(schema !== null && { options: `-c search_path=${schema}` }) });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real `tally` executable. The environment is cleaned of TALLY_* unless given, but for
 * TALLY_ADMIN_PORT=0: a `tally serve` started here takes a free admin port, never 8081, since
 * tests run in parallel.
 */
export function runTally(args: readonly string[], options: { env?: Record<string, string>; cwd?: string; input?: string } = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { TALLY_ADMIN_PORT: '0' };
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('TALLY_')) env[name] = value;
  return new Promise((resolvePromise) => {
    const child = execFile(process.execPath, [TALLY_BIN, ...args], { env: { ...env, ...options.env }, cwd: options.cwd }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolvePromise({ code, stdout, stderr });
    });
    // Standard input is left open unless the test gives some (a password for --password-stdin).
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

/** Runs `tally` and fails the test unless it exits 0; returns standard output. */
export async function tally(...args: string[]): Promise<string> {
  const result = await runTally(args);
  if (result.code !== 0) throw new Error(`tally ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/**
 * A real server on an ephemeral loopback port, on the given database. `env` takes TALLY_*
 * variables (timeouts, say); `logger` replaces the silent default, to read what is logged;
 * `init` (on unless turned off) creates the database when there is none, as `serve --init`.
 */
export async function startTestServer(db: string, options: { env?: NodeJS.ProcessEnv; logger?: Logger; init?: boolean } = {}): Promise<RunningServer> {
  const config = loadConfig({ db, port: '0', host: '127.0.0.1', adminPort: '0' }, options.env ?? {});
  return startServer(config, options.logger ?? pino({ level: 'silent' }), { init: options.init ?? true });
}

// Moved to the one raw client and the one spec oracle; re-exported for tests written before.
export { rawRequest } from './raw-http.js';
export { balanceXml, errorXml } from './spec-oracle.js';

/** Waits until `check` passes or `ms` elapse. */
export async function eventually(check: () => Promise<boolean>, ms = 2000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}
