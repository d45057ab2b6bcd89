/**
 * Whether a write to the SQLite file can last. A connection keeps writing happily into a file
 * that was deleted (`rm tally.db*`) or replaced under it: the unlinked inode takes the commits
 * and they vanish with the process. A full disk makes every commit fail. The watchdog notices
 * both within a fraction of a second, so the server refuses writes and /readyz says why,
 * instead of acknowledging changes that cannot last.
 */
import { statfsSync, statSync } from 'node:fs';
import type { WriteHealth } from '../store.js';
import { NotWritableError } from '../store.js';

/** Well under a second, the most an operator's probe should wait to see the change. */
export const WATCH_INTERVAL_MS = 250;
/** Less free space than this counts as a full disk: a batch of writes needs a few pages of WAL. */
const MIN_FREE_BYTES = 1024 * 1024;
/** Codes of a write that failed because of the storage, not because of what it wrote. */
const STORAGE_FAILURE = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN)/;

export class WriteWatchdog {
  private readonly identity: { readonly dev: number; readonly ino: number };
  /** Permanent: the connection points at a file nobody will ever read again. */
  private replaced: string | undefined;
  /** The file's filesystem has (almost) no room left. */
  private diskFull = false;
  /** The file could not be looked at (other than missing): clears when it can be again. */
  private unreadable: string | undefined;
  /** A write failed on the storage: clears when a probe write succeeds. */
  private failedWrite: string | undefined;
  private probing = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private onChange: (health: WriteHealth) => void = () => undefined;

  /** `path` is absolute and was just opened; `probe` is one tiny real write through the normal path. */
  constructor(
    private readonly path: string,
    private readonly probe: () => Promise<void>,
  ) {
    const stats = statSync(path);
    this.identity = { dev: stats.dev, ino: stats.ino };
  }

  health(): WriteHealth {
    return this.replaced ?? (this.diskFull ? `the disk holding ${this.path} is full` : undefined) ?? this.unreadable ?? this.failedWrite;
  }

  watch(onChange: (health: WriteHealth) => void): void {
    this.onChange = onChange;
    if (this.timer !== undefined || this.stopped) return;
    this.timer = setInterval(() => this.check(), WATCH_INTERVAL_MS);
    this.timer.unref();
    this.check();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /**
   * Called just before a batch commits: a file deleted since the last tick fails the batch,
   * so no write is acknowledged into a file that is already gone.
   */
  assertSameFile(): void {
    if (this.replaced === undefined) this.change(() => this.lookAtFile());
    if (this.replaced !== undefined) throw new NotWritableError(this.replaced);
  }

  /** Called with every error a write threw: only a storage failure matters here. */
  noteWriteError(error: unknown): void {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !STORAGE_FAILURE.test(code)) return;
    const message = error instanceof Error ? error.message : String(error);
    this.change(() => (this.failedWrite = `a write to ${this.path} failed (${code}: ${message})`));
  }

  private check(): void {
    if (this.replaced !== undefined) return;
    this.change(() => {
      this.lookAtFile();
      this.diskFull = this.replaced === undefined && freeBytes(this.path) < MIN_FREE_BYTES;
    });
    if (this.failedWrite === undefined || this.probing || this.health() !== this.failedWrite) return;
    this.probing = true;
    this.probe()
      .then(
        () => this.change(() => (this.failedWrite = undefined)),
        (error: unknown) => this.noteWriteError(error),
      )
      .finally(() => (this.probing = false));
  }

  private lookAtFile(): void {
    try {
      const stats = statSync(this.path);
      this.unreadable = undefined;
      if (stats.dev === this.identity.dev && stats.ino === this.identity.ino) return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        this.unreadable = `the database file ${this.path} cannot be checked (${code ?? String(error)})`;
        return;
      }
    }
    this.replaced = `the database file ${this.path} was deleted or replaced while the server had it open`;
  }

  private change(update: () => void): void {
    const before = this.health();
    update();
    const after = this.health();
    if (after !== before) this.onChange(after);
  }
}

function freeBytes(path: string): number {
  try {
    const stats = statfsSync(path);
    return stats.bavail * stats.bsize;
  } catch {
    return Number.POSITIVE_INFINITY; // a filesystem that cannot say is not called full
  }
}
