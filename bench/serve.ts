/**
 * HTTP benchmark of `tally serve`. Seeds a database of 1,000,000 users and one of 10,000 with
 * the real CLI, starts `tally serve`, a ceiling server (the least work user_balance_get needs
 * on Tally's stack, on the same database: bench/ceiling-server.ts) and a reference server
 * (plain node:http answering a fixed document of the same size: bench/reference-server.ts),
 * and drives them in alternating rounds from a load generator in a process of its own
 * (bench/load.ts: autocannon, 50 connections). Prints requests per second, each server's CPU
 * time per request, latency percentiles and peak memory against the ceiling and the reference,
 * the scaling from 10,000 to 1,000,000 users, and user_balance_update's rate, checked against
 * the ledger with `tally verify`.
 *
 *   npm run bench [-- --db postgres://...] [--users N] [--small-users N] [--rounds N]
 *                 [--duration SECONDS] [--scenario get|update|admin|console|all] [--json PATH]
 *
 * The admin scenario times the admin API on the large database (bench/admin.ts); the console
 * scenario, the web console's size and how soon its first pages are usable (bench/console.ts).
 *
 * Without --db the databases are SQLite files in a temporary directory; with it, each is a new
 * schema (`?schema=tally_bench_...`) on that PostgreSQL, dropped at the end. The servers log at
 * $TALLY_LOG_LEVEL (info unless set: one line per request, as in production).
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { LoadConfig, LoadResult } from './load.js';
import { measureAdminApi, printAdminFigures, type AdminFigures } from './admin.js';
import { measureConsole, printConsoleFigures, type ConsoleFigures } from './console.js';
import { balanceGetForm, sha1, TALLY, timed, writeUsersCsv } from './tools.js';

const LOAD_GENERATOR = fileURLToPath(new URL('./load.js', import.meta.url));
// The owner the admin and console scenarios sign in as.
const BENCH_PASSWORD = 'bench-password-long';
const REFERENCE_SERVER = fileURLToPath(new URL('./reference-server.js', import.meta.url));
const CEILING_SERVER = fileURLToPath(new URL('./ceiling-server.js', import.meta.url));
const HOST = '127.0.0.1';
const GET_PATH = '/billing/api/user_balance_get';
const WARMUP_SECONDS = 3;
const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
// Linux counts a process's CPU time in clock ticks of 1/100 s (getconf CLK_TCK).
const CLOCK_TICKS_PER_SECOND = 100;
const USAGE =
  'usage: npm run bench [-- --db postgres://...] [--users N] [--small-users N] [--rounds N] [--duration SECONDS] [--scenario get|update|admin|console|all] [--json PATH]';

type Scenario = 'get' | 'update' | 'admin' | 'console' | 'all';

interface Options {
  /** A postgres:// URL, or undefined for SQLite files. */
  readonly pgUrl: string | undefined;
  readonly users: number;
  readonly smallUsers: number;
  readonly rounds: number;
  /** Seconds per round. */
  readonly duration: number;
  readonly scenario: Scenario;
  readonly json: string | undefined;
}

/** A seeded database: users user1 .. user<users>, whose ids follow each other from firstUserId. */
interface Database {
  readonly users: number;
  readonly location: string;
  readonly secret: string;
  readonly firstUserId: number;
}

interface RunningServer {
  readonly name: string;
  readonly url: string;
  /** Tally's admin listener. */
  readonly adminUrl?: string;
  readonly child: ChildProcess;
  readonly logPath: string;
}

/**
 * A load generator run with the server's own CPU time (user and system, from /proc) per
 * answered request: unlike requests per second, it does not depend on the load generator
 * getting its share of cores that other work also wants.
 */
interface Measured extends LoadResult {
  readonly cpuMicrosPerRequest: number;
}

interface GetFigures {
  readonly users: number;
  readonly tally: Measured[];
  readonly ceiling: Measured[];
  readonly reference: Measured[];
  /** Tally's peak RSS (VmHWM) after each of its rounds, in MB. */
  readonly tallyRssMb: number[];
}

