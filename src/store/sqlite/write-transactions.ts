/**
 * Group commit for SQLite writes. With `synchronous = FULL` every commit costs an fsync, which
 * caps one-transaction-per-request at a few thousand writes a second. Writes that arrive in the
 * same turn of the event loop are instead run in one IMMEDIATE transaction, each inside its own
 * savepoint, and committed with one fsync. A write is acknowledged only after that commit, so
 * durability is unchanged; a write that throws rolls back its savepoint alone.
 *
 * better-sqlite3 would wait for another process's write lock synchronously, freezing every
 * request of this process; instead a busy lock is retried after a short, growing, jittered
 * pause, for up to `lockWaitMs` per write.
 */
import type Database from 'better-sqlite3';

/** The most writes committed together: bounds the time the event loop spends in one batch. */
const MAX_BATCH = 256;

interface PendingWrite {
  readonly work: () => unknown;
  readonly deadline: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

export class GroupCommit {
  private queue: PendingWrite[] = [];
  private scheduled = false;
  private busyAttempts = 0;
  private waitingForIdle: (() => void)[] = [];

  /**
   * `beforeWrite` ends whatever read transaction the connection holds; `beforeCommit` throws
   * to roll the whole batch back when its commit could not last.
   */
  constructor(
    private readonly db: Database.Database,
    private readonly lockWaitMs: number,
    private readonly beforeWrite: () => void = () => undefined,
    private readonly beforeCommit: () => void = () => undefined,
  ) {}

  /** Runs `work` inside a write transaction; settles once that transaction is committed. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, deadline: Date.now() + this.lockWaitMs, resolve: resolve as (value: unknown) => void, reject });
      this.schedule(0);
    });
  }

  /** Resolves once every queued write has been committed or refused. */
  async idle(): Promise<void> {
    if (this.queue.length === 0 && !this.scheduled) return;
    await new Promise<void>((resolve) => this.waitingForIdle.push(resolve));
  }

  private schedule(delayMs: number): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate: every request read in this turn of the event loop joins the batch.
    if (delayMs === 0) setImmediate(() => this.flush());
    else setTimeout(() => this.flush(), delayMs);
  }

  private flush(): void {
    this.scheduled = false;
    this.beforeWrite();
    const batch = this.queue.slice(0, MAX_BATCH);
    let outcomes: Outcome[];
    try {
      outcomes = this.db
        .transaction(() => {
          const done = batch.map((write) => this.runInSavepoint(write));
          this.beforeCommit();
          return done;
        })
        .immediate();
    } catch (error) {
      this.afterFailedCommit(batch, error);
      return;
    }
    this.queue.splice(0, batch.length);
    this.busyAttempts = 0;
    for (const [index, write] of batch.entries()) {
      const outcome = outcomes[index]!;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.error);
    }
    this.next();
  }

  /** A nested better-sqlite3 transaction is a savepoint: a throwing write undoes only itself. */
  private runInSavepoint(write: PendingWrite): Outcome {
    try {
      return { ok: true, value: this.db.transaction(write.work)() };
    } catch (error) {
      // SQLite may roll the whole transaction back on a full disk or an I/O error: the writes
      // after this one would then each commit on their own while the batch is answered as
      // failed. The batch stops here instead, and is refused as a whole.
      if (!this.db.inTransaction) throw error;
      return { ok: false, error };
    }
  }

  /** Nothing of the batch was committed: refuse it all, or wait for another process's lock. */
  private afterFailedCommit(batch: readonly PendingWrite[], error: unknown): void {
    if (!isBusy(error)) {
      this.queue.splice(0, batch.length);
      for (const write of batch) write.reject(error);
      this.next();
      return;
    }
    const now = Date.now();
    this.queue = this.queue.filter((write) => {
      if (write.deadline >= now) return true;
      write.reject(error);
      return false;
    });
    if (this.queue.length === 0) return this.next();
    this.busyAttempts++;
    this.schedule(Math.min(2 ** this.busyAttempts, 50) * (0.5 + Math.random()));
  }

  private next(): void {
    if (this.queue.length > 0) this.schedule(0);
    else for (const resolve of this.waitingForIdle.splice(0)) resolve();
  }
}

function isBusy(error: unknown): boolean {
  return typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('SQLITE_BUSY');
}
