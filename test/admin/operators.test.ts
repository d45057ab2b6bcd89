/** The admin layer's operators: passwords hashed before the store, tokens shown once, the last owner kept. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as operators from '../../src/admin/operators.js';
import { tokenDigest } from '../../src/domain/credentials.js';
import { BACKENDS, backendOptions, freshDb } from '../store/backends.js';
import { ACTOR, API_OPERATOR, rejectsWithAdmin } from './admin-helpers.js';

const PASSWORD = 'correct horse battery';

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    it('adds an operator whose password checks, in any letter case of the name, and no other', async (t) => {
      const { store } = await freshDb(t, backend);
      const added = await operators.addOperator(store, { username: 'Alice', role: 'owner', password: PASSWORD }, API_OPERATOR);
      assert.deepEqual([added.username, added.role, added.tokens], ['Alice', 'owner', []]);
      assert.equal('passwordHash' in added, false, 'a view never carries the hash');
      assert.equal((await operators.checkPassword(store, 'alice', PASSWORD))?.username, 'Alice');
      assert.equal(await operators.checkPassword(store, 'alice', PASSWORD + ' '), undefined);
      assert.equal(await operators.checkPassword(store, 'nobody', PASSWORD), undefined);
      assert.equal(await operators.checkPassword(store, 'not a name!', PASSWORD), undefined);
      const stored = (await store.findOperator('alice'))!;
      assert.match(stored.passwordHash, /^scrypt\$/);
      assert.equal(JSON.stringify(await store.auditEntries(100)).includes(PASSWORD), false);
    });

    it('refuses bad names, roles and passwords without storing anything, and never echoes a password', async (t) => {
      const { store } = await freshDb(t, backend);
      await rejectsWithAdmin(operators.addOperator(store, { username: 'a b', role: 'owner', password: PASSWORD }, ACTOR), 'invalid', { entity: 'operator', field: 'username' });
      await rejectsWithAdmin(operators.addOperator(store, { username: 'alice', role: 'root', password: PASSWORD }, ACTOR), 'invalid', { entity: 'role', value: 'root' });
      const short = await rejectsWithAdmin(operators.addOperator(store, { username: 'alice', role: 'owner', password: 'tooShort1' }, ACTOR), 'invalid', {
        entity: 'password',
      });
      assert.equal(short.value, undefined);
      assert.equal(short.message.includes('tooShort1'), false);
      await operators.addOperator(store, { username: 'alice', role: 'owner', password: PASSWORD }, ACTOR);
      await rejectsWithAdmin(operators.addOperator(store, { username: 'ALICE', role: 'viewer', password: PASSWORD }, ACTOR), 'already_exists', { entity: 'operator' });
      assert.deepEqual((await operators.listOperators(store)).map((o) => o.username), ['alice']);
    });

    it('makes tokens that check until revoked, labelled token-N unless told, shown only when made', async (t) => {
      const { store } = await freshDb(t, backend);
      await operators.addOperator(store, { username: 'bot', role: 'viewer', password: PASSWORD }, ACTOR);
      const first = await operators.createToken(store, 'bot', undefined, ACTOR);
      const second = await operators.createToken(store, 'BOT', 'deploy', ACTOR);
      const third = await operators.createToken(store, 'bot', undefined, ACTOR);
      assert.deepEqual([first.label, second.label, third.label], ['token-1', 'deploy', 'token-2']);
      assert.equal((await operators.checkToken(store, second.token))?.username, 'bot');
      assert.equal(await operators.checkToken(store, second.token + 'x'), undefined);
      await rejectsWithAdmin(operators.createToken(store, 'bot', 'deploy', ACTOR), 'conflict', { reason: 'label_taken' });
      await rejectsWithAdmin(operators.createToken(store, 'bot', ' spaced ', ACTOR), 'invalid', { entity: 'token' });
      await operators.revokeToken(store, 'bot', 'deploy', ACTOR);
      assert.equal(await operators.checkToken(store, second.token), undefined);
      assert.equal((await operators.checkToken(store, first.token))?.username, 'bot');
      await rejectsWithAdmin(operators.revokeToken(store, 'bot', 'deploy', ACTOR), 'not_found', { entity: 'token' });
      const kept = JSON.stringify({ audit: await store.auditEntries(100), operators: await store.listOperators() });
      for (const made of [first, second, third]) {
        assert.equal(kept.includes(made.token), false, 'no token is kept');
        assert.equal(kept.includes(tokenDigest(made.token)), false, 'nor its digest where it can be read back');
      }
    });

    it('gives tokens made at once distinct default labels', async (t) => {
      const { store } = await freshDb(t, backend);
      await operators.addOperator(store, { username: 'bot', role: 'viewer', password: PASSWORD }, ACTOR);
      const made = await Promise.all(Array.from({ length: 4 }, () => operators.createToken(store, 'bot', undefined, ACTOR)));
      assert.deepEqual(made.map((m) => m.label).sort(), ['token-1', 'token-2', 'token-3', 'token-4']);
      for (const { token } of made) assert.equal((await operators.checkToken(store, token))?.username, 'bot');
    });

    it('changes a password (the old one stops checking) and keeps the last owner', async (t) => {
      const { store } = await freshDb(t, backend);
      await operators.addOperator(store, { username: 'alice', role: 'owner', password: PASSWORD }, ACTOR);
      await operators.changePassword(store, 'alice', 'a new long passphrase', ACTOR);
      assert.equal(await operators.checkPassword(store, 'alice', PASSWORD), undefined);
      assert.equal((await operators.checkPassword(store, 'alice', 'a new long passphrase'))?.username, 'alice');
      await rejectsWithAdmin(operators.changePassword(store, 'nobody', 'a new long passphrase', ACTOR), 'not_found', { entity: 'operator' });
      await rejectsWithAdmin(operators.removeOperator(store, 'alice', ACTOR), 'conflict', { reason: 'last_owner' });
      await operators.addOperator(store, { username: 'bob', role: 'owner', password: PASSWORD }, ACTOR);
      await operators.removeOperator(store, 'alice', ACTOR);
      assert.deepEqual((await operators.listOperators(store)).map((o) => o.username), ['bob']);
      await rejectsWithAdmin(operators.removeOperator(store, 'alice', ACTOR), 'not_found', { entity: 'operator' });
    });

    it('changes a role (its token checks with the new one), refuses an unknown role or operator, and never demotes the last owner', async (t) => {
      const { store } = await freshDb(t, backend);
      await operators.addOperator(store, { username: 'alice', role: 'owner', password: PASSWORD }, ACTOR);
      await operators.addOperator(store, { username: 'bot', role: 'viewer', password: PASSWORD }, ACTOR);
      const { token } = await operators.createToken(store, 'bot', undefined, ACTOR);
      const changed = await operators.changeOperatorRole(store, 'BOT', 'admin', ACTOR);
      assert.deepEqual([changed.username, changed.role, changed.tokens.map((held) => held.label)], ['bot', 'admin', ['token-1']]);
      assert.equal('passwordHash' in changed, false, 'a view never carries the hash');
      assert.equal((await operators.checkToken(store, token))?.role, 'admin');
      await rejectsWithAdmin(operators.changeOperatorRole(store, 'bot', 'root', ACTOR), 'invalid', { entity: 'role', field: 'role', value: 'root' });
      await rejectsWithAdmin(operators.changeOperatorRole(store, 'nobody', 'admin', ACTOR), 'not_found', { entity: 'operator', value: 'nobody' });
      await rejectsWithAdmin(operators.changeOperatorRole(store, 'alice', 'admin', ACTOR), 'conflict', { reason: 'last_owner', value: 'alice' });
      assert.equal((await operators.checkPassword(store, 'alice', PASSWORD))?.role, 'owner');
      await operators.changeOperatorRole(store, 'bot', 'owner', ACTOR);
      assert.equal((await operators.changeOperatorRole(store, 'alice', 'viewer', ACTOR)).role, 'viewer');
    });
  });
}
