/** Spec section 10: user_balance_update (old name user_balance_change), its ledger and transaction_id. */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { balanceXml, errorXml, updatedXml } from '../support/spec-oracle.js';
import { assertAnswer, get, harnessFor, post, send, settle, sign, signed, type Harness } from './helpers.js';
import { assertVerified, history, OLD_UPDATE_PATH, postUpdate, update, UPDATE_PATH, userField } from './write-helpers.js';

const NOT_FOUND = errorXml('page', 'User was not found');
const NOT_UPDATED = errorXml('page', 'User balance not updated');
const DUPLICATE = errorXml('page', 'Duplicate transaction_id');
const BAD_LOGIN = errorXml('status', 'Bad login');
const BAD_HASH = errorXml('status', 'Incorrect hash');

interface Accounts {
  readonly h: Harness;
  /** Ids: alice is 2, bob 3. */
  readonly alice: string;
  readonly bob: string;
}

/**
 * A database of the test's own holding alice and bob with the balances the test starts from
 * (in the order the tests were written, each starts where the one before left them).
 */
async function accounts(t: TestContext, balances: { alice: string; bob: string }): Promise<Accounts> {
  const h = await harnessFor(t, { users: [{ name: 'alice', balance: balances.alice }, { name: 'bob', balance: balances.bob }] });
  return { h, alice: await userField(h, 'alice', 'id'), bob: await userField(h, 'bob', 'id') };
}

