/**
 * Shared ground for the store contract suite: both backends, a fresh database per test, and
 * small builders for domain values. Every store a test opens is closed, every database removed.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import pg from 'pg';
import { initializeDatabase } from '../../src/admin/database.js';
import { TallyError, type TallyErrorCode } from '../../src/domain/errors.js';
import { parseMoney, parseRate, type Decimal } from '../../src/domain/money.js';
import { openStore } from '../../src/store/open-store.js';
import type { ImportRow, NewUser, Store, UserRef } from '../../src/store/store.js';
import { usernameKey } from '../../src/domain/usernames.js';
import { execSql, PG_TEST_URL, tempDir, type Backend } from '../support/fixtures.js';

export { ADMIN, API, CLI, IMPORTER } from '../support/actors.js';

export const BACKENDS = ['sqlite', 'postgres'] as const satisfies readonly Backend[];

async function postgresReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const pgProblem = await postgresReachable();
if (pgProblem !== undefined && process.env.CI) {
  // In CI the PostgreSQL half is required: an unreachable server fails the run, never skips it.
  throw new Error(`PostgreSQL at ${PG_TEST_URL} is not reachable (CI is set): ${pgProblem}`);
}

/** Options for a backend's describe: the PostgreSQL half is skipped when no server answers. */
export function backendOptions(backend: Backend): { skip?: string } {
  return backend === 'postgres' && pgProblem !== undefined ? { skip: 'PostgreSQL not reachable' } : {};
}

export interface TestDb {
  readonly backend: Backend;
  /** The location: a SQLite path or a PostgreSQL URL with its own schema. */
  readonly db: string;
  /** The first store, initialised unless asked otherwise. */
  readonly store: Store;
  /** Another store on the same database (another connection or pool), closed with the test. */
  open(): Promise<Store>;
  /** Raw SQL on the database, bypassing Tally; `?` placeholders are rewritten to `$n` on PostgreSQL. */
  sql(text: string, params?: unknown[]): Promise<unknown[]>;
}

/** A fresh database for one test; everything is closed and removed when the test ends. */
export async function freshDb(t: TestContext, backend: Backend, options: { initialize?: boolean } = {}): Promise<TestDb> {
  const dir = await tempDir(backend);
  const stores: Store[] = [];
  t.after(async () => {
    await Promise.allSettled(stores.map((store) => store.close()));
    await dir.remove();
  });
  const open = async (): Promise<Store> => {
    const store = await openStore(dir.db, { mustExist: false, poolSize: 10 });
    stores.push(store);
    return store;
  };
  const store = await open();
  if (options.initialize ?? true) await initializeDatabase(store);
  const sql = (text: string, params: unknown[] = []) => {
    let n = 0;
    return execSql(dir.db, backend === 'postgres' ? text.replace(/\?/g, () => `$${++n}`) : text, params);
  };
  return { backend, db: dir.db, store, open, sql };
}

/** Millionths from a decimal text: `money('12.5')` is 12_500_000n. */
export function money(text: string): bigint {
  const parsed = parseMoney(text);
  assert.ok(parsed.ok, `not money: ${text}`);
  return parsed.value;
}

/** A rate from a decimal text. */
export function rate(text: string): Decimal {
  const parsed = parseRate(text);
  assert.ok(parsed.ok, `not a rate: ${text}`);
  return parsed.value;
}

/** A raw-SQL literal for millionths: INTEGER millionths on SQLite, NUMERIC units on PostgreSQL. */
export function rawMoney(backend: Backend, micros: bigint): string | bigint {
  if (backend === 'sqlite') return micros;
  const negative = micros < 0n;
  const digits = (negative ? -micros : micros).toString().padStart(7, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -6)}.${digits.slice(-6)}`;
}

/** A user named as the CLI names one: by its folded username. */
export function byName(username: string): UserRef {
  return { usernameKey: usernameKey(username) };
}

let tokens = 0;

/** A user to add, with a unique token; the balance defaults to zero. */
export function newUser(username: string, fields: Partial<NewUser> = {}): NewUser {
  return { username, currency: 'USD', balance: 0n, uniquehash: `token${process.pid}x${++tokens}`, role: 'user', ...fields };
}

/** An import row with a unique token. */
export function importRow(username: string, fields: Partial<ImportRow> = {}): ImportRow {
  return { username, currency: 'USD', balance: 0n, uniquehash: `imp${process.pid}x${++tokens}`, ...fields };
}

export async function* rowsOf(rows: readonly ImportRow[]): AsyncGenerator<ImportRow> {
  for (const row of rows) yield row;
}

/** Asserts that `promise` rejects with a TallyError of this code. */
export async function rejectsWith(promise: Promise<unknown>, code: TallyErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof TallyError, `expected a TallyError ${code}, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

/** Every user as plain rows, in id order. */
export async function allUsers(store: Store): Promise<{ id: number; username: string; balance: bigint }[]> {
  const users = [];
  for await (const user of store.listUsers()) users.push({ id: user.id, username: user.username, balance: user.balance });
  return users;
}

/** The whole observable state of users and ledger, to prove that a refusal changed nothing. */
export async function snapshot(store: Store): Promise<string> {
  const users = [];
  for await (const user of store.listUsers()) users.push({ ...user, entries: await store.ledgerEntries(user.id, 1_000_000) });
  return JSON.stringify(users, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

export const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
