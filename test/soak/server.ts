/**
 * The `tally serve` child process across its lifetimes: started on port 0 of 127.0.0.1 (its
 * "listening" log line names the port), killed with SIGKILL or stopped with SIGTERM, started
 * again on the same database. Its log goes to a file per lifetime, its error lines are counted,
 * and its resident memory is sampled from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TALLY_BIN as TALLY } from '../support/fixtures.js';
import { HOST } from '../support/raw-http.js';

const START_TIMEOUT_MS = 60_000;
const ERROR_LINES_KEPT = 5;
/** pino's level numbers: 50 is error, 60 fatal. */
const PINO_ERROR = 50;

export interface RssSample {
  /** Seconds since the lifetime started listening. */
  readonly atSeconds: number;
  readonly kilobytes: number;
}

export interface Lifetime {
  readonly number: number;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly logPath: string;
  port: number;
  /** Date.now() when it logged "listening". */
  listeningAt: number;
  /** We signalled it (or it died): failed connections from now on are expected. */
  ending: boolean;
  endedBy: 'SIGKILL' | 'SIGTERM' | 'crash' | undefined;
  exit: { readonly code: number | null; readonly signal: NodeJS.Signals | null } | undefined;
  /** Date.now() when it was signalled, or when it exited on its own. */
  endedAt: number | undefined;
  readonly exited: Promise<void>;
  readonly rss: RssSample[];
  /** Well-formed requests that lost their connection while it was being killed or stopped. */
  dropped: number;
  /** The last process_resident_memory_bytes that /metrics reported, in kB. */
  metricsRssKb: number | undefined;
  /** Lines the server logged at error level or above, or wrote to standard error. */
  errorLineCount: number;
  readonly errorLines: string[];
}

export interface SupervisorOptions {
  readonly location: string;
  readonly dir: string;
  readonly env: Readonly<Record<string, string>>;
  /** Called when the server exits without being told to: it is started again afterwards. */
  readonly onCrash: (life: Lifetime) => void;
}

export class Supervisor {
  readonly lifetimes: Lifetime[] = [];
  private live: Lifetime | undefined;
  private waiting: { readonly resolve: (life: Lifetime) => void; readonly reject: (error: Error) => void }[] = [];
  private shuttingDown = false;
  /** Why a restart failed: nobody waits for a server that will not come. */
  private failure: Error | undefined;

  constructor(private readonly options: SupervisorOptions) {}

  /** The lifetime serving now, unless it is being stopped. */
  get current(): Lifetime | undefined {
    return this.live !== undefined && !this.live.ending ? this.live : undefined;
  }