interface UpdateFigures {
  readonly users: number;
  readonly rounds: Measured[];
  readonly tallyRssMb: number[];
  /** What `tally verify` said after the updates, and whether it was clean. */
  readonly verify: { readonly ok: boolean; readonly text: string };
  /** Ledger entries written during the scenario (warm-up included), if verify counted them. */
  readonly ledgerGrowth: number | undefined;
  /** Success answers during the scenario (warm-up included). */
  readonly succeeded: number;
  readonly unanswered: number;
}

// ---------------------------------------------------------------------------------------------
// Cleanup: whatever the benchmark made is removed at the end, on an error and on Ctrl-C.

const made = {
  children: new Set<ChildProcess>(),
  tempDir: undefined as string | undefined,
  pgUrl: undefined as string | undefined,
  schemas: [] as string[],
};
let cleaning: Promise<void> | undefined;
let interrupted = false;

function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    // Servers first: they hold the files open and the schemas in use.
    await attempt('stopping the servers', () => Promise.all([...made.children].map(stopProcess)));
    const dir = made.tempDir;
    if (dir !== undefined) await attempt(`removing ${dir}`, () => rm(dir, { recursive: true, force: true }));
    const pgUrl = made.pgUrl;
    if (pgUrl !== undefined && made.schemas.length > 0) await attempt('dropping the schemas', () => dropSchemas(pgUrl, made.schemas));
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
    interrupted = true;
    console.error(`\n${signal}: stopping the servers and removing the benchmark's data`);
    void cleanUp().finally(() => process.exit(exitCode));
  });
}

// ---------------------------------------------------------------------------------------------
// Main

const options = parseOptionsOrExit();
const problems: string[] = [];
const loadAtStart = loadavg()[0] ?? 0;
console.log(`command: ${commandLine()}`);
try {
  made.pgUrl = options.pgUrl;
  const dir = await mkdtemp(join(tmpdir(), 'tally-bench-serve-'));
  made.tempDir = dir;
  const report = await runScenarios(dir);
  if (report.get.length > 0 || report.update !== undefined) printReport(report.get, report.update);
  if (report.admin !== undefined) printAdminFigures(report.admin, options.users);
  if (report.console !== undefined) printConsoleFigures(report.console, options.users);
  if (options.json !== undefined) writeJson(options.json, report.get, report.update, report.admin, report.console);
} catch (error) {
  if (!interrupted) {
    console.error(`\nbenchmark failed: ${messageOf(error)}`);
    process.exitCode = 1;
  }
} finally {
  await cleanUp();
}
if (problems.length > 0) process.exitCode = 1;

async function runScenarios(dir: string): Promise<{ get: GetFigures[]; update: UpdateFigures | undefined; admin: AdminFigures | undefined; console: ConsoleFigures | undefined }> {
  const runGet = options.scenario === 'get' || options.scenario === 'all';
  const runUpdate = options.scenario === 'update' || options.scenario === 'all';
  const runAdmin = options.scenario === 'admin' || options.scenario === 'all';
  const runConsole = options.scenario === 'console' || options.scenario === 'all';
  const get: GetFigures[] = [];
  let update: UpdateFigures | undefined;
  let admin: AdminFigures | undefined;
  let consoleFigures: ConsoleFigures | undefined;
  const reference = runGet ? await startReference(dir) : undefined;

  // The large database: reads, the admin API (before the writes, so its ledger is the import's), then writes on the same server.
  const large = await seedDatabase(options.users, dir);
  const tally = await startTally(large, dir);
  if (reference !== undefined) get.push(await benchmarkGetAgainstCeiling(large, dir, tally, reference));
  if (runAdmin || runConsole) {
    const token = operatorToken(large.location);
    if (runAdmin) admin = await measureAdminApi(tally.adminUrl!, token, tally.child.pid!, large.users);
    if (runConsole) consoleFigures = await measureConsole(tally.adminUrl!, 'bench', BENCH_PASSWORD);
  }
  if (runUpdate) update = await benchmarkUpdate(large, tally);
  await stopServer(tally);

  // The small database, for the scaling figure.
  if (reference !== undefined) {
    const small = await seedDatabase(options.smallUsers, dir);
    const smallTally = await startTally(small, dir);
    get.push(await benchmarkGetAgainstCeiling(small, dir, smallTally, reference));
    await stopServer(smallTally);
  }
  if (reference !== undefined) await stopServer(reference);
  return { get, update, admin, console: consoleFigures };
}

