/**
 * The load generator of `npm run bench`, in a process of its own so that it never shares an
 * event loop with a server it measures. bench/serve.ts runs it once per round:
 *
 *   node dist/bench/load.js '{"url":"http://127.0.0.1:PORT","scenario":"get","seconds":10,...}'
 *
 * It keeps 50 keep-alive connections busy with autocannon for the given seconds and prints one
 * JSON line (a LoadResult). Every answer's body is checked: Tally answers its API errors (a
 * wrong hash, an unknown user) with HTTP 200, so the status alone would not show them.
 */
import { randomBytes, randomInt } from 'node:crypto';
import autocannon from 'autocannon';
import { balanceGetForm, mixKind, sha1 } from './tools.js';

export interface LoadConfig {
  /** The server, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly scenario: 'get' | 'update';
  readonly seconds: number;
  /** The database has user1 .. user<users>. */
  readonly users: number;
  /** The id of user1: user k has id firstUserId + k - 1 (the update scenario addresses ids). */
  readonly firstUserId: number;
  readonly secret: string;
}

export interface LoadResult {
  /** How long the run took, as autocannon measured it. */
  readonly seconds: number;
  /** 2xx answers per second. */
  readonly rps: number;
  readonly count2xx: number;
  /** Answers whose body is the scenario's success document. */
  readonly succeeded: number;
  /** Requests sent but not answered when the run stopped (or lost to a timeout). */
  readonly unanswered: number;
  /** Latency percentiles in milliseconds: autocannon records whole milliseconds, rounded down. */
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  /** Answers of any status whose body is not the success document. */
  readonly badBodies: number;
  readonly firstBadBody: string | undefined;
  readonly statusCodes: Record<string, number>;
  readonly errors: number;
  readonly timeouts: number;
}

const CONNECTIONS = 50;
const POOL_SIZE = 50_000;
const GET_PATH = '/billing/api/user_balance_get';
const UPDATE_PATH = '/billing/api/user_balance_update';
/** Each update adds one cent: the amount is a delta, not the new balance. */
const UPDATE_AMOUNT = '0.01';
const FORM_HEADERS = { 'Content-Type': 'application/x-www-form-urlencoded' };

const config = JSON.parse(process.argv[2] ?? '') as LoadConfig;
const result = await run(config);
console.log(JSON.stringify(result));

async function run(load: LoadConfig): Promise<LoadResult> {
  const nextBody = load.scenario === 'get' ? cycle(balanceGetBodies(load)) : balanceUpdateBodies(load);
  const successMark = load.scenario === 'get' ? '<balance>' : '<status>User balance updated</status>';

  let built = 0;
  let answered = 0;
  let succeeded = 0;
  let firstBadBody: string | undefined;
  const outcome = await autocannon({
    url: load.url,
    connections: CONNECTIONS,
    duration: load.seconds,
    requests: [
      {
        method: 'POST',
        path: load.scenario === 'get' ? GET_PATH : UPDATE_PATH,
        headers: FORM_HEADERS,
        // autocannon sends each request it builds: counting builds counts requests sent.
        setupRequest: (request) => {
          built++;
          return { ...request, body: nextBody() };
        },
      },
    ],
    verifyBody: (body) => {
      answered++;
      const ok = body.includes(successMark);
      if (ok) succeeded++;
      else firstBadBody ??= body;
      return ok;
    },
  });

  const statusCodes = Object.fromEntries(Object.entries(outcome.statusCodeStats).map(([code, { count }]) => [code, count]));
  return {
    seconds: outcome.duration,
    rps: outcome['2xx'] / outcome.duration,
    count2xx: outcome['2xx'],
    succeeded,
    unanswered: built - answered,
    p50: outcome.latency.p50,
    p99: outcome.latency.p99,
    non2xx: outcome.non2xx,
    badBodies: outcome.mismatches,
    firstBadBody,
    statusCodes,
    errors: outcome.errors,
    timeouts: outcome.timeouts,
  };
}

/**
 * A pool of signed balance requests for random users, made before the run so that hashing
 * costs the load generator nothing while it measures: 70% plain, 20% converted to EUR (the
 * currency is hashed), 10% in the user's own currency (user_currency is not hashed).
 */
function balanceGetBodies({ users, secret }: LoadConfig): Buffer[] {
  const bodies: Buffer[] = [];
  for (let i = 0; i < POOL_SIZE; i++) {
    bodies.push(Buffer.from(balanceGetForm(`user${randomInt(1, users + 1)}`, mixKind(i), secret)));
  }
  return bodies;
}

/**
 * Balance updates of one cent for random users, each with a transaction_id of its own (a run
 * prefix and a counter), so that every update is applied and writes one ledger entry.
 */
function balanceUpdateBodies({ users, firstUserId, secret }: LoadConfig): () => string {
  const runPrefix = `bench-${randomBytes(6).toString('hex')}`;
  let counter = 0;
  return () => {
    const userId = firstUserId + randomInt(users);
    const transactionId = `${runPrefix}-${++counter}`;
    const hash = sha1(`${userId}${UPDATE_AMOUNT}${transactionId}${secret}`);
    return `u=admin&user_id=${userId}&balance=${UPDATE_AMOUNT}&transaction_id=${transactionId}&hash=${hash}`;
  };
}

function cycle<T>(items: readonly T[]): () => T {
  let next = 0;
  return () => items[next++ % items.length]!;
}
