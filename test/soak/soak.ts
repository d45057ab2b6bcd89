/**
 * Soak test of `tally serve`: a bounded run of mixed load with faults, on loopback only.
 *
 *   npm run soak [-- --minutes N] [--db postgres://user@127.0.0.1:5432/db] [--seed N] [--workers N] [--keep]
 *
 * Seeds a database through the real CLI (init, two currencies, 300 users with known balances,
 * trusted_proxies 127.0.0.1 so that clients are told apart by X-Forwarded-For), starts the real
 * server on 127.0.0.1 (TALLY_HEADERS_TIMEOUT=2, TALLY_REQUEST_TIMEOUT=4) and lets --workers
 * clients (16) send a weighted mix at once: balance reads in every encoding and currency,
 * balance updates with fresh transaction_ids, retries of earlier ones, refusals, exchange rate
 * updates, wrong hashes from three attacker addresses, malformed requests, clients that hang
 * up mid-body, slow clients that stall, and /healthz /readyz /metrics polls. Every 20 to 40 s
 * the server is killed with SIGKILL and started again on the same database, and once a run it
 * is stopped with SIGTERM instead; the clients ride through on the new port.
 *
 * Every answer is checked as it comes (see test/soak/traffic.ts and the kinds), and at the
 * end, with the server stopped, `tally verify` runs and the database is read directly and held
 * against what every client was told (test/soak/ledger-check.ts). The server's RSS is sampled
 * every 2 s. A progress line every 10 s; then a summary, and `soak: OK` (exit 0) or
 * `soak: N invariant violations` (exit 1). Exit 2: the run itself could not be carried out (a
 * bad flag, a failed setup, a server that would not start).
 *
 *   --minutes N   how long the load runs: default 2, at most 120 (fractions allowed)
 *   --db URL      PostgreSQL on this machine: a fresh schema `tally_soak_<random>`, dropped at
 *                 the end; without it, a SQLite file in a temporary directory, removed at the end
 *   --seed N      the seed of every random choice (printed; replays the same plan of requests
 *                 and faults, though not the same interleaving)
 *   --workers N   concurrent clients, 1 to 200 (default 16)
 *   --keep        keep the database and the server logs, and print where they are
 *
 * There is deliberately no --host: the server listens on 127.0.0.1 and nothing else, and a
 * --db that is not on this machine is refused.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { RATE_CHOICES } from './api-kinds.js';
import { dropSchema, isPostgres, readSnapshot, readUserTokens } from './database.js';
import { checkSnapshot, type LedgerFigures } from './ledger-check.js';
import { parseRate, randomOpening } from './money.js';
import { between, pick, seededRandom, streamSeed, type Random } from './random.js';
import { INVARIANTS, KINDS, newAttacker, Recorder, UpdateBook, type UpdateState } from './record.js';
import { Supervisor, type Lifetime } from './server.js';
import type { Population, SoakUser, Traffic } from './traffic.js';
import { newWorker, runWorker } from './workers.js';
import { TALLY_BIN as TALLY } from '../support/fixtures.js';

const USAGE = 'usage: npm run soak [-- --minutes N] [--db postgres://user@127.0.0.1:5432/db] [--seed N] [--workers N] [--keep]';
const MAX_MINUTES = 120;
const USERS = 300;
/** Every third user is never updated, so its balance reads can be checked to the cent. */
const READ_ONLY_EVERY = 3;
const FIRST_IMPORTED_ID = 1001;
const ATTACKERS = ['203.0.113.1', '203.0.113.2', '203.0.113.3'];
const HEADERS_TIMEOUT_S = 2;
const REQUEST_TIMEOUT_S = 4;
const GRACEFUL_STOP_LIMIT_MS = 15_000;
/** Tally gives requests in flight this long after SIGTERM, then closes every connection. */
const SHUTDOWN_GRACE_MS = 10_000;
const PROGRESS_EVERY_MS = 10_000;
const RSS_EVERY_MS = 2_000;
/** RSS samples from the first seconds of a lifetime are the heap warming up, not a leak. */
const RSS_WARM_UP_S = 10;
/** A lifetime whose RSS ends this much above its warmed-up value earns a warning. */
const RSS_GROWTH_WARNING = 1.5;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

