/**
 * Brute-force throttling: failed authentications are counted per client address (in the
 * store, so every server on one database shares them); a client past auth_failure_limit is
 * answered 429 Too many failed attempts, whatever it sends, until auth_failure_cooldown ends.
 * Distinct clients are simulated with X-Forwarded-For through a trusted proxy (127.0.0.1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../src/app.js';
import { eventually, startTestServer } from '../support/fixtures.js';
import { balanceXml, errorXml, TEXT_TYPE } from '../support/spec-oracle.js';
import { assertAnswer, send, settle, sign, startHarness, type Answer, type Harness } from './helpers.js';
import { ALICE, balanceFrom, postFrom, startHardenedHarness, WRONG_HASH } from './hardening-helpers.js';
import { update, UPDATE_PATH } from './write-helpers.js';

const TOO_MANY = errorXml('status', 'Too many failed attempts');
const INCORRECT_HASH = errorXml('status', 'Incorrect hash');
const BAD_LOGIN = errorXml('status', 'Bad login');
const USER_NOT_FOUND = errorXml('page', 'User was not found');
const BALANCE = balanceXml('26.00');
const LIMIT = 20;

/** Asserts a 429 Too many failed attempts with a Retry-After of 1 to `cooldown` whole seconds. */
function assertThrottled(answer: Answer, cooldown = 60): void {
  assertAnswer(answer, TOO_MANY, 429);
  const retryAfter = answer.headers.get('retry-after');
  assert.match(retryAfter ?? '', /^[1-9]\d*$/, `Retry-After must be whole seconds, got ${retryAfter}`);
  assert.ok(Number(retryAfter) <= cooldown, `Retry-After ${retryAfter} is longer than the cooldown ${cooldown}`);
}

/**
 * Polls until `client` is answered 429 at `url` (the count is written just after the failing
 * answer goes out, and another server learns of it at its next poll), then asserts that answer.
 */
async function assertBlockedSoon(url: string, client: string | undefined, cooldown = 60, ms = 2000): Promise<Answer> {
  let last: Answer | undefined;
  const blocked = await eventually(async () => (last = await balanceFrom(url, client)).status === 429, ms);
  assert.ok(blocked, `${client ?? '127.0.0.1'} still answered at ${url}: ${last?.status} ${last?.body}`);
  assertThrottled(last!, cooldown);
  return last!;
}

/** `count` requests for alice with a wrong hash from `client`, each answered Incorrect hash. */
async function failHashes(url: string, client: string | undefined, count: number): Promise<void> {
  for (let i = 0; i < count; i++) assertAnswer(await balanceFrom(url, client, WRONG_HASH), INCORRECT_HASH);
}

describe('throttling behind a trusted proxy (trusted_proxies 127.0.0.1, 10.0.0.0/8)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ users: [ALICE] });
    // Set while the server runs: it must pick the proxies up without a restart. Settings are
    // read as a whole, so once a change made after this one is visible, this one is too.
    await h.operator.set('trusted_proxies', '127.0.0.1, 10.0.0.0/8');
    await h.operator.set('allow_get_api', 'on');
    await settle(() => send(`${h.url}/billing/api/user_balance_get?username=alice&hash=${sign('alice')}`), BALANCE);
  });
  after(async () => {
    await h.close();
  });

  it(`answers the very next request after ${LIMIT} wrong hashes 429, even with a valid hash`, async () => {
    const a = '198.51.100.10';
    await failHashes(h.url, a, LIMIT);
    assertThrottled(await balanceFrom(h.url, a));
  });

  it(`throttles a client after ${LIMIT} wrong hashes on every API method, and leaves other clients alone`, async () => {
    const a = '198.51.100.1';
    const b = '198.51.100.2';
    await failHashes(h.url, a, LIMIT);
    await assertBlockedSoon(h.url, a);
    assertThrottled(await balanceFrom(h.url, a, WRONG_HASH));
    // Every API method is closed to it, not only the one it failed on.
    assertThrottled(await postFrom(h.url, a, update('2', '1'), UPDATE_PATH));
    assertThrottled(await send(`${h.url}/billing/api/user_simple_balance_get/whatever`, { headers: { 'x-forwarded-for': a } }));
    // The operator's endpoints are not API methods and stay open.
    const health = await send(`${h.url}/healthz`, { headers: { 'x-forwarded-for': a } });
    assert.equal(health.status, 200);

    assertAnswer(await balanceFrom(h.url, b), BALANCE);
    assertAnswer(await balanceFrom(h.url, undefined), BALANCE); // the proxy itself
  });

  it('does not count successful requests, and they do not wipe out earlier failures', async () => {
    const c = '198.51.100.3';
    for (let i = 0; i < LIMIT - 1; i++) {
      assertAnswer(await balanceFrom(h.url, c, WRONG_HASH), INCORRECT_HASH);
      assertAnswer(await balanceFrom(h.url, c), BALANCE);
      assertAnswer(await balanceFrom(h.url, c), BALANCE);
    }
    for (let i = 0; i < 10; i++) assertAnswer(await balanceFrom(h.url, c), BALANCE);
    await failHashes(h.url, c, 1); // the 20th failure
    await assertBlockedSoon(h.url, c);
  });

  it('counts a Bad login on user_balance_update and an unknown token on user_simple_balance_get as failures too', async () => {
    const d = '198.51.100.4';
    for (let i = 0; i < 10; i++) assertAnswer(await postFrom(h.url, d, update('2', '1', {}, 'nobody'), UPDATE_PATH), BAD_LOGIN);
    for (let i = 0; i < 9; i++) {
      const answer = await send(`${h.url}/billing/api/user_simple_balance_get/no-such-token-${i}`, { headers: { 'x-forwarded-for': d } });
      assert.equal(answer.body, 'User was not found');
      assert.equal(answer.type, TEXT_TYPE);
    }
    assertAnswer(await balanceFrom(h.url, d), BALANCE); // 19 failures: still answered
    const last = await send(`${h.url}/billing/api/simple_balance?id=no-such-token`, { headers: { 'x-forwarded-for': d } });
    assert.equal(last.body, 'User was not found');
    await assertBlockedSoon(h.url, d);
  });

  it('does not count refusals that are not failed authentications', async () => {
    const e = '198.51.100.5';
    for (let i = 0; i < LIMIT + 5; i++) {
      // A correctly hashed request for a user who does not exist.
      assertAnswer(await postFrom(h.url, e, { username: 'nobody', hash: sign('nobody') }), USER_NOT_FOUND);
      // A transport fault.
      assertAnswer(await postFrom(h.url, e, { username: 'alice', hash: sign('alice'), currency: 'x'.repeat(5000) }), errorXml('status', 'Parameter too long'), 400);
    }
    assertAnswer(await balanceFrom(h.url, e), BALANCE);
  });

  it('counts a chain X-Forwarded-For: 203.0.113.9, 10.0.0.2 against 203.0.113.9, the nearest untrusted hop', async () => {
    await failHashes(h.url, '203.0.113.9, 10.0.0.2', LIMIT);
    await assertBlockedSoon(h.url, '203.0.113.9, 10.0.0.2');
    assertThrottled(await balanceFrom(h.url, '203.0.113.9'));
    assertThrottled(await balanceFrom(h.url, '192.0.2.1, 203.0.113.9, 10.0.0.2'));
    // Neither the inner proxy, nor another client behind it, nor the outer proxy is blocked.
    assertAnswer(await balanceFrom(h.url, '10.0.0.2'), BALANCE);
    assertAnswer(await balanceFrom(h.url, '203.0.113.10, 10.0.0.2'), BALANCE);
    assertAnswer(await balanceFrom(h.url, undefined), BALANCE);
    // An untrusted hop ends the walk: what stands left of it is anyone's say.
    assertAnswer(await balanceFrom(h.url, '203.0.113.9, 192.0.2.5, 10.0.0.2'), BALANCE);
  });
});

