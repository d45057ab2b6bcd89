/**
 * The optional replay-proof request signature (X-Tally-Timestamp / X-Tally-Nonce /
 * X-Tally-Signature), end to end: modes off, required and optional set while the server runs,
 * replays refused on every node of one database, key rotation as `tally settings rotate-key` does it,
 * and failed signatures counted by the throttle. Every signature is made by the documented
 * client, examples/signed-client.ts, never by the server's own code.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { kolmisoftHash, signRequest, TallyClient, type Params } from '../../examples/signed-client.js';
import type { RunningServer } from '../../src/app.js';
import { eventually, startTestServer } from '../support/fixtures.js';
import { balanceXml, errorXml, updatedXml } from '../support/spec-oracle.js';
import { API_PATH, assertAnswer, OLD_API_PATH, post, SECRET, send, signed, startHarness, type Answer, type Harness } from './helpers.js';
import { assertVerified, history, update, UPDATE_PATH, userField } from './write-helpers.js';

const REQUIRED = errorXml('status', 'Signature required');
const INVALID = errorXml('status', 'Invalid signature');
const EXPIRED = errorXml('status', 'Signature expired');
const REPLAYED = errorXml('status', 'Replayed request');
const THROTTLED = errorXml('status', 'Too many failed attempts');
const INCORRECT_HASH = errorXml('status', 'Incorrect hash');

/** A username full of what encoders disagree on: spaces, &, =, +, %, a non-ASCII letter, an emoji. */
const ODD_NAME = 'Zoë & Co = 1+1 % 😀';
const ODD_VALUE = "a b&c=d+e%f/?#ü😀~*'()!";
const ODD_PARAM_NAME = 'nötë & =+%';

type Pairs = [string, string][];
type HeaderMap = Record<string, string>;

/** The parameters of user_balance_get for `username`, with Kolmisoft's hash, in the example client's order. */
function balanceParams(username: string, extra: Pairs = []): Pairs {
  return [['username', username], ...extra, ['hash', kolmisoftHash([username], SECRET)]];
}

/** The parameters of user_balance_update without a transaction_id: a replay would apply again. */
function updateParams(userId: string, amount: string): Pairs {
  return [['u', 'admin'], ['user_id', userId], ['balance', amount], ['hash', kolmisoftHash([userId, amount], SECRET)]];
}

/** The three signature headers as a plain record, to resend or to tamper with. */
function sign(method: 'GET' | 'POST', path: string, params: Params, key: string, now?: Date, nonce?: string): HeaderMap {
  return { ...signRequest(method, path, params, key, now, nonce) };
}

const form = (pairs: Pairs): string => new URLSearchParams(pairs).toString();
/** Encoded as encodeURIComponent does (space as %20, not +). */
const strictForm = (pairs: Pairs): string => pairs.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&');

interface Wire {
  readonly method?: 'GET' | 'POST';
  readonly path?: string;
  /** The query string, without `?`. */
  readonly query?: string;
  /** A form body. */
  readonly body?: string;
  readonly headers?: HeaderMap;
}

/** Sends exactly what it is told: for requests the example client has no method for. */
function wire(url: string, w: Wire): Promise<Answer> {
  const target = url + (w.path ?? API_PATH) + (w.query === undefined ? '' : `?${w.query}`);
  const headers: HeaderMap = { ...(w.body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }), ...w.headers };
  return send(target, { method: w.method ?? 'POST', headers, ...(w.body === undefined ? {} : { body: w.body }) });
}

async function answerOf(pending: Promise<Response>): Promise<Answer> {
  const response = await pending;
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text(), headers: response.headers };
}

/**
 * A `now` for signRequest whose whole-second timestamp is `offset` seconds from the present,
 * rounded so that it is surely at least that far away ('farther') or at most that far ('nearer')
 * when the server compares it with its clock a few milliseconds later.
 */
function shifted(offset: number, rounding: 'farther' | 'nearer'): Date {
  const seconds = Date.now() / 1000;
  const base = (offset < 0) === (rounding === 'farther') ? Math.floor(seconds) : Math.ceil(seconds);
  return new Date((base + offset) * 1000);
}

