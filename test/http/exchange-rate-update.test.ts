/** Spec section 10: exchange_rate_update, its history, and the rate user_balance_get uses at once. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { SeedPlan } from '../support/seed.js';
import { balanceXml, errorXml, RATE_UPDATED } from '../support/spec-oracle.js';
import { assertAnswer, get, harnessFor, post, settle, sign, signed, startHarness, type Harness } from './helpers.js';
import { RATE_PATH } from './write-helpers.js';

const CURRENCY_NOT_FOUND = errorXml('page/status', 'Currency was not found');
const RATE_INVALID = errorXml('page/status', 'Exchange rate is invalid');
const BAD_LOGIN = errorXml('status', 'Bad login');
const BAD_HASH = errorXml('status', 'Incorrect hash');
const AMD_VECTOR = 'cd4e5e92a0fe326d6f5c1d40a7952bb4442e1b5d';

function rateUpdate(currency: string, rate: string, u = 'admin'): Record<string, string> {
  return { u, currency, rate, hash: sign(currency, rate) };
}

function postRate(h: Harness, params: Record<string, string>): ReturnType<typeof post> {
  return post(h, params, RATE_PATH);
}

/** The rows of `tally currency history CODE`: time, old rate, new rate, source. */
async function rateHistory(h: Harness, code: string): Promise<string[][]> {
  return (await h.operator.rateHistory(code)).map((change) => [change.time, change.oldRate, change.newRate, change.source]);
}

const PLAN: SeedPlan = {
  currencies: [
    { code: 'AMD', rate: '400' },
    { code: 'EUR', rate: '0.9' },
  ],
  users: [{ name: 'anna', currency: 'AMD', balance: '2' }],
};

/** The vector of section 10: AMD at 45.5. */
async function postVector(h: Harness): Promise<void> {
  assertAnswer(await post(h, { u: 'admin', currency: 'AMD', rate: '45.5', hash: AMD_VECTOR }, RATE_PATH), RATE_UPDATED);
}

describe('exchange_rate_update (section 10)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(PLAN);
  });
  after(async () => {
    await h.close();
  });

  it('reproduces the vector currency=AMD&rate=45.5 with key secret', () => {
    assert.equal(createHash('sha1').update('AMD45.5secret').digest('hex'), AMD_VECTOR);
  });

  it('accepts the vector hash and answers the success document, nested in <page><status>', async (t) => {
    const h = await harnessFor(t, PLAN);
    assertAnswer(await post(h, { currency: 'AMD', rate: '400' }, RATE_PATH), BAD_LOGIN);
    assertAnswer(await post(h, { u: 'admin', currency: 'AMD', rate: '45.5', hash: AMD_VECTOR }, RATE_PATH), RATE_UPDATED);
  });

  it('converts user_balance_get with the new rate right after the update', async (t) => {
    const h = await harnessFor(t, PLAN);
    await postVector(h);
    assertAnswer(await post(h, signed('anna', { user_currency: '1' })), balanceXml('91.00', 'AMD'));
    assertAnswer(await post(h, signed('anna', { currency: 'AMD' })), balanceXml('91.00'));
    assertAnswer(await postRate(h, rateUpdate('AMD', '0.123456789')), RATE_UPDATED);
    assertAnswer(await post(h, signed('anna', { currency: 'AMD' })), balanceXml('0.25'));
    assertAnswer(await postRate(h, rateUpdate('AMD', '500')), RATE_UPDATED);
    assertAnswer(await post(h, signed('anna', { user_currency: '1' })), balanceXml('1000.00', 'AMD'));
  });

  it('keeps a history of every change, oldest first, printed by tally currency history', async (t) => {
    const h = await harnessFor(t, PLAN);
    await postVector(h);
    assertAnswer(await postRate(h, rateUpdate('AMD', '0.123456789')), RATE_UPDATED);
    assertAnswer(await postRate(h, rateUpdate('AMD', '500')), RATE_UPDATED);
    const rows = await rateHistory(h, 'AMD');
    assert.equal(rows.length, 4, JSON.stringify(rows));
    assert.deepEqual(rows.map((row) => row.slice(1)), [
      ['(added)', '400', 'cli'],
      ['400', '45.5', 'api'],
      ['45.5', '0.123456789', 'api'],
      ['0.123456789', '500', 'api'],
    ]);
  });

  it('answers Currency was not found for the system currency, an unknown or empty code, changing nothing', async () => {
    assertAnswer(await postRate(h, rateUpdate('USD', '2')), CURRENCY_NOT_FOUND);
    assertAnswer(await postRate(h, rateUpdate('XYZ', '2')), CURRENCY_NOT_FOUND);
    assertAnswer(await postRate(h, rateUpdate('', '2')), CURRENCY_NOT_FOUND);
    assertAnswer(await post(h, { u: 'admin', rate: '2', hash: sign('2') }, RATE_PATH), CURRENCY_NOT_FOUND);
    assertAnswer(await post(h, signed('anna', { currency: 'USD' })), balanceXml('2.00'));
    assert.equal((await rateHistory(h, 'USD')).length, 0);
  });

  it('answers Exchange rate is invalid for zero, a negative or a non-decimal rate, changing nothing', async () => {
    const before = await rateHistory(h, 'EUR');
    for (const rate of ['0', '0.0', '-1', '-0.5', 'abc', '', '1e2', '1,5', ' 1', 'NaN', 'Infinity', '0x10']) {
      const answer = await postRate(h, rateUpdate('EUR', rate));
      assert.equal(answer.body, RATE_INVALID, `rate ${JSON.stringify(rate)}`);
      assert.equal(answer.status, 200);
    }
    assertAnswer(await post(h, { u: 'admin', currency: 'EUR', hash: sign('EUR') }, RATE_PATH), RATE_INVALID);
    assert.deepEqual(await rateHistory(h, 'EUR'), before);
    assertAnswer(await post(h, signed('anna', { currency: 'EUR' })), balanceXml('1.80'));
  });

  it('answers Bad login for a missing, unknown or non-admin u, whatever p, and ignores p for the admin', async (t) => {
    const h = await harnessFor(t, PLAN);
    const { u: _u, ...withoutU } = rateUpdate('EUR', '0.8');
    assertAnswer(await post(h, withoutU, RATE_PATH), BAD_LOGIN);
    assertAnswer(await post(h, { ...withoutU, u: 'ghost', p: 'x' }, RATE_PATH), BAD_LOGIN);
    assertAnswer(await post(h, { ...withoutU, u: 'anna', p: 'anna' }, RATE_PATH), BAD_LOGIN);
    assertAnswer(await post(h, { ...withoutU, u: 'admin', p: 'wrong' }, RATE_PATH), RATE_UPDATED);
    assertAnswer(await post(h, signed('anna', { currency: 'EUR' })), balanceXml('1.60'));
  });

  it('hashes currency then rate: the reversed order is Incorrect hash', async () => {
    assertAnswer(await post(h, { u: 'admin', currency: 'EUR', rate: '0.7', hash: sign('0.7', 'EUR') }, RATE_PATH), BAD_HASH);
  });
});

