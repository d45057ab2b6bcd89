/**
 * Webhook delivery against a local receiver (webhook_allow_private on), on both backends: the
 * signatures checked with the official `standardwebhooks` package as an independent oracle.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { pino } from 'pino';
import { Webhook } from 'standardwebhooks';
import { addWebhook, rotateWebhookSecret } from '../../src/admin/webhooks.js';
import { sign } from '../../src/domain/webhook-delivery.js';
import { startWebhookWorker } from '../../src/webhooks/webhook-worker.js';
import { backendOptions, BACKENDS, CLI, freshDb, money, newUser, type TestDb } from '../store/backends.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver that answers each request with the next status of `statuses` (the last one repeats). */
async function receiver(t: TestContext, statuses: number[] = [200], extra: Record<string, string> = {}): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const status = statuses[Math.min(received.length - 1, statuses.length - 1)]!;
      res.writeHead(status, extra).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function withWorker(t: TestContext, db: TestDb): Promise<void> {
  const worker = startWebhookWorker(db.store, pino({ level: 'silent' }), { pollMs: 50 });
  t.after(() => worker.stop());
}

function headers(r: Received): Record<string, string> {
  return { 'webhook-id': String(r.headers['webhook-id']), 'webhook-timestamp': String(r.headers['webhook-timestamp']), 'webhook-signature': String(r.headers['webhook-signature']) };
}

