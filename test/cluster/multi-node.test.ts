/**
 * Several `tally serve` processes on one database: the deployment the PostgreSQL backend is
 * for, and `--workers N` on either backend.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { eventually, pgTestLocation, dropPgSchema, tempDir, type TempDir } from '../support/fixtures.js';
import { Operator, type SeedPlan } from '../support/seed.js';
import { postgresAvailable, startServeProcess, type ServeProcess } from '../support/serve-process.js';

const SECRET = 'multi-node-secret';
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/** Each test of a pair of nodes works on a user of its own: alice, carol, dave and erin. */
const PLAN: SeedPlan = {
  settings: { api_secret_key: SECRET, payments_enabled: 'on' },
  currencies: [{ code: 'EUR', rate: '0.5' }],
  users: [
    { name: 'alice', balance: '10' },
    { name: 'carol', balance: '10' },
    { name: 'dave', balance: '13.5' },
    { name: 'erin' },
  ],
};

function post(url: string, method: string, params: Record<string, string>): Promise<string> {
  return fetch(`${url}/billing/api/${method}`, { method: 'POST', body: new URLSearchParams(params) }).then((r) => r.text());
}

function balanceOf(url: string, currency = '', username = 'alice'): Promise<string> {
  return post(url, 'user_balance_get', { username, currency, hash: sha1(`${username}${currency}${SECRET}`) });
}

const pgReachable = await postgresAvailable();

describe('two tally serve nodes on one PostgreSQL', { skip: pgReachable ? false : 'PostgreSQL not reachable' }, () => {
  let db: string;
  let operator: Operator;
  let nodes: ServeProcess[] = [];
  const ledgerCount = async (username: string): Promise<number> => (await operator.history(username)).length;

  before(async () => {
    db = pgTestLocation();
    operator = await Operator.seed(db, PLAN);
    nodes = await Promise.all([startServeProcess(db), startServeProcess(db)]);
  });
  after(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await operator.close();
    await dropPgSchema(db);
  });

  it('sums 200 concurrent updates spread across both nodes exactly, with one entry each', async () => {
    const id = (await operator.user('alice')).id;
    const hash = sha1(id + '0.01' + SECRET);
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => post(nodes[i % 2]!.url, 'user_balance_update', { u: 'admin', user_id: id, balance: '0.01', hash })),
    );
    assert.equal(answers.filter((answer) => answer.includes('<status>User balance updated</status>')).length, 200);
    assert.match(await balanceOf(nodes[0]!.url), /<balance>12\.00<\/balance>/);
    assert.equal(await ledgerCount('alice'), 201); // the opening balance and 200 updates
    await operator.assertVerified();
  });

  it('applies a transaction_id retried on both nodes at once exactly once', async () => {
    const id = (await operator.user('carol')).id;
    const params = { u: 'admin', user_id: id, balance: '1.5', transaction_id: 'across-nodes-1', hash: sha1(`${id}1.5across-nodes-1${SECRET}`) };
    const before = await ledgerCount('carol');
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => post(nodes[i % 2]!.url, 'user_balance_update', params)));
    assert.equal(new Set(answers).size, 1, 'every retry answers the first document');
    assert.match(answers[0]!, /<balance>11\.5<\/balance>/);
    assert.equal(await ledgerCount('carol'), before + 1);
  });

  it('lands 100 concurrent payments sent to both nodes, each also retried on the other node, exactly once each', async () => {
    const id = (await operator.user('erin')).id;
    const request = (i: number) => {
      const key = `pay-across-${i}`;
      return { u: 'admin', user_id: id, amount: '0.5', currency: 'EUR', transaction_id: key, hash: sha1(`${id}0.5EUR${key}${SECRET}`) };
    };
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => post(nodes[i % 2]!.url, 'payment_create', request(Math.floor(i / 2)))));
    for (let i = 0; i < 100; i++) {
      assert.equal(answers[2 * i], answers[2 * i + 1], `payment ${i} and its retry answer the same bytes`);
      assert.match(answers[2 * i]!, /<payment currency="EUR">\n {6}<payment_id>\d+<\/payment_id>/);
    }
    assert.equal(new Set(answers).size, 100, 'each payment has an id of its own');
    // 100 payments of 0.5 EUR at 0.5: 1 USD each.
    assert.match(await balanceOf(nodes[1]!.url, '', 'erin'), /<balance>100\.00<\/balance>/);
    assert.equal(await ledgerCount('erin'), 100);
    await operator.assertVerified();
  });

  it('shows a rate changed through one node on the other within a second', async () => {
    const answer = await post(nodes[0]!.url, 'exchange_rate_update', { u: 'admin', currency: 'EUR', rate: '2', hash: sha1(`EUR2${SECRET}`) });
    assert.match(answer, /Currency successfully updated/);
    // dave's 13.50 USD, at the new rate 2 EUR per USD.
    assert.match(await balanceOf(nodes[0]!.url, '', 'dave'), /<balance>13\.50<\/balance>/);
    assert.ok(await eventually(async () => (await balanceOf(nodes[1]!.url, 'EUR', 'dave')).includes('<balance>27.00</balance>'), 1000));
  });

  it('shows a setting changed with the CLI on every node within a second', async () => {
    await operator.set('allow_api', 'off');
    for (const node of nodes) {
      assert.ok(await eventually(async () => (await balanceOf(node.url)).includes('API Requests are disabled'), 1000), node.url);
    }
    await operator.set('allow_api', 'on');
  });
});

describe('tally serve --workers', () => {
  const backends = pgReachable ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);
  for (const backend of backends) {
    describe(`on ${backend}`, () => {
      let temp: TempDir;
      let operator: Operator;
      let server: ServeProcess;

      before(async () => {
        temp = await tempDir(backend);
        operator = await Operator.seed(temp.db, PLAN);
        server = await startServeProcess(temp.db, { workers: 2 });
      });
      after(async () => {
        await server.stop();
        await operator.close();
        await temp.remove();
      });

      it('starts two worker processes sharing one port', () => {
        assert.equal(new Set(server.listeningPids).size, 2);
      });

      it('answers concurrent updates through the workers without losing one', async () => {
        const id = (await operator.user('alice')).id;
        const hash = sha1(id + '1' + SECRET);
        await Promise.all(Array.from({ length: 100 }, () => post(server.url, 'user_balance_update', { u: 'admin', user_id: id, balance: '1', hash })));
        assert.match(await balanceOf(server.url), /<balance>110\.00<\/balance>/);
        await operator.assertVerified();
      });

      it('stops cleanly on SIGTERM', async (t) => {
        // Servers of its own: stopping the shared ones would leave the other tests none.
        const own = await tempDir(backend);
        t.after(() => own.remove());
        await (await Operator.seed(own.db, PLAN)).close();
        const stopping = await startServeProcess(own.db, { workers: 2 });
        assert.equal(await stopping.stop(), 0);
      });
    });
  }
});