interface Options {
  readonly minutes: number;
  readonly pgUrl: string | undefined;
  readonly seed: number;
  readonly workers: number;
  readonly keep: boolean;
}

interface Fault {
  /** How long after the previous server started listening (a SIGTERM stop may take seconds). */
  readonly afterMs: number;
  readonly signal: 'SIGKILL' | 'SIGTERM';
}

// ---------------------------------------------------------------------------------------------
// Cleanup: the server, the temporary directory and the schema go, on success, error or Ctrl-C

const made = { supervisor: undefined as Supervisor | undefined, dir: undefined as string | undefined, schemaLocation: undefined as string | undefined };
let keepData = false;
let cleaning: Promise<void> | undefined;

function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    await attempt('stopping the server', async () => made.supervisor?.killAll());
    if (keepData) {
      console.log(`kept: ${made.dir ?? ''}${made.schemaLocation === undefined ? '' : ` and ${withoutPassword(made.schemaLocation)}`}`);
      return;
    }
    const { dir, schemaLocation } = made;
    if (dir !== undefined) await attempt(`removing ${dir}`, () => rm(dir, { recursive: true, force: true }));
    if (schemaLocation !== undefined) await attempt('dropping the schema', () => dropSchema(schemaLocation));
  })();
  return cleaning;
}

async function attempt(what: string, step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch (error) {
    console.error(`cleanup: ${what} failed: ${messageOf(error)}`);
  }
}

for (const [signal, exitCode] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the server and removing the soak test's data`);
    void cleanUp().finally(() => process.exit(exitCode));
  });
}

// ---------------------------------------------------------------------------------------------
// Main

const options = parseOptionsOrExit();
keepData = options.keep;
const record = new Recorder((line) => console.log(line));
try {
  await soak(options);
} catch (error) {
  console.error(`\nsoak test failed to run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 2;
} finally {
  await cleanUp();
}

async function soak(run: Options): Promise<void> {
  const replay = `npm run soak -- --minutes ${run.minutes} --workers ${run.workers} --seed ${run.seed}${run.pgUrl === undefined ? '' : ` --db ${withoutPassword(run.pgUrl)}`}`;
  console.log(`soak: ${run.minutes} min, ${run.workers} workers, seed ${run.seed} (replay: ${replay})`);
  const dir = await mkdtemp(join(tmpdir(), 'tally-soak-'));
  made.dir = dir;
  const location = run.pgUrl === undefined ? join(dir, 'soak.db') : newSchemaLocation(run.pgUrl);
  console.log(`database: ${withoutPassword(location)}`);

  const setup = await seedDatabase(location, dir, seededRandom(streamSeed(run.seed, 0)));
  const supervisor = new Supervisor({
    location,
    dir,
    env: { TALLY_HEADERS_TIMEOUT: String(HEADERS_TIMEOUT_S), TALLY_REQUEST_TIMEOUT: String(REQUEST_TIMEOUT_S), TALLY_LOG_LEVEL: 'info' },
    onCrash: (life) => record.violation(INVARIANTS.noCrash, `server #${life.number} (pid ${life.pid}) exited with ${life.exit?.signal ?? `code ${life.exit?.code}`}; see ${life.logPath}`),
  });
  made.supervisor = supervisor;
  const first = await supervisor.start();
  console.log(`server #1 listening on 127.0.0.1:${first.port} (pid ${first.pid})`);

  const traffic = newTraffic(run, setup, supervisor);
  const durationMs = run.minutes * 60_000;
  const faults = planFaults(seededRandom(streamSeed(run.seed, 1_000_000)), durationMs);
  console.log(`faults planned: ${faults.map((fault) => `${fault.signal} ${(fault.afterMs / 1000).toFixed(0)} s`).join(', then ')} (each counted from the last start)\n`);
  await runLoad(traffic, run, faults, durationMs);
  await finalStop(supervisor);

  const verified = verifyThroughCli(location);
  const ledger = checkSnapshot(await readSnapshot(location), traffic.updates, traffic.population, traffic.rateChanges, record);
  checkAttackers(traffic);
  checkServerLogs(supervisor);
  printSummary(traffic, ledger, verified, checkRss(supervisor));
  console.log(`\nseed ${run.seed}; replay: ${replay}`);
  const violations = record.violationCount();
  console.log(violations === 0 ? '\nsoak: OK' : `\nsoak: ${violations} invariant violation${violations === 1 ? '' : 's'}`);
  process.exitCode = violations === 0 ? 0 : 1;
}

