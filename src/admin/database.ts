/** Initialising a database: what `tally init` and `tally serve --init` (and every server start) run. */
import type { Actor } from '../domain/actor.js';
import { SETTING_DEFINITIONS, SETTING_NAMES } from '../domain/settings.js';
import { newSecretKey, newUniquehash } from '../domain/tokens.js';
import type { InitializeReport, Store } from '../store/store.js';
import { AdminError } from './admin-error.js';
import { operatingSystemActor } from './actors.js';
import { readCurrencyCode } from './raw-input.js';

export const DEFAULT_SYSTEM_CURRENCY = 'USD';

export interface InitializeInput {
  /** The system currency of a new database; must agree with an existing one, which never changes. */
  readonly currency?: string;
  /** Who initialises; the operating-system user of this process when absent. */
  readonly by?: Actor;
}

/**
 * Creates or completes the database: the system currency, every setting of spec section 7
 * (with fresh random keys) and the admin account, each only where it is missing.
 */
export async function initializeDatabase(store: Store, input: InitializeInput = {}): Promise<InitializeReport> {
  const currency = input.currency === undefined ? undefined : readCurrencyCode('currency', input.currency);
  const existing = await store.systemCurrency();
  if (existing !== undefined && currency !== undefined && currency !== existing) {
    throw new AdminError('conflict', {
      entity: 'currency',
      field: 'currency',
      value: currency,
      reason: 'system_currency_fixed',
      detail: `the system currency is ${existing} and cannot be changed to ${currency}`,
    });
  }
  const initialSettings = new Map<string, string>(
    SETTING_NAMES.map((name) => {
      const definition: { initial: string; generated?: boolean } = SETTING_DEFINITIONS[name];
      return [name, definition.generated ? newSecretKey() : definition.initial];
    }),
  );
  return store.initialize({
    systemCurrency: currency ?? DEFAULT_SYSTEM_CURRENCY,
    initialSettings,
    adminUniquehash: newUniquehash(),
    by: input.by ?? operatingSystemActor(),
  });
}