  /** The serving lifetime, waiting through a restart if need be. */
  whenUp(): Promise<Lifetime> {
    const current = this.current;
    if (current !== undefined) return Promise.resolve(current);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  async start(): Promise<Lifetime> {
    const number = this.lifetimes.length + 1;
    const logPath = join(this.options.dir, `server-${number}.log`);
    const log = createWriteStream(logPath);
    // The admin listener on a free port unless the caller says otherwise: never a fixed 8081.
    const env = { TALLY_ADMIN_PORT: '0', ...process.env, ...this.options.env, TALLY_DB: this.options.location, TALLY_HOST: HOST, TALLY_PORT: '0' };
    const child = spawn(process.execPath, [TALLY, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const life: Lifetime = {
      number,
      child,
      pid: child.pid ?? 0,
      logPath,
      port: 0,
      listeningAt: 0,
      ending: false,
      endedBy: undefined,
      exit: undefined,
      endedAt: undefined,
      exited: once(child, 'exit').then(() => undefined),
      rss: [],
      dropped: 0,
      metricsRssKb: undefined,
      errorLineCount: 0,
      errorLines: [],
    };
    this.lifetimes.push(life);
    child.once('exit', (code, signal) => this.onExit(life, code, signal));
    // Once the output is read to its end, nothing more is written to the log.
    child.once('close', () => log.end());
    try {
      await withTimeout(this.watchOutput(life, log), START_TIMEOUT_MS, `tally serve #${number} did not start listening within ${START_TIMEOUT_MS / 1000} s`);
    } catch (error) {
      child.kill('SIGKILL');
      this.abandon(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    this.live = life;
    for (const { resolve } of this.waiting.splice(0)) resolve(life);
    return life;
  }

  /** SIGKILL: no warning, nothing finished, as a power cut or the OOM killer would do. */
  async kill(onSignal?: (life: Lifetime) => void): Promise<Lifetime> {
    const life = this.requireLive();
    life.ending = true;
    life.endedBy = 'SIGKILL';
    life.endedAt = Date.now();
    life.child.kill('SIGKILL');
    onSignal?.(life);
    await life.exited;
    return life;
  }

  /** SIGTERM, and the time until the process exited (or SIGKILL after `limitMs`). */
  async stop(limitMs: number, onSignal?: (life: Lifetime) => void): Promise<{ readonly life: Lifetime; readonly ms: number; readonly timedOut: boolean }> {
    const life = this.requireLive();
    life.ending = true;
    life.endedBy = 'SIGTERM';
    life.endedAt = Date.now();
    const started = performance.now();
    life.child.kill('SIGTERM');
    onSignal?.(life);
    const timedOut = await Promise.race([life.exited.then(() => false), sleepMs(limitMs).then(() => true)]);
    if (timedOut) {
      life.child.kill('SIGKILL');
      await life.exited;
    }
    return { life, ms: performance.now() - started, timedOut };
  }

  /** No server will come: whoever waits for one, or asks later, gets `reason`. */
  abandon(reason: Error): void {
    this.failure = reason;
    for (const { reject } of this.waiting.splice(0)) reject(reason);
  }

  /** From now on an exit is expected: nothing is restarted. */
  shutDown(): void {
    this.shuttingDown = true;
  }

  /** Kills whatever is still running (cleanup after an error or Ctrl-C). */
  async killAll(): Promise<void> {
    this.shuttingDown = true;
    await Promise.all(
      this.lifetimes
        .filter((life) => life.exit === undefined)
        .map((life) => {
          life.ending = true;
          life.child.kill('SIGKILL');
          return life.exited;
        }),
    );
  }

  /** Reads VmRSS of the serving process. */
  sampleRss(): void {
    const life = this.current;
    if (life === undefined) return;
    try {
      const status = readFileSync(`/proc/${life.pid}/status`, 'utf8');
      const kilobytes = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
      if (kilobytes !== undefined) life.rss.push({ atSeconds: (Date.now() - life.listeningAt) / 1000, kilobytes: Number(kilobytes) });
    } catch {
      // It exited between the check and the read: the next lifetime gets the next sample.
    }
  }

  private requireLive(): Lifetime {
    const life = this.current;
    if (life === undefined) throw new Error('no server is running');
    return life;
  }

  /** Copies the output to the log file; resolves with the port once it logs "listening". */
  private watchOutput(life: Lifetime, log: WriteStream): Promise<void> {
    const append = (line: string): void => {
      if (!log.writableEnded) log.write(`${line}\n`);
    };
    createInterface({ input: life.child.stderr! }).on('line', (line) => {
      append(`[stderr] ${line}`);
      noteErrorLine(life, line);
    });
    return new Promise((resolve, reject) => {
      life.child.once('exit', (code, signal) => reject(new Error(`tally serve #${life.number} exited before listening (${signal ?? `code ${code}`}); see ${life.logPath}`)));
      createInterface({ input: life.child.stdout! }).on('line', (line) => {
        append(line);
        const entry = parseLogLine(line);
        if (entry === undefined) return;
        if (typeof entry.level === 'number' && entry.level >= PINO_ERROR) noteErrorLine(life, line);
        if (entry.msg !== 'listening' || typeof entry.url !== 'string') return;
        const url = new URL(entry.url);
        // Loopback only: a server listening anywhere else is not one this test may drive.
        if (url.hostname !== HOST) return reject(new Error(`tally serve #${life.number} listens on ${url.hostname}, not ${HOST}`));
        life.port = Number(url.port);
        life.listeningAt = Date.now();
        resolve();
      });
    });
  }

  private onExit(life: Lifetime, code: number | null, signal: NodeJS.Signals | null): void {
    life.exit = { code, signal };
    life.endedAt ??= Date.now();
    if (life.ending || this.shuttingDown) return;
    life.ending = true;
    life.endedBy = 'crash';
    this.options.onCrash(life);
    // The failure is kept and handed to whoever waits for the server.
    if (this.live === life) this.start().catch(() => undefined);
  }
}

function noteErrorLine(life: Lifetime, line: string): void {
  life.errorLineCount++;
  if (life.errorLines.length < ERROR_LINES_KEPT) life.errorLines.push(line.length > 600 ? `${line.slice(0, 600)}…` : line);
}

function parseLogLine(line: string): { level?: unknown; msg?: unknown; url?: unknown } | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

async function withTimeout(promise: Promise<void>, ms: number, message: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