function newTraffic(run: Options, setup: Setup, supervisor: Supervisor): Traffic {
  return {
    runTag: run.seed.toString(36),
    secret: setup.secret,
    server: supervisor,
    record,
    population: setup.population,
    updates: new UpdateBook(),
    attackers: ATTACKERS.map(newAttacker),
    throttle: setup.throttle,
    timeouts: { headersMs: HEADERS_TIMEOUT_S * 1000, requestMs: REQUEST_TIMEOUT_S * 1000 },
    detached: new Set(),
    rateChanges: new Map(),
    internalErrorsReported: new Set(),
    stopping: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Options

function parseOptionsOrExit(): Options {
  try {
    return parseOptions();
  } catch (error) {
    console.error(`${messageOf(error)}\n${USAGE}`);
    process.exit(2);
  }
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string' },
      db: { type: 'string' },
      seed: { type: 'string' },
      workers: { type: 'string' },
      keep: { type: 'boolean' },
      host: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.host !== undefined) throw new Error('there is no --host: the soak test runs the server on 127.0.0.1 only');
  const minutes = Number(values.minutes ?? '2');
  if (!/^\d+(\.\d+)?$/.test(values.minutes ?? '2') || minutes <= 0 || minutes > MAX_MINUTES) {
    throw new Error(`--minutes takes a number above 0 and at most ${MAX_MINUTES}, not "${values.minutes}": the soak test is bounded`);
  }
  if (values.db !== undefined) checkLoopbackDatabase(values.db);
  const seed = values.seed === undefined ? randomInt(2 ** 32) : Number(values.seed);
  if (values.seed !== undefined && (!/^\d+$/.test(values.seed) || seed >= 2 ** 32)) throw new Error(`--seed takes a whole number below 2^32, not "${values.seed}"`);
  const workers = Number(values.workers ?? '16');
  if (!/^\d+$/.test(values.workers ?? '16') || workers < 1 || workers > 200) throw new Error(`--workers takes a whole number from 1 to 200, not "${values.workers}"`);
  return { minutes, pgUrl: values.db, seed, workers, keep: values.keep ?? false };
}

/** The soak test creates and drops a schema: only on a PostgreSQL on this machine. */
function checkLoopbackDatabase(text: string): void {
  if (!isPostgres(text)) throw new Error('--db takes a postgres:// URL (a SQLite file in a temporary directory is the default)');
  const host = new URL(text).hostname;
  if (!LOOPBACK_HOSTS.has(host) && !host.startsWith('127.')) throw new Error(`--db must name a PostgreSQL on this machine (loopback only), not ${host}`);
  if (new URL(text).searchParams.has('schema')) throw new Error('--db takes no schema: the soak test makes a fresh one and drops it');
}

function newSchemaLocation(pgUrl: string): string {
  const url = new URL(pgUrl);
  url.searchParams.set('schema', `tally_soak_${randomBytes(4).toString('hex')}`);
  made.schemaLocation = url.toString();
  return made.schemaLocation;
}

// ---------------------------------------------------------------------------------------------
// The database, seeded through the real CLI

interface Setup {
  readonly secret: string;
  readonly population: Population;
  readonly throttle: { readonly limit: number; readonly cooldownSeconds: number };
}

async function seedDatabase(location: string, dir: string, random: Random): Promise<Setup> {
  const started = performance.now();
  tally(['init', '--db', location]);
  tally(['currency', 'set', 'EUR', '--rate', RATE_CHOICES.EUR![0]!, '--name', 'Euro', '--db', location]);
  tally(['currency', 'set', 'GBP', '--rate', RATE_CHOICES.GBP![0]!, '--name', 'Pound sterling', '--db', location]);
  tally(['settings', 'set', 'trusted_proxies', '127.0.0.1', '--db', location]);

  // Two users the README's way, the rest imported with ids of their own.
  const planned = planUsers(random);
  for (const user of planned.slice(0, 2)) {
    tally(['user', 'add', user.username, '--currency', user.currency, '--balance', user.openingText, '--db', location]);
  }
  const csv = join(dir, 'users.csv');
  writeFileSync(csv, ['id,username,currency,balance', ...planned.slice(2).map((user) => `${user.id},${user.username},${user.currency},${user.openingText}`)].join('\n') + '\n');
  tally(['import', csv, '--db', location]);

  const secret = tally(['settings', 'get', 'api_secret_key', '--db', location]).trim();
  const limit = Number(tally(['settings', 'get', 'auth_failure_limit', '--db', location]).trim());
  const cooldownSeconds = Number(tally(['settings', 'get', 'auth_failure_cooldown', '--db', location]).trim());
  const users = await joinTokens(location, planned);
  console.log(`seeded through the CLI in ${((performance.now() - started) / 1000).toFixed(1)} s: ${users.length} users (${users.filter((user) => user.readOnly).length} never updated), EUR and GBP, auth_failure_limit ${limit}, cooldown ${cooldownSeconds} s`);
  const possibleRates = new Map(Object.entries(RATE_CHOICES).map(([code, rates]) => [code, [parseRate(rates[0]!)]]));
  return {
    secret,
    throttle: { limit, cooldownSeconds },
    population: {
      users,
      readOnly: users.filter((user) => user.readOnly),
      writable: users.filter((user) => !user.readOnly),
      systemCurrency: 'USD',
      possibleRates,
      numberDigits: 2,
    },
  };
}

interface PlannedUser {
  /** Undefined for the users added with `tally user add`: the database numbers them. */
  readonly id: number | undefined;
  readonly username: string;
  readonly currency: string;
  readonly openingText: string;
  readonly opening: bigint;
  readonly readOnly: boolean;
}

/** Usernames in several scripts (matched without regard to case), currencies, known opening balances. */
function planUsers(random: Random): PlannedUser[] {
  return Array.from({ length: USERS }, (_, index) => {
    const id = index < 2 ? undefined : FIRST_IMPORTED_ID + index - 2;
    const stem = pick(random, ['user', 'Jürgen', 'Ωmega', 'Mixed.Case_']);
    const opening = randomOpening(random);
    return {
      id,
      username: index === 0 ? 'alice' : index === 1 ? 'bob' : `${stem}${id}`,
      currency: pick(random, ['USD', 'EUR', 'GBP']),
      openingText: opening.text,
      opening: opening.micros,
      readOnly: index % READ_ONLY_EVERY === 0,
    };
  });
}

/** The planned users with their ids and uniquehash tokens, read from the database. */
async function joinTokens(location: string, planned: readonly PlannedUser[]): Promise<SoakUser[]> {
  const stored = await readUserTokens(location);
  const idByName = new Map([...stored].map(([id, user]) => [user.username, id]));
  return planned.map((user) => {
    const id = user.id ?? idByName.get(user.username);
    const token = id === undefined ? undefined : stored.get(id);
    if (id === undefined || token === undefined || token.username !== user.username) throw new Error(`user ${user.username} is not in the database as seeded`);
    return { id, username: user.username, currency: user.currency, opening: user.opening, readOnly: user.readOnly, uniquehash: token.uniquehash };
  });
}

/** Runs `tally ARGS` and returns what it printed; a failure throws with its error output. */
function tally(args: string[]): string {
  try {
    return execFileSync(process.execPath, [TALLY, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failed = error as { stderr?: string };
    throw new Error(`tally ${args.slice(0, 2).join(' ')} failed: ${failed.stderr?.trim() ?? messageOf(error)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The load and the faults

/**
 * SIGKILLs every 20 to 40 s of server life until the end of the run, and one SIGTERM that takes
 * the place of part of one of those gaps (in the middle of the run, if it is too short for a kill).
 */
function planFaults(random: Random, durationMs: number): Fault[] {
  const gaps: number[] = [];
  for (let total = 0; ; ) {
    const gap = between(random, 20_000, 40_000);
    if (total + gap > durationMs - 5_000) break;
    gaps.push(gap);
    total += gap;
  }
  if (gaps.length === 0) return [{ afterMs: Math.round(durationMs * (0.35 + 0.3 * random())), signal: 'SIGTERM' }];
  const split = between(random, 0, gaps.length - 1);
  const gap = gaps[split]!;
  const first = Math.round(gap * (0.35 + 0.3 * random()));
  return gaps.flatMap((afterMs, index): Fault[] =>
    index === split ? [{ afterMs: first, signal: 'SIGTERM' }, { afterMs: gap - first, signal: 'SIGKILL' }] : [{ afterMs, signal: 'SIGKILL' }],
  );
}

async function runLoad(traffic: Traffic, run: Options, faults: readonly Fault[], durationMs: number): Promise<void> {
  const startedAt = Date.now();
  const rssTimer = setInterval(() => traffic.server.sampleRss(), RSS_EVERY_MS);
  const progressTimer = setInterval(() => printProgress(traffic, startedAt), PROGRESS_EVERY_MS);
  traffic.server.sampleRss();
  const workers = Array.from({ length: run.workers }, (_, index) => runWorker(traffic, newWorker(run.seed, index)));
  const faulting = injectFaults(traffic, faults, startedAt);
  const failed = (what: string) => (outcome: Promise<void>) => outcome.then(() => Promise.reject(new Error(`${what} stopped early`)));
  try {
    // Any worker or the fault injector failing ends the run at once, with its error.
    await Promise.race([sleep(durationMs), ...workers.map(failed('a worker')), faulting.then(() => new Promise<void>(() => undefined))]);
  } finally {
    traffic.stopping = true;
    await Promise.allSettled([faulting]);
    // A server that could not be restarted: nobody may wait for it any longer.
    if (traffic.server.current === undefined) traffic.server.abandon(new Error('the run ended with no server running'));
    await Promise.allSettled([...workers, ...traffic.detached]);
    clearInterval(rssTimer);
    clearInterval(progressTimer);
  }
  for (const outcome of await Promise.allSettled([...workers, faulting])) if (outcome.status === 'rejected') throw outcome.reason;
  printProgress(traffic, startedAt);
}

async function injectFaults(traffic: Traffic, faults: readonly Fault[], startedAt: number): Promise<void> {
  const stamp = (): string => `[${((Date.now() - startedAt) / 1000).toFixed(1).padStart(6)} s]`;
  const announce = (life: Lifetime): void => console.log(`${stamp()} ${life.endedBy ?? 'signal'} to server #${life.number} (pid ${life.pid}, up ${upSeconds(life)} s)`);
  for (const fault of faults) {
    const life = await traffic.server.whenUp();
    const wait = life.listeningAt + fault.afterMs - Date.now();
    if (wait > 0) await sleepUnlessStopping(traffic, wait);
    if (traffic.stopping) return;
    let outcome = '';
    try {
      outcome = await applyFault(traffic.server, fault.signal, announce);
    } finally {
      // Whatever happened, the clients get a server again.
      const next = await traffic.server.start();
      console.log(`${stamp()} server #${next.number} listening on port ${next.port}${outcome}`);
    }
  }
}

/** Kills or stops the running server; says how a SIGTERM stop went. */
async function applyFault(server: Supervisor, signal: Fault['signal'], announce: (life: Lifetime) => void): Promise<string> {
  if (signal === 'SIGKILL') {
    await server.kill(announce);
    return '';
  }
  const { life, ms, timedOut } = await server.stop(GRACEFUL_STOP_LIMIT_MS, announce);
  checkGracefulExit(life, ms, timedOut);
  return ` (server #${life.number} exited ${life.exit?.signal ?? `with code ${life.exit?.code}`} ${(ms / 1000).toFixed(1)} s after the SIGTERM)`;
}

function checkGracefulExit(life: Lifetime, ms: number, timedOut: boolean): void {
  if (life.dropped > 0) {
    record.warning('requests lost their connection during a SIGTERM stop', `server #${life.number}: ${life.dropped} (the README has requests in flight finished; a request racing the close of an idle keep-alive connection can also do this)`);
  }
  if (!timedOut && ms >= SHUTDOWN_GRACE_MS - 500) {
    record.warning('a SIGTERM stop took the whole shutdown grace', `server #${life.number} took ${(ms / 1000).toFixed(1)} s (a stalled client holds the stop: Node stops enforcing the head and request timeouts once the server closes)`);
  }
  if (timedOut) record.violation(INVARIANTS.gracefulStop, `server #${life.number} was still running ${GRACEFUL_STOP_LIMIT_MS / 1000} s after SIGTERM (killed)`);
  else if (life.exit?.code !== 0) record.violation(INVARIANTS.gracefulStop, `server #${life.number} exited ${life.exit?.signal ?? `with code ${life.exit?.code}`} after SIGTERM (${(ms / 1000).toFixed(1)} s)`);
}

async function sleepUnlessStopping(traffic: Traffic, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!traffic.stopping && Date.now() < until) await sleep(Math.min(250, until - Date.now()));
}

/** The last server is stopped the graceful way too, so that the database is closed cleanly. */
async function finalStop(supervisor: Supervisor): Promise<void> {
  supervisor.shutDown();
  const life = supervisor.current;
  if (life === undefined) return;
  const { ms, timedOut } = await supervisor.stop(GRACEFUL_STOP_LIMIT_MS);
  checkGracefulExit(life, ms, timedOut);
  console.log(`stopped server #${life.number} with SIGTERM: exited ${life.exit?.signal ?? `with code ${life.exit?.code}`} after ${(ms / 1000).toFixed(1)} s`);
}

// ---------------------------------------------------------------------------------------------
// The checks at the end

function verifyThroughCli(location: string): string {
  try {
    const text = tally(['verify', '--db', location]).trim();
    console.log(`tally verify: ${text}`);
    return text;
  } catch (error) {
    record.violation(INVARIANTS.verify, messageOf(error));
    return `FAILED: ${messageOf(error)}`;
  }
}

/** Every attacker that failed more often than the limit must have been answered 429. */
function checkAttackers(traffic: Traffic): void {
  for (const attacker of traffic.attackers) {
    if (attacker.failures > traffic.throttle.limit && attacker.throttled === 0) {
      record.violation(INVARIANTS.attackersThrottled, `${attacker.address} failed ${attacker.failures} times and was never answered 429`);
    }
  }
}

function checkServerLogs(supervisor: Supervisor): void {
  for (const life of supervisor.lifetimes) {
    if (life.errorLineCount === 0) continue;
    record.violation(INVARIANTS.noErrorLogs, `server #${life.number} logged ${life.errorLineCount} error line(s), the first: ${life.errorLines[0] ?? ''}`);
  }
}

/** A lifetime whose RSS after warm-up climbed by half or more: a warning, since GC timing varies. */
function checkRss(supervisor: Supervisor): string[] {
  const warnings: string[] = [];
  for (const life of supervisor.lifetimes) {
    const warm = life.rss.filter((sample) => sample.atSeconds >= RSS_WARM_UP_S);
    const base = warm[0];
    const last = warm.at(-1);
    if (base === undefined || last === undefined || warm.length < 5) continue;
    if (last.kilobytes > base.kilobytes * RSS_GROWTH_WARNING) {
      warnings.push(`server #${life.number}: RSS went from ${mb(base.kilobytes)} MB at ${base.atSeconds.toFixed(0)} s to ${mb(last.kilobytes)} MB at ${last.atSeconds.toFixed(0)} s`);
    }
  }
  return warnings;
}

// ---------------------------------------------------------------------------------------------
// Output

function printProgress(traffic: Traffic, startedAt: number): void {
  const seconds = (Date.now() - startedAt) / 1000;
  const { record: seen, server } = traffic;
  const byKind = KINDS.map((kind) => `${kind} ${count(seen.sent.get(kind) ?? 0)}`).join(' ');
  const byStatus = [...seen.outcomesOverall()].sort(([a], [b]) => a.localeCompare(b)).map(([label, n]) => `${label}:${count(n)}`).join(' ');
  const life = server.current;
  const rss = life?.rss.at(-1);
  const faults = server.lifetimes.filter((lifetime) => lifetime.endedBy !== undefined);
  const kills = faults.filter((lifetime) => lifetime.endedBy === 'SIGKILL').length;
  const terms = faults.filter((lifetime) => lifetime.endedBy === 'SIGTERM').length;
  console.log(
    `[${seconds.toFixed(0).padStart(5)} s] ${count(seen.totalSent())} requests (${count(seen.totalSent() / seconds)}/s): ${byKind}\n` +
      `          answers ${byStatus} | kills ${kills}, SIGTERM ${terms} | server #${life?.number ?? '-'} RSS ${rss === undefined ? '-' : `${mb(rss.kilobytes)} MB`} | violations ${seen.violationCount()}`,
  );
}

function printSummary(traffic: Traffic, ledger: LedgerFigures, verified: string, rssWarnings: readonly string[]): void {
  printRequests();
  printUpdates(traffic, ledger, verified);
  printAttackers(traffic);
  printLifetimes(traffic.server, rssWarnings);
  printInvariants();
}

function printRequests(): void {
  console.log('\n== Requests, by kind');
  const isStatus = ([label]: [string, number]): boolean => /^\d+$/.test(label);
  const counted = ([label, n]: [string, number]): string => `${label}×${count(n)}`;
  printTable(
    ['kind', 'sent', 'answers by status', 'no answer'],
    KINDS.map((kind) => {
      const outcomes = [...(record.outcomes.get(kind) ?? new Map<string, number>())].sort(([a], [b]) => a.localeCompare(b));
      const statuses = outcomes.filter(isStatus).map(counted);
      const failures = outcomes.filter((outcome) => !isStatus(outcome)).map(counted);
      return [kind, count(record.sent.get(kind) ?? 0), statuses.join(' ') || '-', failures.join(' ') || '-'];
    }),
  );
  console.log('(no answer: conn-error = the connection failed, conn-refused = nothing was sent, no-answer = closed without an answer, as hang-ups and slow clients expect)');
}

function printUpdates(traffic: Traffic, ledger: LedgerFigures, verified: string): void {
  console.log('\n== Balance updates, by what the client was told, and what the ledger holds');
  const states = traffic.updates.countByState();
  const of = (state: UpdateState): string => count(states.get(state) ?? 0);
  const replays = [...traffic.updates.byKey.values()].reduce((total, update) => total + update.replays, 0);
  console.log(`acknowledged  ${of('acknowledged')}: exactly one entry each; ${count(replays)} retries of them answered the same bytes`);
  console.log(`refused ${of('refused')}, forged ${of('forged')}, cut mid-body ${of('cut')}, never sent ${of('unsent')}: no entry`);
  console.log(`answer lost   ${of('unknown')}: ${count(ledger.unknownLanded)} landed, ${count(ledger.unknownAbsent)} did not`);
  console.log(`ledger: ${count(ledger.entries)} entries, ${count(ledger.apiEntries)} from the API; tally verify: ${verified}`);
  const rates = [...traffic.rateChanges].map(([code, { sent, acknowledged }]) => `${code} ${count(acknowledged)} of ${count(sent)} acknowledged`).join(', ');
  console.log(`exchange_rate_update (valid ones): ${rates || 'none sent'}`);
}

function printAttackers(traffic: Traffic): void {
  console.log(`\n== Attackers (auth_failure_limit ${traffic.throttle.limit}, cooldown ${traffic.throttle.cooldownSeconds} s)`);
  printTable(
    ['address', 'attempts', 'failures answered', 'failures before the first 429', '429s'],
    traffic.attackers.map((attacker) => [
      attacker.address,
      count(attacker.attempts),
      count(attacker.failures),
      attacker.failuresBeforeFirstBlock === undefined ? '-' : count(attacker.failuresBeforeFirstBlock),
      count(attacker.throttled),
    ]),
  );
}

function printLifetimes(supervisor: Supervisor, rssWarnings: readonly string[]): void {
  console.log(`\n== Server lifetimes (RSS from /proc/PID/status every ${RSS_EVERY_MS / 1000} s)`);
  printTable(
    ['#', 'pid', 'up s', 'ended by', 'exit', 'dropped', 'RSS first MB', 'peak MB', 'last MB', '/metrics MB', 'error lines'],
    supervisor.lifetimes.map((life) => {
      const kilobytes = life.rss.map((sample) => sample.kilobytes);
      const rss = (value: number | undefined): string => (value === undefined ? '-' : mb(value));
      return [
        String(life.number),
        String(life.pid),
        upSeconds(life),
        life.endedBy ?? '-',
        life.exit === undefined ? '-' : (life.exit.signal ?? `code ${life.exit.code}`),
        String(life.dropped),
        rss(kilobytes[0]),
        rss(kilobytes.length === 0 ? undefined : Math.max(...kilobytes)),
        rss(kilobytes.at(-1)),
        rss(life.metricsRssKb),
        String(life.errorLineCount),
      ];
    }),
  );
  console.log('(dropped: well-formed requests whose connection failed while the server was being killed or stopped)');
  for (const warning of rssWarnings) console.log(`warning: ${warning} (a steady climb may be a leak; GC timing can also do this)`);
  for (const [topic, { count: n, examples }] of record.warnings) console.log(`warning: ${topic} ×${n}: ${examples[0] ?? ''}`);
}

function printInvariants(): void {
  console.log('\n== Invariants');
  for (const invariant of Object.values(INVARIANTS)) {
    const tally = record.violations.get(invariant);
    if (tally === undefined) {
      console.log(`ok    ${invariant}`);
      continue;
    }
    console.log(`FAIL  ${invariant}: ${count(tally.count)} violation${tally.count === 1 ? '' : 's'}`);
    for (const example of tally.examples) console.log(`        - ${example}`);
  }
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

function upSeconds(life: Lifetime): string {
  return (((life.endedAt ?? Date.now()) - life.listeningAt) / 1000).toFixed(0);
}

function mb(kilobytes: number): string {
  return (kilobytes / 1024).toFixed(0);
}

function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** A postgres:// URL with its password hidden. */
function withoutPassword(text: string): string {
  return text.replace(/^(postgres(?:ql)?:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