/** An owner and its API token, made with the CLI, for the admin and console scenarios. */
function operatorToken(location: string): string {
  execFileSync(process.execPath, [TALLY, 'operator', 'add', 'bench', '--role', 'owner', '--password-stdin', '--db', location], { input: `${BENCH_PASSWORD}\n`, stdio: ['pipe', 'ignore', 'inherit'] });
  return execFileSync(process.execPath, [TALLY, 'operator', 'token', 'bench', '--db', location], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
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
      db: { type: 'string' },
      users: { type: 'string' },
      'small-users': { type: 'string' },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      scenario: { type: 'string' },
      json: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.db !== undefined && !/^postgres(ql)?:\/\//i.test(values.db)) throw new Error('--db takes a postgres:// URL (SQLite files are the default)');
  const scenario = values.scenario ?? 'all';
  if (scenario !== 'get' && scenario !== 'update' && scenario !== 'admin' && scenario !== 'console' && scenario !== 'all') throw new Error('--scenario takes get, update, admin, console or all');
  return {
    pgUrl: values.db,
    users: wholeNumber('--users', values.users, 1_000_000),
    smallUsers: wholeNumber('--small-users', values['small-users'], 10_000),
    rounds: wholeNumber('--rounds', values.rounds, 3),
    duration: wholeNumber('--duration', values.duration, 10),
    scenario,
    json: values.json,
  };
}

function wholeNumber(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1) throw new Error(`${flag} takes a whole number from 1, not "${text}"`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Databases, through the real CLI

async function seedDatabase(users: number, dir: string): Promise<Database> {
  const location = options.pgUrl === undefined ? join(dir, `tally-${users}.db`) : newSchemaLocation(options.pgUrl);
  console.log(`\n== ${formatCount(users)} users: ${withoutPassword(location)}`);
  const csv = join(dir, `users-${users}.csv`);
  let started = performance.now();
  await writeUsersCsv(csv, users);
  printStep('csv', started, csv);

  started = performance.now();
  tally(['init', '--db', location]);
  tally(['currency', 'set', 'EUR', '--rate', '0.7351', '--db', location]);
  tally(['currency', 'set', 'GBP', '--rate', '0.79', '--db', location]);
  printStep('init', started, 'a new database; EUR at 0.7351 and GBP at 0.79');
  timed('import', ['import', csv, '--db', location]);

  const secret = tally(['settings', 'get', 'api_secret_key', '--db', location]).trim();
  const firstUserId = userId(location, 'user1');
  // The update scenario picks ids at random between these two, so they must be contiguous.
  if (userId(location, `user${users}`) !== firstUserId + users - 1) throw new Error('the imported users do not have consecutive ids');
  return { users, location, secret, firstUserId };
}

/** A location on the PostgreSQL server in a schema of its own, recorded for dropping at the end. */
function newSchemaLocation(pgUrl: string): string {
  const schema = `tally_bench_${randomBytes(4).toString('hex')}`;
  made.schemas.push(schema);
  const url = new URL(pgUrl);
  url.searchParams.set('schema', schema);
  return url.toString();
}

async function dropSchemas(pgUrl: string, schemas: readonly string[]): Promise<void> {
  const url = new URL(pgUrl);
  url.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    console.log(`dropped the schemas ${schemas.join(', ')}`);
  } finally {
    await client.end();
  }
}

/** Runs `tally ARGS` and returns what it printed; a failure throws with its error output. */
function tally(args: string[]): string {
  return execFileSync(process.execPath, [TALLY, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function userId(location: string, username: string): number {
  const shown = tally(['user', 'show', username, '--db', location]);
  const id = /^id\s+(\d+)$/m.exec(shown)?.[1];
  if (id === undefined) throw new Error(`tally user show ${username} printed no id`);
  return Number(id);
}

/** `tally verify`: every balance against its ledger. It exits 1 on a mismatch. */
function verifyDatabase(location: string): { ok: boolean; text: string } {
  const started = performance.now();
  let result: { ok: boolean; text: string };
  try {
    result = { ok: true, text: tally(['verify', '--db', location]).trim() };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    result = { ok: false, text: `${failed.stdout ?? ''}${failed.stderr ?? ''}`.trim() || messageOf(error) };
  }
  printStep('verify', started, result.ok ? result.text : `FAILED: ${result.text}`);
  return result;
}

/** The ledger entry count in verify's "ok: N users, M ledger entries; ..." line. */
function ledgerEntries(verifyText: string): number | undefined {
  const count = /(\d+) ledger entries/.exec(verifyText)?.[1];
  return count === undefined ? undefined : Number(count);
}

// ---------------------------------------------------------------------------------------------
// Processes: the servers and the load generator

function spawnTracked(args: string[], spawnOptions: SpawnOptions): ChildProcess {
  const child = spawn(process.execPath, args, spawnOptions);
  made.children.add(child);
  child.on('exit', () => made.children.delete(child));
  return child;
}

async function startTally(database: Database, dir: string): Promise<RunningServer> {
  const port = await freePort();
  const adminPort = await freePort();
  // The caller's environment stays, TALLY_LOG_LEVEL included: the server logs as it would in use.
  const env = { ...process.env, TALLY_DB: database.location, TALLY_HOST: HOST, TALLY_PORT: String(port), TALLY_ADMIN_HOST: HOST, TALLY_ADMIN_PORT: String(adminPort) };
  const server = await startServer('tally', [TALLY, 'serve'], env, port, join(dir, `tally-serve-${database.users}.log`));
  return { ...server, adminUrl: `http://${HOST}:${adminPort}` };
}

/** The ceiling server on `database`, on a port of its own. */
async function startCeiling(database: Database, dir: string): Promise<RunningServer> {
  const port = await freePort();
  const env = { ...process.env, TALLY_BENCH_SECRET: database.secret };
  return startServer('ceiling', [CEILING_SERVER, String(port), database.location], env, port, join(dir, `ceiling-server-${database.users}.log`));
}

async function startReference(dir: string): Promise<RunningServer> {
  const port = await freePort();
  return startServer('reference', [REFERENCE_SERVER, String(port)], process.env, port, join(dir, 'reference-server.log'));
}

async function startServer(name: string, args: string[], env: NodeJS.ProcessEnv, port: number, logPath: string): Promise<RunningServer> {
  // Output to a file: a pipe that nobody reads would stall the server once its buffer is full.
  const log = openSync(logPath, 'w');
  const child = spawnTracked(args, { env, stdio: ['ignore', log, log] });
  closeSync(log);
  const server = { name, url: `http://${HOST}:${port}`, child, logPath };
  await waitUntilAnswering(server);
  console.log(`started ${name} at ${server.url} (pid ${child.pid})`);
  return server;
}

/** A port nobody listens on now: the system's pick for port 0. */
async function freePort(): Promise<number> {
  const listener = createServer().listen(0, HOST);
  await once(listener, 'listening');
  const { port } = listener.address() as AddressInfo;
  listener.close();
  await once(listener, 'close');
  return port;
}

async function waitUntilAnswering(server: RunningServer): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await answersHttp(server.url + GET_PATH))) {
    if (!isRunning(server.child)) {
      throw new Error(stoppedMessage(server, 'before answering'));
    }
    if (Date.now() > deadline) throw new Error(`${server.name} did not answer within ${START_TIMEOUT_MS / 1000} s`);
    await sleep(100);
  }
}

/** Whether a POST gets any answer at all (no keep-alive, so no idle connection stays behind). */
function answersHttp(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = request(url, { method: 'POST', agent: false }, (response) => {
      response.resume().on('end', () => resolve(true));
    });
    probe.on('error', () => resolve(false));
    probe.end();
  });
}

