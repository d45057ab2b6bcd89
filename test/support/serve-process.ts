/** Real `tally serve` processes for multi-node tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { PG_TEST_URL, TALLY_BIN } from './fixtures.js';

export interface ServeProcess {
  readonly url: string;
  /** The admin listener's address, as the 'listening' line names it; undefined when it is off. */
  readonly adminUrl: string | undefined;
  readonly child: ChildProcess;
  /** Process ids that logged "listening": one per worker. */
  readonly listeningPids: number[];
  /** Every line the processes wrote on standard output so far (JSON log lines). */
  readonly lines: string[];
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface ServeOptions {
  readonly workers?: number;
  /** `--init`: create a missing database. */
  readonly init?: boolean;
  /** More arguments for `tally serve` (`--admin-host`, say). */
  readonly args?: readonly string[];
  /** Variables over the inherited environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Starts `tally serve --port 0` (with `--init` when asked: it creates a missing database) and
 * waits until `workers` processes are listening. The admin listener takes a free port unless
 * the environment or `args` say otherwise: tests run in parallel, and never on 8081.
 */
export function startServeProcess(db: string, options: ServeOptions = {}): Promise<ServeProcess> {
  const workers = options.workers ?? 1;
  const args = [
    TALLY_BIN,
    'serve',
    '--port',
    '0',
    '--db',
    db,
    ...(workers > 1 ? ['--workers', String(workers)] : []),
    ...(options.init === true ? ['--init'] : []),
    ...(options.args ?? []),
  ];
  const env = { ...process.env, TALLY_ADMIN_PORT: process.env.TALLY_ADMIN_PORT ?? '0', TALLY_LOG_LEVEL: 'info', ...options.env };
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const listeningPids: number[] = [];
    const lines: string[] = [];
    // A wait, not a timed assertion: two workers on PostgreSQL on a loaded machine took over 20 s.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('tally serve did not start in 60 s'));
    }, 60_000);
    child.once('exit', (code) => reject(new Error(`tally serve exited early with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      let entry: { msg?: string; url?: string; adminUrl?: string; pid?: number };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (entry.msg !== 'listening' || entry.url === undefined) return;
      listeningPids.push(entry.pid ?? 0);
      if (listeningPids.length === workers) {
        clearTimeout(timer);
        resolve({
          url: entry.url,
          adminUrl: entry.adminUrl,
          child,
          listeningPids,
          lines,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
  });
}

/** Whether the test PostgreSQL answers; with CI set, a missing server is an error, not a skip. */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch (error) {
    if (process.env.CI) throw new Error(`PostgreSQL at ${PG_TEST_URL} must be reachable in CI: ${(error as Error).message}`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
