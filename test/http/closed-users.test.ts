/** A closed user keeps its ledger, and every Kolmisoft method answers it as `User was not found`. */
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { ADMIN } from '../support/actors.js';
import { errorXml, TEXT_TYPE, updatedXml } from '../support/spec-oracle.js';
import { assertAnswer, post, send, sign, signed, type Harness } from './helpers.js';
import { startHardenedHarness } from './hardening-helpers.js';
import { postUpdate, update } from './write-helpers.js';

describe('closed users', () => {
  let h: Harness;
  let store: Store;
  let bob: { id: number; uniquehash: string };
  before(async () => {
    h = await startHardenedHarness({ users: [{ name: 'bob', balance: '5' }, { name: 'boss', balance: '0' }], settings: { auth_failure_limit: '0' } });
    store = await openStore(h.db, { mustExist: true, poolSize: 1 });
    bob = (await store.findUser({ usernameKey: 'bob' }))!;
    await store.updateUser({ usernameKey: 'boss' }, { role: 'admin' }, ADMIN);
    await store.updateUser({ id: bob.id }, { status: 'closed' }, ADMIN);
  });
  after(async () => {
    await store.close();
    await h.close();
  });

  it('answers user_balance_get, user_simple_balance_get and user_balance_update for a closed user as User was not found', async () => {
    assertAnswer(await post(h, signed('bob')), errorXml('page', 'User was not found'));
    const simple = await send(`${h.url}/billing/api/user_simple_balance_get/${bob.uniquehash}`);
    assertAnswer(simple, 'User was not found', 200, TEXT_TYPE);
    assertAnswer(await postUpdate(h, update(String(bob.id), '1')), errorXml('page', 'User was not found'));
  });

  it('answers Bad login for the u of a closed admin, and takes it again once reopened', async () => {
    const params = { ...update(String(bob.id), '1'), u: 'boss' };
    await store.updateUser({ usernameKey: 'boss' }, { status: 'closed' }, ADMIN);
    assertAnswer(await postUpdate(h, params), errorXml('status', 'Bad login'));
    await store.updateUser({ usernameKey: 'boss' }, { status: 'active' }, ADMIN);
    await store.updateUser({ id: bob.id }, { status: 'active' }, ADMIN);
    const reopened = { u: 'boss', user_id: String(bob.id), balance: '2', hash: sign(String(bob.id), '2') };
    assertAnswer(await postUpdate(h, reopened), updatedXml('bob', String(bob.id), '7.0'));
  });
});
