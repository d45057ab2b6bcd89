/** The read-mostly configuration every API request consults: settings and currencies. */
import type { CurrencyBook } from './balance.js';
import type { Currency } from './currency.js';
import { readSettings, type Settings } from './settings.js';

export interface ApiConfig {
  readonly settings: Settings;
  readonly currencies: CurrencyBook;
  /** The store's config version these values were read at. */
  readonly version: number;
}

export function buildApiConfig(
  storedSettings: ReadonlyMap<string, string>,
  currencies: readonly Currency[],
  version: number,
): ApiConfig {
  const byCode = new Map(currencies.map((currency) => [currency.code, currency]));
  const system = currencies.find((currency) => currency.isSystem);
  if (system === undefined) throw new Error('the database has no system currency: it needs initialising');
  return Object.freeze({ settings: readSettings(storedSettings), currencies: { system, byCode }, version });
}
