/**
 * One namespace for idempotency keys: a key names one change, whichever source or method made
 * it (`tally balance add --key`, the API's `transaction_id`). A database from before keys were
 * shared keeps a key that two sources used, with both entries, and refuses it from then on.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { RunningServer } from '../../src/app.js';
import { execSql, isPostgresUrl, startTestServer, tempDir, type TempDir } from '../support/fixtures.js';
import { Operator } from '../support/seed.js';
import { undoMigration7 } from '../support/undo-migration.js';
import { errorXml, updatedXml } from '../support/spec-oracle.js';
import { assertAnswer, harnessFor, sign } from './helpers.js';
import { postFrom, prepareDatabase } from './hardening-helpers.js';
import { assertVerified, UPDATE_PATH } from './write-helpers.js';

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
  // The admin is id 0: u1 keeps alice at id 2 and c1 at 3.
  const users = [{ name: 'u1', balance: '0' }, { name: 'alice', balance: '10' }, { name: 'c1', balance: '0' }];

  it('answers an API update with a key the CLI used as a replay of the CLI entry, applying nothing twice', async (t) => {
    const h = await harnessFor(t, { users });
    assert.equal(await h.operator.addBalance('c1', '5.00', { key: 'pay-7777' }), 'applied');
    assertAnswer(await postFrom(h.url, undefined, keyedUpdate('3', '5.00', 'pay-7777'), UPDATE_PATH), updatedXml('c1', '3', '5.0'));
    assertAnswer(await postFrom(h.url, undefined, keyedUpdate('3', '6.00', 'pay-7777'), UPDATE_PATH), DUPLICATE);
    assertAnswer(await postFrom(h.url, undefined, keyedUpdate('2', '5.00', 'pay-7777'), UPDATE_PATH), DUPLICATE);
    assert.equal(await entriesWithKey(h.db, 'pay-7777'), 1);
    await assertVerified(h);
  });

  it('tells the CLI that a key the API used is applied already, and refuses it for another change', async (t) => {
    const h = await harnessFor(t, { users });
    assertAnswer(await postFrom(h.url, undefined, keyedUpdate('2', '2.5', 'pay-8888'), UPDATE_PATH), updatedXml('alice', '2', '12.5'));
    assert.equal(await h.operator.addBalance('alice', '2.5', { key: 'pay-8888' }), 'replayed');
    assert.equal(await h.operator.addBalance('alice', '3', { key: 'pay-8888' }), 'duplicate_key');
    assert.equal(await entriesWithKey(h.db, 'pay-8888'), 1);
    await assertVerified(h);
  });
});

describe('a database from before keys were shared', () => {
  /** A database from before migration 5, migrated by the server that opens it. */
  async function legacy(t: TestContext): Promise<{ tmp: TempDir; server: RunningServer; operator: Operator }> {
    const tmp = await tempDir();
    // The admin is id 0: u1 keeps alice at id 2.
    await prepareDatabase(tmp.db, { users: [{ name: 'u1', balance: '0' }, { name: 'alice', balance: '10' }] });
    await makeLegacy(tmp.db);
    const server = await startTestServer(tmp.db); // opening it runs the migration
    const operator = await Operator.open(tmp.db);
    t.after(async () => {
      await server.close();
      await operator.close();
      await tmp.remove();
    });
    return { tmp, server, operator };
  }

  it('keeps both entries of a key two sources used, and refuses that key from every source', async (t) => {
    const { tmp, server, operator } = await legacy(t);
    assert.equal(await entriesWithKey(tmp.db, 'legacy-both'), 2);
    for (const amount of ['1', '2']) {
      assertAnswer(await postFrom(server.url, undefined, keyedUpdate('2', amount, 'legacy-both'), UPDATE_PATH), DUPLICATE);
    }
    assert.equal(await operator.addBalance('alice', '1', { key: 'legacy-both' }), 'duplicate_key');
    assert.equal(await entriesWithKey(tmp.db, 'legacy-both'), 2);
    await operator.assertVerified();
  });

  it('keeps a key one source used naming its change, for the API and the CLI alike', async (t) => {
    const { tmp, server, operator } = await legacy(t);
    assertAnswer(await postFrom(server.url, undefined, keyedUpdate('2', '4', 'legacy-once'), UPDATE_PATH), updatedXml('alice', '2', '16.0'));
    assert.equal(await operator.addBalance('alice', '4', { key: 'legacy-once' }), 'replayed');
    assertAnswer(await postFrom(server.url, undefined, keyedUpdate('2', '5', 'legacy-once'), UPDATE_PATH), DUPLICATE);
    assert.equal(await entriesWithKey(tmp.db, 'legacy-once'), 1);
  });
});

/**
 * Turns a new database back into one from before migration 5, holding what that schema allowed:
 * the key `legacy-both` in two sources (+1 each) and `legacy-once` in one (+4), for alice (id 2).
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
       VALUES (2, ${unit(amount)}, ${unit(after)}, '${source}', 'before shared keys', '${keys[i]}')`,
    );
  });
  statements.push(`UPDATE users SET balance = ${unit(16)} WHERE id = 2`);
  await undoMigration7(db);
  for (const sql of statements) await execSql(db, sql);
}
