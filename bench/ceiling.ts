/**
 * The ceiling of `npm run bench`: the least work `user_balance_get` needs on Tally's own
 * stack, so Tally's figures can be read against what its stack allows, not only against bare
 * node:http (bench/reference-server.ts). Per request: read the body, parse the form, SHA1 of
 * the hash string compared with the one sent, one indexed look-up by username on the same
 * database through a statement prepared once, the conversion the request asks for (`currency`,
 * `user_currency`: spec section 4, with the rates and `number_digits` read once at start) and
 * the XML answer with Tally's headers. It gives the same answer as Tally for every request of
 * the bench (bench/serve.ts checks this, byte for byte, before it measures). No limits,
 * throttle, logging, metrics, request id, settings refresh or path routing: what it leaves out
 * is what Tally's extra work costs. bench/ceiling-server.ts serves it; bench/path-cost.ts calls
 * it in-process.
 *
 * The database is Tally's SQLite file or its postgres:// URL (`?schema=` included). The look-up is
 * done the cheapest way each backend allows, as Tally does it: on SQLite the same covering
 * index, page cache and one read transaction per event-loop turn; on PostgreSQL the usernames
 * of one turn in one query.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Database from 'better-sqlite3';
import pg from 'pg';
import { convert, requestedCurrency, type CurrencyBook } from '../src/domain/balance.js';
import type { Currency } from '../src/domain/currency.js';
import { parseRate } from '../src/domain/money.js';
import { usernameKey } from '../src/domain/usernames.js';

/** What the answer needs of a user: their currency and balance (millionths of the system currency). */
interface Found {
  readonly currency: string;
  readonly balance: bigint;
}
type Lookup = (usernameKey: string) => Promise<Found | undefined> | Found | undefined;
interface Backend {
  readonly lookup: Lookup;
  /** The currencies and `number_digits`, read once. */
  readonly book: Promise<{ readonly book: CurrencyBook; readonly digits: number }>;
}


const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<page>\n';
// Spec section 3: the hash is refused in a <status> document, an unknown user in a <page>.
const INCORRECT_HASH = '<?xml version="1.0" encoding="UTF-8"?>\n<status>\n  <error>Incorrect hash</error>\n</status>\n';
const NOT_FOUND = `${HEAD}  <error>User was not found</error>\n</page>\n`;

/**
 * The ceiling's request handler on `location` (a SQLite file or a postgres:// URL) with the API
 * key `secret`, for node:http's createServer (or any caller with the same req and res calls).
 */
export async function createCeilingHandler(location: string, secret: string): Promise<(req: IncomingMessage, res: ServerResponse) => void> {
  const backend: Backend = /^postgres(ql)?:\/\//i.test(location) ? postgresBackend(location) : sqliteBackend(location);
  const { lookup } = backend;
  const { book, digits } = await backend.book;
  const answer = (res: ServerResponse, body: string): Promise<void> => answerBalance(res, body, secret, lookup, book, digits);
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => void answer(res, Buffer.concat(chunks).toString('utf8')));
  };
}

