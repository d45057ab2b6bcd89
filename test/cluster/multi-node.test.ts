/**
 * Several `tally serve` processes on one database: the deployment the PostgreSQL backend is
 * for, and `--workers N` on either backend.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { eventually, pgTestLocation, dropPgSchema, tally, tempDir, type TempDir } from '../support/fixtures.js';
import { postgresAvailable, startServeProcess, type ServeProcess } from '../support/serve-process.js';

const SECRET = 'multi-node-secret';
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

async function prepare(db: string): Promise<void> {
  await tally('init', '--db', db);
  await tally('settings', 'set', 'api_secret_key', SECRET, '--db', db);
  await tally('currency', 'set', 'EUR', '--rate', '0.5', '--db', db);
  await tally('user', 'add', 'alice', '--balance', '10', '--db', db);
}

function post(url: string, method: string, params: Record<string, string>): Promise<string> {
  return fetch(`${url}/billing/api/${method}`, { method: 'POST', body: new URLSearchParams(params) }).then((r) => r.text());
}

function balanceOf(url: string, currency = ''): Promise<string> {
  return post(url, 'user_balance_get', { username: 'alice', currency, hash: sha1(`alice${currency}${SECRET}`) });
}

async function ledgerCount(db: string): Promise<number> {
  return (JSON.parse(await tally('balance', 'history', 'alice', '--limit', '100000', '--json', '--db', db)) as unknown[]).length;
}

const pgReachable = await postgresAvailable();

describe('two tally serve nodes on one PostgreSQL', { skip: pgReachable ? false : 'PostgreSQL not reachable' }, () => {
  let db: string;
  let nodes: ServeProcess[] = [];

  before(async () => {
    db = pgTestLocation();
    await prepare(db);
    nodes = await Promise.all([startServeProcess(db), startServeProcess(db)]);
  });
  after(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await dropPgSchema(db);
  });

  it('sums 200 concurrent updates spread across both nodes exactly, with one entry each', async () => {
    const hash = sha1(`1` + '0.01' + SECRET);
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => post(nodes[i % 2]!.url, 'user_balance_update', { u: 'admin', user_id: '1', balance: '0.01', hash })),
    );
    assert.equal(answers.filter((answer) => answer.includes('<status>User balance updated</status>')).length, 200);
    assert.match(await balanceOf(nodes[0]!.url), /<balance>12\.00<\/balance>/);
    assert.equal(await ledgerCount(db), 201); // the opening balance and 200 updates
    assert.match(await tally('verify', '--db', db), /^ok: /);
  });

  it('applies a transaction_id retried on both nodes at once exactly once', async () => {
    const params = { u: 'admin', user_id: '1', balance: '1.5', transaction_id: 'across-nodes-1', hash: sha1(`11.5across-nodes-1${SECRET}`) };
    const before = await ledgerCount(db);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => post(nodes[i % 2]!.url, 'user_balance_update', params)));
    assert.equal(new Set(answers).size, 1, 'every retry answers the first document');
    assert.equal(await ledgerCount(db), before + 1);
  });

  it('shows a rate changed through one node on the other within a second', async () => {
    const answer = await post(nodes[0]!.url, 'exchange_rate_update', { u: 'admin', currency: 'EUR', rate: '2', hash: sha1(`EUR2${SECRET}`) });
    assert.match(answer, /Currency successfully updated/);
    // 10 + 200 × 0.01 + 1.5 = 13.50 USD, at the new rate 2 EUR per USD.
    assert.match(await balanceOf(nodes[0]!.url), /<balance>13\.50<\/balance>/);
    assert.ok(await eventually(async () => (await balanceOf(nodes[1]!.url, 'EUR')).includes('<balance>27.00</balance>'), 1000));
  });

  it('shows a setting changed with the CLI on every node within a second', async () => {
    await tally('settings', 'set', 'allow_api', 'off', '--db', db);
    for (const node of nodes) {
      assert.ok(await eventually(async () => (await balanceOf(node.url)).includes('API Requests are disabled'), 1000), node.url);
    }
    await tally('settings', 'set', 'allow_api', 'on', '--db', db);
  });
});

describe('tally serve --workers', () => {
  const backends = pgReachable ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);
  for (const backend of backends) {
    describe(`on ${backend}`, () => {
      let temp: TempDir;
      let server: ServeProcess;

      before(async () => {
        temp = await tempDir(backend);
        await prepare(temp.db);
        server = await startServeProcess(temp.db, { workers: 2 });
      });
      after(async () => {
        await server.stop();
        await temp.remove();
      });

      it('starts two worker processes sharing one port', () => {
        assert.equal(new Set(server.listeningPids).size, 2);
      });

      it('answers concurrent updates through the workers without losing one', async () => {
        const hash = sha1(`1` + '1' + SECRET);
        await Promise.all(Array.from({ length: 100 }, () => post(server.url, 'user_balance_update', { u: 'admin', user_id: '1', balance: '1', hash })));
        assert.match(await balanceOf(server.url), /<balance>110\.00<\/balance>/);
        assert.match(await tally('verify', '--db', temp.db), /^ok: /);
      });

      it('stops cleanly on SIGTERM', async () => {
        assert.equal(await server.stop(), 0);
      });
    });
  }
});
