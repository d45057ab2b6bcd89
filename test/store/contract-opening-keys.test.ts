/** Store contract: a user's opening entry may carry an idempotency key, claimed in the one namespace of keys. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdempotencyKeyTaken } from '../../src/domain/errors.js';
import { API, backendOptions, BACKENDS, CLI, freshDb, money, newUser } from './backends.js';

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    it('addUser writes the key into the opening entry, and a later change with the key replays it', async (t) => {
      const { store } = await freshDb(t, backend);
      const added = await store.addUser(newUser('carol', { balance: money('7.5'), idempotencyKey: 'open-carol' }), CLI);
      const [entry] = await store.ledgerEntries(added.id, 10);
      assert.deepEqual([entry?.amount, entry?.idempotencyKey], [7_500_000n, 'open-carol']);
      const again = await store.applyBalanceChange({ user: { id: added.id }, amount: money('7.5'), by: API, comment: '', idempotencyKey: 'open-carol' });
      assert.equal(again.kind, 'replayed');
      const other = await store.applyBalanceChange({ user: { id: added.id }, amount: money('1'), by: API, comment: '', idempotencyKey: 'open-carol' });
      assert.equal(other.kind, 'duplicate_key');
    });

    it('addUser refuses a key some entry carries already, and adds no one', async (t) => {
      const { store } = await freshDb(t, backend);
      const alice = await store.addUser(newUser('alice'), CLI);
      assert.equal((await store.applyBalanceChange({ user: { id: alice.id }, amount: money('1'), by: API, comment: '', idempotencyKey: 'k1' })).kind, 'applied');
      await assert.rejects(store.addUser(newUser('dave', { balance: money('3'), idempotencyKey: 'k1' }), CLI), (error) => error instanceof IdempotencyKeyTaken && error.key === 'k1');
      assert.equal(await store.findUser({ usernameKey: 'dave' }), undefined);
      assert.deepEqual((await store.verifyLedger()).mismatches, []);
    });

    it('addUser with a zero balance writes no entry and claims no key', async (t) => {
      const { store } = await freshDb(t, backend);
      const erin = await store.addUser(newUser('erin', { idempotencyKey: 'k-zero' }), CLI);
      assert.deepEqual(await store.ledgerEntries(erin.id, 10), []);
      assert.equal((await store.applyBalanceChange({ user: { id: erin.id }, amount: money('2'), by: API, comment: '', idempotencyKey: 'k-zero' })).kind, 'applied');
    });
  });
}
