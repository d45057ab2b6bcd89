/** Settings, currencies and their rates on SQLite: what the API's configuration is read from. */
import type Database from 'better-sqlite3';
import { storedActorName, type Actor } from '../../domain/actor.js';
import { currencySaved, rateUpdated, settingsWritten } from '../../domain/audit-events.js';
import type { Currency } from '../../domain/currency.js';
import { applyCurrencyChange, type CurrencyChange } from '../../domain/currency-change.js';
import type { LedgerSource, RateChange } from '../../domain/ledger.js';
import { formatRate, type Decimal } from '../../domain/money.js';
import type { ApiConfigRows } from '../store.js';
import { RATE_CHANGE_COLUMNS, toCurrency, toRateChange, type CurrencyRow, type RateChangeRow, type SettingRow } from './rows.js';
import type { SqliteAudit } from './sqlite-audit.js';

export class SqliteConfig {
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    private readonly audit: SqliteAudit,
  ) {
    const prepare = <Params extends unknown[], Row = unknown>(sql: string) => db.prepare<Params, Row>(sql);
    this.statements = {
      configVersion: prepare<[], number>('SELECT version FROM config_version WHERE id = 1').pluck(),
      settings: prepare<[], SettingRow>('SELECT name, value FROM settings'),
      insertSettingIfMissing: prepare<[name: string, value: string]>(
        'INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING',
      ),
      upsertSetting: prepare<[name: string, value: string]>(
        'INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
      ),
      currencies: prepare<[], CurrencyRow>('SELECT code, name, rate, active, is_system FROM currencies ORDER BY is_system DESC, code'),
      currencyByCode: prepare<[string], CurrencyRow>('SELECT code, name, rate, active, is_system FROM currencies WHERE code = ?'),
      systemCurrency: prepare<[], string>('SELECT code FROM currencies WHERE is_system = 1').pluck(),
      upsertCurrency: prepare<[code: string, name: string, rate: string, active: number, isSystem: number]>(
        `INSERT INTO currencies (code, name, rate, active, is_system) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, rate = excluded.rate, active = excluded.active`,
      ),
      setRate: prepare<[rate: string, code: string]>('UPDATE currencies SET rate = ? WHERE code = ?'),
      insertRateChange: prepare<
        [currency: string, oldRate: string | null, newRate: string, source: LedgerSource, actor: string, requestId: string | null]
      >('INSERT INTO rate_changes (currency, old_rate, new_rate, source, actor, request_id) VALUES (?, ?, ?, ?, ?, ?)'),
      rateHistory: prepare<[string], RateChangeRow>(`SELECT ${RATE_CHANGE_COLUMNS} FROM rate_changes WHERE currency = ? ORDER BY id`),
    };
  }

  systemCurrency(): string | undefined {
    return this.statements.systemCurrency.get();
  }

  /** Adds the system currency at rate 1; inside the caller's transaction. */
  insertSystemCurrency(code: string): void {
    this.statements.upsertCurrency.run(code, code, '1', 1, 1);
  }

  /** Adds a setting unless it is there; true when it was added. Inside the caller's transaction. */
  insertSettingIfMissing(name: string, value: string): boolean {
    return this.statements.insertSettingIfMissing.run(name, value).changes > 0;
  }

  readApiConfig(): ApiConfigRows {
    // One read transaction, so the version matches the rows read with it.
    return this.db.transaction(() => ({
      version: this.configVersion(),
      settings: this.readSettings(),
      currencies: this.listCurrencies(),
    }))();
  }

  configVersion(): number {
    // Migration 1 inserts the one row, and nothing deletes it.
    return this.statements.configVersion.get()!;
  }

  readSettings(): Map<string, string> {
    const rows = this.statements.settings.all();
    return new Map(rows.map((row) => [row.name, row.value]));
  }

  /** Inside the caller's transaction. */
  writeSettings(values: ReadonlyMap<string, string>, by: Actor, action: 'settings.set' | 'settings.rotate_key'): void {
    for (const [name, stored] of values) this.statements.upsertSetting.run(name, stored);
    this.audit.write(by, settingsWritten(values, action));
  }

  listCurrencies(): Currency[] {
    return this.statements.currencies.all().map(toCurrency);
  }

  /** Inside the caller's transaction. */
  saveCurrency(change: CurrencyChange, by: Actor): Currency {
    const s = this.statements;
    const row = s.currencyByCode.get(change.code);
    const next = applyCurrencyChange(row && toCurrency(row), change);
    const rate = formatRate(next.rate);
    s.upsertCurrency.run(next.code, next.name, rate, next.active ? 1 : 0, next.isSystem ? 1 : 0);
    if (rate !== row?.rate) s.insertRateChange.run(next.code, row?.rate ?? null, rate, by.source, storedActorName(by), by.requestId ?? null);
    this.audit.write(by, currencySaved(next, row?.rate));
    return next;
  }

  /** Inside the caller's transaction, after it has claimed the request's hash. */
  updateRate(code: string, rate: Decimal, by: Actor): 'updated' | 'not_found' {
    const s = this.statements;
    const row = s.currencyByCode.get(code);
    if (row === undefined || row.is_system === 1) return 'not_found';
    const text = formatRate(rate);
    s.setRate.run(text, code);
    s.insertRateChange.run(code, row.rate, text, by.source, storedActorName(by), by.requestId ?? null);
    this.audit.write(by, rateUpdated(code, row.rate, rate));
    return 'updated';
  }

  rateHistory(code: string): RateChange[] {
    return this.statements.rateHistory.all(code).map(toRateChange);
  }
}
