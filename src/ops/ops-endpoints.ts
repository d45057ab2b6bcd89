/**
 * The operator's endpoints, beside the API: `/healthz` (the process answers), `/readyz` (the
 * database answers too, and what is written to it can last) and `/metrics` (Prometheus). None
 * takes parameters or reveals a secret.
 */
import type { Reply } from '../http/api-method.js';
import type { Store } from '../store/store.js';
import type { Metrics } from './metrics.js';

export type OpsEndpoint = 'healthz' | 'readyz' | 'metrics';

export const OPS_PATHS: ReadonlyMap<string, OpsEndpoint> = new Map([
  ['/healthz', 'healthz'],
  ['/readyz', 'readyz'],
  ['/metrics', 'metrics'],
]);

/** A database slower than this to answer a trivial query counts as unreachable. */
const READY_TIMEOUT_MS = 2000;

export async function answerOps(
  endpoint: OpsEndpoint,
  method: string | undefined,
  deps: { readonly store: Store; readonly metrics: Metrics },
): Promise<Reply> {
  if (method !== 'GET' && method !== 'HEAD') {
    return { status: 405, type: 'text', body: 'method not allowed\n', outcome: 'method_not_allowed', headers: { Allow: 'GET, HEAD' } };
  }
  switch (endpoint) {
    case 'healthz':
      return { status: 200, type: 'text', body: 'ok\n', outcome: 'healthy' };
    case 'readyz': {
      // A database that answers but cannot keep what is written is not ready either.
      const notWritable = deps.store.writeHealth();
      if (notWritable !== undefined) {
        return { status: 503, type: 'text', body: `database not writable: ${notWritable}\n`, outcome: 'not_ready' };
      }
      return (await databaseAnswers(deps.store))
        ? { status: 200, type: 'text', body: 'ready\n', outcome: 'ready' }
        : { status: 503, type: 'text', body: 'database unreachable\n', outcome: 'not_ready' };
    }
    case 'metrics':
      return { status: 200, type: 'prometheus', body: deps.metrics.render(), outcome: 'metrics' };
  }
}

async function databaseAnswers(store: Store): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS)));
  try {
    return await Promise.race([store.configVersion().then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
