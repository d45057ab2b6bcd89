/** Picks the backend for a database location. The one place that knows which backends exist. */
import { resolve } from 'node:path';
import { parsePgLocation } from './postgres/connection.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** False for init and serve, which create a missing database; true for every other command. */
  readonly mustExist: boolean;
  /** Connections per process, for PostgreSQL (the config's TALLY_PG_POOL). */
  readonly poolSize: number;
}

/** True for a PostgreSQL URL; anything else is a SQLite file path. */
export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

export async function openStore(location: string, options: OpenStoreOptions): Promise<Store> {
  if (isPostgresLocation(location)) {
    return openPostgresStore(location, options);
  }
  return openSqliteStore(location, options);
}

/** A location as an operator should read it: an absolute file path, or the URL without its password. */
export function describeLocation(location: string): string {
  return isPostgresLocation(location) ? parsePgLocation(location).display : resolve(location);
}
