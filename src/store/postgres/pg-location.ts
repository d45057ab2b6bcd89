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

/**
 * The query parameters Tally takes: its `schema`, and those node-postgres reads from a
 * connection string (less `binary`, whose rows Tally does not read). It ignores any other one,
 * so a mistyped `?shema=` would put Tally's tables in the wrong schema without a word: an
 * unknown parameter is refused instead. (`connect_timeout` and `keepalives` are libpq's and do
 * nothing here, so they are refused too.)
 */
const KNOWN_PARAMETERS: ReadonlySet<string> = new Set([
  'schema',
  'host', 'port', 'user', 'password', 'db', 'database', 'encoding', 'client_encoding', 'options', 'replication',
  'ssl', 'sslmode', 'sslcert', 'sslkey', 'sslrootcert', 'sslpassword', 'sslnegotiation', 'uselibpqcompat',
  'application_name', 'fallback_application_name',
  'statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout', 'query_timeout',
]);

export function parsePgLocation(location: string): PgLocation {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new TallyError('invalid_value', 'the PostgreSQL URL cannot be read: expected postgres://user@host:port/database');
  }
  for (const name of url.searchParams.keys()) {
    if (!KNOWN_PARAMETERS.has(name)) {
      throw new TallyError('invalid_value', `the PostgreSQL URL has an unknown parameter ${JSON.stringify(name)} (known ones include schema, sslmode and application_name)`);
    }
  }
  const schema = url.searchParams.get('schema') ?? undefined;
  // `options` would replace the `-c search_path` that the schema is set with.
  if (schema !== undefined && url.searchParams.has('options')) {
    throw new TallyError('invalid_value', 'the PostgreSQL URL cannot take both schema and options: give the schema alone');
  }
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
