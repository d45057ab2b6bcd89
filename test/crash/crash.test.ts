/**
 * Crash safety of user_balance_update on the suite's backend: a stream of updates from several
 * concurrent clients while the real `tally serve` process is killed with SIGKILL at random
 * moments and restarted on the same database. Afterwards, read straight from the database:
 * every acknowledged update is in the ledger exactly once, nothing refused left an entry, an
 * update whose answer was lost is either wholly there or wholly absent (and a retry with the
 * same transaction_id settles it exactly once), every balance is its opening balance plus its
 * entries, and `tally verify` is clean.
 *
 * The moments, users and amounts come from a seeded PRNG: a failure prints its seed, and
 * TALLY_CRASH_SEED=N replays the same plan (the interleaving of the clients still varies).
 * TALLY_CRASH_KILLS=N changes the number of kills (default 7); TALLY_CRASH_KEEP=1 keeps the
 * database and a JSON record of every request for a post-mortem.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { BACKEND, execSql, isPostgresUrl, tempDir, type TempDir } from '../support/fixtures.js';
import { Operator } from '../support/seed.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { errorXml, updatedXml } from '../support/spec-oracle.js';

const USERS = 20;
const CLIENT_LOOPS = 8;
const KILLS = Number(process.env.TALLY_CRASH_KILLS ?? 7);
const SEED = process.env.TALLY_CRASH_SEED === undefined ? Math.floor(Math.random() * 2 ** 32) : Number(process.env.TALLY_CRASH_SEED);
/**
 * A server is killed at a random moment 150 to 600 ms after it started listening, but not before
 * it acknowledged this many updates: however slow the machine, every life does real work.
 */
const MIN_ACKS_PER_LIFE = 30;
/** At least this many acknowledged updates, or the run proves nothing. */
const MIN_ACKNOWLEDGED = Math.max(KILLS, 1) * MIN_ACKS_PER_LIFE;
/** How long after the last restart the stream goes on before it stops. */
const FINAL_STREAM_MS = 400;
/** Generous: the machine is shared. A request with no answer in this time counts as unknown. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Acknowledged updates replayed after the storm, to check a replay answers the same bytes. */
const REPLAY_SAMPLE = 200;
const UPDATE_PATH = '/billing/api/user_balance_update';
const NO_SUCH_USER_ID = 999_999;

const SEED_NOTE = `seed ${SEED} on ${BACKEND} (replay with TALLY_CRASH_SEED=${SEED})`;
const MICROS_PER_UNIT = 1_000_000n;

// ---------------------------------------------------------------------------------------------
// Randomness and exact money (bigint millionths; money never goes through a JS number)

/** mulberry32: small, seedable, good enough to pick users, amounts and moments. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [low, high]. */
function between(random: () => number, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}

/** `magnitude` × 10^-scale as exact decimal text, e.g. (40, 2, true) → "-0.40". */
function scaledText(magnitude: bigint, scale: number, negative: boolean): string {
  const digits = magnitude.toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}

interface Amount {
  readonly text: string;
  readonly micros: bigint;
}

/** A non-zero signed amount with 0, 1, 2 or 6 fractional digits, small enough never to leave the money range. */
function randomAmount(random: () => number): Amount {
  const [scale, max] = ([[0, 50], [1, 999], [2, 9_999], [2, 9_999], [6, 99_999_999]] as const)[between(random, 0, 4)]!;
  const magnitude = BigInt(between(random, 1, max));
  const negative = random() < 0.45;
  const micros = magnitude * 10n ** BigInt(6 - scale);
  return { text: scaledText(magnitude, scale, negative), micros: negative ? -micros : micros };
}

/** Exact decimal text ("-12.5", "3", "0.000001", "1.250000") to millionths. */
function parseMicros(text: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(text);
  if (match === null) throw new Error(`not an amount with at most 6 fractional digits: ${JSON.stringify(text)}`);
  const magnitude = BigInt(match[2]!) * MICROS_PER_UNIT + BigInt((match[3] ?? '').padEnd(6, '0'));
  return match[1] === '-' ? -magnitude : magnitude;
}