describe('user_balance_update (section 10)', () => {
  it('adds a positive amount and answers the nested success document with the new balance as 210.0', async (t) => {
    const { h, alice } = await accounts(t, { alice: '200', bob: '0' });
    assertAnswer(await postUpdate(h, update(alice, '10')), updatedXml('alice', alice, '210.0'));
    assertAnswer(await post(h, signed('alice')), balanceXml('210.00'));
  });

  it('prints 10.5 with one fractional digit and keeps six fractional digits exactly', async (t) => {
    const { h, bob } = await accounts(t, { alice: '200', bob: '0' });
    assertAnswer(await postUpdate(h, update(bob, '10.5')), updatedXml('bob', bob, '10.5'));
    assertAnswer(await postUpdate(h, update(bob, '0.000001')), updatedXml('bob', bob, '10.500001'));
    assertAnswer(await postUpdate(h, update(bob, '-0.000001')), updatedXml('bob', bob, '10.5'));
  });

  it('subtracts a negative amount and lets the balance go below zero', async (t) => {
    const { h, bob } = await accounts(t, { alice: '200', bob: '10.5' });
    assertAnswer(await postUpdate(h, update(bob, '-20')), updatedXml('bob', bob, '-9.5'));
    assertAnswer(await post(h, signed('bob')), balanceXml('-9.50'));
    assertAnswer(await postUpdate(h, update(bob, '+9.50')), updatedXml('bob', bob, '0.0'));
  });

  it('answers the same under the old name user_balance_change', async (t) => {
    const { h, bob } = await accounts(t, { alice: '200', bob: '0' });
    assertAnswer(await postUpdate(h, update(bob, '1.25'), OLD_UPDATE_PATH), updatedXml('bob', bob, '1.25'));
  });

  it('hashes user_id as the integer: 007 is accepted with the hash made from 7 and refused with the hash of 007', async (t) => {
    const { h, bob } = await accounts(t, { alice: '200', bob: '1.25' });
    const base = { u: 'admin', user_id: `00${bob}`, balance: '1' };
    assertAnswer(await postUpdate(h, { ...base, hash: sign(`00${bob}`, '1') }), BAD_HASH);
    assertAnswer(await postUpdate(h, { ...base, hash: sign(bob, '1') }), updatedXml('bob', bob, '2.25'));
  });

  it('writes each change as one new ledger entry with source api, leaving earlier entries untouched', async (t) => {
    const { h, alice } = await accounts(t, { alice: '210', bob: '0' });
    const before = await history(h, 'alice');
    assertAnswer(await postUpdate(h, update(alice, '-0.5')), updatedXml('alice', alice, '209.5'));
    const now = await history(h, 'alice');
    assert.equal(now.length, before.length + 1);
    assert.deepEqual(now.slice(1), before);
    const [entry] = now;
    assert.equal(entry?.amount, '-0.5');
    assert.equal(entry?.balanceAfter, '209.5');
    assert.equal(entry?.source, 'api');
    assert.equal(entry?.key, null);
    await assertVerified(h);
  });

  it('answers User was not found for an unknown, empty, missing or non-numeric user_id', async (t) => {
    const { h } = await accounts(t, { alice: '200', bob: '0' });
    assertAnswer(await postUpdate(h, update('999', '1')), NOT_FOUND);
    // Balance 7, not 1: the hash of a request without user_id must not be that of alice's (id 1) without balance, used below.
    assertAnswer(await postUpdate(h, update('', '7')), NOT_FOUND);
    assertAnswer(await postUpdate(h, { u: 'admin', balance: '7', hash: sign('7') }), NOT_FOUND);
    assertAnswer(await postUpdate(h, update('alice', '1')), NOT_FOUND);
  });

  it('answers User balance not updated for an amount that is not a decimal, and changes nothing', async (t) => {
    const { h, alice } = await accounts(t, { alice: '209.5', bob: '0' });
    const before = await history(h, 'alice');
    for (const amount of ['abc', '', '1e3', '1,5', ' 1', '1 ', '0x10', '--1', '+-1', '.', '1.2.3', 'NaN', 'Infinity', '١']) {
      const answer = await postUpdate(h, update(alice, amount));
      assert.equal(answer.body, NOT_UPDATED, `amount ${JSON.stringify(amount)}`);
    }
    assertAnswer(await postUpdate(h, { u: 'admin', user_id: alice, hash: sign(alice) }), NOT_UPDATED);
    assert.deepEqual(await history(h, 'alice'), before);
    assertAnswer(await post(h, signed('alice')), balanceXml('209.50'));
  });

  it('answers User balance not updated for more than six fractional digits instead of rounding, and changes nothing', async (t) => {
    const { h, alice } = await accounts(t, { alice: '209.5', bob: '0' });
    const before = await history(h, 'alice');
    for (const amount of ['0.0000001', '1.1234567', '-0.0000005', '10.00000001']) {
      assertAnswer(await postUpdate(h, update(alice, amount)), NOT_UPDATED);
    }
    assert.deepEqual(await history(h, 'alice'), before);
    await assertVerified(h);
  });

  it('answers Bad login for a missing, empty, unknown or non-admin u, and ignores p for the admin', async (t) => {
    const { h, alice } = await accounts(t, { alice: '209.5', bob: '0' });
    const params = update(alice, '1');
    const { u: _u, ...withoutU } = params;
    assertAnswer(await postUpdate(h, withoutU), BAD_LOGIN);
    assertAnswer(await postUpdate(h, { ...params, u: '' }), BAD_LOGIN);
    assertAnswer(await postUpdate(h, { ...params, u: 'ghost', p: 'anything' }), BAD_LOGIN);
    assertAnswer(await postUpdate(h, { ...params, u: 'alice', p: 'alice' }), BAD_LOGIN);
    assertAnswer(await postUpdate(h, { ...params, p: 'certainly wrong' }), updatedXml('alice', alice, '210.5'));
  });

  it('applies a transaction_id once: a retry answers the first bytes again, even after later changes, and changes nothing', async (t) => {
    const { h, alice } = await accounts(t, { alice: '210.5', bob: '0' });
    const params = update(alice, '5', { transaction_id: 'tx-1' });
    const first = await postUpdate(h, params);
    assertAnswer(first, updatedXml('alice', alice, '215.5'));
    assertAnswer(await postUpdate(h, update(alice, '1')), updatedXml('alice', alice, '216.5'));
    const entries = await history(h, 'alice');
    for (let i = 0; i < 3; i++) assertAnswer(await postUpdate(h, params), first.body);
    assert.deepEqual(await history(h, 'alice'), entries);
    assert.equal(entries.filter((e) => e.key === 'tx-1').length, 1);
    assertAnswer(await post(h, signed('alice')), balanceXml('216.50'));
  });

  it('answers Duplicate transaction_id for the same id with another amount or another user, changing nothing', async (t) => {
    const { h, alice, bob } = await accounts(t, { alice: '210.5', bob: '0' });
    assertAnswer(await postUpdate(h, update(alice, '5', { transaction_id: 'tx-1' })), updatedXml('alice', alice, '215.5'));
    const [aliceBefore, bobBefore] = [await history(h, 'alice'), await history(h, 'bob')];
    assertAnswer(await postUpdate(h, update(alice, '6', { transaction_id: 'tx-1' })), DUPLICATE);
    assertAnswer(await postUpdate(h, update(bob, '5', { transaction_id: 'tx-1' })), DUPLICATE);
    assert.deepEqual(await history(h, 'alice'), aliceBefore);
    assert.deepEqual(await history(h, 'bob'), bobBefore);
  });

  it('hashes transaction_id after balance: a hash that leaves it out or puts it first is Incorrect hash', async (t) => {
    const { h, alice } = await accounts(t, { alice: '216.5', bob: '0' });
    const base = { u: 'admin', user_id: alice, balance: '1', transaction_id: 'tx-2' };
    assertAnswer(await postUpdate(h, { ...base, hash: sign(alice, '1') }), BAD_HASH);
    assertAnswer(await postUpdate(h, { ...base, hash: sign('tx-2', alice, '1') }), BAD_HASH);
    assertAnswer(await postUpdate(h, { ...base, hash: sign(alice, '1', 'tx-2') }), updatedXml('alice', alice, '217.5'));
    await assertVerified(h);
  });
});

