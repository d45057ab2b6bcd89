/**
 * One namespace for idempotency keys: a key names one change, whichever source or method made
 * it (`tally balance add --key`, the API's `transaction_id`). A database from before keys were
 * shared keeps a key that two sources used, with both entries, and refuses it from then on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../src/app.js';
import { errorXml, execSql, isPostgresUrl, runTally, startTestServer, tally, tempDir, type TempDir } from '../support/fixtures.js';
import { assertAnswer, sign, type Harness } from './helpers.js';
import { postFrom, prepareDatabase, startHardenedHarness } from './hardening-helpers.js';
import { undoMigration7 } from '../support/undo-migration.js';
import { assertVerified, updatedXml, UPDATE_PATH } from './write-helpers.js';

const DUPLICATE = errorXml('page', 'Duplicate transaction_id');

function keyedUpdate(userId: string, balance: string, key: string): Record<string, string> {
  return { u: 'admin', user_id: userId, balance, transaction_id: key, hash: sign(userId, balance, key) };
}

async function entriesWithKey(db: string, key: string): Promise<number> {
  const placeholder = isPostgresUrl(db) ? '$1' : '?';
  const rows = (await execSql(db, `SELECT count(*) AS n FROM ledger_entries WHERE idempotency_key = ${placeholder}`, [key])) as { n: number | string }[];
  return Number(rows[0]!.n);
}

describe('one namespace for idempotency keys', () => {
  let h: Harness;
  before(async () => {
    h = await startHardenedHarness({ users: [{ name: 'alice', balance: 10 }, { name: 'c1', balance: 0 }] });
  });
  after(async () => {
    await h.close();
  });

  it('answers an API update with a key the CLI used as a replay of the CLI entry, applying nothing twice', async () => {
    await h.cli('balance', 'add', 'c1', '5.00', '--key', 'pay-7777');
    assertAnswer(await postFrom(h.url, undefined, keyedUpdate('2', '5.00', 'pay-7777'), UPDATE_PATH), updatedXml('c1', '2', '5.0'));
    assertAnswer(await postFrom(h.url, undefined, keyedUpdate('2', '6.00', 'pay-7777'), UPDATE_PATH), DUPLICATE);
    assertAnswer(await postFrom(h.url, undefined, keyedUpdate('1', '5.00', 'pay-7777'), UPDATE_PATH), DUPLICATE);
    assert.equal(await entriesWithKey(h.db, 'pay-7777'), 1);
    await assertVerified(h);
  });

  it('tells the CLI that a key the API used is applied already, and refuses it for another change', async () => {
    assertAnswer(await postFrom(h.url, undefined, keyedUpdate('1', '2.5', 'pay-8888'), UPDATE_PATH), updatedXml('alice', '1', '12.5'));
    assert.match(await h.cli('balance', 'add', 'alice', '2.5', '--key', 'pay-8888'), /already applied/);
    const other = await runTally(['balance', 'add', 'alice', '3', '--key', 'pay-8888', '--db', h.db]);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /already used/);
    assert.equal(await entriesWithKey(h.db, 'pay-8888'), 1);
    await assertVerified(h);
  });
});

describe('a database from before keys were shared', () => {
  let tmp: TempDir;
  let server: RunningServer;
  before(async () => {
    tmp = await tempDir();
    await prepareDatabase(tmp.db, { users: [{ name: 'alice', balance: 10 }] });
    await makeLegacy(tmp.db);
    server = await startTestServer(tmp.db); // opening it runs the migration
  });
  after(async () => {
    await server.close();
    await tmp.remove();
  });

  it('keeps both entries of a key two sources used, and refuses that key from every source', async () => {
    assert.equal(await entriesWithKey(tmp.db, 'legacy-both'), 2);
    for (const amount of ['1', '2']) {
      assertAnswer(await postFrom(server.url, undefined, keyedUpdate('1', amount, 'legacy-both'), UPDATE_PATH), DUPLICATE);
    }
    const cli = await runTally(['balance', 'add', 'alice', '1', '--key', 'legacy-both', '--db', tmp.db]);
    assert.equal(cli.code, 1, cli.stdout);
    assert.equal(await entriesWithKey(tmp.db, 'legacy-both'), 2);
    const verify = await runTally(['verify', '--db', tmp.db]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  });

  it('keeps a key one source used naming its change, for the API and the CLI alike', async () => {
    assertAnswer(await postFrom(server.url, undefined, keyedUpdate('1', '4', 'legacy-once'), UPDATE_PATH), updatedXml('alice', '1', '16.0'));
    assert.match(await tally('balance', 'add', 'alice', '4', '--key', 'legacy-once', '--db', tmp.db), /already applied/);
    assertAnswer(await postFrom(server.url, undefined, keyedUpdate('1', '5', 'legacy-once'), UPDATE_PATH), DUPLICATE);
    assert.equal(await entriesWithKey(tmp.db, 'legacy-once'), 1);
  });
});

/**
 * Turns a new database back into one from before migration 5, holding what that schema allowed:
 * the key `legacy-both` in two sources (+1 each) and `legacy-once` in one (+4), for alice (id 1).
 */
async function makeLegacy(db: string): Promise<void> {
  const pg = isPostgresUrl(db);
  const statements = [
    'DELETE FROM schema_migrations WHERE version >= 5',
    pg ? 'DROP TRIGGER ledger_entries_claim_key ON ledger_entries' : 'DROP TRIGGER ledger_entries_claim_key',
    ...(pg ? ['DROP FUNCTION claim_idempotency_key()'] : []),
    'DROP TABLE idempotency_keys',
    'DROP TABLE request_hashes',
    'CREATE UNIQUE INDEX ledger_entries_by_key ON ledger_entries (source, idempotency_key) WHERE idempotency_key IS NOT NULL',
  ];
  // Balances are INTEGER millionths on SQLite, NUMERIC on PostgreSQL.
  const unit = (units: number): string => (pg ? `${units}` : `${units * 1_000_000}`);
  const entries: [string, number, number][] = [
    ['cli', 1, 11],
    ['api', 1, 12],
    ['api', 4, 16],
  ];
  const keys = ['legacy-both', 'legacy-both', 'legacy-once'];
  entries.forEach(([source, amount, after], i) => {
    statements.push(
      `INSERT INTO ledger_entries (user_id, amount, balance_after, source, comment, idempotency_key)
       VALUES (1, ${unit(amount)}, ${unit(after)}, '${source}', 'before shared keys', '${keys[i]}')`,
    );
  });
  statements.push(`UPDATE users SET balance = ${unit(16)} WHERE id = 1`);
  await undoMigration7(db);
  for (const sql of statements) await execSql(db, sql);
}