describe('the signature', () => {
  it("matches the specification's test vector and the official library", () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const payload = '{"test": 2432232314}';
    assert.equal(sign(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, payload), 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    assert.equal(new Webhook(secret).sign('msg_p5jXN8AQM9LWM0D4loKWxJek', new Date(1614265330 * 1000), payload), 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
});

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    it('delivers a threshold crossing signed and exactly as documented, balance.changed first', async (t) => {
      const db = await freshDb(t, backend);
      const { url, received } = await receiver(t);
      await db.store.writeSettings(new Map([['webhook_allow_private', '1'], ['warning_balance', '5.0']]), CLI);
      const alice = await db.store.addUser(newUser('Alice', { balance: money('10') }), CLI);
      const { secret } = await addWebhook(db.store, { url, events: 'balance.low,balance.changed' }, CLI);
      await withWorker(t, db);
      const result = await db.store.applyBalanceChange({ by: CLI, comment: '', user: { id: alice.id }, amount: money('-6') });
      assert.equal(result.kind, 'applied');
      await until(() => received.length === 2);
      const [changed, low] = received.map((r) => new Webhook(secret).verify(r.body, headers(r)) as { type: string; timestamp: string; data: unknown });
      const user = { id: alice.id, username: 'Alice' };
      assert.equal(changed!.type, 'balance.changed');
      assert.deepEqual(changed!.data, { user, entry: { id: result.kind === 'applied' ? result.entry.id : 0, amount: '-6.000000', balance_after: '4.000000', source: 'cli' } });
      assert.deepEqual([low!.type, low!.data], ['balance.low', { user, balance: '4.000000', warning_balance: '5.000000' }]);
      assert.match(low!.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.deepEqual(Object.keys(JSON.parse(received[1]!.body) as object), ['type', 'timestamp', 'data']);
      assert.match(String(received[0]!.headers['webhook-id']), /^evt_\d+$/);
      assert.equal(received[0]!.headers['content-type'], 'application/json');
    });

    it('retries a failed delivery with the same webhook-id, the first retry within 5 seconds', async (t) => {
      const db = await freshDb(t, backend);
      const { url, received } = await receiver(t, [500, 302, 200], { location: 'http://127.0.0.1:1/elsewhere' });
      await db.store.writeSettings(new Map([['webhook_allow_private', '1']]), CLI);
      const { secret } = await addWebhook(db.store, { url, events: 'user.created' }, CLI);
      await withWorker(t, db);
      const started = Date.now();
      await db.store.addUser(newUser('Bob'), CLI);
      await until(() => received.length === 2, 8000);
      assert.ok(Date.now() - started < 7000, 'the first retry came within 5 seconds');
      // The redirect is a failure and is never followed: the third attempt comes to the same URL.
      await until(() => received.length === 3, 20_000);
      assert.deepEqual(new Set(received.map((r) => r.headers['webhook-id'])).size, 1);
      for (const r of received) new Webhook(secret).verify(r.body, headers(r));
      await until(async () => (await db.sql('SELECT 1 FROM webhook_deliveries WHERE delivered_at IS NOT NULL')).length === 1);
      const [row] = (await db.sql('SELECT attempts, last_status FROM webhook_deliveries')) as { attempts: unknown; last_status: unknown }[];
      assert.deepEqual([Number(row!.attempts), Number(row!.last_status)], [3, 200]);
    });

    it('disables an endpoint that answers 410, at once', async (t) => {
      const db = await freshDb(t, backend);
      const { url, received } = await receiver(t, [410]);
      await db.store.writeSettings(new Map([['webhook_allow_private', '1']]), CLI);
      await addWebhook(db.store, { url, events: 'user.created' }, CLI);
      await withWorker(t, db);
      await db.store.addUser(newUser('Carol'), CLI);
      await until(async () => (await db.store.listWebhookEndpoints())[0]!.state === 'disabled');
      await db.store.addUser(newUser('Dave'), CLI);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(received.length, 1);
    });

    it('signs with both secrets during a rotation, each verifying on its own', async (t) => {
      const db = await freshDb(t, backend);
      const { url, received } = await receiver(t);
      await db.store.writeSettings(new Map([['webhook_allow_private', '1']]), CLI);
      const { endpoint, secret: old } = await addWebhook(db.store, { url, events: 'user.created' }, CLI);
      const fresh = await rotateWebhookSecret(db.store, endpoint.id, CLI);
      await withWorker(t, db);
      await db.store.addUser(newUser('Erin'), CLI);
      await until(() => received.length === 1);
      const r = received[0]!;
      assert.equal(String(r.headers['webhook-signature']).split(' ').length, 2);
      new Webhook(old).verify(r.body, headers(r));
      new Webhook(fresh).verify(r.body, headers(r));
    });

    it('two workers on one database deliver every event once, each user\'s in order', async (t) => {
      const db = await freshDb(t, backend);
      const { url, received } = await receiver(t);
      await db.store.writeSettings(new Map([['webhook_allow_private', '1']]), CLI);
      await addWebhook(db.store, { url, events: 'balance.changed' }, CLI);
      const users = await Promise.all(['u1', 'u2', 'u3'].map((name) => db.store.addUser(newUser(name), CLI)));
      await withWorker(t, db);
      const other = await db.open();
      const second = startWebhookWorker(other, pino({ level: 'silent' }), { pollMs: 50 });
      t.after(() => second.stop());
      for (let round = 0; round < 5; round++) {
        await Promise.all(users.map((user) => db.store.applyBalanceChange({ by: CLI, comment: '', user: { id: user.id }, amount: money('1') })));
      }
      await until(() => received.length >= 15, 20_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const ids = received.map((r) => String(r.headers['webhook-id']));
      assert.equal(new Set(ids).size, 15, 'no event twice');
      assert.equal(received.length, 15);
      for (const user of users) {
        const afters = received
          .map((r) => (JSON.parse(r.body) as { data: { user: { id: number }; entry: { balance_after: string } } }).data)
          .filter((data) => data.user.id === user.id)
          .map((data) => data.entry.balance_after);
        assert.deepEqual(afters, ['1.000000', '2.000000', '3.000000', '4.000000', '5.000000']);
      }
    });

    it('leases a claimed delivery to one claimant until the lease runs out, and a renewal keeps it', async (t) => {
      const db = await freshDb(t, backend);
      await db.store.writeSettings(new Map([['webhook_allow_private', '1']]), CLI);
      await addWebhook(db.store, { url: 'http://127.0.0.1:9/never', events: 'user.created' }, CLI);
      await db.store.addUser(newUser('Gail'), CLI);
      await db.store.addUser(newUser('Hal'), CLI);
      const other = await db.open();
      const first = await db.store.claimWebhookDeliveries(300, 10);
      assert.equal(first.length, 2);
      assert.deepEqual(await other.claimWebhookDeliveries(300, 10), [], 'leased: no second claimant');
      await db.store.renewWebhookLease(first[0]!.eventId, first[0]!.endpointId, 60_000);
      await new Promise((resolve) => setTimeout(resolve, 600));
      // The lease left to run out moves on; the renewed one stays.
      assert.deepEqual((await other.claimWebhookDeliveries(300, 10)).map((d) => d.eventId), [first[1]!.eventId]);
    });

    it('refuses a private destination at delivery once webhook_allow_private is off again', async (t) => {
      const db = await freshDb(t, backend);
      const { url, received } = await receiver(t);
      await db.store.writeSettings(new Map([['webhook_allow_private', '1']]), CLI);
      await addWebhook(db.store, { url, events: 'user.created' }, CLI);
      await db.store.writeSettings(new Map([['webhook_allow_private', '0']]), CLI);
      await withWorker(t, db);
      await db.store.addUser(newUser('Frank'), CLI);
      await until(async () => (await db.sql('SELECT 1 FROM webhook_deliveries WHERE attempts > 0')).length === 1);
      assert.equal(received.length, 0);
    });
  });
}
