/** Currencies and their exchange rates: adding and changing them, listing them, their rate history. */
import type { Actor } from '../domain/actor.js';
import type { Currency } from '../domain/currency.js';
import { currencyChangeProblem, type CurrencyChange } from '../domain/currency-change.js';
import type { RateChange } from '../domain/ledger.js';
import type { Store } from '../store/store.js';
import { AdminError, notFound, storeCall } from './admin-error.js';
import { readCurrencyCode, readCurrencyName, readRate, readSwitch } from './raw-input.js';

export interface CurrencyInput {
  readonly code: string;
  /** Units of this currency per unit of the system currency; required for a new currency. */
  readonly rate?: string;
  readonly name?: string;
  /** Listed as active (an inactive currency still converts). */
  readonly active?: string | boolean;
}

/** Adds a currency or changes one, recording a rate change. */
export async function saveCurrency(store: Store, input: CurrencyInput, by: Actor): Promise<Currency> {
  return (await putCurrency(store, input, by)).currency;
}

/** saveCurrency, saying whether the currency is new (a surface answers 201 then). */
export async function putCurrency(store: Store, input: CurrencyInput, by: Actor): Promise<{ currency: Currency; created: boolean }> {
  const code = readCurrencyCode('code', input.code);
  const change: CurrencyChange = {
    code,
    ...(input.rate !== undefined && { rate: readRate('rate', input.rate) }),
    ...(input.name !== undefined && { name: readCurrencyName('name', input.name) }),
    ...(input.active !== undefined && { active: readSwitch('active', input.active) }),
  };
  // The store applies the same rule inside its transaction; checked here first to say which.
  const existing = (await store.listCurrencies()).find((currency) => currency.code === code);
  const problem = currencyChangeProblem(existing, change);
  if (problem !== undefined) {
    throw new AdminError('invalid', {
      entity: 'currency',
      field: problem === 'system_inactive' ? 'active' : 'rate',
      value: code,
      reason: problem,
    });
  }
  const currency = await storeCall(() => store.saveCurrency(change, by), { entity: 'currency', value: code });
  return { currency, created: existing === undefined };
}

/** Every currency, the system currency among them. */
export async function listCurrencies(store: Store): Promise<readonly Currency[]> {
  return store.listCurrencies();
}

/** A currency's rate changes, oldest first. */
export async function currencyHistory(store: Store, codeText: string): Promise<{ currency: Currency; changes: readonly RateChange[] }> {
  const code = readCurrencyCode('code', codeText);
  const currency = (await store.listCurrencies()).find((candidate) => candidate.code === code);
  if (currency === undefined) throw notFound('currency', code, 'code');
  return { currency, changes: await store.rateHistory(code) };
}