async function stopServer(server: RunningServer): Promise<void> {
  await stopProcess(server.child);
  console.log(`stopped ${server.name} (its log: ${(statSync(server.logPath).size / 1e6).toFixed(1)} MB)`);
}

/** SIGTERM, then SIGKILL if the process is still there after STOP_GRACE_MS. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(killer);
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Why a server is gone, as far as its log tells: a crash, or a signal from another process. */
function stoppedMessage(server: RunningServer, when: string): string {
  const log = tail(server.logPath);
  // Only the benchmark's cleanup signals its servers: a signal logged here came from elsewhere.
  const signalled = /"signal":"(SIG\w+)"/.exec(log)?.[1];
  const cause = signalled === undefined ? '' : ` after a ${signalled} from outside the benchmark (something else on the machine stops servers by name?)`;
  return `${server.name} stopped ${when}${cause}; the end of its log:\n${log}`;
}

function tail(path: string): string {
  return readFileSync(path, 'utf8').split('\n').slice(-20).join('\n');
}

/** The peak resident set size of a process so far (VmHWM), in MB. */
function peakRssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kilobytes = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  return kilobytes === undefined ? Number.NaN : Math.round(Number(kilobytes) / 1024);
}

async function runLoad(config: LoadConfig): Promise<LoadResult> {
  const child = spawnTracked([LOAD_GENERATOR, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (output += text));
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  if (code !== 0) throw new Error(`the load generator failed (${signal ?? `exit code ${code}`})`);
  return JSON.parse(output.trim().split('\n').at(-1) ?? '') as LoadResult;
}

// ---------------------------------------------------------------------------------------------
// The scenarios

/** One load generator run against one server, checked for faults. */
async function measure(server: RunningServer, database: Database, scenario: 'get' | 'update', seconds: number, label: string): Promise<Measured> {
  const { users, firstUserId, secret } = database;
  const cpuBefore = cpuSeconds(server.child);
  const result = await runLoad({ url: server.url, scenario, seconds, users, firstUserId, secret });
  if (!isRunning(server.child)) throw new Error(stoppedMessage(server, `during ${label}`));
  const cpuMicrosPerRequest = ((cpuSeconds(server.child) - cpuBefore) * 1e6) / Math.max(1, result.count2xx);
  reportFaults(result, scenario, label);
  return { ...result, cpuMicrosPerRequest };
}

/** The CPU time a process (all its threads) has used so far, user and system, in seconds. */
function cpuSeconds(child: ChildProcess): number {
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  // The fields after the command name (in parentheses, which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/**
 * A run with non-2xx answers, error documents or connection errors measured something other
 * than the API at work. Said loudly; in the get scenario it stops the benchmark, since any of
 * them there is a fault of the set-up (a wrong key, a missing user) that voids the figures.
 */
function reportFaults(result: LoadResult, scenario: 'get' | 'update', label: string): void {
  const faults: string[] = [];
  if (result.non2xx > 0) faults.push(`${result.non2xx} non-2xx answers (by status: ${JSON.stringify(result.statusCodes)})`);
  if (result.badBodies > 0) faults.push(`${result.badBodies} answers that are not a success document, the first: ${JSON.stringify(result.firstBadBody?.slice(0, 300))}`);
  if (result.errors > 0) faults.push(`${result.errors} connection errors (${result.timeouts} of them timeouts)`);
  if (faults.length === 0) return;
  const text = `${label} (${scenario}): ${faults.join('; ')}`;
  if (scenario === 'get') throw new Error(text);
  console.error(`\n!!! ${text}\n`);
  problems.push(text);
}

/**
 * The read scenario with a ceiling server on the same database, stopped afterwards: it holds
 * the file open, and the update scenario that may follow is Tally's alone.
 */
async function benchmarkGetAgainstCeiling(database: Database, dir: string, tally: RunningServer, reference: RunningServer): Promise<GetFigures> {
  const ceiling = await startCeiling(database, dir);
  try {
    await checkSameAnswers(database, tally, ceiling);
    return await benchmarkGet(database, tally, ceiling, reference);
  } finally {
    await stopServer(ceiling);
  }
}

/**
 * The ceiling is a ceiling only if it does the same job: before any round, each kind of request
 * the load generator sends (plain, converted, in the user's own currency), an unknown user and a
 * wrong hash, for a spread of users, must get the same status, Content-Type and body bytes from
 * both servers.
 */
async function checkSameAnswers(database: Database, tally: RunningServer, ceiling: RunningServer): Promise<void> {
  const forms: string[] = [];
  for (let k = 1; k <= database.users; k += Math.max(1, Math.floor(database.users / 50))) {
    const username = `user${k}`;
    forms.push(...(['plain', 'eur', 'own'] as const).map((kind) => balanceGetForm(username, kind, database.secret)));
  }
  forms.push(`username=nobody&hash=${sha1('nobody' + database.secret)}`, `username=user1&hash=${'0'.repeat(40)}`);
  for (const form of forms) {
    const [fromTally, fromCeiling] = await Promise.all([postForm(tally.url, form), postForm(ceiling.url, form)]);
    if (fromTally !== fromCeiling) {
      throw new Error(`the ceiling does not answer as Tally does for ${form}:\ntally:   ${JSON.stringify(fromTally)}\nceiling: ${JSON.stringify(fromCeiling)}`);
    }
  }
  console.log(`ceiling answers as tally does: ${forms.length} requests, byte for byte`);
}

/** POSTs a form to user_balance_get; resolves with the status, Content-Type and body as one text. */
function postForm(url: string, form: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const post = request(`${url}${GET_PATH}`, { method: 'POST', agent: false, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(`${response.statusCode} ${response.headers['content-type']}\n${Buffer.concat(chunks).toString('utf8')}`));
      response.on('error', reject);
    });
    post.on('error', reject);
    post.end(form);
  });
}

