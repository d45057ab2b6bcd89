/**
 * What a supervisor sees of a server process: when it listens (its JSON log line), whether its
 * port still answers, whether the process is still there, and how it exited.
 */
import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';

export interface Listening {
  readonly url: string;
  readonly port: number;
  /** The pid the server logged: the node process itself, whatever launched it. */
  readonly pid: number;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Resolves when the child's standard output carries Tally's "listening" log line (other lines,
 * such as npm's banner, are skipped); rejects if the child exits first or after `timeoutMs`.
 * `lines` collects every line read, for assertions and failure messages.
 */
export function untilListening(child: ChildProcess, lines: string[] = [], timeoutMs = 20_000): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line in ${timeoutMs} ms:\n${lines.join('\n')}`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited (${signal ?? code}) before listening:\n${lines.join('\n')}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      let entry: { msg?: string; url?: string; pid?: number };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (entry.msg !== 'listening' || entry.url === undefined || entry.pid === undefined) return;
      clearTimeout(timer);
      resolve({ url: entry.url, port: Number(new URL(entry.url).port), pid: entry.pid });
    });
  });
}

/** The child's exit, or undefined when it has not exited within `timeoutMs`. */
export function exitWithin(child: ChildProcess, timeoutMs: number): Promise<Exit | undefined> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Resolves true when a new TCP connection to the loopback `port` is refused. */
export function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** Sends SIGKILL to every pid still there: a failed test leaves no server behind. */
export function killLeftovers(pids: Iterable<number>): void {
  for (const pid of pids) {
    if (processExists(pid)) process.kill(pid, 'SIGKILL');
  }
}
