/** Store contract, part 7: who did it. Actors and request ids in the rows, and the audit log. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_ACTOR_NAME_LENGTH, type Actor } from '../../src/domain/actor.js';
import type { AuditEntry } from '../../src/domain/audit.js';
import type { Store } from '../../src/store/store.js';
import {
  ADMIN,
  API,
  backendOptions,
  BACKENDS,
  byName,
  CLI,
  freshDb,
  IMPORTER,
  importRow,
  ISO_UTC,
  money,
  newUser,
  rate,
  rejectsWith,
  rowsOf,
} from './backends.js';

/** The records written since `after` (an id), oldest first, without their ids and times. */
async function recordsAfter(store: Store, after: number): Promise<Omit<AuditEntry, 'id' | 'createdAt'>[]> {
  const entries = (await store.auditEntries(1000)).filter((entry) => entry.id > after).reverse();
  return entries.map(({ id: _id, createdAt: _createdAt, ...rest }) => rest);
}

async function lastAuditId(store: Store): Promise<number> {
  return (await store.auditEntries(1))[0]?.id ?? 0;
}

/** What an actor leaves in every audit record. */
function who(by: Actor): { source: Actor['source']; actor: string; client: string | undefined; requestId: string | undefined } {
  return { source: by.source, actor: by.name, client: by.client, requestId: by.requestId };
}

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    describe('actors in the ledger and the rate history', () => {
      it('a balance change names its source, actor and request id, read back by ledgerEntries', async (t) => {
        const { store } = await freshDb(t, backend);
        const alice = await store.addUser(newUser('alice'), CLI);
        const byApi = await store.applyBalanceChange({ user: { id: alice.id }, amount: money('2'), by: API, comment: 'api' });
        const byAdmin = await store.applyBalanceChange({ user: { id: alice.id }, amount: money('-1'), by: ADMIN, comment: 'admin' });
        assert.ok(byApi.kind === 'applied' && byAdmin.kind === 'applied');
        assert.deepEqual([byApi.entry.source, byApi.entry.actor, byApi.entry.requestId], ['api', 'apiuser', 'req-test-1']);
        assert.deepEqual([byAdmin.entry.source, byAdmin.entry.actor, byAdmin.entry.requestId], ['admin', 'operator', 'req-admin-1']);
        assert.deepEqual(await store.ledgerEntries(alice.id, 10), [byAdmin.entry, byApi.entry]);
      });

      it('an opening balance, a balance set and an import name their actor', async (t) => {
        const { store } = await freshDb(t, backend);
        const rich = await store.addUser(newUser('rich', { balance: money('5') }), ADMIN);
        await store.updateUser({ id: rich.id }, { balance: money('7') }, CLI);
        await store.importUsers(rowsOf([importRow('imported', { balance: money('1') })]), { comment: 'file', by: IMPORTER });
        const entries = await store.ledgerEntries(rich.id, 10);
        assert.deepEqual(entries.map((e) => [e.source, e.actor, e.requestId]), [
          ['cli', 'cli:test', undefined],
          ['admin', 'operator', 'req-admin-1'],
        ]);
        const imported = (await store.findUser(byName('imported')))!;
        assert.deepEqual((await store.ledgerEntries(imported.id, 10)).map((e) => [e.source, e.actor]), [['import', 'cli:test']]);
      });

      it('a name longer than MAX_ACTOR_NAME_LENGTH characters is cut there, never refused', async (t) => {
        const { store } = await freshDb(t, backend);
        const alice = await store.addUser(newUser('alice'), CLI);
        const long: Actor = { source: 'api', name: 'é'.repeat(MAX_ACTOR_NAME_LENGTH) + '😀'.repeat(10) };
        const result = await store.applyBalanceChange({ user: { id: alice.id }, amount: 1n, by: long, comment: '' });
        assert.ok(result.kind === 'applied');
        assert.equal(result.entry.actor, 'é'.repeat(MAX_ACTOR_NAME_LENGTH));
        assert.equal((await store.ledgerEntries(alice.id, 1))[0]?.actor, 'é'.repeat(MAX_ACTOR_NAME_LENGTH));
      });

      it('rate changes name their actor, from saveCurrency and updateRate alike', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.saveCurrency({ code: 'EUR', rate: rate('0.9') }, ADMIN);
        assert.equal(await store.updateRate('EUR', rate('0.8'), API), 'updated');
        const history = await store.rateHistory('EUR');
        assert.deepEqual(history.map((c) => [c.source, c.actor, c.requestId]), [
          ['admin', 'operator', 'req-admin-1'],
          ['api', 'apiuser', 'req-test-1'],
        ]);
        assert.match(history[0]!.createdAt, ISO_UTC);
      });
    });

    describe('the audit log', () => {
      it('initialize on a new database records database.init and the admin it added; a rerun records nothing', async (t) => {
        const { store } = await freshDb(t, backend, { initialize: false });
        await store.initialize({ systemCurrency: 'EUR', initialSettings: new Map([['allow_api', '1']]), adminUniquehash: 'admintoken', by: CLI });
        const admin = (await store.findUser(byName('admin')))!;
        assert.deepEqual(await recordsAfter(store, 0), [
          { action: 'database.init', target: 'database', detail: 'system currency EUR', ...who(CLI) },
          { action: 'user.add', target: `user:${admin.id}`, detail: 'username "admin", currency EUR, balance 0.0, role admin', ...who(CLI) },
        ]);
        const last = await lastAuditId(store);
        await store.initialize({ systemCurrency: 'EUR', initialSettings: new Map([['allow_api', '0']]), adminUniquehash: 'other', by: CLI });
        assert.deepEqual(await recordsAfter(store, last), []);
      });

      it('initialize records the settings it adds to an existing database, never a secret value', async (t) => {
        const { store, sql } = await freshDb(t, backend);
        await sql("DELETE FROM settings WHERE name = 'signature_key'");
        const last = await lastAuditId(store);
        const added = new Map([
          ['brand_new_switch', 'on'],
          ['signature_key', 'sekrit-value-1'],
        ]);
        await store.initialize({ systemCurrency: 'USD', initialSettings: added, adminUniquehash: 'other', by: CLI });
        const records = await recordsAfter(store, last);
        assert.deepEqual(records.map((r) => [r.action, r.target]), [['settings.set', 'setting:brand_new_switch,signature_key']]);
        assert.ok(!JSON.stringify(records).includes('sekrit-value-1'));
      });

      it('an API balance change writes no record; an operator\'s writes balance.adjust naming the entry', async (t) => {
        const { store } = await freshDb(t, backend);
        const alice = await store.addUser(newUser('alice', { balance: money('10') }), CLI);
        const last = await lastAuditId(store);
        await store.applyBalanceChange({ user: { id: alice.id }, amount: money('1'), by: API, comment: '' });
        assert.deepEqual(await recordsAfter(store, last), []);
        const result = await store.applyBalanceChange({ user: { usernameKey: 'alice' }, amount: money('-2.5'), by: ADMIN, comment: 'refund' });
        assert.ok(result.kind === 'applied');
        assert.deepEqual(await recordsAfter(store, last), [
          { action: 'balance.adjust', target: `user:${alice.id}`, detail: `amount -2.5, balance 8.5, entry ${result.entry.id}`, ...who(ADMIN) },
        ]);
      });

      it('a replayed, refused or unknown-user balance change writes no record', async (t) => {
        const { store } = await freshDb(t, backend);
        const alice = await store.addUser(newUser('alice'), CLI);
        await store.applyBalanceChange({ user: { id: alice.id }, amount: money('1'), by: CLI, comment: '', idempotencyKey: 'k-1' });
        const last = await lastAuditId(store);
        assert.equal((await store.applyBalanceChange({ user: { id: alice.id }, amount: money('1'), by: CLI, comment: '', idempotencyKey: 'k-1' })).kind, 'replayed');
        assert.equal((await store.applyBalanceChange({ user: { id: alice.id }, amount: money('2'), by: CLI, comment: '', idempotencyKey: 'k-1' })).kind, 'duplicate_key');
        assert.equal((await store.applyBalanceChange({ user: { id: 999_999 }, amount: money('1'), by: ADMIN, comment: '' })).kind, 'user_not_found');
        const huge = money('999999999999.999999');
        assert.equal((await store.applyBalanceChange({ user: { id: alice.id }, amount: huge, by: ADMIN, comment: '' })).kind, 'out_of_range');
        assert.deepEqual(await recordsAfter(store, last), []);
      });

      it('addUser records user.add, never the token', async (t) => {
        const { store } = await freshDb(t, backend);
        const last = await lastAuditId(store);
        const bob = await store.addUser(newUser('Bob', { balance: money('1.5'), uniquehash: 'bobsecrettoken01' }), ADMIN);
        const records = await recordsAfter(store, last);
        assert.deepEqual(records, [
          { action: 'user.add', target: `user:${bob.id}`, detail: 'username "Bob", currency USD, balance 1.5, role user', ...who(ADMIN) },
        ]);
      });

      it('updateUser records one entry per field that changes, in one transaction, never a token', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.saveCurrency({ code: 'EUR', rate: rate('0.9') }, CLI);
        const bob = await store.addUser(newUser('bob', { balance: money('3'), uniquehash: 'oldtoken00000001' }), CLI);
        const last = await lastAuditId(store);
        const updated = await store.updateUser(
          { id: bob.id },
          {
            username: 'Robert',
            firstName: 'Bob',
            lastName: 'Kahn "Jr"',
            currency: 'EUR',
            balance: money('5'),
            comment: 'fix',
            status: 'closed',
            role: 'admin',
            uniquehash: 'newtoken00000001',
          },
          ADMIN,
        );
        const [entry] = await store.ledgerEntries(bob.id, 1);
        assert.deepEqual(
          { ...updated, createdAt: '' },
          {
            id: bob.id,
            username: 'Robert',
            currency: 'EUR',
            balance: money('5'),
            firstName: 'Bob',
            lastName: 'Kahn "Jr"',
            uniquehash: 'newtoken00000001',
            role: 'admin',
            status: 'closed',
            createdAt: '',
          },
        );
        const target = `user:${bob.id}`;
        const records = await recordsAfter(store, last);
        assert.deepEqual(records, [
          { action: 'user.rename', target, detail: 'username "bob" to "Robert"', ...who(ADMIN) },
          { action: 'user.update', target, detail: 'first_name "" to "Bob"', ...who(ADMIN) },
          { action: 'user.update', target, detail: 'last_name "" to "Kahn \\"Jr\\""', ...who(ADMIN) },
          { action: 'user.update', target, detail: 'currency USD to EUR', ...who(ADMIN) },
          { action: 'balance.adjust', target, detail: `amount 2.0, balance 5.0, entry ${entry!.id}`, ...who(ADMIN) },
          { action: 'user.close', target, ...who(ADMIN) },
          { action: 'user.role', target, detail: 'role user to admin', ...who(ADMIN) },
          { action: 'user.rotate_token', target, ...who(ADMIN) },
        ]);
        assert.ok(!JSON.stringify(records).includes('token0000'), 'no token in the audit log');
        assert.deepEqual([entry?.source, entry?.actor, entry?.comment], ['admin', 'operator', 'fix']);
        await store.updateUser({ id: bob.id }, { status: 'active' }, CLI);
        assert.deepEqual((await recordsAfter(store, last)).at(-1), { action: 'user.reopen', target, ...who(CLI) });
      });

      it('updateUser records nothing for a field that changes nothing, nor for a refused change', async (t) => {
        const { store } = await freshDb(t, backend);
        const bob = await store.addUser(newUser('bob', { balance: money('3') }), CLI);
        const last = await lastAuditId(store);
        await store.updateUser({ id: bob.id }, { username: 'bob', currency: 'USD', balance: money('3'), status: 'active', role: 'user', uniquehash: bob.uniquehash }, ADMIN);
        await rejectsWith(store.updateUser({ id: bob.id }, { username: 'bobby', currency: 'XYZ' }, ADMIN), 'not_found');
        assert.deepEqual(await recordsAfter(store, last), []);
        assert.equal((await store.findUser({ id: bob.id }))?.username, 'bob');
      });

      it('importUsers records one users.import with the count; an empty import records nothing', async (t) => {
        const { store } = await freshDb(t, backend);
        const last = await lastAuditId(store);
        await store.importUsers(rowsOf([importRow('a1'), importRow('a2', { balance: money('1') }), importRow('a3')]), { comment: 'f', by: IMPORTER });
        await store.importUsers(rowsOf([]), { comment: 'empty', by: IMPORTER });
        assert.deepEqual(await recordsAfter(store, last), [{ action: 'users.import', target: 'users', detail: '3 users', ...who(IMPORTER) }]);
      });

      it('saveCurrency records currency.save, updateRate currency.rate with the client and request of the API', async (t) => {
        const { store } = await freshDb(t, backend);
        const last = await lastAuditId(store);
        await store.saveCurrency({ code: 'EUR', rate: rate('0.9'), name: 'Euro' }, ADMIN);
        await store.saveCurrency({ code: 'EUR', rate: rate('0.95') }, CLI);
        assert.equal(await store.updateRate('EUR', rate('0.97'), API), 'updated');
        assert.equal(await store.updateRate('XYZ', rate('1'), API), 'not_found');
        assert.deepEqual(await recordsAfter(store, last), [
          { action: 'currency.save', target: 'currency:EUR', detail: 'name "Euro", rate 0.9, active', ...who(ADMIN) },
          { action: 'currency.save', target: 'currency:EUR', detail: 'name "Euro", rate 0.9 to 0.95, active', ...who(CLI) },
          { action: 'currency.rate', target: 'currency:EUR', detail: 'rate 0.95 to 0.97', ...who(API) },
        ]);
      });

      it('a rate update refused for a reused hash records nothing', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.saveCurrency({ code: 'EUR', rate: rate('0.9') }, CLI);
        assert.equal(await store.claimRequestHash({ hash: 'a'.repeat(40), request: 'first' }), true);
        const last = await lastAuditId(store);
        assert.equal(await store.updateRate('EUR', rate('0.8'), API, { hash: 'a'.repeat(40), request: 'second' }), 'hash_reused');
        assert.deepEqual(await recordsAfter(store, last), []);
      });

      it('auditEntries reads newest first and pages further back with beforeId', async (t) => {
        const { store } = await freshDb(t, backend);
        for (let i = 0; i < 5; i++) await store.addUser(newUser(`user${i}`), CLI);
        const all = await store.auditEntries(100);
        const ids = all.map((entry) => entry.id);
        assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
        for (const entry of all) assert.match(entry.createdAt, ISO_UTC);
        const page = await store.auditEntries(2, all[1]!.id);
        assert.deepEqual(page, all.slice(2, 4));
        assert.deepEqual(await store.auditEntries(10, all.at(-1)!.id), []);
      });

      it('the database refuses to change or delete an audit record', async (t) => {
        const { store, sql } = await freshDb(t, backend);
        const before = await store.auditEntries(100);
        await assert.rejects(sql("UPDATE audit_log SET actor = 'someone else'"), /immutable/);
        await assert.rejects(sql('DELETE FROM audit_log'), /immutable/);
        assert.deepEqual(await store.auditEntries(100), before);
      });
    });

    describe('writeSettings', () => {
      it('writes every setting with one settings.set record naming them, a secret without its value', async (t) => {
        const { store } = await freshDb(t, backend);
        const last = await lastAuditId(store);
        const before = await store.configVersion();
        await store.writeSettings(new Map([['number_digits', '4'], ['api_secret_key', 'topsecretkey'], ['allow_get_api', '1']]), ADMIN);
        const settings = await store.readSettings();
        assert.deepEqual([settings.get('number_digits'), settings.get('api_secret_key'), settings.get('allow_get_api')], ['4', 'topsecretkey', '1']);
        assert.ok((await store.configVersion()) > before);
        assert.deepEqual(await recordsAfter(store, last), [
          {
            action: 'settings.set',
            target: 'setting:number_digits,api_secret_key,allow_get_api',
            detail: 'number_digits "4", api_secret_key (secret), allow_get_api "1"',
            ...who(ADMIN),
          },
        ]);
      });

      it('a key rotation is one settings.rotate_key record that shows neither key', async (t) => {
        const { store } = await freshDb(t, backend);
        const last = await lastAuditId(store);
        await store.writeSettings(new Map([['signature_key_previous', 'oldkey-123456'], ['signature_key', 'newkey-654321']]), CLI, 'settings.rotate_key');
        const records = await recordsAfter(store, last);
        assert.deepEqual(records.map((r) => [r.action, r.target, r.detail]), [
          ['settings.rotate_key', 'setting:signature_key_previous,signature_key', 'signature_key_previous (secret), signature_key (secret)'],
        ]);
        const settings = await store.readSettings();
        assert.deepEqual([settings.get('signature_key_previous'), settings.get('signature_key')], ['oldkey-123456', 'newkey-654321']);
      });

      it('writes all of them or none: a failing one leaves every setting and the audit log as they were', async (t) => {
        const { store } = await freshDb(t, backend);
        const settings = await store.readSettings();
        const last = await lastAuditId(store);
        // A value the database refuses (NOT NULL), after one it would take.
        const broken = new Map([['number_digits', '7'], ['allow_api', null as unknown as string]]);
        await assert.rejects(store.writeSettings(broken, ADMIN));
        assert.deepEqual(await store.readSettings(), settings);
        assert.deepEqual(await recordsAfter(store, last), []);
      });

      it('an empty change writes nothing', async (t) => {
        const { store } = await freshDb(t, backend);
        const last = await lastAuditId(store);
        const before = await store.configVersion();
        await store.writeSettings(new Map(), ADMIN);
        assert.equal(await store.configVersion(), before);
        assert.deepEqual(await recordsAfter(store, last), []);
      });
    });

    describe('throttled clients', () => {
      const rule = { limit: 3, windowMs: 60_000, cooldownMs: 30_000 };

      it('throttledClients lists counted and blocked addresses, most recent window first', async (t) => {
        const { store } = await freshDb(t, backend);
        const now = 1_800_000_000_000;
        await store.recordAuthFailure('198.51.100.1', rule, now - 120_000);
        for (let i = 0; i < 3; i++) await store.recordAuthFailure('2001:db8::1', rule, now - 1000);
        await store.recordAuthFailure('198.51.100.2', rule, now - 10_000_000); // forgotten long ago
        assert.deepEqual(await store.throttledClients(now), [
          { address: '2001:db8::1', failures: 3, windowStartMs: now - 1000, blockedUntilMs: now - 1000 + 30_000 },
          { address: '198.51.100.1', failures: 1, windowStartMs: now - 120_000, blockedUntilMs: undefined },
        ]);
      });

      it('unblockClient forgets an address with an audit record; false, and no record, for one not held', async (t) => {
        const { store } = await freshDb(t, backend);
        const now = Date.now();
        for (let i = 0; i < 3; i++) await store.recordAuthFailure('203.0.113.7', rule, now);
        assert.ok((await store.blockedClients(now)).has('203.0.113.7'));
        const last = await lastAuditId(store);
        assert.equal(await store.unblockClient('203.0.113.7', ADMIN), true);
        assert.equal((await store.blockedClients(now)).has('203.0.113.7'), false);
        assert.deepEqual(await store.throttledClients(now), []);
        assert.equal(await store.unblockClient('203.0.113.7', ADMIN), false);
        assert.equal(await store.unblockClient('192.0.2.200', ADMIN), false);
        assert.deepEqual(await recordsAfter(store, last), [
          { action: 'throttle.unblock', target: 'client:203.0.113.7', detail: '3 failed attempts forgotten', ...who(ADMIN) },
        ]);
        // Counting starts again from nothing.
        assert.equal((await store.recordAuthFailure('203.0.113.7', rule, now)).failures, 1);
      });
    });
  });
}