/** Runs `request` until it answers `body`, then asserts its status and body (settings are polled every 250 ms). */
async function waitFor(request: () => Promise<Answer>, body: string, status: number, ms = 3000): Promise<void> {
  let last: Answer | undefined;
  const reached = await eventually(async () => {
    last = await request();
    return last.body === body && last.status === status;
  }, ms);
  assert.ok(reached, `expected within ${ms} ms, HTTP ${status}:\n${body}\nlast answer, HTTP ${last?.status}:\n${last?.body}`);
  assertAnswer(last!, body, status);
}

/** Sets signature_mode while the server runs and waits until the running server answers `probe` with `body`. */
async function setMode(h: Harness, mode: string, probe: () => Promise<Answer>, body: string, status: number): Promise<void> {
  assert.equal(await h.operator.set('signature_mode', mode), mode);
  await waitFor(probe, body, status);
}

/** A server whose users are alice (100), bob (`bob`) and ODD_NAME (5), GET on, in signature `mode`. */
interface Signed {
  readonly h: Harness;
  readonly key: string;
  readonly client: TallyClient;
  /** bob's id. */
  readonly bob: string;
  /** user_balance_update for bob through the example client, without transaction_id; returns the answer. */
  updateBob(amount: string, headers?: HeaderMap): Promise<Answer>;
}

async function startSigned(mode: 'off' | 'required', bobBalance: string): Promise<Signed> {
  const h = await startHarness({
    // Many refusals follow; the throttle has a test of its own below.
    settings: { auth_failure_limit: '0', allow_get_api: 'on', signature_mode: mode },
    users: [
      { name: 'alice', balance: '100' },
      { name: 'bob', balance: bobBalance },
      { name: ODD_NAME, balance: '5' },
    ],
  });
  const key = await h.operator.setting('signature_key');
  assert.match(key, /^\S{32,}$/, 'tally init generated a signature_key');
  const client = new TallyClient({ baseUrl: h.url, apiSecretKey: SECRET, signingKey: key });
  const bob = await userField(h, 'bob', 'id');
  return { h, key, client, bob, updateBob: (amount, headers = {}) => answerOf(client.post(UPDATE_PATH, updateParams(bob, amount), headers)) };
}

/** A signed server of one test's own, closed when it ends. */
async function signedFor(t: TestContext, mode: 'off' | 'required', bobBalance: string): Promise<Signed> {
  const server = await startSigned(mode, bobBalance);
  t.after(() => server.h.close());
  return server;
}