/** Millionths as the spec prints a balance: exact, at least one fractional digit ("210.0", "-0.000001"). */
function formatMicros(micros: bigint): string {
  const magnitude = micros < 0n ? -micros : micros;
  const fraction = (magnitude % MICROS_PER_UNIT).toString().padStart(6, '0').replace(/0+$/, '');
  return `${micros < 0n ? '-' : ''}${magnitude / MICROS_PER_UNIT}.${fraction === '' ? '0' : fraction}`;
}

// ---------------------------------------------------------------------------------------------
// What the clients sent and what they heard

/** `update`: a valid change; the others are refusals by design, each with a fresh transaction_id. */
type Kind = 'update' | 'no_such_user' | 'bad_amount';

type Outcome =
  | { readonly kind: 'pending' }
  /** HTTP 200 with the "User balance updated" document. */
  | { readonly kind: 'acknowledged'; readonly body: string; readonly balance: bigint }
  /** HTTP 200 with one of the documented error documents. */
  | { readonly kind: 'refused'; readonly body: string }
  /** Sent (or possibly sent) but no answer: the connection died with the server, or an odd status. */
  | { readonly kind: 'unknown'; readonly reason: string }
  /** The connection was refused: the request never reached a server. */
  | { readonly kind: 'unsent'; readonly reason: string };

interface Sent {
  readonly key: string;
  readonly kind: Kind;
  readonly userId: number;
  readonly amount: Amount;
  readonly params: Record<string, string>;
  outcome: Outcome;
}

/** A request reusing an acknowledged transaction_id: the same change (a replay) or another one. */
interface Reuse {
  readonly original: Sent;
  readonly sameChange: boolean;
  readonly params: Record<string, string>;
  outcome: Outcome;
}

interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

type Attempt = { readonly ok: true; readonly answer: HttpAnswer } | { readonly ok: false; readonly refused: boolean; readonly reason: string };

