/**
 * Whether a write to PostgreSQL can last. The database is another server's, so there is no
 * file to watch: an unreachable server already fails /readyz. What is left is a server that
 * answers but refuses writes, out of room (SQLSTATE class 53: 53100 is a full disk) or read
 * only (25006: a replica, or a primary demoted under us). From the first such failure every
 * write is refused at once, until a tiny probe write succeeds.
 */
import type { WriteHealth } from '../store.js';

/** How often a store whose writes failed tries one again. */
const PROBE_INTERVAL_MS = 500;

export class PgWriteHealth {
  private failed: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private probing = false;
  private stopped = false;
  private onChange: (health: WriteHealth) => void = () => undefined;

  /** `location` is displayed without a password; `probe` is one tiny real write. */
  constructor(
    private readonly location: string,
    private readonly probe: () => Promise<unknown>,
  ) {}

  health(): WriteHealth {
    return this.failed;
  }

  watch(onChange: (health: WriteHealth) => void): void {
    this.onChange = onChange;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Called with every error a write threw: only a refusal of the server to store anything matters here. */
  noteWriteError(error: unknown): void {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !(code.startsWith('53') || code === '25006')) return;
    const message = error instanceof Error ? error.message : String(error);
    this.set(`a write to ${this.location} failed (SQLSTATE ${code}: ${message})`);
    if (this.timer !== undefined || this.stopped) return;
    this.timer = setInterval(() => this.tryProbe(), PROBE_INTERVAL_MS);
    this.timer.unref();
  }

  private tryProbe(): void {
    if (this.probing) return;
    this.probing = true;
    this.probe()
      .then(
        () => {
          clearInterval(this.timer);
          this.timer = undefined;
          this.set(undefined);
        },
        (error: unknown) => this.noteWriteError(error),
      )
      .finally(() => (this.probing = false));
  }

  private set(health: WriteHealth): void {
    if (health === this.failed) return;
    this.failed = health;
    this.onChange(health);
  }
}