describe('request signatures on one server', () => {
  const alice = balanceXml('100.00');
  const unsignedOn = (h: Harness) => (): Promise<Answer> => post(h, signed('alice'));

  describe('mode off (the default)', () => {
    let h: Harness;
    let key: string;
    let client: TallyClient;
    let bob: string;
    let updateBob: Signed['updateBob'];
    let unsigned: () => Promise<Answer>;
    before(async () => {
      ({ h, key, client, bob, updateBob } = await startSigned('off', '0'));
      unsigned = unsignedOn(h);
    });
    after(() => h.close());

    it('ignores signature headers entirely, even malformed, expired or wrongly keyed ones', async () => {
      assert.equal(await h.operator.setting('signature_mode'), 'off');
      assertAnswer(await unsigned(), alice);
      const params = balanceParams('alice');
      const garbage: HeaderMap[] = [
        { 'X-Tally-Timestamp': 'yesterday', 'X-Tally-Nonce': 'x', 'X-Tally-Signature': 'nope' },
        { 'X-Tally-Nonce': 'only-a-nonce-0123456789' },
        sign('POST', API_PATH, params, key, shifted(-3600, 'farther')),
        sign('POST', API_PATH, params, 'not-the-signing-key'),
        sign('POST', OLD_API_PATH, params, key),
      ];
      for (const headers of garbage) assertAnswer(await wire(h.url, { body: form(params), headers }), alice, 200);
    });

    it('answers a signed request as often as it is sent, and the example client works too', async () => {
      const params = balanceParams('alice');
      const headers = sign('POST', API_PATH, params, key);
      for (let i = 0; i < 3; i++) assertAnswer(await answerOf(client.post(API_PATH, params, headers)), alice);
      assert.equal(await client.balance('alice'), alice);
      assertAnswer(await updateBob('1'), updatedXml('bob', bob, '1.0'));
    });
  });

  it('did not claim the nonce of a request signed while the mode was off', async (t) => {
    const { h, key, client } = await signedFor(t, 'off', '0');
    const params = balanceParams('alice');
    const headers = sign('POST', API_PATH, params, key);
    assertAnswer(await answerOf(client.post(API_PATH, params, headers)), alice);
    await setMode(h, 'required', unsignedOn(h), REQUIRED, 401);
    assertAnswer(await answerOf(client.post(API_PATH, params, headers)), alice);
    assertAnswer(await answerOf(client.post(API_PATH, params, headers)), REPLAYED, 401);
  });

  describe('mode required', () => {
    // A test that changes bob's balance has a server of its own, starting from the balance the
    // accepted updates of the tests before it (in the order they are written) left.
    let h: Harness;
    let key: string;
    let client: TallyClient;
    let unsigned: () => Promise<Answer>;
    before(async () => {
      ({ h, key, client } = await startSigned('off', '1'));
      unsigned = unsignedOn(h);
      await setMode(h, 'required', unsigned, REQUIRED, 401);
    });
    after(() => h.close());

    it('answers 401 Signature required to an unsigned request, POST or GET, and applies no unsigned update', async () => {
      assertAnswer(await unsigned(), REQUIRED, 401);
      assertAnswer(await wire(h.url, { method: 'GET', query: form(balanceParams('alice')) }), REQUIRED, 401);
      assertAnswer(await post(h, update(await userField(h, 'bob', 'id'), '7'), UPDATE_PATH), REQUIRED, 401);
      assert.equal(await client.balance('bob'), balanceXml('1.00'));
    });

    it('answers a request signed by the example client as before: the balance, and an update with its ledger entry', async (t) => {
      const { h, client, bob } = await signedFor(t, 'required', '1');
      assert.equal(await client.balance('alice'), alice);
      assertAnswer(await answerOf(client.post(API_PATH, balanceParams('alice'))), alice);
      const entries = await history(h, 'bob');
      assert.equal(await client.updateBalance('admin', Number(bob), '2.50', 'sig-tx-1'), updatedXml('bob', bob, '3.5'));
      const now = await history(h, 'bob');
      assert.equal(now.length, entries.length + 1);
      assert.deepEqual(now.slice(1), entries);
      assert.equal(now[0]?.amount, '2.5');
      assert.equal(now[0]?.balanceAfter, '3.5');
      assert.equal(now[0]?.source, 'api');
      assert.equal(now[0]?.key, 'sig-tx-1');
      // A retry is signed afresh (a new nonce), and its transaction_id keeps it from applying twice.
      assert.equal(await client.updateBalance('admin', Number(bob), '2.50', 'sig-tx-1'), updatedXml('bob', bob, '3.5'));
      assert.equal((await history(h, 'bob')).length, now.length);
      await assertVerified(h);
    });

    it('refuses the very same request sent again with 401 Replayed request, and applies the update once', async (t) => {
      const { h, key, client, bob, updateBob } = await signedFor(t, 'required', '3.5');
      const params = updateParams(bob, '1.25');
      const headers = sign('POST', UPDATE_PATH, params, key);
      const entries = await history(h, 'bob');
      assertAnswer(await updateBob('1.25', headers), updatedXml('bob', bob, '4.75'));
      assertAnswer(await updateBob('1.25', headers), REPLAYED, 401);
      // The same signed parameters moved to the query string verify, but the nonce is spent.
      assertAnswer(await wire(h.url, { path: UPDATE_PATH, query: form(params), headers }), REPLAYED, 401);
      assert.equal((await history(h, 'bob')).length, entries.length + 1);
      assert.equal(await client.balance('bob'), balanceXml('4.75'));

      const read = sign('POST', API_PATH, balanceParams('alice'), key);
      assertAnswer(await answerOf(client.post(API_PATH, balanceParams('alice'), read)), alice);
      assertAnswer(await answerOf(client.post(API_PATH, balanceParams('alice'), read)), REPLAYED, 401);
      // A nonce is spent for every request: another request, correctly signed with it, is refused too.
      const reused = sign('POST', API_PATH, balanceParams('bob'), key, undefined, headers['X-Tally-Nonce']);
      assertAnswer(await answerOf(client.post(API_PATH, balanceParams('bob'), reused)), REPLAYED, 401);
    });

    it('covers user_simple_balance_get too, whose token is in the signed path; the ops paths stay unsigned', async () => {
      const token = await userField(h, 'alice', 'uniquehash');
      const path = `/billing/api/user_simple_balance_get/${token}`;
      assertAnswer(await wire(h.url, { method: 'GET', path }), REQUIRED, 401);
      assertAnswer(await wire(h.url, { method: 'GET', path, headers: sign('GET', path, [], key) }), '100.00', 200, 'text/plain; charset=utf-8');
      const otherPath = `/billing/api/simple_balance/${token}`;
      assertAnswer(await wire(h.url, { method: 'GET', path: otherPath, headers: sign('GET', path, [], key) }), INVALID, 401);
      const health = await send(`${h.url}/healthz`);
      assert.equal(health.status, 200);
    });

    it('spends the nonce of a well-signed request even when the method then refuses it (Incorrect hash)', async () => {
      const params: Pairs = [['username', 'alice'], ['hash', kolmisoftHash(['alice'], 'wrong-secret')]];
      const headers = sign('POST', API_PATH, params, key);
      assertAnswer(await answerOf(client.post(API_PATH, params, headers)), INCORRECT_HASH);
      assertAnswer(await answerOf(client.post(API_PATH, params, headers)), REPLAYED, 401);
    });

    it('refuses a changed value, an added or removed parameter, another path or method, or another key with 401 Invalid signature', async () => {
      const params = balanceParams('alice');
      const headers = sign('POST', API_PATH, params, key);
      const tampered: [string, Wire][] = [
        ['a value changed (with a matching Kolmisoft hash)', { body: form(balanceParams('ALICE')) }],
        ['a parameter added', { body: form([...params, ['user_currency', '1']]) }],
        ['a parameter removed', { body: form(params.filter(([name]) => name !== 'hash')) }],
        ['the old path', { path: OLD_API_PATH, body: form(params) }],
        ['a trailing slash', { path: `${API_PATH}/`, body: form(params) }],
        ['another method (GET is on)', { method: 'GET', query: form(params) }],
      ];
      for (const [what, w] of tampered) {
        const answer = await wire(h.url, { ...w, headers });
        assert.equal(answer.body, INVALID, what);
        assert.equal(answer.status, 401, what);
      }
      const otherKey = sign('POST', API_PATH, params, 'another-signing-key-0123456789');
      assertAnswer(await wire(h.url, { body: form(params), headers: otherKey }), INVALID, 401);
      const laterStamp = { ...headers, 'X-Tally-Timestamp': String(Number(headers['X-Tally-Timestamp']) + 1) };
      assertAnswer(await wire(h.url, { body: form(params), headers: laterStamp }), INVALID, 401);
      const otherNonce = { ...headers, 'X-Tally-Nonce': `${headers['X-Tally-Nonce']!.slice(0, -1)}x` };
      assertAnswer(await wire(h.url, { body: form(params), headers: otherNonce }), INVALID, 401);
      // None of the refusals spent the nonce: the untouched request is still answered, once.
      assertAnswer(await wire(h.url, { body: form(params), headers }), alice);
      assertAnswer(await wire(h.url, { body: form(params), headers }), REPLAYED, 401);
    });

    it('refuses a changed amount on user_balance_update and changes nothing', async (t) => {
      const { h, key, client, bob } = await signedFor(t, 'required', '4.75');
      const params = updateParams(bob, '1');
      const headers = sign('POST', UPDATE_PATH, params, key);
      assertAnswer(await wire(h.url, { path: UPDATE_PATH, body: form(updateParams(bob, '1000')), headers }), INVALID, 401);
      assert.equal(await client.balance('bob'), balanceXml('4.75'));
    });

    it('refuses malformed headers with 401 Invalid signature: short nonce, non-hex signature, non-numeric timestamp, some headers only', async () => {
      const params = balanceParams('alice');
      const good = sign('POST', API_PATH, params, key);
      const malformed: [string, HeaderMap][] = [
        // Each signed correctly over its own odd value: the form alone is refused.
        ['a 15-character nonce', sign('POST', API_PATH, params, key, undefined, 'abcdefghij12345')],
        ['a 65-character nonce', sign('POST', API_PATH, params, key, undefined, 'n'.repeat(65))],
        ['a nonce with a dot', sign('POST', API_PATH, params, key, undefined, 'abcdefghij.123456')],
        ['a non-hex signature', { ...good, 'X-Tally-Signature': 'g'.repeat(64) }],
        ['a short signature', { ...good, 'X-Tally-Signature': good['X-Tally-Signature']!.slice(1) }],
        ['a base64 signature', { ...good, 'X-Tally-Signature': Buffer.from(good['X-Tally-Signature']!, 'hex').toString('base64') }],
        ['a non-numeric timestamp', { ...good, 'X-Tally-Timestamp': 'now' }],
        ['a fractional timestamp', { ...good, 'X-Tally-Timestamp': `${good['X-Tally-Timestamp']}.0` }],
        ['a timestamp in milliseconds', { ...good, 'X-Tally-Timestamp': `${good['X-Tally-Timestamp']}000` }],
        ['an empty signature', { ...good, 'X-Tally-Signature': '' }],
      ];
      const names = ['X-Tally-Timestamp', 'X-Tally-Nonce', 'X-Tally-Signature'];
      for (const name of names) {
        malformed.push([`only ${name}`, { [name]: good[name]! }]);
        malformed.push([`all but ${name}`, Object.fromEntries(names.filter((n) => n !== name).map((n) => [n, good[n]!]))]);
      }
      for (const [what, headers] of malformed) {
        const answer = await wire(h.url, { body: form(params), headers });
        assert.equal(answer.body, INVALID, what);
        assert.equal(answer.status, 401, what);
      }
      // The signature's hex may be upper case; the intact request is still unspent.
      assertAnswer(await wire(h.url, { body: form(params), headers: { ...good, 'X-Tally-Signature': good['X-Tally-Signature']!.toUpperCase() } }), alice);
    });

    it('refuses a timestamp 301 s (or more) in the past or the future with 401 Signature expired, and accepts 299 s', async () => {
      const params = balanceParams('alice');
      for (const offset of [-301, 301, -86_400, 86_400]) {
        const answer = await answerOf(client.post(API_PATH, params, sign('POST', API_PATH, params, key, shifted(offset, 'farther'))));
        assertAnswer(answer, EXPIRED, 401);
      }
      for (const offset of [-299, 299]) {
        assertAnswer(await answerOf(client.post(API_PATH, params, sign('POST', API_PATH, params, key, shifted(offset, 'nearer')))), alice);
      }
    });

    it('verifies parameters in the query string: a signed GET, a POST with an empty body, and a query-and-body mix', async (t) => {
      const { h, key, bob } = await signedFor(t, 'required', '4.75');
      const params = balanceParams('alice');
      assertAnswer(await wire(h.url, { method: 'GET', query: form(params), headers: sign('GET', API_PATH, params, key) }), alice);
      assertAnswer(await wire(h.url, { query: form(params), headers: sign('POST', API_PATH, params, key) }), alice);
      const [username, hash] = params;
      assertAnswer(await wire(h.url, { query: form([username!]), body: form([hash!]), headers: sign('POST', API_PATH, params, key) }), alice);
      const change = updateParams(bob, '0.25');
      assertAnswer(
        await wire(h.url, { method: 'GET', path: UPDATE_PATH, query: form(change), headers: sign('GET', UPDATE_PATH, change, key) }),
        updatedXml('bob', bob, '5.0'),
      );
    });

    it('signs and verifies names and values with spaces, &, =, +, %, ü and emoji, in the body and in the query', async () => {
      const odd = balanceXml('5.00');
      assert.equal(await client.balance(ODD_NAME), odd);
      const params = balanceParams(ODD_NAME, [['note', ODD_VALUE], [ODD_PARAM_NAME, ODD_VALUE]]);
      assertAnswer(await answerOf(client.post(API_PATH, params)), odd);
      // In the query, with + for spaces as forms encode, and with %20 as encodeURIComponent does.
      for (const query of [form(params), strictForm(params)]) {
        assertAnswer(await wire(h.url, { method: 'GET', query, headers: sign('GET', API_PATH, params, key) }), odd);
      }
      // A JSON body and a multipart body carry the same parameters under the same signature.
      const json = JSON.stringify(Object.fromEntries(params));
      const jsonHeaders = { 'content-type': 'application/json', ...sign('POST', API_PATH, params, key) };
      assertAnswer(await send(h.url + API_PATH, { method: 'POST', headers: jsonHeaders, body: json }), odd);
      const multipart = new FormData();
      for (const [name, value] of params) multipart.append(name, value);
      assertAnswer(await send(h.url + API_PATH, { method: 'POST', headers: sign('POST', API_PATH, params, key), body: multipart }), odd);
      // A different odd value under the same signature is refused.
      const changed = params.map(([n, v]): [string, string] => [n, n === 'note' ? v.replace('ü', 'u') : v]);
      assertAnswer(await wire(h.url, { body: form(changed), headers: sign('POST', API_PATH, params, key) }), INVALID, 401);
    });

    it('with a repeated name, verifies the parameters as the server merges them: query then body, the body and the last value winning', async () => {
      const base = balanceParams('alice');
      const body = form([...base, ['note', '1'], ['note', '2']]);
      // Signing every pair sent is refused: the server sees note=2 only.
      const everyPair: Pairs = [...base, ['note', '1'], ['note', '2']];
      assertAnswer(await wire(h.url, { body, headers: sign('POST', API_PATH, everyPair, key) }), INVALID, 401);
      assertAnswer(await wire(h.url, { body, headers: sign('POST', API_PATH, [...base, ['note', '1']], key) }), INVALID, 401);
      assertAnswer(await wire(h.url, { body, headers: sign('POST', API_PATH, [...base, ['note', '2']], key) }), alice);
      // The example client sends a list as it is: with a repeated name, its own signature is refused.
      assertAnswer(await answerOf(client.post(API_PATH, everyPair)), INVALID, 401);

      // The query's value is overridden by the body's.
      const query = form([['note', 'from-query']]);
      const split = { query, body: form([...base, ['note', 'from-body']]) };
      assertAnswer(await wire(h.url, { ...split, headers: sign('POST', API_PATH, [...base, ['note', 'from-body']], key) }), alice);
      assertAnswer(await wire(h.url, { ...split, headers: sign('POST', API_PATH, [...base, ['note', 'from-query']], key) }), INVALID, 401);
      const both: Pairs = [...base, ['note', 'from-query'], ['note', 'from-body']];
      assertAnswer(await wire(h.url, { ...split, headers: sign('POST', API_PATH, both, key) }), INVALID, 401);

      // So a parameter added in the query that the signed body overrides changes nothing that is
      // verified or executed: the request is still accepted, and answers what was signed.
      const headers = sign('POST', API_PATH, base, key);
      assertAnswer(await wire(h.url, { query: form([['username', 'bob']]), body: form(base), headers }), alice);
      // Whereas one added in the body overrides the signed query value and is refused.
      const queried = sign('POST', API_PATH, base, key);
      assertAnswer(await wire(h.url, { query: form(base), body: form([['username', 'bob']]), headers: queried }), INVALID, 401);
    });

    it("kept bob's balance and ledger exactly as the accepted updates made them", async (t) => {
      const { h, key, client, bob, updateBob } = await signedFor(t, 'required', '0');
      const bobEntriesAtStart = (await history(h, 'bob')).length;
      // The accepted updates of the tests above, each refused when replayed or tampered with.
      for (const [amount, after] of [['1', '1.0'], ['1.25', '2.25'], ['0.25', '2.5']] as const) {
        const headers = sign('POST', UPDATE_PATH, updateParams(bob, amount), key);
        assertAnswer(await updateBob(amount, headers), updatedXml('bob', bob, after));
        assertAnswer(await updateBob(amount, headers), REPLAYED, 401);
        assertAnswer(await wire(h.url, { path: UPDATE_PATH, body: form(updateParams(bob, '1000')), headers }), INVALID, 401);
      }
      for (let i = 0; i < 2; i++) assert.equal(await client.updateBalance('admin', Number(bob), '2.50', 'sig-tx-1'), updatedXml('bob', bob, '5.0'));
      assertAnswer(await post(h, update(bob, '7'), UPDATE_PATH), REQUIRED, 401);
      assert.equal(await client.balance('bob'), balanceXml('5.00')); // 1 + 2.50 + 1.25 + 0.25
      assert.equal((await history(h, 'bob')).length, bobEntriesAtStart + 4);
      await assertVerified(h);
    });
  });

  describe('mode optional', () => {
    let h: Harness;
    let key: string;
    let client: TallyClient;
    let unsigned: () => Promise<Answer>;
    before(async () => {
      ({ h, key, client } = await startSigned('required', '0'));
      unsigned = unsignedOn(h);
      await setMode(h, 'optional', unsigned, alice, 200);
    });
    after(() => h.close());

    it('answers unsigned requests as before', async () => {
      assertAnswer(await unsigned(), alice);
      assertAnswer(await wire(h.url, { method: 'GET', query: form(balanceParams('alice')) }), alice);
    });

    it('checks a request that carries a signature: good once, then replayed; bad, partial or expired refused', async () => {
      const params = balanceParams('alice');
      const headers = sign('POST', API_PATH, params, key);
      assertAnswer(await answerOf(client.post(API_PATH, params, headers)), alice);
      assertAnswer(await answerOf(client.post(API_PATH, params, headers)), REPLAYED, 401);
      assertAnswer(await answerOf(client.post(API_PATH, params, sign('POST', API_PATH, params, 'another-signing-key-0123456789'))), INVALID, 401);
      assertAnswer(await wire(h.url, { body: form([...params, ['currency', 'EUR']]), headers: sign('POST', API_PATH, params, key) }), INVALID, 401);
      assertAnswer(await wire(h.url, { body: form(params), headers: { 'X-Tally-Nonce': 'only-a-nonce-0123456789' } }), INVALID, 401);
      assertAnswer(await answerOf(client.post(API_PATH, params, sign('POST', API_PATH, params, key, shifted(-301, 'farther')))), EXPIRED, 401);
      assert.equal(await client.balance('alice'), alice);
    });
  });
});