describe('throttling settings', () => {
  const harnesses: Harness[] = [];
  const harness = async (settings: Record<string, string>): Promise<Harness> => {
    const h = await startHardenedHarness({ settings });
    harnesses.push(h);
    return h;
  };
  after(async () => {
    await Promise.all(harnesses.map((h) => h.close()));
  });

  it('lets the client in again once auth_failure_cooldown (1 s) has passed', async () => {
    const h = await harness({ auth_failure_cooldown: '1' });
    await failHashes(h.url, undefined, LIMIT);
    const blocked = await assertBlockedSoon(h.url, undefined, 1);
    assert.equal(blocked.headers.get('retry-after'), '1');
    let last: Answer | undefined;
    const through = await eventually(async () => (last = await balanceFrom(h.url, undefined)).status === 200, 5000);
    assert.ok(through, `still refused after the cooldown: ${last?.status} ${last?.body}`);
    assertAnswer(last!, BALANCE);
  });

  it('never throttles with auth_failure_limit 0', async () => {
    const h = await harness({ auth_failure_limit: '0' });
    await failHashes(h.url, undefined, LIMIT * 2);
    assertAnswer(await balanceFrom(h.url, undefined), BALANCE);
  });

  it('ignores X-Forwarded-For without trusted_proxies: every failure counts against the TCP peer 127.0.0.1', async () => {
    const h = await harness({});
    for (let i = 0; i < LIMIT; i++) assertAnswer(await balanceFrom(h.url, `192.0.2.${i + 1}`, WRONG_HASH), INCORRECT_HASH);
    await assertBlockedSoon(h.url, '192.0.2.99');
    assertThrottled(await balanceFrom(h.url, undefined));
  });

  it('honours a lower auth_failure_limit', async () => {
    const h = await harness({ auth_failure_limit: '3' });
    await failHashes(h.url, undefined, 3);
    await assertBlockedSoon(h.url, undefined);
  });
});

describe('two servers on one database share the count', () => {
  let h: Harness;
  let second: RunningServer;
  before(async () => {
    h = await startHardenedHarness({ settings: { trusted_proxies: '127.0.0.1' } });
    second = await startTestServer(h.db);
  });
  after(async () => {
    await second.close();
    await h.close();
  });

  it('answers 429 on server 2 soon after a client failed too often on server 1', async () => {
    const a = '203.0.113.21';
    await failHashes(h.url, a, LIMIT);
    await assertBlockedSoon(h.url, a);
    await assertBlockedSoon(second.url, a, 60, 3000);
    assertAnswer(await balanceFrom(second.url, '203.0.113.22'), BALANCE);
  });

  it('adds failures made on both servers into one count', async () => {
    const c = '203.0.113.23';
    await failHashes(h.url, c, LIMIT / 2);
    await failHashes(second.url, c, LIMIT / 2 - 1);
    assertAnswer(await balanceFrom(h.url, c), BALANCE); // 19 in all
    assertAnswer(await balanceFrom(second.url, c), BALANCE);
    await failHashes(second.url, c, 1);
    await assertBlockedSoon(second.url, c);
    await assertBlockedSoon(h.url, c, 60, 3000);
  });
});
