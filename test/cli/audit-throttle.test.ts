/** `tally audit` and `tally throttle list|unblock`, through the real CLI. */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { errorXml, eventually, startTestServer } from '../support/fixtures.js';
import { assertRefused, initDb, ok, on, parseTable, tempDirs } from './cli-helpers.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

interface AuditJson {
  id: number;
  operator: string;
  source: string;
  action: string;
  target: string;
  detail: string | null;
  client: string | null;
  request_id: string | null;
  created_at: string;
}

interface ThrottledJson {
  address: string;
  failures: number;
  window_start: string;
  blocked_until: string | null;
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe('tally audit', () => {
  test('lists every change newest first, naming the operating-system user, and --limit keeps the newest', async () => {
    // Every change through the real CLI, init too, so that each entry names the operating-system user.
    const dir = await dirs.make();
    await ok(dir.db, 'init');
    await ok(dir.db, 'user', 'add', 'bob');
    await ok(dir.db, 'user', 'rename', 'bob', 'rob');
    await ok(dir.db, 'settings', 'set', 'allow_get_api', 'on');
    const entries = JSON.parse(await ok(dir.db, 'audit', '--json')) as AuditJson[];
    assert.deepEqual(entries.slice(0, 3).map((e) => e.action), ['settings.set', 'user.rename', 'user.add']);
    assert.equal(entries.at(-1)?.action, 'database.init');
    for (const entry of entries) {
      assert.match(entry.operator, /^cli:\S+$/);
      assert.equal(entry.source, 'cli');
      assert.equal(entry.client, null);
      assert.match(entry.created_at, ISO);
    }
    const ids = entries.map((e) => e.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
    assert.deepEqual((JSON.parse(await ok(dir.db, 'audit', '--json', '--limit', '1')) as AuditJson[]).map((e) => e.id), [ids[0]]);

    const rows = parseTable(await ok(dir.db, 'audit', '--limit', '2'));
    assert.deepEqual(rows.map((row) => row.action), ['settings.set', 'user.rename']);
    assert.match(rows[0]?.operator ?? '', /^cli:/);
  });

  test('never shows a key that was set or rotated', async () => {
    const dir = await initDb(dirs);
    await ok(dir.db, 'settings', 'set', 'api_secret_key', 'Handmade-Key-42');
    const rotated = (await ok(dir.db, 'settings', 'rotate-key')).split('\n')[0]!.replace(/^new signature_key: /, '');
    const output = (await ok(dir.db, 'audit')) + (await ok(dir.db, 'audit', '--json'));
    assert.ok(!output.includes('Handmade-Key-42'));
    assert.ok(!output.includes(rotated));
    assert.match(output, /settings\.rotate_key/);
  });

  test('refuses a bad --limit with one line', async () => {
    const dir = await initDb(dirs);
    for (const limit of ['0', 'x']) assertRefused(await on(dir.db, 'audit', '--limit', limit), limit);
  });
});

describe('tally throttle', () => {
  test('lists a throttled client, and unblock makes a running server answer it again within a refresh', async (t) => {
    const dir = await initDb(dirs, { settings: { auth_failure_limit: '2' }, users: [{ name: 'alice', balance: '26' }] });
    const server = await startTestServer(dir.db);
    t.after(() => server.close());
    const wrongHash = async () =>
      fetch(`${server.url}/billing/api/user_balance_get`, { method: 'POST', body: new URLSearchParams({ username: 'alice', hash: '0'.repeat(40) }) });
    assert.equal(await (await wrongHash()).text(), errorXml('status', 'Incorrect hash'));
    await wrongHash();
    assert.equal((await wrongHash()).status, 429);

    const listed = JSON.parse(await ok(dir.db, 'throttle', 'list', '--json')) as ThrottledJson[];
    assert.equal(listed.length, 1);
    assert.deepEqual([listed[0]?.address, listed[0]?.failures], ['127.0.0.1', 2]);
    assert.match(listed[0]?.window_start ?? '', ISO);
    assert.match(listed[0]?.blocked_until ?? '', ISO);
    const rows = parseTable(await ok(dir.db, 'throttle', 'list'));
    assert.deepEqual([rows[0]?.address, rows[0]?.failures], ['127.0.0.1', '2']);

    assert.equal(await ok(dir.db, 'throttle', 'unblock', '::ffff:127.0.0.1'), 'unblocked 127.0.0.1\n');
    // Blocked requests are not counted: the first one answered again is the one new failure.
    assert.ok(await eventually(async () => (await wrongHash()).status === 200, 3000), 'the server answers the address again');
    const after = JSON.parse(await ok(dir.db, 'throttle', 'list', '--json')) as ThrottledJson[];
    assert.deepEqual(after.map((c) => [c.address, c.failures, c.blocked_until]), [['127.0.0.1', 1, null]]);
    const [unblock] = JSON.parse(await ok(dir.db, 'audit', '--json', '--limit', '1')) as AuditJson[];
    assert.deepEqual([unblock?.action, unblock?.target], ['throttle.unblock', 'client:127.0.0.1']);
  });

  test('says so when an address was not throttled, and refuses what is no address with one line', async () => {
    const dir = await initDb(dirs);
    assert.equal(await ok(dir.db, 'throttle', 'unblock', '192.0.2.1'), '192.0.2.1 was not throttled; nothing changed\n');
    assert.equal(await ok(dir.db, 'throttle', 'list'), 'ADDRESS  FAILURES  WINDOW  BLOCKED UNTIL\n');
    assert.deepEqual(JSON.parse(await ok(dir.db, 'throttle', 'list', '--json')), []);
    const result = await on(dir.db, 'throttle', 'unblock', 'example.com');
    assertRefused(result);
    assert.match(result.stderr, /example\.com/);
  });
});
