/** Picks the backend for a database location. The one place that knows which backends exist. */
import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** False for init and serve, which create a missing database; true for every other command. */
  readonly mustExist: boolean;
  /** Connections per process, for PostgreSQL. */
  readonly poolSize?: number;
}

export const DEFAULT_PG_POOL_SIZE = 10;

/** True for a PostgreSQL URL; anything else is a SQLite file path. */
export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

export async function openStore(location: string, options: OpenStoreOptions): Promise<Store> {
  if (isPostgresLocation(location)) {
    return openPostgresStore(location, { mustExist: options.mustExist, poolSize: options.poolSize ?? DEFAULT_PG_POOL_SIZE });
  }
  return openSqliteStore(location, options);
}
