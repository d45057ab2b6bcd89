/** `--json` on currency list, currency history, settings list and verify, through the real CLI. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BACKEND, execSql } from '../support/fixtures.js';
import { initDb, ok, on, tempDirs, withOperator } from './cli-helpers.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

let db: string;
before(async () => {
  db = (
    await initDb(dirs, {
      currencies: [
        { code: 'EUR', rate: '0.9', name: 'Euro' },
        { code: 'EUR', rate: '0.000000123456789012' },
      ],
      users: [{ name: 'alice', balance: '10' }],
    })
  ).db;
});

describe('--json', () => {
  test('currency list gives every currency with its rate as an exact decimal string', async () => {
    const currencies = JSON.parse(await ok(db, 'currency', 'list', '--json')) as { code: string }[];
    assert.deepEqual(
      [...currencies].sort((a, b) => a.code.localeCompare(b.code)),
      [
        { code: 'EUR', name: 'Euro', rate: '0.000000123456789012', active: true, system: false },
        { code: 'USD', name: 'USD', rate: '1', active: true, system: true },
      ],
    );
  });

  test('currency history gives each change, oldest first, with its actor', async () => {
    const changes = JSON.parse(await ok(db, 'currency', 'history', 'eur', '--json')) as Record<string, unknown>[];
    assert.deepEqual(
      changes.map((c) => [c.currency, c.old_rate, c.new_rate, c.source]),
      [
        ['EUR', null, '0.9', 'cli'],
        ['EUR', '0.9', '0.000000123456789012', 'cli'],
      ],
    );
    for (const change of changes) {
      assert.match(String(change.created_at), ISO);
      assert.match(String(change.actor), /^cli:/);
    }
  });

  test('settings list gives every setting, a key only as whether it is set', async () => {
    const key = await withOperator(db, (operator) => operator.setting('api_secret_key'));
    const text = await ok(db, 'settings', 'list', '--json');
    assert.ok(!text.includes(key), 'no key in the listing');
    const settings = JSON.parse(text) as Record<string, unknown>[];
    const byName = new Map(settings.map((s) => [s.name, s]));
    assert.equal(byName.size, 16);
    assert.equal(byName.get('allow_api')?.value, 'on');
    assert.equal(byName.get('payments_enabled')?.value, 'off');
    assert.equal(byName.get('number_digits')?.value, '2');
    assert.equal(byName.get('api_secret_key')?.set, true);
    assert.equal(byName.get('api_secret_key')?.value, undefined);
    assert.equal(byName.get('signature_key_previous')?.set, false);
    assert.equal(byName.get('allow_api')?.kolmisoft_name, 'Allow_API');
  });

  test('verify gives the report, and still exits 1 with one line on stderr when a balance does not match', async () => {
    const clean = JSON.parse(await ok(db, 'verify', '--json')) as Record<string, unknown>;
    assert.deepEqual(clean, { ok: true, users_checked: 2, entries_checked: 1, mismatches: [], collisions: [] });
    const dir = await initDb(dirs, { users: [{ name: 'bob', balance: '5' }] });
    await execSql(dir.db, `UPDATE users SET balance = balance + ${BACKEND === 'sqlite' ? '1' : '0.000001'} WHERE username = 'bob'`);
    const result = await on(dir.db, 'verify', '--json');
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'tally: 1 of 2 users do not match their ledger\n');
    const report = JSON.parse(result.stdout) as { ok: boolean; mismatches: Record<string, unknown>[] };
    assert.equal(report.ok, false);
    assert.deepEqual(report.mismatches.map((m) => [m.username, m.balance, m.ledger_sum, m.last_balance_after]), [['bob', '5.000001', '5.0', '5.0']]);
  });
});