describe('two servers sharing one database', () => {
  interface Pair {
    readonly h: Harness;
    readonly second: RunningServer;
    readonly key: string;
    readonly alice: string;
  }
  /** Two servers on a database of the test's own, alice holding `balance`. */
  async function pair(t: TestContext, balance: string): Promise<Pair> {
    const h = await startHarness({ settings: { signature_mode: 'required', auth_failure_limit: '0' }, users: [{ name: 'alice', balance }] });
    const second = await startTestServer(h.db);
    t.after(async () => {
      await second.close();
      await h.close();
    });
    return { h, second, key: await h.operator.setting('signature_key'), alice: await userField(h, 'alice', 'id') };
  }

  describe('nonces', () => {
    it('refuses on server 2 a request answered by server 1, and the other way round', async (t) => {
      const { h, second, key, alice } = await pair(t, '10');
      const params = balanceParams('alice');
      const headers = sign('POST', API_PATH, params, key);
      assertAnswer(await wire(h.url, { body: form(params), headers }), balanceXml('10.00'));
      assertAnswer(await wire(second.url, { body: form(params), headers }), REPLAYED, 401);

      const change = updateParams(alice, '1');
      const updateHeaders = sign('POST', UPDATE_PATH, change, key);
      const entries = await history(h, 'alice');
      assertAnswer(await wire(second.url, { path: UPDATE_PATH, body: form(change), headers: updateHeaders }), updatedXml('alice', alice, '11.0'));
      assertAnswer(await wire(h.url, { path: UPDATE_PATH, body: form(change), headers: updateHeaders }), REPLAYED, 401);
      assert.equal((await history(h, 'alice')).length, entries.length + 1);
    });

    it('accepts one of many copies of a signed update sent to both servers at once, and applies it once', async (t) => {
      const { h, second, key, alice } = await pair(t, '11');
      const change = updateParams(alice, '0.5');
      const headers = sign('POST', UPDATE_PATH, change, key);
      const entries = await history(h, 'alice');
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => wire(i % 2 === 0 ? h.url : second.url, { path: UPDATE_PATH, body: form(change), headers })),
      );
      assert.equal(answers.filter((a) => a.status === 200 && a.body === updatedXml('alice', alice, '11.5')).length, 1);
      assert.equal(answers.filter((a) => a.status === 401 && a.body === REPLAYED).length, 11);
      assert.equal((await history(h, 'alice')).length, entries.length + 1);
      await assertVerified(h);
    });
  });

  describe('key rotation with tally settings rotate-key (its output is tested in test/cli)', () => {
    const balanceWith = (url: string, signingKey: string): Promise<Answer> =>
      answerOf(new TallyClient({ baseUrl: url, apiSecretKey: SECRET, signingKey }).post(API_PATH, balanceParams('admin')));
    const admin = balanceXml('0.00');

    it('accepts the new key and the old one after a first rotation, then only the new one after the second, on both servers', async (t) => {
      const { h, second, key } = await pair(t, '10');
      const oldKey = key;
      for (const url of [h.url, second.url]) assertAnswer(await balanceWith(url, oldKey), admin);

      assert.equal(await h.operator.rotateSigningKey(), 'started');
      const newKey = await h.operator.setting('signature_key');
      assert.match(newKey, /^\S{32,}$/);
      assert.notEqual(newKey, oldKey);
      assert.equal(await h.operator.setting('signature_key_previous'), oldKey);

      for (const url of [h.url, second.url]) {
        await waitFor(() => balanceWith(url, newKey), admin, 200);
        assertAnswer(await balanceWith(url, oldKey), admin);
      }

      assert.equal(await h.operator.rotateSigningKey(), 'ended');
      assert.equal(await h.operator.setting('signature_key'), newKey);
      assert.equal(await h.operator.setting('signature_key_previous'), '');

      for (const url of [h.url, second.url]) {
        await waitFor(() => balanceWith(url, oldKey), INVALID, 401);
        assertAnswer(await balanceWith(url, newKey), admin);
      }
    });
  });
});