async function benchmarkGet(database: Database, tally: RunningServer, ceiling: RunningServer, reference: RunningServer): Promise<GetFigures> {
  console.log(`-- user_balance_get: ${WARMUP_SECONDS} s warm-up on each server, then ${roundsText()} each, alternating`);
  printRound('warm-up tally', await measure(tally, database, 'get', WARMUP_SECONDS, 'warm-up tally'));
  printRound('warm-up ceiling', await measure(ceiling, database, 'get', WARMUP_SECONDS, 'warm-up ceiling'));
  printRound('warm-up reference', await measure(reference, database, 'get', WARMUP_SECONDS, 'warm-up reference'));
  const figures: GetFigures = { users: database.users, tally: [], ceiling: [], reference: [], tallyRssMb: [] };
  for (let round = 1; round <= options.rounds; round++) {
    const tallyResult = await measure(tally, database, 'get', options.duration, `tally round ${round}`);
    const rss = peakRssMb(tally.child);
    figures.tally.push(tallyResult);
    figures.tallyRssMb.push(rss);
    printRound(`tally round ${round}`, tallyResult, rss);
    const ceilingResult = await measure(ceiling, database, 'get', options.duration, `ceiling round ${round}`);
    figures.ceiling.push(ceilingResult);
    printRound(`ceiling round ${round}`, ceilingResult);
    const referenceResult = await measure(reference, database, 'get', options.duration, `reference round ${round}`);
    figures.reference.push(referenceResult);
    printRound(`reference round ${round}`, referenceResult);
  }
  return figures;
}

