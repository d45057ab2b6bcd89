/**
 * What kind of database a location names, decided from its text alone (no driver loaded), so
 * config.ts can refuse a bad one at start and open-store.ts can pick the backend.
 */

/** True for a PostgreSQL URL; see locationProblem for what else is not a SQLite file path. */
export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * Why `location` names no database Tally can open, or undefined when it can. A URL of another
 * scheme (`mysql://`, `file:///`, `postgres:/` with one slash) would otherwise be taken as a
 * relative SQLite path and a new, empty database created at `./mysql:/...`. SQLite's own
 * `file:` URIs are refused too: better-sqlite3 takes them as plain names, so
 * `file:tally.db?mode=ro` would create a file of that name. A SQLite file whose name holds a
 * colon can still be named by its path: `./a:b.db`.
 */
export function locationProblem(location: string, source: string): string | undefined {
  if (isPostgresLocation(location)) return undefined;
  const scheme = /^([a-z][a-z0-9+.-]+:)(\/*)/i.exec(location);
  if (scheme === null || (scheme[2] === '' && scheme[1]!.toLowerCase() !== 'file:')) return undefined;
  return `${source} takes a SQLite file path or a postgres:// or postgresql:// URL, not a ${scheme[1]}${scheme[2]} location`;
}