describe('order of the checks of exchange_rate_update (section 10)', () => {
  // Each test starts from a database of its own in the state the steps before it leave.
  const plan = (settings: Record<string, string>): SeedPlan => ({
    settings,
    currencies: [{ code: 'AMD', rate: '400' }],
    users: [{ name: 'anna', balance: '1' }],
  });
  const wrong = { u: 'ghost', currency: 'USD', rate: '0', hash: sign('nothing') };

  it('answers API Requests are disabled while allow_api is off, before GET, u and hash checks', async (t) => {
    const h = await harnessFor(t, plan({ allow_api: 'off' }));
    assertAnswer(await post(h, wrong, RATE_PATH), errorXml('status', 'API Requests are disabled'));
    assertAnswer(await get(h, wrong, RATE_PATH), errorXml('status', 'API Requests are disabled'));
  });

  it('answers GET Requests are disabled once the API is on, before Bad login', async (t) => {
    const h = await harnessFor(t, plan({ allow_api: 'off' }));
    await h.operator.set('allow_api', 'on');
    await settle(() => get(h, wrong, RATE_PATH), errorXml('status', 'GET Requests are disabled'));
    assertAnswer(await get(h, rateUpdate('AMD', '1'), RATE_PATH), errorXml('status', 'GET Requests are disabled'));
  });

  it('answers Bad login before Incorrect hash, and Incorrect hash before the currency and rate checks', async (t) => {
    const h = await harnessFor(t, plan({}));
    assertAnswer(await post(h, wrong, RATE_PATH), BAD_LOGIN);
    assertAnswer(await postRate(h, rateUpdate('AMD', '1', 'anna')), BAD_LOGIN);
    assertAnswer(await post(h, { ...wrong, u: 'admin' }, RATE_PATH), BAD_HASH);
    assertAnswer(await post(h, { u: 'admin', currency: 'AMD', rate: '1' }, RATE_PATH), BAD_HASH);
  });

  it('answers API must have Secret Key for the admin while the key is empty', async (t) => {
    const h = await harnessFor(t, plan({}));
    await h.operator.set('api_secret_key', '');
    await settle(() => post(h, { ...wrong, u: 'admin' }, RATE_PATH), errorXml('status', 'API must have Secret Key'));
    assertAnswer(await post(h, wrong, RATE_PATH), BAD_LOGIN);
    await h.operator.set('api_secret_key', 'secret');
    await settle(() => post(h, { ...wrong, u: 'admin' }, RATE_PATH), BAD_HASH);
  });

  it('runs the method checks last, then updates; a GET works once allow_get_api is on', async (t) => {
    const h = await harnessFor(t, plan({}));
    assertAnswer(await postRate(h, rateUpdate('USD', '2')), CURRENCY_NOT_FOUND);
    assertAnswer(await postRate(h, rateUpdate('AMD', '-1')), RATE_INVALID);
    await h.operator.set('allow_get_api', 'on');
    await settle(() => get(h, rateUpdate('AMD', '450'), RATE_PATH), RATE_UPDATED);
    assertAnswer(await post(h, signed('anna', { currency: 'AMD' })), balanceXml('450.00'));
  });
});