async function benchmarkUpdate(database: Database, tally: RunningServer): Promise<UpdateFigures> {
  console.log(`-- user_balance_update of 0.01 with a new transaction_id each: ${WARMUP_SECONDS} s warm-up, then ${roundsText()}`);
  const entriesBefore = ledgerEntries(verifyDatabase(database.location).text);
  const runs = [await measure(tally, database, 'update', WARMUP_SECONDS, 'update warm-up')];
  printRound('warm-up tally', runs[0]!, undefined, 'updates/s');
  const rounds: Measured[] = [];
  const tallyRssMb: number[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const result = await measure(tally, database, 'update', options.duration, `update round ${round}`);
    const rss = peakRssMb(tally.child);
    rounds.push(result);
    tallyRssMb.push(rss);
    runs.push(result);
    printRound(`tally round ${round}`, result, rss, 'updates/s');
  }

  const verify = verifyDatabase(database.location);
  if (!verify.ok) problems.push(`tally verify after the updates: ${verify.text}`);
  const entriesAfter = ledgerEntries(verify.text);
  const ledgerGrowth = entriesBefore === undefined || entriesAfter === undefined ? undefined : entriesAfter - entriesBefore;
  const succeeded = sum(runs.map((run) => run.succeeded));
  const unanswered = sum(runs.map((run) => run.unanswered));
  checkLedgerGrowth(ledgerGrowth, succeeded, unanswered);
  return { users: database.users, rounds, tallyRssMb, verify, ledgerGrowth, succeeded, unanswered };
}

/**
 * Every success answer wrote one entry. Requests still in flight when a run stopped may have
 * been applied too, unanswered: so the growth lies between the two.
 */
