/**
 * The ceiling server of `npm run bench`: the least work `user_balance_get` needs on Tally's own
 * stack, so Tally's figures can be read against what its stack allows, not only against bare
 * node:http (bench/reference-server.ts). Per request: read the body, parse the form, SHA1 of
 * the hash string compared with the one sent, one indexed look-up by username on the same
 * database through a statement prepared once, and the XML answer with Tally's headers. No
 * limits, throttle, logging, metrics, request id or currency conversion: what it leaves out is
 * what Tally's extra work costs. Run in a process of its own by bench/serve.ts,
 *
 *   TALLY_BENCH_SECRET=KEY node dist/bench/ceiling-server.js PORT DATABASE
 *
 * DATABASE is Tally's SQLite file or its postgres:// URL (`?schema=` included). The look-up is
 * done the cheapest way each backend allows, as Tally does it: on SQLite the same covering
 * index, page cache and one read transaction per event-loop turn; on PostgreSQL the usernames
 * of one turn in one query.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import Database from 'better-sqlite3';
import pg from 'pg';

interface Found {
  readonly balance: string;
}
type Lookup = (usernameKey: string) => Promise<Found | undefined> | Found | undefined;

const [portText, location] = process.argv.slice(2);
const port = Number(portText);
const secret = process.env.TALLY_BENCH_SECRET;
if (!Number.isInteger(port) || port < 1 || port > 65535 || location === undefined || secret === undefined) {
  throw new Error('usage: TALLY_BENCH_SECRET=KEY ceiling-server.js PORT DATABASE');
}

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<page>\n';
const INCORRECT_HASH = `${HEAD}  <error>Incorrect hash</error>\n</page>\n`;
const NOT_FOUND = `${HEAD}  <error>User was not found</error>\n</page>\n`;

const lookup: Lookup = /^postgres(ql)?:\/\//i.test(location) ? postgresLookup(location) : sqliteLookup(location);

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => void answer(res, Buffer.concat(chunks).toString('utf8')));
});
server.keepAliveTimeout = 5000;
server.listen(port, '127.0.0.1', () => console.log(`ceiling server listening on http://127.0.0.1:${port}`));
// An exit rather than death by the signal, so that `node --cpu-prof` writes its profile.
process.on('SIGTERM', () => process.exit(0));

async function answer(res: ServerResponse, body: string): Promise<void> {
  const form = new URLSearchParams(body);
  const username = form.get('username') ?? '';
  // user_balance_get's hash: username, then currency when given, then the key.
  const expected = createHash('sha1')
    .update(username + (form.get('currency') ?? '') + secret)
    .digest();
  const given = Buffer.from(form.get('hash') ?? '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return send(res, INCORRECT_HASH);
  const found = await lookup(username.toLowerCase());
  send(res, found === undefined ? NOT_FOUND : `${HEAD}  <balance>${found.balance}</balance>\n</page>\n`);
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
function sqliteLookup(path: string): Lookup {
  const db = new Database(path, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  // As Tally's serving connection (READ_CACHE_SIZE in src/store/sqlite/sqlite-store.ts).
  db.pragma('cache_size = -49152');
  const statement = db.prepare('SELECT balance FROM users INDEXED BY users_balance_lookup WHERE username_key = ?').safeIntegers(true);
  const begin = db.prepare('BEGIN');
  const commit = db.prepare('COMMIT');
  let open = false;
  const end = (): void => {
    open = false;
    commit.run();
  };
  return (key) => {
    if (!open) {
      begin.run();
      open = true;
      setImmediate(end);
    }
    const row = statement.get(key) as { balance: bigint } | undefined;
    return row === undefined ? undefined : { balance: centsText(row.balance) };
  };
}

/** Tally's PostgreSQL look-up: the usernames of one turn in one query, prepared once. */
function postgresLookup(url: string): Lookup {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  // The pool size Tally uses by default (TALLY_PG_POOL).
  const pool = new pg.Pool({ connectionString: parsed.toString(), max: 10, ...(schema !== null && { options: `-c search_path=${schema}` }) });
  let waiting = new Map<string, ((found: Found | undefined) => void)[]>();
  const flush = async (): Promise<void> => {
    const batch = waiting;
    waiting = new Map();
    const { rows } = await pool.query<{ key: string; balance: string }>({
      name: 'ceiling_balances',
      text: 'SELECT username_key AS key, balance::text FROM users WHERE username_key = ANY($1::text[])',
      values: [[...batch.keys()]],
    });
    const found = new Map(rows.map((row) => [row.key, { balance: centsText(millionths(row.balance)) }]));
    for (const [key, resolvers] of batch) for (const resolve of resolvers) resolve(found.get(key));
  };
  return (key) =>
    new Promise((resolve) => {
      if (waiting.size === 0) setImmediate(() => void flush());
      const resolvers = waiting.get(key);
      if (resolvers === undefined) waiting.set(key, [resolve]);
      else resolvers.push(resolve);
    });
}

/** PostgreSQL's numeric text as whole millionths. */
function millionths(text: string): bigint {
  const [whole = '0', fraction = ''] = text.split('.');
  const magnitude = BigInt(whole.replace('-', '')) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6));
  return text.startsWith('-') ? -magnitude : magnitude;
}

/** Millionths as Tally answers a balance: two decimals, rounded half away from zero. */
function centsText(value: bigint): string {
  const negative = value < 0n;
  const cents = ((negative ? -value : value) + 5_000n) / 10_000n;
  const text = `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
  return negative && cents !== 0n ? `-${text}` : text;
}
