/**
 * The settings and currencies a server answers with, held in memory and refreshed when the
 * store's config version moves: a change made by the CLI or another node is live within
 * one poll interval, and a request never waits for a settings read.
 */
import { buildApiConfig, type ApiConfig } from '../domain/api-config.js';
import type { Store } from '../store/store.js';

export const CONFIG_POLL_MS = 250;

export class LiveConfig {
  private timer: NodeJS.Timeout | undefined;
  private refreshing = false;

  private constructor(
    private readonly store: Store,
    private config: ApiConfig,
  ) {}

  static async load(store: Store): Promise<LiveConfig> {
    return new LiveConfig(store, await loadConfig(store));
  }

  get current(): ApiConfig {
    return this.config;
  }

  /** Polls for changes every `intervalMs` until stop(). A failed poll keeps the last good config. */
  start(intervalMs: number, onError: (error: unknown) => void): void {
    this.timer = setInterval(() => {
      this.refresh().catch(onError);
    }, intervalMs);
    this.timer.unref();
  }

  /** Reloads when the store's version differs from the one held. */
  async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      if ((await this.store.configVersion()) !== this.config.version) this.config = await loadConfig(this.store);
    } finally {
      this.refreshing = false;
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

async function loadConfig(store: Store): Promise<ApiConfig> {
  const rows = await store.readApiConfig();
  return buildApiConfig(rows.settings, rows.currencies, rows.version);
}
