/**
 * The operator's endpoints, beside the API: `/healthz` (the process answers), `/readyz` (the
 * database answers too, and what is written to it can last) and `/metrics` (Prometheus). None
 * takes parameters or reveals a secret.
 */
import type { BalanceReads, Health } from '../store/store.js';
import { TEXT_PLAIN, type Reply, type WholeReply } from '../transport/reply.js';
import type { Surface, TransportFault } from '../transport/surface.js';
import type { Metrics } from './metrics.js';

export type OpsEndpoint = 'healthz' | 'readyz' | 'metrics';

const OPS_PATHS: ReadonlyMap<string, OpsEndpoint> = new Map([
  ['/healthz', 'healthz'],
  ['/readyz', 'readyz'],
  ['/metrics', 'metrics'],
]);

export interface OpsDeps {
  /** Its health, and a trivial query to see that the database answers. */
  readonly store: Health & BalanceReads;
  readonly metrics: Metrics;
}

/** A database slower than this to answer a trivial query counts as unreachable. */
const READY_TIMEOUT_MS = 2000;
const PROMETHEUS = 'text/plain; version=0.0.4; charset=utf-8';
/** Probes poll: their successes are logged at debug only. */
const ROUTINE_OUTCOMES: ReadonlySet<string> = new Set(['healthy', 'ready', 'metrics']);

const FAULTS: Readonly<Record<TransportFault, WholeReply>> = {
  internal_error: plain(500, 'internal error\n', 'internal_error'),
  malformed_request: plain(400, 'malformed request\n', 'malformed_request'),
  method_not_allowed: { ...plain(405, 'method not allowed\n', 'method_not_allowed'), headers: { Allow: 'GET, HEAD' } },
  headers_too_large: plain(431, 'request too large\n', 'headers_too_large'),
  request_timeout: plain(408, 'request timeout\n', 'request_timeout'),
};

export function createOpsSurface(deps: OpsDeps): Surface {
  return {
    paths: [...OPS_PATHS.keys()],
    routineOutcomes: ROUTINE_OUTCOMES,
    async answer(req, path) {
      const endpoint = OPS_PATHS.get(path)!; // the transport hands it only its own paths
      return { reply: await answerOps(endpoint, req.method, deps), api: endpoint, logPath: path };
    },
    fault: (fault) => FAULTS[fault],
    contentType: (reply) => (reply.type === 'prometheus' ? PROMETHEUS : TEXT_PLAIN),
    logPath: (path) => path,
  };
}

async function answerOps(endpoint: OpsEndpoint, method: string | undefined, deps: OpsDeps): Promise<Reply> {
  if (method !== 'GET' && method !== 'HEAD') return FAULTS.method_not_allowed;
  switch (endpoint) {
    case 'healthz':
      return plain(200, 'ok\n', 'healthy');
    case 'readyz': {
      // A database that answers but cannot keep what is written is not ready either.
      const notWritable = deps.store.writeHealth();
      if (notWritable !== undefined) return plain(503, `database not writable: ${notWritable}\n`, 'not_ready');
      return (await databaseAnswers(deps.store)) ? plain(200, 'ready\n', 'ready') : plain(503, 'database unreachable\n', 'not_ready');
    }
    case 'metrics':
      return { status: 200, type: 'prometheus', body: deps.metrics.render(), outcome: 'metrics' };
  }
}

function plain(status: number, body: string, outcome: string): WholeReply {
  return { status, type: 'text', body, outcome };
}

async function databaseAnswers(store: BalanceReads): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS)));
  try {
    return await Promise.race([store.configVersion().then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
