/**
 * Forged writes from captured ones (README, "Security"): Kolmisoft's hash runs the hashed values
 * together, so moving characters from one parameter to the next keeps the hash. A write's hash
 * authorises the request it came with and no other; an identical request stays what it always
 * was (a replay with transaction_id, Kolmisoft's repeat without).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../src/app.js';
import { execSql, startTestServer } from '../support/fixtures.js';
import { errorXml, RATE_UPDATED, updatedXml } from '../support/spec-oracle.js';
import { assertAnswer, post, sign, signed, type Answer, type Harness } from './helpers.js';
import { postFrom, startHardenedHarness } from './hardening-helpers.js';
import { postUpdate, RATE_PATH, UPDATE_PATH } from './write-helpers.js';

const INCORRECT_HASH = errorXml('status', 'Incorrect hash');
const NOT_UPDATED = errorXml('page', 'User balance not updated');
const TOO_MANY = errorXml('status', 'Too many failed attempts');
const PAYMENT_PATH = '/billing/api/payment_create';

/**
 * u1 is id 1 (the admin is 0), alice id 2, bob id 3, and users u4 to u21 fill the ids up to 21; each starts at 100. Each
 * test of a server works on users of its own.
 */
const USERS = [
  // The admin is id 0: u1 keeps alice at id 2.
  { name: 'u1', balance: '100' },
  { name: 'alice', balance: '100' },
  { name: 'bob', balance: '100' },
  ...Array.from({ length: 18 }, (_, i) => ({ name: `u${i + 4}`, balance: '100' })),
];

/** A user_balance_update whose hash is given, for requests that re-split a captured one. */
function forged(hash: string, fields: Record<string, string>): Record<string, string> {
  return { u: 'admin', ...fields, hash };
}

async function ledgerCount(h: Harness): Promise<number> {
  const rows = (await execSql(h.db, 'SELECT count(*) AS n FROM ledger_entries')) as { n: number | string | bigint }[];
  return Number(rows[0]!.n);
}

async function balanceOf(h: Harness, username: string): Promise<string> {
  const answer = await post(h, signed(username));
  const match = /<balance>([^<]+)<\/balance>/.exec(answer.body);
  assert.ok(match, answer.body);
  return match[1]!;
}