function checkLedgerGrowth(growth: number | undefined, succeeded: number, unanswered: number): void {
  if (growth === undefined) {
    console.log('ledger: tally verify did not count the entries, so the growth is not checked');
    return;
  }
  const text = `ledger grew by ${formatCount(growth)} entries for ${formatCount(succeeded)} success answers (and ${unanswered} requests unanswered when the runs stopped)`;
  if (growth >= succeeded && growth <= succeeded + unanswered) {
    console.log(`${text}: consistent`);
  } else {
    console.error(`\n!!! ${text}: INCONSISTENT\n`);
    problems.push(text);
  }
}

// ---------------------------------------------------------------------------------------------
// Output

function printStep(label: string, started: number, text: string): void {
  const seconds = (performance.now() - started) / 1000;
  console.log(`${label.padEnd(10)} ${seconds.toFixed(1).padStart(6)} s   ${text}`);
}

function printRound(label: string, result: Measured, rssMb?: number, unit = 'rps'): void {
  const rate = unit === 'rps' ? result.rps : updatesPerSecond(result);
  const memory = rssMb === undefined ? '' : `   peak RSS ${rssMb} MB`;
  const cpu = `   cpu ${result.cpuMicrosPerRequest.toFixed(1)} µs/req`;
  console.log(`${label.padEnd(20)} ${formatCount(rate).padStart(8)} ${unit}   p50 ${result.p50} ms   p99 ${result.p99} ms${cpu}${memory}`);
}

