/** Store contract, part 9: the operators of the admin API and their tokens, on both backends. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { ADMIN, backendOptions, BACKENDS, CLI, freshDb, rejectsWith } from './backends.js';

const HASH = `scrypt$32768$8$3$${'s'.repeat(22)}$${'h'.repeat(43)}`;
const OTHER_HASH = `scrypt$32768$8$3$${'t'.repeat(22)}$${'i'.repeat(43)}`;
const digest = (n: number): string => n.toString(16).padStart(64, '0');

async function actions(store: Store): Promise<string[]> {
  return [...(await store.auditEntries(100))].reverse().filter((entry) => entry.action.startsWith('operator.')).map((e) => `${e.action} ${e.target} ${e.detail ?? ''}`.trim());
}

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    it('adds operators unique without regard to case, finds them in any case, lists them by name', async (t) => {
      const { store } = await freshDb(t, backend);
      const added = await store.addOperator({ username: 'Alice', role: 'owner', passwordHash: HASH }, CLI);
      assert.deepEqual({ ...added, createdAt: '', passwordChangedAt: '' }, { id: added.id, username: 'Alice', role: 'owner', passwordHash: HASH, createdAt: '', passwordChangedAt: '', tokens: [] });
      assert.match(added.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      await rejectsWith(store.addOperator({ username: 'ALICE', role: 'viewer', passwordHash: HASH }, CLI), 'already_exists');
      await store.addOperator({ username: 'bob', role: 'viewer', passwordHash: HASH }, ADMIN);
      assert.equal((await store.findOperator('aLiCe'))?.id, added.id);
      assert.equal(await store.findOperator('carol'), undefined);
      assert.deepEqual((await store.listOperators()).map((o) => [o.username, o.role]), [['Alice', 'owner'], ['bob', 'viewer']]);
      assert.deepEqual(await actions(store), ['operator.add operator:Alice role owner', 'operator.add operator:bob role viewer']);
      const audit = (await store.auditEntries(1))[0]!;
      assert.deepEqual([audit.source, audit.actor, audit.client, audit.requestId], ['admin', 'operator', '192.0.2.9', 'req-admin-1']);
    });

    it('keeps tokens by label per operator, finds the operator by a digest, and revokes by label', async (t) => {
      const { store } = await freshDb(t, backend);
      await store.addOperator({ username: 'alice', role: 'admin', passwordHash: HASH }, CLI);
      await store.addOperator({ username: 'bob', role: 'viewer', passwordHash: HASH }, CLI);
      assert.equal(await store.addOperatorToken('alice', { label: 'ci', digest: digest(1) }, CLI), 'added');
      assert.equal(await store.addOperatorToken('ALICE', { label: 'ci', digest: digest(2) }, CLI), 'label_taken');
      assert.equal(await store.addOperatorToken('bob', { label: 'ci', digest: digest(3) }, CLI), 'added', 'a label is unique per operator only');
      assert.equal(await store.addOperatorToken('nobody', { label: 'x', digest: digest(4) }, CLI), 'not_found');
      assert.equal((await store.findOperatorByToken(digest(1)))?.username, 'alice');
      assert.equal((await store.findOperatorByToken(digest(3)))?.username, 'bob');
      assert.equal(await store.findOperatorByToken(digest(2)), undefined);
      assert.deepEqual((await store.findOperator('alice'))?.tokens.map((token) => token.label), ['ci']);
      assert.equal(await store.revokeOperatorToken('alice', 'ci', CLI), 'revoked');
      assert.equal(await store.revokeOperatorToken('alice', 'ci', CLI), 'not_found');
      assert.equal(await store.findOperatorByToken(digest(1)), undefined, 'a revoked token finds no one at once');
      assert.equal((await store.findOperatorByToken(digest(3)))?.username, 'bob');
      const audit = await actions(store);
      assert.deepEqual(audit.slice(2), ['operator.token_add operator:alice label "ci"', 'operator.token_add operator:bob label "ci"', 'operator.token_revoke operator:alice label "ci"']);
      assert.equal(JSON.stringify(await store.auditEntries(100)).includes(digest(1)), false, 'no digest in the audit log');
    });

    it('changes a password and its time, and never removes the last owner', async (t) => {
      const { store } = await freshDb(t, backend);
      const alice = await store.addOperator({ username: 'alice', role: 'owner', passwordHash: HASH }, CLI);
      await store.addOperator({ username: 'bob', role: 'admin', passwordHash: HASH }, CLI);
      await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal(await store.setOperatorPassword('Alice', OTHER_HASH, CLI), 'changed');
      assert.equal(await store.setOperatorPassword('nobody', OTHER_HASH, CLI), 'not_found');
      const changed = (await store.findOperator('alice'))!;
      assert.equal(changed.passwordHash, OTHER_HASH);
      assert.ok(changed.passwordChangedAt > alice.passwordChangedAt, `${changed.passwordChangedAt} after ${alice.passwordChangedAt}`);

      assert.equal(await store.removeOperator('alice', CLI), 'last_owner');
      assert.equal(await store.removeOperator('nobody', CLI), 'not_found');
      await store.addOperatorToken('bob', { label: 'ci', digest: digest(9) }, CLI);
      assert.equal(await store.removeOperator('bob', CLI), 'removed');
      assert.equal(await store.findOperatorByToken(digest(9)), undefined, 'its tokens go with it');
      assert.deepEqual((await store.listOperators()).map((o) => o.username), ['alice']);
      const audit = await actions(store);
      assert.ok(audit.includes('operator.password operator:alice'));
      assert.ok(audit.includes('operator.remove operator:bob'));
      assert.equal(JSON.stringify(await store.auditEntries(100)).includes(OTHER_HASH), false, 'no password hash in the audit log');
    });

    it('changes a role with its audit record, the same role changing nothing, and never demotes the last owner', async (t) => {
      const { store } = await freshDb(t, backend);
      await store.addOperator({ username: 'alice', role: 'owner', passwordHash: HASH }, CLI);
      await store.addOperator({ username: 'Bob', role: 'viewer', passwordHash: HASH }, CLI);
      await store.addOperatorToken('bob', { label: 'ci', digest: digest(5) }, CLI);
      const promoted = await store.setOperatorRole('BOB', 'admin', ADMIN);
      assert.ok(typeof promoted === 'object');
      assert.deepEqual([promoted.username, promoted.role, promoted.tokens.map((token) => token.label)], ['Bob', 'admin', ['ci']]);
      assert.equal((await store.findOperator('bob'))?.role, 'admin');
      assert.equal((await store.findOperatorByToken(digest(5)))?.role, 'admin', 'its token carries the new role');
      assert.equal(await store.setOperatorRole('nobody', 'admin', ADMIN), 'not_found');
      assert.equal(await store.setOperatorRole('alice', 'admin', ADMIN), 'last_owner');
      assert.equal(await store.setOperatorRole('alice', 'viewer', ADMIN), 'last_owner');
      assert.equal((await store.findOperator('alice'))?.role, 'owner');
      const before = await actions(store);
      assert.equal(typeof (await store.setOperatorRole('alice', 'owner', ADMIN)), 'object', 'the last owner may keep its role');
      assert.deepEqual(await actions(store), before, 'the same role again records nothing');
      assert.equal(typeof (await store.setOperatorRole('bob', 'owner', ADMIN)), 'object');
      assert.equal(typeof (await store.setOperatorRole('alice', 'viewer', ADMIN)), 'object', 'with another owner, an owner can be demoted');
      assert.deepEqual((await store.listOperators()).map((o) => [o.username, o.role]), [['alice', 'viewer'], ['Bob', 'owner']]);
      assert.deepEqual((await actions(store)).slice(3), ['operator.role operator:Bob role viewer to admin', 'operator.role operator:Bob role admin to owner', 'operator.role operator:alice role owner to viewer']);
      const audit = (await store.auditEntries(1))[0]!;
      assert.deepEqual([audit.source, audit.actor, audit.client, audit.requestId], ['admin', 'operator', '192.0.2.9', 'req-admin-1']);
    });

    it('keeps an open session with the operator read afresh: a new role is the session\'s at once', async (t) => {
      const { store } = await freshDb(t, backend);
      await store.addOperator({ username: 'alice', role: 'owner', passwordHash: HASH }, CLI);
      const bob = await store.addOperator({ username: 'bob', role: 'admin', passwordHash: HASH }, CLI);
      await store.createSession(bob.id, digest(7), Date.now());
      await store.setOperatorRole('bob', 'viewer', CLI);
      assert.equal((await store.findSession(digest(7)))?.operator.role, 'viewer');
    });

    it('lets one of two owners demoting each other, or one demoting while the other removes, at once succeed, never both', async (t) => {
      const { store, open } = await freshDb(t, backend);
      const other = await open();
      for (const [first, second] of [
        [() => store.setOperatorRole('bob', 'admin', CLI), () => other.setOperatorRole('alice', 'viewer', CLI)],
        [() => store.setOperatorRole('bob', 'viewer', CLI), () => other.removeOperator('alice', CLI)],
      ] as const) {
        for (const name of ['alice', 'bob']) {
          if ((await store.findOperator(name)) === undefined) await store.addOperator({ username: name, role: 'owner', passwordHash: HASH }, CLI);
          else await store.setOperatorRole(name, 'owner', CLI);
        }
        const outcomes = (await Promise.all([first(), second()])).map((outcome) => (typeof outcome === 'object' ? 'changed' : outcome));
        assert.deepEqual([...outcomes].sort(), [...outcomes].includes('removed') ? ['last_owner', 'removed'] : ['changed', 'last_owner']);
        assert.equal((await store.listOperators()).filter((o) => o.role === 'owner').length, 1);
      }
    });

    it('lets one of two owners removing each other at once succeed, never both', async (t) => {
      const { store, open } = await freshDb(t, backend);
      await store.addOperator({ username: 'alice', role: 'owner', passwordHash: HASH }, CLI);
      await store.addOperator({ username: 'bob', role: 'owner', passwordHash: HASH }, CLI);
      const other = await open();
      const outcomes = await Promise.all([store.removeOperator('bob', CLI), other.removeOperator('alice', CLI)]);
      assert.deepEqual([...outcomes].sort(), ['last_owner', 'removed']);
      assert.equal((await store.listOperators()).filter((o) => o.role === 'owner').length, 1);
    });
  });
}
