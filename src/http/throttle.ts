/**
 * Brute-force throttling: failed authentications are counted per client address in the store
 * (so every node of a deployment shares the count); an address past the limit is answered
 * 429 until its cooldown ends. Each node keeps the blocked addresses in memory, learns its own
 * blocks at once and the other nodes' blocks at the next poll, so a blocked request costs no
 * database work.
 */
import type { Settings } from '../domain/settings.js';
import type { Logger } from '../logging.js';
import type { Store } from '../store/store.js';

/** Failures are counted in fixed windows of one minute. */
export const FAILURE_WINDOW_MS = 60_000;

export class Throttle {
  private blocked = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  /** When the address's block ends (ms since the epoch), or undefined when it is not blocked. */
  blockedUntil(address: string, nowMs: number): number | undefined {
    const until = this.blocked.get(address);
    if (until === undefined) return undefined;
    if (until > nowMs) return until;
    this.blocked.delete(address);
    return undefined;
  }

  /** How many addresses are blocked now, for the metrics. */
  blockedCount(nowMs = Date.now()): number {
    let count = 0;
    for (const until of this.blocked.values()) if (until > nowMs) count++;
    return count;
  }

  /** Counts a failed authentication; the server waits for it before answering, so no guess slips past the limit. */
  async recordFailure(address: string, settings: Settings, nowMs: number): Promise<void> {
    if (settings.authFailureLimit === 0) return;
    const until = await this.store.recordAuthFailure(
      address,
      { limit: settings.authFailureLimit, windowMs: FAILURE_WINDOW_MS, cooldownMs: settings.authFailureCooldownSeconds * 1000 },
      nowMs,
    );
    if (until !== undefined && (this.blocked.get(address) ?? 0) < until) {
      this.blocked.set(address, until);
      this.logger.warn({ client: address, until: new Date(until).toISOString() }, 'client throttled after repeated failed authentication');
    }
  }

  /** Takes in the blocks every node has recorded. */
  async refresh(nowMs = Date.now()): Promise<void> {
    const shared = await this.store.blockedClients(nowMs);
    const merged = new Map(shared);
    for (const [address, until] of this.blocked) {
      if (until > nowMs && (merged.get(address) ?? 0) < until) merged.set(address, until);
    }
    this.blocked = merged;
  }
}
