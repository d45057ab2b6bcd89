/** `tally webhook add|list|remove|rotate-secret` and `tally user set --warning-balance`, through the real CLI. */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { assertRefused, assertUnchanged, initDb, ok, on, parseFields, tempDirs, userRecord } from './cli-helpers.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

test('webhook add prints the id and the secret once; list shows id, url, events and state; rotate-secret and remove take the id', async () => {
  const { db } = await initDb(dirs);
  await ok(db, 'settings', 'set', 'webhook_allow_private', 'on');
  const added = parseFields(await ok(db, 'webhook', 'add', 'http://127.0.0.1:9/hook', '--events', 'balance.low,balance.changed'));
  assert.equal(added.id, '1');
  assert.match(added.secret ?? '', /^whsec_[A-Za-z0-9+/]{32}$/);
  const listed = await ok(db, 'webhook', 'list');
  assert.equal(listed, 'ID\tURL\tEVENTS\tSTATE\n1\thttp://127.0.0.1:9/hook\tbalance.changed,balance.low\tenabled\n');
  assert.ok(!listed.includes(added.secret!));
  const [json] = JSON.parse(await ok(db, 'webhook', 'list', '--json')) as Record<string, unknown>[];
  assert.deepEqual([json!.id, json!.url, json!.events, json!.state], [1, 'http://127.0.0.1:9/hook', ['balance.changed', 'balance.low'], 'enabled']);
  const rotated = (await ok(db, 'webhook', 'rotate-secret', '1')).trim();
  assert.match(rotated, /^whsec_/);
  assert.notEqual(rotated, added.secret);
  assert.equal(await ok(db, 'webhook', 'remove', '1'), 'removed webhook 1\n');
  const again = await on(db, 'webhook', 'remove', '1');
  assert.equal(again.stderr, 'tally: no webhook 1\n');
  assert.notEqual(again.code, 0);
});

test('webhook add refuses a private destination unless webhook_allow_private is on, and a bad URL or event, changing nothing', async () => {
  const { db } = await initDb(dirs);
  for (const [url, events] of [
    ['http://127.0.0.1:9/hook', 'balance.low'],
    ['http://localhost/hook', 'balance.low'],
    ['ftp://example.com/x', 'balance.low'],
    ['https://example.com/x', 'balance.lo'],
  ] as const) {
    assertRefused(await assertUnchanged(db, () => on(db, 'webhook', 'add', url, '--events', events), url), url);
  }
});

test('user set --warning-balance sets and clears the user\'s own threshold', async () => {
  const { db } = await initDb(dirs);
  await ok(db, 'user', 'add', 'alice');
  assert.equal(parseFields(await ok(db, 'user', 'set', 'alice', '--warning-balance', '2.5')).warning_balance, '2.5');
  assert.equal((await userRecord(db, 'alice')).warningBalance, 2_500_000n);
  assertRefused(await assertUnchanged(db, () => on(db, 'user', 'set', 'alice', '--warning-balance', 'lots')), 'lots');
  await ok(db, 'user', 'set', 'alice', '--warning-balance', '');
  assert.equal((await userRecord(db, 'alice')).warningBalance, undefined);
});
