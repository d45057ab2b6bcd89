/** Helpers shared by the CLI tests: per-file temp databases, refusal checks, output parsing. */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { BACKEND, cloneDatabase, runTally, tempDir, type CliResult, type TempDir } from '../support/fixtures.js';
import { Operator, seedDatabase, type SeedPlan } from '../support/seed.js';
import { findUser } from '../../src/admin/users.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store, UserRecord } from '../../src/store/store.js';

/** A set of temp dirs owned by one test file; call removeAll() in after(). */
export function tempDirs(): { make(): Promise<TempDir>; removeAll(): Promise<void> } {
  const made: TempDir[] = [];
  return {
    async make() {
      const dir = await tempDir();
      made.push(dir);
      return dir;
    },
    async removeAll() {
      await Promise.all(made.splice(0).map((dir) => dir.remove()));
    },
  };
}

/** Runs `tally ARGS --db DB`. */
export function on(db: string, ...args: string[]): Promise<CliResult> {
  return runTally([...args, '--db', db]);
}

/** Runs `tally ARGS --db DB` and returns stdout, failing unless it exits 0. */
export async function ok(db: string, ...args: string[]): Promise<string> {
  const result = await on(db, ...args);
  assert.equal(result.code, 0, `tally ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/** Asserts a refusal: non-zero exit, exactly one line on stderr, nothing on stdout. */
export function assertRefused(result: CliResult, what = ''): void {
  assert.notEqual(result.code, 0, `expected a refusal ${what}, got exit 0 with ${JSON.stringify(result.stdout)}`);
  assert.match(result.stderr, /^[^\n]+\n$/, `stderr must be exactly one line ${what}: ${JSON.stringify(result.stderr)}`);
  assert.equal(result.stdout, '', `nothing on stdout ${what}`);
}

/** Splits a column table (header first) into records keyed by the lower-cased header words. */
export function parseTable(stdout: string): Record<string, string>[] {
  const [header = '', ...rows] = stdout.split('\n').filter((line) => line !== '');
  const columns = [...header.matchAll(/\S+/g)].map((m) => ({ name: m[0].toLowerCase(), start: m.index }));
  return rows.map((row) => {
    const record: Record<string, string> = {};
    columns.forEach((column, i) => {
      const end = columns[i + 1]?.start ?? row.length;
      record[column.name] = row.slice(column.start, end).trim();
    });
    return record;
  });
}

/** Reads `field value` lines (user show / user add) into a record. */
export function parseFields(stdout: string): Record<string, string> {
  const record: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const match = /^(\S+) +(.*)$/.exec(line);
    if (match !== null) record[match[1]!] = match[2]!;
  }
  return record;
}

/**
 * Creates an initialised database in a new temp dir of `dirs`, in this process (as `tally init`
 * would, with keys of its own): for tests whose command under test is not init. `plan` seeds more.
 */
export async function initDb(dirs: ReturnType<typeof tempDirs>, plan: SeedPlan = {}): Promise<TempDir> {
  const dir = await dirs.make();
  await seedDatabase(dir.db, plan);
  return dir;
}

/** Runs `work` on the database opened in this process, closed before it returns (so the next spawned command may write). */
export async function withOperator<T>(db: string, work: (operator: Operator) => Promise<T>): Promise<T> {
  const operator = await Operator.open(db);
  try {
    return await work(operator);
  } finally {
    await operator.close();
  }
}

/** Runs `read` on the store opened in this process, closed before it returns. */
export async function readStore<T>(db: string, read: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(db, { mustExist: true, poolSize: 1 });
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

/** A user found by name as `tally user show` finds it (closed ones too), read in this process. */
export function userRecord(db: string, username: string): Promise<UserRecord> {
  return readStore(db, (store) => findUser(store, { username }));
}

/**
 * Every row of every table (users, balances, ledger, settings, currencies, rate changes, request
 * hashes, audit log), read in this process: equal before and after a refused command, it proves
 * the command changed nothing at all.
 */
export function snapshot(db: string): Promise<Record<string, unknown[]>> {
  return readStore(db, async (store) => {
    const tables: Record<string, unknown[]> = {};
    for await (const batch of store.exportTables()) (tables[batch.table] ??= []).push(...batch.rows);
    return tables;
  });
}

/** Runs `command` (a refused one, say) and asserts that the database is exactly as before it. */
export async function assertUnchanged<T>(db: string, command: () => Promise<T>, what = ''): Promise<T> {
  const before = await snapshot(db);
  const result = await command();
  assert.deepEqual(await snapshot(db), before, `the database is unchanged ${what}`);
  return result;
}

/** True for the printed form of zero balance ("0", "0.0", "0.00"...). */
export function isZero(text: string | undefined): boolean {
  return text !== undefined && /^0(\.0+)?$/.test(text);
}

/**
 * A database seeded in this process by `plan` (see test/support/seed.ts) for each caller: each
 * test gets its own data, and only the command under test runs the real binary. On SQLite the
 * plan is seeded once and the file copied. Every directory made is pushed onto `made`, for the
 * file's after() to remove.
 */
export function databaseTemplate(made: TempDir[], plan: SeedPlan): () => Promise<TempDir> {
  let template: Promise<string> | undefined;
  const build = async (): Promise<string> => {
    const dir = await tempDir('sqlite');
    made.push(dir);
    await seedDatabase(dir.db, plan);
    assert.equal(existsSync(`${dir.db}-wal`) && statSync(`${dir.db}-wal`).size > 0, false, 'the template is checkpointed');
    return dir.db;
  };
  return async () => {
    if (BACKEND === 'postgres') {
      const dir = await tempDir();
      made.push(dir);
      await seedDatabase(dir.db, plan);
      return dir;
    }
    template ??= build();
    const dir = await cloneDatabase(await template);
    made.push(dir);
    return dir;
  };
}
