/** Reading a PostgreSQL location: kept apart from the driver, so that naming a database loads no driver. */
import { TallyError } from '../../domain/errors.js';

export interface PgLocation {
  /** The connection string as given, less the `schema` parameter. */
  readonly connectionString: string;
  /** Tables live in this schema when given (`?schema=NAME`), else in the user's search_path. */
  readonly schema: string | undefined;
  /** The location without its password, for messages. */
  readonly display: string;
  /** The location as given, any password masked: for a command the operator is told to run. */
  readonly retype: string;
}

const SCHEMA_SYNTAX = /^[a-z_][a-z0-9_]{0,62}$/;

export function parsePgLocation(location: string): PgLocation {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new TallyError('invalid_value', 'the PostgreSQL URL cannot be read: expected postgres://user@host:port/database');
  }
  const schema = url.searchParams.get('schema') ?? undefined;
  if (schema !== undefined && !SCHEMA_SYNTAX.test(schema)) {
    throw new TallyError('invalid_value', 'the schema parameter takes lower-case letters, digits and _');
  }
  // Shown in logs and in /readyz: no password, neither in the user part nor in the query
  // (node-postgres reads `?password=` too), so the query keeps only the schema.
  const display = new URL(url);
  if (display.password !== '') display.password = '***';
  display.search = schema === undefined ? '' : `?schema=${schema}`;
  // Unlike display, keeps every other parameter (sslmode, host=/socket/dir), or the command
  // would reach another server or connect differently.
  const retype = new URL(url);
  if (retype.password !== '') retype.password = '***';
  for (const name of [...retype.searchParams.keys()]) if (/password/i.test(name)) retype.searchParams.set(name, '***');
  url.searchParams.delete('schema');
  return {
    connectionString: url.toString(),
    schema,
    display: display.toString(),
    retype: retype.href === new URL(location).href ? location : retype.toString(),
  };
}