function printReport(get: GetFigures[], update: UpdateFigures | undefined): void {
  const rows: string[][] = [];
  for (const figures of get) {
    const tallyRps = median(figures.tally.map((run) => run.rps));
    const ceilingRps = median(figures.ceiling.map((run) => run.rps));
    const referenceRps = median(figures.reference.map((run) => run.rps));
    const [tallyCpu, ceilingCpu, referenceCpu] = [figures.tally, figures.ceiling, figures.reference].map(medianCpu) as [number, number, number];
    rows.push([
      'user_balance_get',
      `${formatCount(figures.users)} users`,
      formatCount(tallyRps),
      formatCount(ceilingRps),
      formatCount(referenceRps),
      (tallyRps / ceilingRps).toFixed(2),
      (tallyRps / referenceRps).toFixed(2),
      `${tallyCpu.toFixed(1)} / ${ceilingCpu.toFixed(1)} / ${referenceCpu.toFixed(1)}`,
      (ceilingCpu / tallyCpu).toFixed(2),
      (referenceCpu / tallyCpu).toFixed(2),
      String(median(figures.tally.map((run) => run.p50))),
      String(median(figures.tally.map((run) => run.p99))),
      String(Math.max(...figures.tallyRssMb)),
    ]);
  }
  if (update !== undefined) {
    rows.push([
      'user_balance_update',
      `${formatCount(update.users)} users`,
      formatCount(median(update.rounds.map(updatesPerSecond))),
      '-',
      '-',
      '-',
      '-',
      `${medianCpu(update.rounds).toFixed(1)} / - / -`,
      '-',
      '-',
      String(median(update.rounds.map((run) => run.p50))),
      String(median(update.rounds.map((run) => run.p99))),
      String(Math.max(...update.tallyRssMb)),
    ]);
  }

  console.log(`\n== Results: the median of ${roundsText()}, 50 connections\n`);
  printTable(
    ['scenario', 'database', 'tally rps', 'ceiling rps', 'reference rps', 'tally/ceiling', 'tally/ref', 'cpu µs/req t/c/r***', 'cpu c/t***', 'cpu r/t***', 'p50 ms*', 'p99 ms*', 'peak RSS MB**'],
    rows,
  );
  console.log('');
  const [large, small] = get;
  if (large !== undefined && small !== undefined) {
    const largeRps = median(large.tally.map((run) => run.rps));
    const smallRps = median(small.tally.map((run) => run.rps));
    console.log(
      `scaling: tally rps on ${formatCount(large.users)} users / on ${formatCount(small.users)} users = ${(largeRps / smallRps).toFixed(2)} (${formatCount(largeRps)} / ${formatCount(smallRps)})`,
    );
  }
  if (update !== undefined) {
    const growth = update.ledgerGrowth === undefined ? 'not counted' : formatCount(update.ledgerGrowth);
    console.log(`updates: ${formatCount(median(update.rounds.map(updatesPerSecond)))} per second on ${formatCount(update.users)} users; ledger grew by ${growth} for ${formatCount(update.succeeded)} success answers; tally verify: ${update.verify.text}`);
  }
  console.log('ceiling: the least work user_balance_get needs on the same database (bench/ceiling-server.ts); reference: node:http answering a fixed document');
  console.log('*  latency percentiles of tally from autocannon, which records whole milliseconds, rounded down (3.9 ms counts as 3)');
  console.log("** tally's VmHWM after its last round");
  console.log(
    '*** each server\'s own CPU time (user + system) per answered request, tally / ceiling / reference; c/t and r/t are the throughput tally reaches as a share of the other\'s when the server, not the load generator, is what runs out of CPU',
  );
  console.log(`machine: ${machine()}`);
  console.log(`load average (1 min): ${loadAtStart.toFixed(2)} at the start, ${(loadavg()[0] ?? 0).toFixed(2)} at the end (the load generator, the server and anything else share the cores)`);
  console.log(`database: ${options.pgUrl === undefined ? 'SQLite files' : `PostgreSQL at ${withoutPassword(options.pgUrl)}, a schema per database`}; TALLY_LOG_LEVEL=${process.env.TALLY_LOG_LEVEL ?? 'info (default)'}`);
  console.log(`command: ${commandLine()}`);
  if (problems.length > 0) console.error(`\n!!! ${problems.length} problem(s), see above:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  // Text columns (the first two) to the left, figures to the right.
  const line = (cells: string[]): string =>
    cells.map((cell, column) => (column < 2 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

function writeJson(path: string, get: GetFigures[], update: UpdateFigures | undefined, admin: AdminFigures | undefined, consoleFigures: ConsoleFigures | undefined): void {
  const document = {
    admin,
    console: consoleFigures,
    command: commandLine(),
    machine: machine(),
    database: options.pgUrl === undefined ? 'sqlite' : 'postgres',
    logLevel: process.env.TALLY_LOG_LEVEL ?? 'info',
    options: { ...options, pgUrl: options.pgUrl === undefined ? undefined : withoutPassword(options.pgUrl) },
    get: get.map((figures) => ({
      ...figures,
      tallyMedianRps: median(figures.tally.map((run) => run.rps)),
      ceilingMedianRps: median(figures.ceiling.map((run) => run.rps)),
      referenceMedianRps: median(figures.reference.map((run) => run.rps)),
      tallyMedianCpuMicrosPerRequest: medianCpu(figures.tally),
      ceilingMedianCpuMicrosPerRequest: medianCpu(figures.ceiling),
      referenceMedianCpuMicrosPerRequest: medianCpu(figures.reference),
    })),
    update: update === undefined ? undefined : { ...update, medianUpdatesPerSecond: median(update.rounds.map(updatesPerSecond)) },
    problems,
  };
  writeFileSync(path, JSON.stringify(document, null, 2) + '\n');
  console.log(`wrote ${path}`);
}

function roundsText(): string {
  return `${options.rounds} round${options.rounds === 1 ? '' : 's'} of ${options.duration} s`;
}

function medianCpu(runs: readonly Measured[]): number {
  return median(runs.map((run) => run.cpuMicrosPerRequest));
}

function updatesPerSecond(result: LoadResult): number {
  return result.succeeded / result.seconds;
}

function machine(): string {
  return `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`;
}

function commandLine(): string {
  const quoted = process.argv.slice(1).map((arg) => {
    const shown = withoutPassword(arg);
    return /^[\w@%+=:,./-]+$/.test(shown) ? shown : `'${shown.replaceAll("'", `'\\''`)}'`;
  });
  const viaNpm = process.env.npm_lifecycle_event === undefined ? '' : ` (through npm run ${process.env.npm_lifecycle_event})`;
  return `node ${quoted.join(' ')}${viaNpm}`;
}

/** A postgres:// URL with its password hidden; anything else unchanged. */
function withoutPassword(text: string): string {
  return text.replace(/^(postgres(?:ql)?:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
