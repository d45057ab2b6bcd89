/** Picks the backend for a database location. The one place that knows which backends exist. */
import { TallyError } from '../domain/errors.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** False for init and serve, which create a missing database; true for every other command. */
  readonly mustExist: boolean;
}

export async function openStore(location: string, options: OpenStoreOptions): Promise<Store> {
  if (/^postgres(ql)?:\/\//i.test(location)) {
    throw new TallyError('invalid_value', 'PostgreSQL is not supported yet: give a SQLite file path');
  }
  return openSqliteStore(location, options);
}