describe('failed signatures and the throttle', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ settings: { signature_mode: 'required', auth_failure_limit: '3' } });
  });
  after(async () => {
    await h.close();
  });

  // On PostgreSQL, PostgresStore.recordAuthFailure's statement fails ("operator is not unique:
  // unknown + unknown" for `$2 + $5`), so no failure is ever counted and nobody is throttled.
  it('counts a missing, expired or replayed signature as a failed authentication: past the limit, 429 even for a good one', async () => {
    const key = await h.operator.setting('signature_key');
    const client = new TallyClient({ baseUrl: h.url, apiSecretKey: SECRET, signingKey: key });
    const params = balanceParams('admin');
    const headers = sign('POST', API_PATH, params, key);
    assertAnswer(await answerOf(client.post(API_PATH, params, headers)), balanceXml('0.00')); // a success counts nothing
    assertAnswer(await answerOf(client.post(API_PATH, params, headers)), REPLAYED, 401);
    assertAnswer(await post(h, signed('admin')), REQUIRED, 401);
    assertAnswer(await answerOf(client.post(API_PATH, params, sign('POST', API_PATH, params, key, shifted(-400, 'farther')))), EXPIRED, 401);
    let last: Answer | undefined;
    const throttled = await eventually(async () => {
      last = await answerOf(client.post(API_PATH, params));
      return last.status === 429;
    });
    assert.ok(throttled, `expected 429, last answer HTTP ${last?.status}:\n${last?.body}`);
    assertAnswer(last!, THROTTLED, 429);
    assert.match(last!.headers.get('retry-after') ?? '', /^\d+$/);
  });
});
