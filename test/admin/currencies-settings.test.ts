/** The admin layer's currencies, settings, key rotations and initialisation, on both backends. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { currencyHistory, listCurrencies, saveCurrency } from '../../src/admin/currencies.js';
import { initializeDatabase } from '../../src/admin/database.js';
import { getSetting, listSettings, rotateKey, setSettings } from '../../src/admin/settings.js';
import { formatRate } from '../../src/domain/money.js';
import { SETTING_NAMES } from '../../src/domain/settings.js';
import { BACKENDS, backendOptions, freshDb } from '../store/backends.js';
import { ACTOR, rejectsWithAdmin } from './admin-helpers.js';

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    describe('currencies', () => {
      it('adds a currency, changes it, and keeps each rate change with its actor', async (t) => {
        const { store } = await freshDb(t, backend);
        const added = await saveCurrency(store, { code: 'eur', rate: '0.9', name: 'Euro' }, ACTOR);
        assert.deepEqual([added.code, formatRate(added.rate), added.name, added.active], ['EUR', '0.9', 'Euro', true]);
        const changed = await saveCurrency(store, { code: 'EUR', rate: '0.85', active: 'off' }, ACTOR);
        assert.deepEqual([formatRate(changed.rate), changed.name, changed.active], ['0.85', 'Euro', false]);
        assert.deepEqual((await listCurrencies(store)).map((c) => c.code).sort(), ['EUR', 'USD']);
        const { changes } = await currencyHistory(store, 'eur');
        assert.deepEqual(
          changes.map((c) => [c.oldRate && formatRate(c.oldRate), formatRate(c.newRate), c.source, c.actor]),
          [
            [undefined, '0.9', 'cli', 'cli:tester'],
            ['0.9', '0.85', 'cli', 'cli:tester'],
          ],
        );
      });

      it('refuses a new currency without a rate, the system currency at another rate or inactive, and bad values', async (t) => {
        const { store } = await freshDb(t, backend);
        await rejectsWithAdmin(saveCurrency(store, { code: 'EUR', name: 'Euro' }, ACTOR), 'invalid', { entity: 'currency', field: 'rate', value: 'EUR', reason: 'rate_required' });
        await rejectsWithAdmin(saveCurrency(store, { code: 'usd', rate: '2' }, ACTOR), 'invalid', { reason: 'system_rate' });
        await rejectsWithAdmin(saveCurrency(store, { code: 'USD', active: 'no' }, ACTOR), 'invalid', { field: 'active', reason: 'system_inactive' });
        await rejectsWithAdmin(saveCurrency(store, { code: 'EU', rate: '1' }, ACTOR), 'invalid', { entity: 'currency', field: 'code' });
        await rejectsWithAdmin(saveCurrency(store, { code: 'EUR', rate: '0' }, ACTOR), 'invalid', { entity: 'rate', reason: 'not-positive' });
        await rejectsWithAdmin(saveCurrency(store, { code: 'EUR', rate: '1', name: 'x'.repeat(65) }, ACTOR), 'invalid', { entity: 'name' });
        await rejectsWithAdmin(saveCurrency(store, { code: 'EUR', rate: '1', active: 'maybe' }, ACTOR), 'invalid', { entity: 'switch', value: 'maybe' });
        assert.deepEqual((await listCurrencies(store)).map((c) => c.code), ['USD']);
        await rejectsWithAdmin(currencyHistory(store, 'GBP'), 'not_found', { entity: 'currency', value: 'GBP' });
        // The system currency accepts its own rate, 1, in any spelling.
        assert.equal(formatRate((await saveCurrency(store, { code: 'USD', rate: '1.000', name: 'Dollar' }, ACTOR)).rate), '1');
      });
    });

    describe('settings', () => {
      it('lists every setting, a key only as stored text flagged secret', async (t) => {
        const { store } = await freshDb(t, backend);
        const all = await listSettings(store);
        assert.deepEqual(all.map((s) => s.name), SETTING_NAMES);
        assert.deepEqual(all.filter((s) => s.secret).map((s) => s.name), ['api_secret_key', 'signature_key', 'signature_key_previous']);
        assert.equal((await getSetting(store, 'allow_api')).stored, '1');
        await rejectsWithAdmin(getSetting(store, 'allow_everything'), 'invalid', { entity: 'setting', value: 'allow_everything', reason: 'unknown' });
      });

      it('changes several settings at once, and none of them when one value is bad', async (t) => {
        const { store } = await freshDb(t, backend);
        const stored = await setSettings(store, { allow_get_api: 'yes', number_digits: '04' }, ACTOR);
        assert.deepEqual([...stored], [['allow_get_api', '1'], ['number_digits', '4']]);
        await rejectsWithAdmin(setSettings(store, { allow_api: 'off', number_digits: '11' }, ACTOR), 'invalid', { entity: 'setting', field: 'number_digits', value: '11' });
        await rejectsWithAdmin(setSettings(store, { allow_api: 'off', nonsense: '1' }, ACTOR), 'invalid', { reason: 'unknown' });
        assert.equal((await getSetting(store, 'allow_api')).stored, '1');
        const refusal = await rejectsWithAdmin(setSettings(store, { api_secret_key: 'abc' }, ACTOR), 'invalid', { field: 'api_secret_key' });
        assert.equal(refusal.value, undefined, 'a refused key is not echoed');
        const [audit] = await store.auditEntries(1);
        assert.deepEqual([audit?.action, audit?.actor], ['settings.set', 'cli:tester']);
      });

      it('rotates the signature key in two steps, each one write, and the API secret key at once', async (t) => {
        const { store } = await freshDb(t, backend);
        const original = (await getSetting(store, 'signature_key')).stored!;
        const started = await rotateKey(store, 'signature_key', ACTOR);
        assert.equal(started.kind, 'started');
        assert.ok(started.kind === 'started' && started.overlapping);
        const settings = await store.readSettings();
        assert.equal(settings.get('signature_key_previous'), original);
        assert.equal(settings.get('signature_key'), started.kind === 'started' ? started.key : '');
        assert.equal((await rotateKey(store, 'signature_key', ACTOR)).kind, 'ended');
        assert.equal((await store.readSettings()).get('signature_key_previous'), '');
        const secret = await rotateKey(store, 'api_secret_key', ACTOR);
        assert.equal((await store.readSettings()).get('api_secret_key'), secret.kind === 'started' ? secret.key : '');
        const rotations = (await store.auditEntries(10)).filter((entry) => entry.action === 'settings.rotate_key');
        assert.equal(rotations.length, 3);
        for (const entry of rotations) assert.ok(!(entry.detail ?? '').includes(original), 'no key in the audit log');
        await rejectsWithAdmin(rotateKey(store, 'allow_api', ACTOR), 'invalid', { reason: 'not_rotatable' });
      });
    });

    describe('initialising', () => {
      it('creates a database with the system currency given, and refuses another one later', async (t) => {
        const { store } = await freshDb(t, backend, { initialize: false });
        const report = await initializeDatabase(store, { currency: 'eur', by: ACTOR });
        assert.deepEqual([report.created, report.systemCurrency], [true, 'EUR']);
        assert.equal((await initializeDatabase(store, { currency: 'EUR' })).created, false);
        await rejectsWithAdmin(initializeDatabase(store, { currency: 'USD' }), 'conflict', { entity: 'currency', value: 'USD', reason: 'system_currency_fixed' });
        await rejectsWithAdmin(initializeDatabase(store, { currency: 'EURO!' }), 'invalid', { entity: 'currency', field: 'currency' });
        const admin = await store.findUser({ usernameKey: 'admin' });
        assert.equal(admin?.id, 0, 'the admin account has id 0, as Kolmisoft\'s');
        const init = (await store.auditEntries(100)).find((entry) => entry.action === 'database.init');
        assert.equal(init?.actor, 'cli:tester');
      });
    });
  });
}
