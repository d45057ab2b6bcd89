/** Settings, currencies and their rates on PostgreSQL: what the API's configuration is read from. */
import type pg from 'pg';
import { storedActorName, type Actor } from '../../domain/actor.js';
import { currencySaved, rateUpdated, settingsWritten } from '../../domain/audit-events.js';
import type { Currency } from '../../domain/currency.js';
import { applyCurrencyChange, type CurrencyChange } from '../../domain/currency-change.js';
import type { RequestAuthorization } from '../../domain/hash.js';
import type { RateChange } from '../../domain/ledger.js';
import { formatRate, type Decimal } from '../../domain/money.js';
import type { ApiConfigRows } from '../store.js';
import { named, type Queryable } from './connection.js';
import { writeAudit } from './postgres-audit.js';
import { claimHash } from './postgres-ledger.js';
import { RATE_CHANGE_COLUMNS, toCurrency, toRateChange, type CurrencyRow, type RateChangeRow } from './rows.js';

export async function systemCurrency(db: Queryable): Promise<string | undefined> {
  const result = await db.query<{ code: string }>('SELECT code FROM currencies WHERE is_system');
  return result.rows[0]?.code;
}

/** Adds the system currency at rate 1; inside the caller's transaction. */
export async function insertSystemCurrency(client: pg.PoolClient, code: string): Promise<void> {
  await client.query("INSERT INTO currencies (code, name, rate, active, is_system) VALUES ($1, $1, '1', true, true)", [code]);
}

/** Adds a setting unless it is there; true when it was added. Inside the caller's transaction. */
export async function insertSettingIfMissing(client: pg.PoolClient, name: string, value: string): Promise<boolean> {
  const result = await client.query('INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, value]);
  return result.rowCount === 1;
}

export async function readApiConfig(pool: pg.Pool): Promise<ApiConfigRows> {
  // REPEATABLE READ: the version matches the rows read with it.
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const version = await client.query<{ version: string }>('SELECT version FROM config_version WHERE id = 1');
    const settings = await client.query<{ name: string; value: string }>('SELECT name, value FROM settings');
    const currencies = await client.query<CurrencyRow>('SELECT code, name, rate::text, active, is_system FROM currencies ORDER BY is_system DESC, code');
    await client.query('COMMIT');
    return {
      version: Number(version.rows[0]?.version ?? 0),
      settings: new Map(settings.rows.map((row) => [row.name, row.value])),
      currencies: currencies.rows.map(toCurrency),
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export async function configVersion(db: Queryable): Promise<number> {
  const result = await db.query<{ version: string }>(named('config_version', 'SELECT version FROM config_version WHERE id = 1', []));
  return Number(result.rows[0]?.version ?? 0);
}

export async function readSettings(db: Queryable): Promise<Map<string, string>> {
  const result = await db.query<{ name: string; value: string }>('SELECT name, value FROM settings');
  return new Map(result.rows.map((row) => [row.name, row.value]));
}

/** Inside the caller's transaction. */
export async function writeSettings(
  client: pg.PoolClient,
  values: ReadonlyMap<string, string>,
  by: Actor,
  action: 'settings.set' | 'settings.rotate_key',
): Promise<void> {
  await client.query(
    `INSERT INTO settings (name, value) SELECT * FROM unnest($1::text[], $2::text[])
     ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
    [[...values.keys()], [...values.values()]],
  );
  await writeAudit(client, by, settingsWritten(values, action));
}

export async function listCurrencies(db: Queryable): Promise<Currency[]> {
  const result = await db.query<CurrencyRow>('SELECT code, name, rate::text, active, is_system FROM currencies ORDER BY is_system DESC, code');
  return result.rows.map(toCurrency);
}

/** Inside the caller's transaction. */
export async function saveCurrency(client: pg.PoolClient, change: CurrencyChange, by: Actor): Promise<Currency> {
  const found = await client.query<CurrencyRow>('SELECT code, name, rate::text, active, is_system FROM currencies WHERE code = $1 FOR UPDATE', [change.code]);
  const existing = found.rows[0] && toCurrency(found.rows[0]);
  const next = applyCurrencyChange(existing, change);
  const rate = formatRate(next.rate);
  await client.query(
    `INSERT INTO currencies (code, name, rate, active, is_system) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (code) DO UPDATE SET name = excluded.name, rate = excluded.rate, active = excluded.active`,
    [next.code, next.name, rate, next.active, next.isSystem],
  );
  const oldRate = existing && formatRate(existing.rate);
  if (rate !== oldRate) await insertRateChange(client, next.code, oldRate ?? null, rate, by);
  await writeAudit(client, by, currencySaved(next, oldRate));
  return next;
}

async function insertRateChange(client: pg.PoolClient, code: string, oldRate: string | null, newRate: string, by: Actor): Promise<void> {
  await client.query('INSERT INTO rate_changes (currency, old_rate, new_rate, source, actor, request_id) VALUES ($1, $2, $3, $4, $5, $6)', [
    code,
    oldRate,
    newRate,
    by.source,
    storedActorName(by),
    by.requestId ?? null,
  ]);
}

/** Inside the caller's transaction; claims the request's hash after the currency's row lock. */
export async function updateRate(
  client: pg.PoolClient,
  code: string,
  rate: Decimal,
  by: Actor,
  authorization: RequestAuthorization | undefined,
): Promise<'updated' | 'not_found' | 'hash_reused'> {
  const text = formatRate(rate);
  const old = await client.query<{ rate: string }>('SELECT rate::text FROM currencies WHERE code = $1 AND NOT is_system FOR UPDATE', [code]);
  const oldRate = old.rows[0]?.rate;
  // Claimed whatever the answer, after the currency's row lock; nothing else is written when it is another request's.
  if (authorization !== undefined && !(await claimHash(client, authorization))) return 'hash_reused';
  if (oldRate === undefined) return 'not_found';
  await client.query('UPDATE currencies SET rate = $2 WHERE code = $1', [code, text]);
  await insertRateChange(client, code, oldRate, text, by);
  await writeAudit(client, by, rateUpdated(code, oldRate, rate));
  return 'updated';
}

export async function rateHistory(db: Queryable, code: string): Promise<RateChange[]> {
  const result = await db.query<RateChangeRow>(`SELECT ${RATE_CHANGE_COLUMNS} FROM rate_changes WHERE currency = $1 ORDER BY id`, [code]);
  return result.rows.map(toRateChange);
}
