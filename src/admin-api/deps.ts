/** What the admin API's operations are given: built once by the composition root (app.ts). */
import type { LiveConfig } from '../http/live-config.js';
import type { Throttle } from '../http/throttle.js';
import type { Logger } from '../logging.js';
import type { Store } from '../store/store.js';
import type { DatabaseStats } from '../admin/stats.js';

/** Counts for `/admin/v1/stats`, kept by ops/metrics.ts on this node. */
export interface RecentActivity {
  recordAuthFailure(): void;
  /** Requests answered, and failed authentications, in the last `ms` milliseconds. */
  recent(ms: number): { readonly requests: number; readonly authFailures: number };
}

export interface AdminApiDeps {
  readonly store: Store;
  readonly liveConfig: LiveConfig;
  readonly throttle: Throttle;
  readonly activity: RecentActivity;
  /** The database's totals, read at most every few seconds (admin/stats.ts). */
  readonly databaseStats: () => Promise<DatabaseStats>;
  readonly logger: Logger;
}