async function answerBalance(res: ServerResponse, body: string, secret: string, lookup: Lookup, book: CurrencyBook, digits: number): Promise<void> {
  const form = new URLSearchParams(body);
  const username = form.get('username') ?? '';
  // user_balance_get's hash: username, then currency when given, then the key.
  const expected = createHash('sha1')
    .update(username + (form.get('currency') ?? '') + secret)
    .digest();
  const given = Buffer.from(form.get('hash') ?? '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return send(res, INCORRECT_HASH);
  const found = await lookup(usernameKey(username));
  if (found === undefined) return send(res, NOT_FOUND);
  const user = { id: 0, username, ...found };
  if (form.get('user_currency') === '1') {
    const own = book.byCode.get(found.currency) ?? book.system;
    return send(res, `${HEAD}  <balance>${convert(found.balance, own, digits)}</balance>\n  <currency>${own.code}</currency>\n</page>\n`);
  }
  const target = requestedCurrency(form.get('currency') ?? undefined, user, book);
  send(res, `${HEAD}  <balance>${convert(found.balance, target, digits)}</balance>\n</page>\n`);
}

function currencyBook(rows: readonly { code: string; rate: string; is_system: boolean | number }[]): CurrencyBook {
  const currencies: Currency[] = rows.map((row) => {
    const rate = parseRate(row.rate);
    if (!rate.ok) throw new Error(`the rate of ${row.code} does not parse: ${row.rate}`);
    return { code: row.code, name: row.code, rate: rate.value, active: true, isSystem: Boolean(row.is_system) };
  });
  const system = currencies.find((currency) => currency.isSystem);
  if (system === undefined) throw new Error('the database has no system currency');
  return { system, byCode: new Map(currencies.map((currency) => [currency.code, currency])) };
}

function send(res: ServerResponse, document: string): void {
  res.writeHead(200, [
    ['Content-Type', 'text/xml; charset=utf-8'],
    ['Content-Length', String(Buffer.byteLength(document))],
    ['Cache-Control', 'no-store'],
  ]);
  res.end(document);
}

/** Tally's SQLite look-up: the same statement on the same index, cache and snapshot per turn. */
function sqliteBackend(path: string): Backend {
  const db = new Database(path, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  // As Tally's serving connection (READ_CACHE_SIZE in src/store/sqlite/sqlite-store.ts).
  db.pragma('cache_size = -49152');
  // Closed users are no one to the API: the status is read from the same covering index.
  const statement = db
    .prepare<[string], Found>("SELECT currency, balance FROM users INDEXED BY users_balance_lookup WHERE username_key = ? AND status = 'active'")
    .safeIntegers(true);
  const rows = db.prepare<[], { code: string; rate: string; is_system: number }>('SELECT code, rate, is_system FROM currencies').all();
  const digitsText = db.prepare<[], { value: string }>("SELECT value FROM settings WHERE name = 'number_digits'").get()?.value ?? '2';
  const begin = db.prepare('BEGIN');
  const commit = db.prepare('COMMIT');
  let open = false;
  const end = (): void => {
    open = false;
    commit.run();
  };
  const lookup: Lookup = (key) => {
    if (!open) {
      begin.run();
      open = true;
      setImmediate(end);
    }
    return statement.get(key);
  };
  return { lookup, book: Promise.resolve({ book: currencyBook(rows), digits: Number(digitsText) }) };
}

/** Tally's PostgreSQL look-up: the usernames of one turn in one query, prepared once. */
function postgresBackend(url: string): Backend {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  // The pool size Tally uses by default (TALLY_PG_POOL).
  const pool = new pg.Pool({ connectionString: parsed.toString(), max: 10, ...(schema !== null && { options: `-c search_path=${schema}` }) });
  let waiting = new Map<string, ((found: Found | undefined) => void)[]>();
  const flush = async (): Promise<void> => {
    const batch = waiting;
    waiting = new Map();
    const { rows } = await pool.query<{ key: string; currency: string; balance: string }>({
      name: 'ceiling_balances',
      text: "SELECT username_key AS key, currency, balance::text FROM users WHERE username_key = ANY($1::text[]) AND status = 'active'",
      values: [[...batch.keys()]],
    });
    const found = new Map(rows.map((row) => [row.key, { currency: row.currency, balance: millionths(row.balance) }]));
    for (const [key, resolvers] of batch) for (const resolve of resolvers) resolve(found.get(key));
  };
  const lookup: Lookup = (key) =>
    new Promise((resolve) => {
      if (waiting.size === 0) setImmediate(() => void flush());
      const resolvers = waiting.get(key);
      if (resolvers === undefined) waiting.set(key, [resolve]);
      else resolvers.push(resolve);
    });
  const book = (async () => {
    const currencies = await pool.query<{ code: string; rate: string; is_system: boolean }>('SELECT code, rate::text AS rate, is_system FROM currencies');
    const setting = await pool.query<{ value: string }>("SELECT value FROM settings WHERE name = 'number_digits'");
    return { book: currencyBook(currencies.rows), digits: Number(setting.rows[0]?.value ?? '2') };
  })();
  return { lookup, book };
}

/** PostgreSQL's numeric text as whole millionths. */
function millionths(text: string): bigint {
  const [whole = '0', fraction = ''] = text.split('.');
  const magnitude = BigInt(whole.replace('-', '')) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6));
  return text.startsWith('-') ? -magnitude : magnitude;
}
