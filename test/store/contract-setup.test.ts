/** Store contract, part 1: initialize, settings, the config version, currencies and rates. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initializeDatabase } from '../../src/admin/database.js';
import { formatRate } from '../../src/domain/money.js';
import { SETTING_NAMES } from '../../src/domain/settings.js';
import { openStore } from '../../src/store/open-store.js';
import type { InitializeOptions } from '../../src/store/store.js';
import { tempDir } from '../support/fixtures.js';
import { API, backendOptions, BACKENDS, CLI, freshDb, IMPORTER, ISO_UTC, rate, rejectsWith } from './backends.js';

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    describe('initialize', () => {
      it('opening a missing database with mustExist refuses with not_initialized', async () => {
        const dir = await tempDir(backend);
        try {
          await rejectsWith(openStore(dir.db, { mustExist: true, poolSize: 10 }), 'not_initialized');
        } finally {
          await dir.remove();
        }
      });

      it('initialize on a new database creates the system currency, every setting and the admin account', async (t) => {
        const { store } = await freshDb(t, backend, { initialize: false });
        assert.equal(await store.systemCurrency(), undefined);
        const report = await initializeDatabase(store);
        assert.equal(report.created, true);
        assert.equal(report.systemCurrency, 'USD');
        assert.equal(report.addedAdmin, true);
        assert.deepEqual([...report.addedSettings].sort(), [...SETTING_NAMES].sort());
        assert.equal(await store.systemCurrency(), 'USD');
        const currencies = await store.listCurrencies();
        assert.deepEqual(currencies.map((c) => ({ ...c, rate: formatRate(c.rate) })), [
          { code: 'USD', name: 'USD', rate: '1', active: true, isSystem: true },
        ]);
        const settings = await store.readSettings();
        assert.deepEqual([...settings.keys()].sort(), [...SETTING_NAMES].sort());
        assert.equal(settings.get('allow_api'), '1');
        assert.match(settings.get('api_secret_key') ?? '', /^[0-9a-f]{40}$/);
        const admin = await store.findUser({ usernameKey: 'admin' });
        assert.equal(admin?.role, 'admin');
        assert.equal(admin?.balance, 0n);
        assert.equal(admin?.currency, 'USD');
        assert.deepEqual(await store.ledgerEntries(admin.id, 10), []);
      });

      it('initialize rerun changes nothing and reports nothing added', async (t) => {
        const { store } = await freshDb(t, backend);
        const settings = await store.readSettings();
        const admin = await store.findUser({ usernameKey: 'admin' });
        const currencies = await store.listCurrencies();
        const report = await initializeDatabase(store);
        assert.deepEqual(report, { created: false, systemCurrency: 'USD', addedSettings: [], addedAdmin: false });
        assert.deepEqual(await store.readSettings(), settings, 'the secret key and every setting are kept');
        assert.deepEqual(await store.findUser({ usernameKey: 'admin' }), admin);
        assert.deepEqual(await store.listCurrencies(), currencies);
        assert.equal((await store.verifyLedger()).users, 1);
      });

      it('initialize rerun does not move the config version, so no server reloads for nothing', async (t) => {
        const { store } = await freshDb(t, backend);
        const before = await store.configVersion();
        await initializeDatabase(store);
        assert.equal(await store.configVersion(), before);
      });

      it('initialize never replaces an existing system currency with another one', async (t) => {
        const { store } = await freshDb(t, backend);
        const report = await store.initialize({ by: CLI, systemCurrency: 'EUR', initialSettings: new Map(), adminUniquehash: 'another-admin-token' });
        assert.equal(report.created, false);
        assert.equal(report.systemCurrency, 'USD');
        assert.equal(await store.systemCurrency(), 'USD');
        assert.deepEqual((await store.listCurrencies()).map((c) => c.code), ['USD']);
      });

      it('initialize adds only a missing setting and keeps the values of the others', async (t) => {
        const { store, sql } = await freshDb(t, backend);
        await store.writeSettings(new Map([['allow_api', '0']]), CLI);
        await sql("DELETE FROM settings WHERE name = 'number_digits'");
        const report = await initializeDatabase(store);
        assert.deepEqual(report.addedSettings, ['number_digits']);
        const settings = await store.readSettings();
        assert.equal(settings.get('number_digits'), '2');
        assert.equal(settings.get('allow_api'), '0');
      });

      it('initialize adds no admin when an admin exists under another name or a plain user is named admin', async (t) => {
        const { store, sql } = await freshDb(t, backend);
        const options: InitializeOptions = { by: CLI, systemCurrency: 'USD', initialSettings: new Map(), adminUniquehash: 'second-admin-token' };
        await sql("UPDATE users SET username = 'root', username_key = 'root' WHERE role = 'admin'");
        assert.equal((await store.initialize(options)).addedAdmin, false);
        await sql("UPDATE users SET username = 'admin', username_key = 'admin', role = 'user' WHERE username_key = 'root'");
        assert.equal((await store.initialize(options)).addedAdmin, false);
        assert.equal((await store.verifyLedger()).users, 1);
        assert.equal(await store.findBalanceViewByUniquehash('second-admin-token'), undefined);
      });

      it('two concurrent initialize calls on a new database both succeed and create everything once', async (t) => {
        const { open, store: first } = await freshDb(t, backend, { initialize: false });
        const second = await open();
        const reports = await Promise.all([initializeDatabase(first), initializeDatabase(second)]);
        assert.deepEqual(reports.map((r) => r.created).sort(), [false, true]);
        assert.deepEqual(reports.map((r) => r.addedAdmin).sort(), [false, true]);
        assert.deepEqual(reports.flatMap((r) => r.addedSettings).sort(), [...SETTING_NAMES].sort());
        assert.deepEqual((await first.listCurrencies()).map((c) => c.code), ['USD']);
        assert.equal((await first.verifyLedger()).users, 1);
      });

      it('two stores opened at once on a new database both migrate and work', async (t) => {
        const { open, store: first } = await freshDb(t, backend, { initialize: false });
        const [second, third] = await Promise.all([open(), open()]);
        await initializeDatabase(second);
        assert.equal(await first.systemCurrency(), 'USD');
        assert.equal(await third.systemCurrency(), 'USD');
      });
    });

    describe('settings and the config version', () => {
      it('readApiConfig returns every setting, the currencies with the system currency first, and the current version', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.saveCurrency({ code: 'JPY', rate: rate('150') }, CLI);
        await store.saveCurrency({ code: 'EUR', rate: rate('0.9'), name: 'Euro' }, CLI);
        const config = await store.readApiConfig();
        assert.deepEqual(config.settings, await store.readSettings());
        assert.deepEqual(config.currencies, await store.listCurrencies());
        assert.deepEqual(config.currencies.map((c) => [c.code, c.isSystem]), [['USD', true], ['EUR', false], ['JPY', false]]);
        assert.equal(config.version, await store.configVersion());
        assert.equal(typeof config.version, 'number');
      });

      it('writeSetting adds a new setting and overwrites an existing one, and moves the config version', async (t) => {
        const { store } = await freshDb(t, backend);
        const v0 = await store.configVersion();
        await store.writeSettings(new Map([['number_digits', '4']]), CLI);
        const v1 = await store.configVersion();
        assert.ok(v1 > v0, `version ${v0} -> ${v1}`);
        await store.writeSettings(new Map([['custom_setting', 'x']]), CLI);
        const v2 = await store.configVersion();
        assert.ok(v2 > v1, `version ${v1} -> ${v2}`);
        const config = await store.readApiConfig();
        assert.equal(config.settings.get('number_digits'), '4');
        assert.equal(config.settings.get('custom_setting'), 'x');
        assert.equal(config.version, v2);
      });

      it('the config version moves when saveCurrency adds or changes a currency', async (t) => {
        const { store } = await freshDb(t, backend);
        const v0 = await store.configVersion();
        await store.saveCurrency({ code: 'EUR', rate: rate('0.9') }, CLI);
        const v1 = await store.configVersion();
        assert.ok(v1 > v0, `version ${v0} -> ${v1}`);
        await store.saveCurrency({ code: 'EUR', active: false }, CLI);
        const v2 = await store.configVersion();
        assert.ok(v2 > v1, `version ${v1} -> ${v2}`);
        assert.equal((await store.readApiConfig()).currencies.find((c) => c.code === 'EUR')?.active, false);
      });

      it('the config version moves when updateRate changes a rate', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.saveCurrency({ code: 'EUR', rate: rate('0.9') }, CLI);
        const v0 = await store.configVersion();
        assert.equal(await store.updateRate('EUR', rate('0.7351'), API), 'updated');
        const v1 = await store.configVersion();
        assert.ok(v1 > v0, `version ${v0} -> ${v1}`);
        const config = await store.readApiConfig();
        assert.equal(formatRate(config.currencies.find((c) => c.code === 'EUR')!.rate), '0.7351');
      });

      it('the config version moves when another store on the same database changes a setting or a currency', async (t) => {
        const { store, open } = await freshDb(t, backend);
        const other = await open();
        const v0 = await store.configVersion();
        await other.writeSettings(new Map([['allow_get_api', '1']]), CLI);
        const v1 = await store.configVersion();
        assert.ok(v1 > v0, `version ${v0} -> ${v1}`);
        assert.equal((await store.readApiConfig()).settings.get('allow_get_api'), '1');
        await other.saveCurrency({ code: 'GBP', rate: rate('0.8') }, CLI);
        const v2 = await store.configVersion();
        assert.ok(v2 > v1, `version ${v1} -> ${v2}`);
        await other.updateRate('GBP', rate('0.81'), CLI);
        const v3 = await store.configVersion();
        assert.ok(v3 > v2, `version ${v2} -> ${v3}`);
        assert.equal(formatRate((await store.listCurrencies()).find((c) => c.code === 'GBP')!.rate), '0.81');
      });

      it('the config version moves when another connection changes a setting or currency bypassing Tally', async (t) => {
        const { store, sql } = await freshDb(t, backend);
        await store.saveCurrency({ code: 'EUR', rate: rate('0.9') }, CLI);
        const v0 = await store.configVersion();
        await sql("UPDATE settings SET value = '5' WHERE name = 'number_digits'");
        const v1 = await store.configVersion();
        assert.ok(v1 > v0, `version ${v0} -> ${v1}`);
        await sql("UPDATE currencies SET name = 'Euro' WHERE code = 'EUR'");
        const v2 = await store.configVersion();
        assert.ok(v2 > v1, `version ${v1} -> ${v2}`);
        const config = await store.readApiConfig();
        assert.equal(config.settings.get('number_digits'), '5');
        assert.equal(config.currencies.find((c) => c.code === 'EUR')?.name, 'Euro');
      });
    });

    describe('currencies and rates', () => {
      it('saveCurrency adds a currency and records its rate as the first history entry, with no old rate', async (t) => {
        const { store } = await freshDb(t, backend);
        const saved = await store.saveCurrency({ code: 'EUR', rate: rate('0.9000'), name: 'Euro' }, CLI);
        assert.deepEqual({ ...saved, rate: formatRate(saved.rate) }, { code: 'EUR', name: 'Euro', rate: '0.9', active: true, isSystem: false });
        const listed = (await store.listCurrencies()).find((c) => c.code === 'EUR')!;
        assert.deepEqual({ ...listed, rate: formatRate(listed.rate) }, { code: 'EUR', name: 'Euro', rate: '0.9', active: true, isSystem: false });
        const history = await store.rateHistory('EUR');
        assert.equal(history.length, 1);
        assert.equal(history[0]!.currency, 'EUR');
        assert.equal(history[0]!.oldRate, undefined);
        assert.equal(formatRate(history[0]!.newRate), '0.9');
        assert.equal(history[0]!.source, 'cli');
        assert.match(history[0]!.createdAt, ISO_UTC);
      });

      it('saveCurrency of a new currency without a rate is refused with invalid_value and adds nothing', async (t) => {
        const { store } = await freshDb(t, backend);
        await rejectsWith(store.saveCurrency({ code: 'EUR', name: 'Euro' }, CLI), 'invalid_value');
        assert.deepEqual((await store.listCurrencies()).map((c) => c.code), ['USD']);
        assert.deepEqual(await store.rateHistory('EUR'), []);
      });

      it('saveCurrency changing only the name or active flag keeps the rate and records no rate change', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.saveCurrency({ code: 'EUR', rate: rate('0.9') }, CLI);
        const saved = await store.saveCurrency({ code: 'EUR', name: 'Euro', active: false }, CLI);
        assert.equal(formatRate(saved.rate), '0.9');
        const listed = (await store.listCurrencies()).find((c) => c.code === 'EUR')!;
        assert.deepEqual({ ...listed, rate: formatRate(listed.rate) }, { code: 'EUR', name: 'Euro', rate: '0.9', active: false, isSystem: false });
        assert.equal((await store.rateHistory('EUR')).length, 1);
      });

      it('saveCurrency and updateRate record old rate, new rate and source, oldest first', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.saveCurrency({ code: 'EUR', rate: rate('0.9') }, CLI);
        await store.saveCurrency({ code: 'EUR', rate: rate('0.95') }, IMPORTER);
        assert.equal(await store.updateRate('EUR', rate('0.7351'), API), 'updated');
        assert.equal(await store.updateRate('EUR', rate('0.000000000001'), CLI), 'updated');
        const history = (await store.rateHistory('EUR')).map((change) => ({
          currency: change.currency,
          oldRate: change.oldRate && formatRate(change.oldRate),
          newRate: formatRate(change.newRate),
          source: change.source,
        }));
        assert.deepEqual(history, [
          { currency: 'EUR', oldRate: undefined, newRate: '0.9', source: 'cli' },
          { currency: 'EUR', oldRate: '0.9', newRate: '0.95', source: 'import' },
          { currency: 'EUR', oldRate: '0.95', newRate: '0.7351', source: 'api' },
          { currency: 'EUR', oldRate: '0.7351', newRate: '0.000000000001', source: 'cli' },
        ]);
        const times = (await store.rateHistory('EUR')).map((change) => change.createdAt);
        assert.deepEqual([...times].sort(), times);
        assert.equal(formatRate((await store.listCurrencies()).find((c) => c.code === 'EUR')!.rate), '0.000000000001');
      });

      it('updateRate answers not_found for the system currency and for an unknown code, and changes nothing', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.saveCurrency({ code: 'EUR', rate: rate('0.9') }, CLI);
        const before = await store.listCurrencies();
        assert.equal(await store.updateRate('USD', rate('2'), API), 'not_found');
        assert.equal(await store.updateRate('XYZ', rate('2'), API), 'not_found');
        assert.equal(await store.updateRate('eur', rate('2'), API), 'not_found', 'codes are upper case');
        assert.deepEqual(await store.listCurrencies(), before);
        assert.deepEqual(await store.rateHistory('USD'), []);
        assert.deepEqual(await store.rateHistory('XYZ'), []);
        assert.equal((await store.rateHistory('EUR')).length, 1);
      });

      it("the system currency's rate stays 1: saveCurrency refuses another rate or deactivation but may rename it", async (t) => {
        const { store } = await freshDb(t, backend);
        await rejectsWith(store.saveCurrency({ code: 'USD', rate: rate('2') }, CLI), 'invalid_value');
        await rejectsWith(store.saveCurrency({ code: 'USD', active: false }, CLI), 'invalid_value');
        const renamed = await store.saveCurrency({ code: 'USD', rate: rate('1.000'), name: 'US dollar' }, CLI);
        assert.equal(formatRate(renamed.rate), '1');
        const usd = (await store.listCurrencies()).find((c) => c.code === 'USD')!;
        assert.deepEqual({ ...usd, rate: formatRate(usd.rate) }, { code: 'USD', name: 'US dollar', rate: '1', active: true, isSystem: true });
        assert.deepEqual(await store.rateHistory('USD'), []);
      });

      it('rates round-trip exactly up to 12 fractional digits and the largest accepted rate', async (t) => {
        const { store, open } = await freshDb(t, backend);
        await store.saveCurrency({ code: 'AAA', rate: rate('123456789.123456789012') }, CLI);
        await store.saveCurrency({ code: 'BBB', rate: rate('999999999999.999999999999') }, CLI);
        await store.updateRate('AAA', rate('0.000000000001'), CLI);
        const other = await open();
        const rates = new Map((await other.listCurrencies()).map((c) => [c.code, formatRate(c.rate)]));
        assert.equal(rates.get('AAA'), '0.000000000001');
        assert.equal(rates.get('BBB'), '999999999999.999999999999');
        assert.equal(formatRate((await other.rateHistory('AAA'))[1]!.oldRate!), '123456789.123456789012');
      });
    });
  });
}