describe('a write hash authorises its own request only', () => {
  let h: Harness;
  before(async () => {
    h = await startHardenedHarness({ users: USERS, settings: { auth_failure_limit: '0', payments_enabled: 'on' } });
  });
  after(async () => {
    await h.close();
  });

  it('refuses every re-split of a captured update as Incorrect hash, changing nothing', async () => {
    const hash = sign('2', '10.50', 'pay-2002');
    assertAnswer(await postUpdate(h, forged(hash, { user_id: '2', balance: '10.50', transaction_id: 'pay-2002' })), updatedXml('alice', '2', '110.5'));
    const entries = await ledgerCount(h);
    const resplit: Record<string, string>[] = [
      { user_id: '2', balance: '10.5', transaction_id: '0pay-2002' },
      { user_id: '2', balance: '10.', transaction_id: '50pay-2002' },
      { user_id: '21', balance: '0.50', transaction_id: 'pay-2002' },
      { user_id: '21', balance: '0.5', transaction_id: '0pay-2002' },
      // Into a user that does not exist, or an amount that is not one: no hint of either.
      { user_id: '210', balance: '.50', transaction_id: 'pay-2002' },
      { user_id: '2', balance: '10.50p', transaction_id: 'ay-2002' },
      { user_id: '2', balance: '10.50pay-2002' },
    ];
    for (const fields of resplit) {
      assertAnswer(await postUpdate(h, forged(hash, fields)), INCORRECT_HASH);
      // Either letter case is the same hash.
      assertAnswer(await postUpdate(h, forged(hash.toUpperCase(), fields)), INCORRECT_HASH);
    }
    assert.equal(await ledgerCount(h), entries);
    assert.equal(await balanceOf(h, 'alice'), '110.50');
    assert.equal(await balanceOf(h, 'u21'), '100.00');
  });

  it('refuses a captured update without transaction_id re-split into a larger amount', async () => {
    const hash = sign('3', '5', '31337');
    assertAnswer(await postUpdate(h, forged(hash, { user_id: '3', balance: '5', transaction_id: '31337' })), updatedXml('bob', '3', '105.0'));
    assertAnswer(await postUpdate(h, forged(hash, { user_id: '3', balance: '531337' })), INCORRECT_HASH);
    assertAnswer(await postUpdate(h, forged(hash, { user_id: '3', balance: '53133', transaction_id: '7' })), INCORRECT_HASH);
    assert.equal(await balanceOf(h, 'bob'), '105.00');
  });

  it('spends the hash of a refused update too: its re-split cannot credit anyone', async () => {
    const entries = await ledgerCount(h);
    // Refused as a zero amount, then re-split into +20 for the admin (id 1).
    const zero = sign('12', '0');
    assertAnswer(await postUpdate(h, forged(zero, { user_id: '12', balance: '0' })), NOT_UPDATED);
    assertAnswer(await postUpdate(h, forged(zero, { user_id: '1', balance: '20' })), INCORRECT_HASH);
    // Refused for a user that does not exist, then re-split into +99.5 for user 21.
    const nobody = sign('2199', '.5');
    assertAnswer(await postUpdate(h, forged(nobody, { user_id: '2199', balance: '.5' })), errorXml('page', 'User was not found'));
    assertAnswer(await postUpdate(h, forged(nobody, { user_id: '21', balance: '99.5' })), INCORRECT_HASH);
    // Refused for an id past what any method addresses, then re-split.
    const far = sign('99999999999', '1');
    assertAnswer(await postUpdate(h, forged(far, { user_id: '99999999999', balance: '1' })), errorXml('page', 'User was not found'));
    assertAnswer(await postUpdate(h, forged(far, { user_id: '9', balance: '99999999991' })), INCORRECT_HASH);
    // The identical refused request is still answered as what it is.
    assertAnswer(await postUpdate(h, forged(zero, { user_id: '12', balance: '0' })), NOT_UPDATED);
    assert.equal(await ledgerCount(h), entries);
    assert.equal(await balanceOf(h, 'admin'), '0.00');
    assert.equal(await balanceOf(h, 'u21'), '100.00');
  });

  it('answers an identical request as before: a replay with transaction_id, a repeat without', async () => {
    const keyed = forged(sign('4', '1', 'pay-4'), { user_id: '4', balance: '1', transaction_id: 'pay-4' });
    const first = await postUpdate(h, keyed);
    assertAnswer(first, updatedXml('u4', '4', '101.0'));
    const entries = await ledgerCount(h);
    assertAnswer(await postUpdate(h, keyed), first.body);
    assertAnswer(await postUpdate(h, { ...keyed, hash: keyed['hash']!.toUpperCase() }), first.body);
    // The old name is the same method, and u and p are not hashed: still the same request.
    assertAnswer(await postUpdate(h, { ...keyed, p: 'ignored' }, '/billing/api/user_balance_change'), first.body);
    assert.equal(await ledgerCount(h), entries);

    const unkeyed = forged(sign('5', '2'), { user_id: '5', balance: '2' });
    assertAnswer(await postUpdate(h, unkeyed), updatedXml('u5', '5', '102.0'));
    assertAnswer(await postUpdate(h, unkeyed), updatedXml('u5', '5', '104.0'));
    assert.equal(await ledgerCount(h), entries + 2);
  });

  it('refuses a captured payment re-split into another customer or a larger amount as Incorrect hash', async () => {
    // payment_create hashes description between user_id and amount: "1" + "3" + "5" + "USD" is
    // also user 13's payment of 5, or user 1's of 35.
    const hash = sign('1', '3', '5', 'USD');
    const paid = await postUpdate(h, forged(hash, { user_id: '1', description: '3', amount: '5', currency: 'USD' }), PAYMENT_PATH);
    assert.match(paid.body, /<status>ok<\/status>/);
    const entries = await ledgerCount(h);
    assertAnswer(await postUpdate(h, forged(hash, { user_id: '13', amount: '5', currency: 'USD' }), PAYMENT_PATH), INCORRECT_HASH);
    assertAnswer(await postUpdate(h, forged(hash, { user_id: '1', amount: '35', currency: 'USD' }), PAYMENT_PATH), INCORRECT_HASH);
    assert.equal(await ledgerCount(h), entries);
    assert.equal(await balanceOf(h, 'u1'), '105.00');
    assert.equal(await balanceOf(h, 'u13'), '100.00');
  });

  it('refuses a re-split exchange_rate_update as Incorrect hash, leaving both rates', async () => {
    await h.operator.currency('AMD', { rate: '400' });
    await h.operator.currency('AMD4', { rate: '2' });
    const hash = sign('AMD', '45.5');
    assertAnswer(await post(h, { u: 'admin', currency: 'AMD', rate: '45.5', hash }, RATE_PATH), RATE_UPDATED);
    assertAnswer(await post(h, { u: 'admin', currency: 'AMD4', rate: '5.5', hash }, RATE_PATH), INCORRECT_HASH);
    assertAnswer(await post(h, { u: 'admin', currency: 'AMD45', rate: '.5', hash }, RATE_PATH), INCORRECT_HASH);
    assertAnswer(await post(h, { u: 'admin', currency: 'AMD', rate: '45.5', hash }, RATE_PATH), RATE_UPDATED);
    const history = (await h.operator.rateHistory('AMD4')).map((change) => [change.oldRate, change.newRate]);
    assert.doesNotMatch(JSON.stringify(history), /5\.5/);
    // An update's hash is not an exchange rate's either: the method is part of the request.
    const updateHash = sign('2', '10.50', 'pay-2002');
    assertAnswer(await post(h, { u: 'admin', currency: '210', rate: '.50', hash: updateHash }, RATE_PATH), INCORRECT_HASH);
    assertAnswer(await post(h, { u: 'admin', currency: '211', rate: '.50', hash: sign('211', '.50') }, RATE_PATH), errorXml('page/status', 'Currency was not found'));
  });

  it('refuses an amount of zero, in any spelling, as User balance not updated, writing no entry', async () => {
    const entries = await ledgerCount(h);
    for (const balance of ['0', '-0', '+0', '0.00', '-0.000000']) {
      assertAnswer(await postUpdate(h, forged(sign('6', balance), { user_id: '6', balance })), NOT_UPDATED);
      assertAnswer(await postUpdate(h, forged(sign('6', balance, `zero-${balance}`), { user_id: '6', balance, transaction_id: `zero-${balance}` })), NOT_UPDATED);
    }
    assert.equal(await ledgerCount(h), entries);
    assert.equal(await balanceOf(h, 'u6'), '100.00');
    // Nothing was written for the key, so it still names the first change made with it.
    assertAnswer(await postUpdate(h, forged(sign('6', '3', 'zero-0'), { user_id: '6', balance: '3', transaction_id: 'zero-0' })), updatedXml('u6', '6', '103.0'));
  });
});