describe('order of the checks of user_balance_update (section 10)', () => {
  // Each test starts from a database of its own in the state the steps before it leave.
  const allOff = { allow_api: 'off', api_secret_key: '' };
  async function start(t: TestContext, settings: Record<string, string>, balance: string): Promise<{ h: Harness; alice: string }> {
    const h = await harnessFor(t, { settings, users: [{ name: 'alice', balance }] });
    return { h, alice: await userField(h, 'alice', 'id') };
  }
  const wrong = { u: 'ghost', user_id: '999', balance: 'x', hash: sign('nothing') };

  it('answers transport faults before allow_api: 405 for PUT, 404 for a path below the method, 400 for a bad escape', async (t) => {
    const { h } = await start(t, allOff, '1');
    const put = await send(h.url + UPDATE_PATH, { method: 'PUT' });
    assertAnswer(put, errorXml('status', 'Method not allowed'), 405);
    assert.equal(put.headers.get('allow'), 'GET, POST');
    assertAnswer(await post(h, wrong, `${UPDATE_PATH}/extra`), errorXml('status', 'There is no such API'), 404);
    assertAnswer(await post(h, 'u=%zz', UPDATE_PATH), errorXml('status', 'Malformed request'), 400);
  });

  it('answers API Requests are disabled while allow_api is off, before GET, u and hash checks', async (t) => {
    const { h } = await start(t, allOff, '1');
    assertAnswer(await post(h, wrong, UPDATE_PATH), errorXml('status', 'API Requests are disabled'));
    assertAnswer(await get(h, wrong, UPDATE_PATH), errorXml('status', 'API Requests are disabled'));
  });

  it('answers GET Requests are disabled once the API is on, before Bad login', async (t) => {
    const { h, alice } = await start(t, allOff, '1');
    await h.operator.set('allow_api', 'on');
    await settle(() => get(h, wrong, UPDATE_PATH), errorXml('status', 'GET Requests are disabled'));
    assertAnswer(await get(h, update(alice, '1'), UPDATE_PATH), errorXml('status', 'GET Requests are disabled'));
  });

  it('answers Bad login before the key check, and API must have Secret Key for the admin while the key is empty', async (t) => {
    const { h } = await start(t, { api_secret_key: '' }, '1');
    assertAnswer(await post(h, wrong, UPDATE_PATH), BAD_LOGIN);
    assertAnswer(await post(h, { ...wrong, u: 'alice' }, UPDATE_PATH), BAD_LOGIN);
    assertAnswer(await post(h, { ...wrong, u: 'admin' }, UPDATE_PATH), errorXml('status', 'API must have Secret Key'));
  });

  it('answers Bad login before Incorrect hash, and Incorrect hash before the method checks', async (t) => {
    const { h, alice } = await start(t, { api_secret_key: '' }, '1');
    await h.operator.set('api_secret_key', 'secret');
    await settle(() => post(h, { ...wrong, u: 'admin' }, UPDATE_PATH), BAD_HASH);
    assertAnswer(await post(h, wrong, UPDATE_PATH), BAD_LOGIN);
    assertAnswer(await post(h, update(alice, '1', {}, 'alice'), UPDATE_PATH), BAD_LOGIN);
    assertAnswer(await post(h, { u: 'admin', user_id: alice, balance: '1' }, UPDATE_PATH), BAD_HASH);
  });

  it('runs the method checks last: User was not found, then User balance not updated, then success', async (t) => {
    const { h, alice } = await start(t, {}, '1');
    assertAnswer(await post(h, update('999', 'x'), UPDATE_PATH), NOT_FOUND);
    assertAnswer(await post(h, update(alice, 'x'), UPDATE_PATH), NOT_UPDATED);
    assertAnswer(await post(h, update(alice, '1'), UPDATE_PATH), updatedXml('alice', alice, '2.0'));
  });

  it('answers a GET once allow_get_api is on', async (t) => {
    const { h, alice } = await start(t, {}, '2');
    await h.operator.set('allow_get_api', 'on');
    await settle(() => get(h, update(alice, '1', { transaction_id: 'g' }), UPDATE_PATH), updatedXml('alice', alice, '3.0'));
    await assertVerified(h);
  });
});
