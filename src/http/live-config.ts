/**
 * The settings and currencies a server answers with, held in memory and refreshed when the
 * store's config version moves: a change made by the CLI or another node is live within
 * one poll interval, and a request never waits for a settings read.
 */
import { buildApiConfig, type ApiConfig } from '../domain/api-config.js';
import type { BalanceReads } from '../store/store.js';

export const CONFIG_POLL_MS = 250;

export class LiveConfig {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  private constructor(
    private readonly store: BalanceReads,
    private config: ApiConfig,
  ) {}

  static async load(store: BalanceReads): Promise<LiveConfig> {
    return new LiveConfig(store, await loadConfig(store));
  }

  get current(): ApiConfig {
    return this.config;
  }

  /** Polls for changes every `intervalMs` until stop(). A failed poll keeps the last good config. */
  start(intervalMs: number, onError: (error: unknown) => void): void {
    this.timer = setInterval(() => {
      if (this.inFlight === undefined) this.refresh().catch(onError); // a slow poll is not stacked
    }, intervalMs);
    this.timer.unref();
  }

  /**
   * Reloads when the store's version differs from the one held. A poll already running may have
   * read the version before the caller's change: it is waited for, then the version is read again.
   */
  async refresh(): Promise<void> {
    while (this.inFlight !== undefined) await this.inFlight.catch(() => undefined);
    this.inFlight = this.reloadIfChanged();
    try {
      await this.inFlight;
    } finally {
      this.inFlight = undefined;
    }
  }

  private async reloadIfChanged(): Promise<void> {
    if ((await this.store.configVersion()) !== this.config.version) this.config = await loadConfig(this.store);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

async function loadConfig(store: BalanceReads): Promise<ApiConfig> {
  const rows = await store.readApiConfig();
  return buildApiConfig(rows.settings, rows.currencies, rows.version);
}