describe('a reused hash is a failed authentication, on every node', () => {
  let h: Harness;
  let second: RunningServer;
  before(async () => {
    h = await startHardenedHarness({ users: USERS, settings: { auth_failure_limit: '3', trusted_proxies: '127.0.0.1' } });
    second = await startTestServer(h.db);
  });
  after(async () => {
    await second.close();
    await h.close();
  });

  it('refuses on another node a hash recorded by the first, and counts each refusal against the client', async () => {
    const hash = sign('7', '10.50', 'pay-7');
    const client = '198.51.100.7';
    const legit = await postFrom(h.url, client, forged(hash, { user_id: '7', balance: '10.50', transaction_id: 'pay-7' }), UPDATE_PATH);
    assertAnswer(legit, updatedXml('u7', '7', '110.5'));
    const answers: Answer[] = [];
    for (const fields of [
      { user_id: '7', balance: '10.5', transaction_id: '0pay-7' },
      { user_id: '7', balance: '10.', transaction_id: '50pay-7' },
      { user_id: '7', balance: '1', transaction_id: '0.50pay-7' },
    ]) {
      answers.push(await postFrom(second.url, client, forged(hash, fields), UPDATE_PATH));
    }
    for (const answer of answers) assertAnswer(answer, INCORRECT_HASH);
    // Three failures reach the limit: the client is blocked, even for a request that is right.
    const after = await postFrom(second.url, client, forged(hash, { user_id: '7', balance: '10.50', transaction_id: 'pay-7' }), UPDATE_PATH);
    assertAnswer(after, TOO_MANY, 429);
    assert.equal(await balanceOf(h, 'u7'), '110.50');
  });
});