/** One form POST over the node's keep-alive agent; a transport failure is reported, not thrown. */
function postForm(node: Node, params: Record<string, string>): Promise<Attempt> {
  const body = new URLSearchParams(params).toString();
  return new Promise((resolve) => {
    const req = request(
      node.url + UPDATE_PATH,
      {
        method: 'POST',
        agent: node.agent,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ ok: true, answer: { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') } }));
        res.on('error', (error) => resolve({ ok: false, refused: false, reason: `response: ${error.message}` }));
        res.on('aborted', () => resolve({ ok: false, refused: false, reason: 'response aborted' }));
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      // ECONNREFUSED comes before a single byte is sent; anything else may follow a sent request.
      resolve({ ok: false, refused: error.code === 'ECONNREFUSED', reason: `${error.code ?? ''} ${error.message}`.trim() });
    });
    req.end(body);
  });
}

const UPDATED = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<page>\n {2}<page>\n {4}<status>User balance updated<\/status>\n[\s\S]*<balance>(-?\d+\.\d+)<\/balance>/;
const NOT_FOUND = errorXml('page', 'User was not found');
const NOT_UPDATED = errorXml('page', 'User balance not updated');
const DUPLICATE = errorXml('page', 'Duplicate transaction_id');
const DOCUMENTED_ERRORS = new Set([NOT_FOUND, NOT_UPDATED, DUPLICATE]);

function classify(attempt: Attempt): Outcome {
  if (!attempt.ok) return attempt.refused ? { kind: 'unsent', reason: attempt.reason } : { kind: 'unknown', reason: attempt.reason };
  const { status, body } = attempt.answer;
  if (status === 200) {
    const match = UPDATED.exec(body);
    if (match !== null) return { kind: 'acknowledged', body, balance: parseMicros(match[1]!) };
    if (DOCUMENTED_ERRORS.has(body)) return { kind: 'refused', body };
  }
  // Neither a success nor a documented refusal (an internal error, say): nothing promised either way.
  return { kind: 'unknown', reason: `HTTP ${status}: ${body.slice(0, 200)}` };
}

// ---------------------------------------------------------------------------------------------
// The servers

interface Node {
  readonly serve: ServeProcess;
  readonly url: string;
  readonly agent: Agent;
}

async function startNode(db: string): Promise<Node> {
  const serve = await startServeProcess(db);
  return { serve, url: serve.url, agent: new Agent({ keepAlive: true, maxSockets: CLIENT_LOOPS }) };
}

/** SIGKILL: no signal handler runs, nothing is flushed, requests in flight are cut off. */
async function killHard(node: Node): Promise<void> {
  const { child } = node.serve;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
  node.agent.destroy();
}

// ---------------------------------------------------------------------------------------------
// Reading the database directly, bypassing Tally

interface EntryRow {
  readonly id: number;
  readonly userId: number;
  readonly amount: bigint;
  readonly balanceAfter: bigint;
  readonly source: string;
  readonly key: string | null;
}

/** Every ledger entry in id order, money as millionths (SQLite INTEGER millionths, PostgreSQL NUMERIC). */
async function readLedger(db: string): Promise<EntryRow[]> {
  const sql = isPostgresUrl(db)
    ? 'SELECT id::text AS id, user_id::text AS user_id, amount::text AS amount, balance_after::text AS balance_after, source, idempotency_key FROM ledger_entries ORDER BY ledger_entries.id'
    : 'SELECT CAST(id AS TEXT) AS id, CAST(user_id AS TEXT) AS user_id, CAST(amount AS TEXT) AS amount, CAST(balance_after AS TEXT) AS balance_after, source, idempotency_key FROM ledger_entries ORDER BY ledger_entries.id';
  const money = isPostgresUrl(db) ? parseMicros : (text: string) => BigInt(text);
  const rows = (await execSql(db, sql)) as { id: string; user_id: string; amount: string; balance_after: string; source: string; idempotency_key: string | null }[];
  return rows.map((row) => ({
    id: Number(row.id),
    userId: Number(row.user_id),
    amount: money(row.amount),
    balanceAfter: money(row.balance_after),
    source: row.source,
    key: row.idempotency_key,
  })).sort((a, b) => a.id - b.id); // numeric order, whatever the text columns sort as
}

/** Every user's stored balance, in millionths. */
async function readBalances(db: string): Promise<Map<number, bigint>> {
  const sql = isPostgresUrl(db)
    ? 'SELECT id::text AS id, balance::text AS balance FROM users'
    : 'SELECT CAST(id AS TEXT) AS id, CAST(balance AS TEXT) AS balance FROM users';
  const money = isPostgresUrl(db) ? parseMicros : (text: string) => BigInt(text);
  const rows = (await execSql(db, sql)) as { id: string; balance: string }[];
  return new Map(rows.map((row) => [Number(row.id), money(row.balance)]));
}

/** The API's entries by transaction_id. */
function apiEntriesByKey(ledger: readonly EntryRow[]): Map<string, EntryRow[]> {
  const byKey = new Map<string, EntryRow[]>();
  for (const entry of ledger) {
    if (entry.source !== 'api' || entry.key === null) continue;
    byKey.set(entry.key, [...(byKey.get(entry.key) ?? []), entry]);
  }
  return byKey;
}

// ---------------------------------------------------------------------------------------------

describe(`crash safety of user_balance_update on ${BACKEND}: SIGKILL under load`, { timeout: 240_000 }, () => {
  let temp: TempDir | undefined;
  let db = '';
  let secret: string;
  /** User id → username and opening balance. */
  const users = new Map<number, { username: string; opening: bigint }>();
  const sent: Sent[] = [];
  const acknowledgedUpdates: Sent[] = [];
  const reuses: Reuse[] = [];
  /** Requests a client had outstanding when each kill came. */
  const inFlightAtKill: number[] = [];
  /** Every process started: all are killed in after(), whatever happened. */
  const nodes: Node[] = [];
  /** Whether the storm ran to its end: the checks after it mean nothing otherwise. */
  let stormDone = false;
  const afterStorm = (t: TestContext): boolean => {
    if (!stormDone) t.skip('the storm did not run to its end');
    return stormDone;
  };
  /** The ledger as the crash left it, before any retry. */
  let crashedLedger: EntryRow[] = [];

  const sign = (userId: string, balance: string, transactionId: string) =>
    createHash('sha1').update(userId + balance + transactionId + secret, 'utf8').digest('hex');
  const paramsOf = (userId: number, amount: string, key: string) => ({
    u: 'admin',
    user_id: String(userId),
    balance: amount,
    transaction_id: key,
    hash: sign(String(userId), amount, key),
  });
  const usernameOf = (id: number) => users.get(id)?.username ?? `(no user ${id})`;
  const note = (what: string) => `${what} [${SEED_NOTE}]`;

  before(async () => {
    temp = await tempDir();
    db = temp.db;
    const operator = await Operator.seed(db);
    try {
      secret = await operator.setting('api_secret_key');
      assert.match(secret, /^[0-9a-f]{40}$/);
      const random = prng(SEED ^ 0x5eed);
      for (let i = 0; i < USERS; i++) {
        const username = `crash${i + 1}`;
        const opening = randomAmount(random);
        const shown = await operator.addUser(username, { balance: opening.text });
        const id = Number(shown.id);
        assert.ok(Number.isInteger(id) && id > 0, shown.id);
        assert.equal(shown.balance, formatMicros(opening.micros));
        users.set(id, { username, opening: opening.micros });
      }
    } finally {
      await operator.close();
    }
    assert.equal(users.size, USERS);
  });

  after(async () => {
    await Promise.all(nodes.map(killHard));
    if (temp === undefined) return;
    if (process.env.TALLY_CRASH_KEEP) {
      // For a post-mortem: the requests and what was heard, next to the database (left in place).
      await writeFile(join(temp.dir, 'sent.json'), JSON.stringify({ sent, reuses }, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 1));
      console.log(`kept ${temp.db} and ${join(temp.dir, 'sent.json')}`);
      return;
    }
    await temp.remove();
  });

  it(`keeps answering a stream of updates through ${KILLS} SIGKILLs and restarts`, async (t) => {
    t.diagnostic(SEED_NOTE);
    const userIds = [...users.keys()];
    let current: Node | undefined = await startNode(db);
    nodes.push(current);
    const waitingForServer: (() => void)[] = [];
    const serverUp = async (): Promise<Node> => {
      while (current === undefined) await new Promise<void>((resolve) => waitingForServer.push(resolve));
      return current;
    };
    let stopping = false;
    let inFlight = 0;

    const clientLoop = async (loop: number): Promise<void> => {
      const random = prng(SEED + 1 + loop);
      for (let seq = 0; !stopping; seq++) {
        const node = await serverUp();
        const roll = random();
        let record: Sent | Reuse;
        if (roll < 0.05 && acknowledgedUpdates.length > 0) {
          // Reuse an acknowledged transaction_id: the same change (a replay), or the opposite amount.
          const original = acknowledgedUpdates[between(random, 0, acknowledgedUpdates.length - 1)]!;
          const sameChange = random() < 0.5;
          const text = original.amount.text;
          const amount = sameChange ? text : text.startsWith('-') ? text.slice(1) : `-${text}`;
          record = { original, sameChange, params: paramsOf(original.userId, amount, original.key), outcome: { kind: 'pending' } };
          reuses.push(record);
        } else {
          const kind: Kind = roll < 0.07 ? 'no_such_user' : roll < 0.09 ? 'bad_amount' : 'update';
          const key = `crash-${SEED}-${loop}-${seq}`;
          const userId = kind === 'no_such_user' ? NO_SUCH_USER_ID : userIds[between(random, 0, userIds.length - 1)]!;
          // Seven fractional digits: not storable, so refused.
          const amount: Amount = kind === 'bad_amount' ? { text: `0.${'0'.repeat(6)}${between(random, 1, 9)}`, micros: 0n } : randomAmount(random);
          record = { key, kind, userId, amount, params: paramsOf(userId, amount.text, key), outcome: { kind: 'pending' } };
          sent.push(record);
        }
        inFlight++;
        const attempt = await postForm(node, record.params);
        inFlight--;
        record.outcome = classify(attempt);
        if ('kind' in record && record.kind === 'update' && record.outcome.kind === 'acknowledged') acknowledgedUpdates.push(record);
        // A refused connection: the server died between our look at it and the connect.
        if (record.outcome.kind === 'unsent' && current === node) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };

    const killer = async (): Promise<void> => {
      try {
        await killAndRestart();
      } finally {
        stopping = true; // also when a restart fails: the clients must not go on for ever
      }
    };
    const killAndRestart = async (): Promise<void> => {
      const random = prng(SEED ^ 0xdead);
      for (let kill = 0; kill < KILLS; kill++) {
        const ackedBefore = acknowledgedUpdates.length;
        await new Promise((resolve) => setTimeout(resolve, between(random, 150, 600)));
        for (const waitUntil = Date.now() + 60_000; acknowledgedUpdates.length - ackedBefore < MIN_ACKS_PER_LIFE; ) {
          if (Date.now() > waitUntil) throw new Error(note(`server ${kill + 1} acknowledged only ${acknowledgedUpdates.length - ackedBefore} updates in 60 s`));
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        const victim: Node = current!;
        current = undefined; // clients finishing a request now wait for the next server
        inFlightAtKill.push(inFlight);
        await killHard(victim);
        current = await startNode(db);
        nodes.push(current);
        for (const wake of waitingForServer.splice(0)) wake();
      }
      await new Promise((resolve) => setTimeout(resolve, FINAL_STREAM_MS));
    };

    const started = Date.now();
    await Promise.all([killer(), ...Array.from({ length: CLIENT_LOOPS }, (_, loop) => clientLoop(loop))]);
    // The last server dies the same way, with nothing in flight: the checks read a crashed database.
    if (current !== undefined) await killHard(current);
    current = undefined;

    const count = (kind: Outcome['kind']) => sent.filter((s) => s.outcome.kind === kind).length;
    const updates = sent.filter((s) => s.kind === 'update');
    t.diagnostic(
      `${((Date.now() - started) / 1000).toFixed(1)} s, ${KILLS} kills with ${inFlightAtKill.join('/')} requests in flight; ` +
        `${sent.length} transaction ids (${updates.length} updates): ${count('acknowledged')} acknowledged, ${count('refused')} refused, ` +
        `${count('unknown')} unknown, ${count('unsent')} unsent; ${reuses.length} reused ids`,
    );
    const reasons = new Map<string, number>();
    for (const { outcome } of [...sent, ...reuses]) {
      if (outcome.kind === 'unknown' || outcome.kind === 'unsent') reasons.set(outcome.reason, (reasons.get(outcome.reason) ?? 0) + 1);
    }
    t.diagnostic(`why answers were missing: ${JSON.stringify(Object.fromEntries(reasons))}`);

    assert.equal(sent.filter((s) => s.outcome.kind === 'pending').length + reuses.filter((r) => r.outcome.kind === 'pending').length, 0);
    assert.equal(inFlightAtKill.length, KILLS);
    // Not vacuous: enough updates got through, and kills really cut requests off mid-flight.
    assert.ok(updates.filter((s) => s.outcome.kind === 'acknowledged').length >= MIN_ACKNOWLEDGED, note('too few acknowledged updates'));
    assert.ok(inFlightAtKill.some((n) => n > 0), note('no kill came while requests were in flight'));
    assert.ok(count('unknown') > 0, note('no request was cut off by a kill'));
    stormDone = true;
  });

  it('answered every request as its kind demands', (t) => {
    if (!afterStorm(t)) return;
    for (const s of sent) {
      const what = note(`${s.kind} ${s.key} (user ${s.userId}, ${s.amount.text})`);
      if (s.outcome.kind === 'acknowledged') {
        assert.equal(s.kind, 'update', what);
        assert.equal(s.outcome.body, updatedXml(usernameOf(s.userId), String(s.userId), formatMicros(s.outcome.balance)), what);
      }
      if (s.outcome.kind === 'refused') assert.equal(s.outcome.body, s.kind === 'no_such_user' ? NOT_FOUND : NOT_UPDATED, what);
    }
    for (const r of reuses) {
      const what = note(`reuse of ${r.original.key} (${r.sameChange ? 'same change' : 'another amount'})`);
      if (r.outcome.kind === 'acknowledged') {
        assert.ok(r.sameChange, what);
        assert.equal(r.outcome.body, (r.original.outcome as { body: string }).body, `${what}: a replay answers the first document`);
      }
      if (r.outcome.kind === 'refused') {
        assert.ok(!r.sameChange, what);
        assert.equal(r.outcome.body, DUPLICATE, what);
      }
    }
  });

  it('has every acknowledged update in the ledger exactly once, with its user, amount and answered balance', async (t) => {
    if (!afterStorm(t)) return;
    crashedLedger = await readLedger(db);
    const byKey = apiEntriesByKey(crashedLedger);
    let checked = 0;
    for (const s of sent) {
      if (s.outcome.kind !== 'acknowledged') continue;
      const entries = byKey.get(s.key) ?? [];
      const what = note(`acknowledged ${s.key}`);
      assert.equal(entries.length, 1, what);
      assert.equal(entries[0]!.userId, s.userId, what);
      assert.equal(entries[0]!.amount, s.amount.micros, what);
      assert.equal(entries[0]!.balanceAfter, s.outcome.balance, what);
      checked++;
    }
    assert.ok(checked >= MIN_ACKNOWLEDGED);
  });

  it('has no entry for a refused request, and none from nowhere', (t) => {
    if (!afterStorm(t)) return;
    const byKey = apiEntriesByKey(crashedLedger);
    for (const s of sent) {
      if (s.outcome.kind === 'refused' || s.outcome.kind === 'unsent' || s.kind !== 'update') {
        assert.equal(byKey.get(s.key)?.length ?? 0, 0, note(`${s.outcome.kind} ${s.kind} ${s.key}`));
      }
    }
    const keys = new Set(sent.map((s) => s.key));
    const strays = crashedLedger.filter((e) => e.source !== 'cli' && (e.source !== 'api' || e.key === null || !keys.has(e.key)));
    assert.deepEqual(strays, [], note('entries no request explains'));
  });

  it('settles every unanswered update exactly once when it is retried with its transaction_id', async (t) => {
    if (!afterStorm(t)) return;
    const crashedByKey = apiEntriesByKey(crashedLedger);
    const unanswered = sent.filter((s) => s.outcome.kind === 'unknown' || s.outcome.kind === 'unsent');
    let alreadyApplied = 0;
    for (const s of unanswered) {
      const entries = crashedByKey.get(s.key) ?? [];
      assert.ok(entries.length <= 1, note(`unanswered ${s.key} has ${entries.length} entries`));
      if (entries.length === 1) {
        assert.equal(entries[0]!.userId, s.userId, note(s.key));
        assert.equal(entries[0]!.amount, s.amount.micros, note(s.key));
        alreadyApplied++;
      }
    }
    t.diagnostic(`${unanswered.length} unanswered requests, ${alreadyApplied} of them committed before the kill`);

    const node = await startNode(db);
    nodes.push(node);
    let stopCode: number | null = null;
    try {
      for (const s of unanswered) {
        const what = note(`retry of ${s.kind} ${s.key} (user ${s.userId}, ${s.amount.text})`);
        const first = await postForm(node, s.params);
        const second = await postForm(node, s.params);
        assert.ok(first.ok && second.ok, `${what}: ${JSON.stringify([first, second])}`);
        assert.equal(first.answer.status, 200, what);
        assert.equal(second.answer.body, first.answer.body, `${what}: a replay answers the same bytes`);
        if (s.kind === 'no_such_user') assert.equal(first.answer.body, NOT_FOUND, what);
        if (s.kind === 'bad_amount') assert.equal(first.answer.body, NOT_UPDATED, what);
        if (s.kind !== 'update') continue;
        const outcome = classify(first);
        assert.equal(outcome.kind, 'acknowledged', `${what}: ${first.answer.body}`);
        if (outcome.kind !== 'acknowledged') continue;
        assert.equal(outcome.body, updatedXml(usernameOf(s.userId), String(s.userId), formatMicros(outcome.balance)), what);
        const committed = crashedByKey.get(s.key)?.[0];
        if (committed !== undefined) assert.equal(outcome.balance, committed.balanceAfter, `${what}: the entry from before the kill answers`);
      }
      // Acknowledged before a crash, replayed after it: the very same document.
      const random = prng(SEED ^ 0xbeef);
      const acknowledged = sent.filter((s) => s.outcome.kind === 'acknowledged');
      for (let i = 0; i < Math.min(REPLAY_SAMPLE, acknowledged.length); i++) {
        const s = acknowledged[between(random, 0, acknowledged.length - 1)]!;
        const replay = await postForm(node, s.params);
        assert.ok(replay.ok, note(`replay of ${s.key}: ${JSON.stringify(replay)}`));
        assert.equal(replay.answer.body, (s.outcome as { body: string }).body, note(`replay of ${s.key}`));
      }
    } finally {
      node.agent.destroy();
      stopCode = await node.serve.stop();
    }
    assert.equal(stopCode, 0, 'the server stops cleanly on SIGTERM');

    const byKey = apiEntriesByKey(await readLedger(db));
    for (const s of sent) {
      assert.equal(byKey.get(s.key)?.length ?? 0, s.kind === 'update' ? 1 : 0, note(`${s.kind} ${s.key} (${s.outcome.kind}) after the retries`));
    }
  });

  it('keeps every balance equal to its opening balance plus its entries, and tally verify is clean', async (t) => {
    if (!afterStorm(t)) return;
    const ledger = await readLedger(db);
    const balances = await readBalances(db);
    // What the clients know independently of the database: every update applied exactly once.
    const expected = new Map([...users].map(([id, { opening }]) => [id, opening]));
    for (const s of sent) if (s.kind === 'update') expected.set(s.userId, expected.get(s.userId)! + s.amount.micros);

    for (const [id, { username, opening }] of users) {
      const entries = ledger.filter((e) => e.userId === id);
      const what = note(`${username} (id ${id})`);
      // The opening entry that `tally user add` writes, then the API's, each balance_after continuing the chain.
      assert.equal(entries[0]?.source, 'cli', what);
      assert.equal(entries[0]?.amount, opening, what);
      assert.deepEqual(entries.slice(1).map((e) => e.source).filter((source) => source !== 'api'), [], what);
      let running = 0n;
      for (const entry of entries) {
        running += entry.amount;
        assert.equal(entry.balanceAfter, running, `${what}: entry ${entry.id} continues the chain`);
      }
      assert.equal(balances.get(id), running, `${what}: stored balance = opening + entries`);
      assert.equal(balances.get(id), expected.get(id), `${what}: stored balance = opening + every update sent`);
    }

    const operator = await Operator.open(db);
    try {
      assert.deepEqual(await operator.assertVerified(), { users: USERS + 1, entries: ledger.length }, note('verify'));
    } finally {
      await operator.close();
    }
  });
});
