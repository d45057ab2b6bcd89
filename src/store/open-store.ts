/** Picks the backend for a database location. The one place that knows which backends exist. */
import { resolve } from 'node:path';
import { TallyError } from '../domain/errors.js';
import { isPostgresLocation, locationProblem } from './location.js';
import { parsePgLocation } from './postgres/pg-location.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** False for init and serve, which create a missing database, and copy's target; true for every other command. */
  readonly mustExist: boolean;
  /**
   * With mustExist false, also create the SQLite file's missing directories: init and serve
   * do, a copy's target does not (a mistyped directory is refused, not made).
   */
  readonly createDirectories?: boolean;
  /** Connections per process, for PostgreSQL (the config's TALLY_PG_POOL). */
  readonly poolSize: number;
}

export { isPostgresLocation };

export async function openStore(location: string, options: OpenStoreOptions): Promise<Store> {
  const problem = locationProblem(location, 'a database location');
  if (problem !== undefined) throw new TallyError('invalid_value', problem);
  // Each backend is loaded when a location names it: a command on SQLite never loads the
  // PostgreSQL driver, and a command that opens no database loads neither.
  if (isPostgresLocation(location)) {
    const { openPostgresStore } = await import('./postgres/postgres-store.js');
    return openPostgresStore(location, options);
  }
  const { openSqliteStore } = await import('./sqlite/sqlite-store.js');
  return openSqliteStore(location, options);
}

/** A location as an operator should read it: an absolute file path, or the URL without its password. */
export function describeLocation(location: string): string {
  return isPostgresLocation(location) ? parsePgLocation(location).display : resolve(location);
}

/** A location to type again in a command: an absolute file path, or the URL as given with any password masked. */
export function retypeLocation(location: string): string {
  return isPostgresLocation(location) ? parsePgLocation(location).retype : resolve(location);
}
