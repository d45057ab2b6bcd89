/**
 * The hostile clients: attackers guessing hashes from a few addresses, malformed requests of
 * every kind the README lists, clients that hang up mid-request, and slow clients that send half
 * a head and stall.
 */
import { smallAmount, updateRequest } from './api-kinds.js';
import { header } from '../support/spec-oracle.js';
import { chunkedBody, requestBytes, type OutgoingRequest, type RawStep } from '../support/raw-http.js';
import type { Amount } from './money.js';
import { between, chance, hex, pick, seededRandom, type Random } from './random.js';
import { INVARIANTS, type AttackerRecord } from './record.js';
import {
  call,
  expectation,
  formEncode,
  isError,
  kolmisoftHash,
  newTransactionId,
  rawCall,
  type Call,
  type Params,
  type Role,
  type Traffic,
  type Worker,
} from './traffic.js';

/** After a restart, a server learns the blocks in the database at its first poll (250 ms); this much is forgiven. */
const BLOCK_LEARNING_MS = 1500;
const GET_PATH = '/billing/api/user_balance_get';

// ---------------------------------------------------------------------------------------------
// Attackers

/** One attack: the request, the failure it is answered while the address is not throttled, and any forged update. */
interface AttackPlan {
  readonly outgoing: OutgoingRequest;
  readonly failure: string;
  readonly forged?: { readonly key: string; readonly userId: number; readonly amount: Amount };
}

/**
 * A failed authentication from one of the attackers' addresses: a wrong or missing hash, an
 * unknown admin login, an unknown uniquehash token. Answered the failure until the address is
 * throttled, then 429 until the cooldown ends. Forged updates must never reach the ledger.
 */
export async function attack(traffic: Traffic, worker: Worker): Promise<void> {
  const attacker = pick(worker.random, traffic.attackers);
  const plan = planAttack(traffic, worker);
  const result = await call(traffic, worker, 'attack', plan.outgoing, { kind: 'attacker', address: attacker.address });
  if (plan.forged !== undefined) {
    const { key, userId, amount } = plan.forged;
    traffic.updates.add({ key, userId, amountText: amount.text, micros: amount.micros, state: 'forged' });
  }
  judgeAttack(traffic, attacker, result, plan.failure);
}

function planAttack(traffic: Traffic, worker: Worker): AttackPlan {
  const { random } = worker;
  const user = pick(random, traffic.population.users);
  const form = (params: Params): OutgoingRequest => ({ method: 'POST', target: GET_PATH, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: formEncode(params) });
  switch (between(random, 0, 4)) {
    case 0:
      return { outgoing: form([['username', user.username], ['hash', hex(random, 40)]]), failure: 'Incorrect hash' };
    case 1:
      return { outgoing: form([['username', user.username]]), failure: 'Incorrect hash' };
    case 2:
    case 3: {
      // A wrong hash with the admin login, or a right hash with a login that is no admin's.
      const forged = { key: newTransactionId(traffic, worker), userId: user.id, amount: smallAmount(random) };
      const wrongHash = chance(random, 0.5);
      const login = wrongHash ? 'admin' : pick(random, ['mallory', user.username]);
      const request = { userIdText: String(user.id), amountText: forged.amount.text, key: forged.key, login };
      return { outgoing: updateRequest(traffic, random, request, wrongHash ? hex(random, 40) : undefined), failure: wrongHash ? 'Incorrect hash' : 'Bad login', forged };
    }
    default:
      return { outgoing: { method: 'GET', target: `/billing/api/user_simple_balance_get/${hex(random, 16)}`, headers: {}, body: '' }, failure: 'User was not found' };
  }
}

function judgeAttack(traffic: Traffic, attacker: AttackerRecord, result: Call, failure: string): void {
  attacker.attempts++;
  if (!result.exchange.ok) return;
  const { answer } = result.exchange;
  if (answer.status === 429) {
    attacker.failuresBeforeFirstBlock ??= attacker.failures;
    attacker.throttled++;
    // Retry-After is the block's remaining seconds rounded up, counted from no earlier than our send.
    const seconds = Number(header(answer.headers, 'retry-after'));
    if (Number.isInteger(seconds) && seconds >= 1) attacker.blockedUntilAtLeast = Math.max(attacker.blockedUntilAtLeast, result.sentAt + (seconds - 1) * 1000);
    return;
  }
  const document = result.document;
  const failed = document?.name === 'simple_error' ? document.text === failure : isError(result, failure);
  expectation(traffic, result, failed, `"${failure}" or 429`, `attack from ${attacker.address}`);
  if (failed) attacker.failures++;
  const promised = result.sentAt < attacker.blockedUntilAtLeast - 250;
  if (!promised) return;
  const sinceStart = result.sentAt - result.life.listeningAt;
  const left = ((attacker.blockedUntilAtLeast - result.sentAt) / 1000).toFixed(1);
  const what = `${attacker.address} was answered ${answer.status} "${failure}" ${left} s before its block ends, ${sinceStart} ms after server #${result.life.number} started`;
  if (sinceStart > BLOCK_LEARNING_MS) traffic.record.violation(INVARIANTS.blockHonoured, what);
  else traffic.record.warning('a restarted server answers blocked addresses until it has read their blocks', what);
}

// ---------------------------------------------------------------------------------------------
// Malformed requests, each with the answer the README gives it

interface MalformedCase {
  readonly name: string;
  /** The request's bytes, built only for the case picked. */
  readonly build: () => Buffer;
  readonly status: number;
  readonly error: string;
  /** Refused by Node's parser before any request exists: the answer has an X-Request-Id of the server's, not ours. */
  readonly fromParser?: boolean;
}

/** A request with the fuzzer's headers: its client address and request id. */
function fuzzHeaders(worker: Worker, requestId: string, more: readonly (readonly [string, string])[] = []): (readonly [string, string])[] {
  return [['X-Forwarded-For', worker.fuzzAddress], ['X-Request-Id', requestId], ...more];
}

const FORM = ['Content-Type', 'application/x-www-form-urlencoded'] as const;
const JSON_TYPE = ['Content-Type', 'application/json'] as const;
const OVERSIZE_BODY = Buffer.alloc(70 * 1024, 'a');

function malformedCases(traffic: Traffic, worker: Worker, requestId: string): MalformedCase[] {
  const { random } = worker;
  const user = pick(random, traffic.population.users);
  const hash = kolmisoftHash(traffic, [user.username]);
  const valid = formEncode([['username', user.username], ['hash', hash]]);
  const headers = (...more: (readonly [string, string])[]) => fuzzHeaders(worker, requestId, more);
  const post = (body: string | Buffer, ...more: (readonly [string, string])[]) => requestBytes('POST', GET_PATH, headers(...more), body);
  const boundary = `soak${hex(random, 8)}`;
  const malformedRequest = { status: 400, error: 'Malformed request' };
  return [
    { name: 'a bad percent escape in the body', build: () => post(`username=%zz&hash=${hash}`, FORM), ...malformedRequest },
    { name: 'a bad percent escape in the query', build: () => requestBytes('POST', `${GET_PATH}?username=ab%2&hash=${hash}`, headers()), ...malformedRequest },
    { name: 'an escape that is not UTF-8', build: () => post(`username=%ff%fe&hash=${hash}`, FORM), ...malformedRequest },
    { name: 'raw bytes that are not UTF-8', build: () => post(Buffer.concat([Buffer.from('username='), Buffer.from([0xff, 0xfe]), Buffer.from(`&hash=${hash}`)]), FORM), ...malformedRequest },
    { name: 'broken JSON', build: () => post(`{"username": "${user.username}", "hash": `, JSON_TYPE), ...malformedRequest },
    { name: 'a JSON array value', build: () => post(`{"username": ["${user.username}"], "hash": "${hash}"}`, JSON_TYPE), ...malformedRequest },
    { name: 'multipart without a boundary', build: () => post('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n', ['Content-Type', 'multipart/form-data']), ...malformedRequest },
    { name: 'a broken escape in a path argument', build: () => requestBytes('GET', '/billing/api/user_simple_balance_get/%zz', headers()), ...malformedRequest },
    { name: 'a text/plain body', build: () => post(valid, ['Content-Type', 'text/plain']), status: 415, error: 'Unsupported content type' },
    {
      name: 'a file upload',
      build: () => post(`--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nhello\r\n--${boundary}--\r\n`, ['Content-Type', `multipart/form-data; boundary=${boundary}`]),
      status: 415,
      error: 'Unsupported content type',
    },
    { name: 'a body over 64 KiB', build: () => post(OVERSIZE_BODY, FORM), status: 413, error: 'Request too large' },
    {
      name: 'a chunked body over 64 KiB',
      build: () => Buffer.concat([requestBytes('POST', GET_PATH, headers(FORM, ['Transfer-Encoding', 'chunked'])), chunkedBody(OVERSIZE_BODY, 8192)]),
      status: 413,
      error: 'Request too large',
    },
    { name: '101 parameters', build: () => post(`${valid}&${Array.from({ length: 100 }, (_, i) => `p${i}=${i}`).join('&')}`, FORM), status: 400, error: 'Too many parameters' },
    { name: 'a parameter over 4096 characters', build: () => post(`${valid}&note=${'n'.repeat(5000)}`, FORM), status: 400, error: 'Parameter too long' },
    { name: 'an unknown API', build: () => requestBytes('POST', '/billing/api/no_such_method', headers(FORM), valid), status: 404, error: 'There is no such API' },
    { name: 'PUT', build: () => requestBytes('PUT', GET_PATH, headers(FORM), valid), status: 405, error: 'Method not allowed' },
    { name: 'GET while allow_get_api is off', build: () => requestBytes('GET', `${GET_PATH}?${valid}`, headers()), status: 200, error: 'GET Requests are disabled' },
    { name: 'headers over 16 KiB', build: () => requestBytes('POST', GET_PATH, headers(FORM, ['X-Padding', 'p'.repeat(17 * 1024)]), valid), status: 431, error: 'Request too large', fromParser: true },
    { name: 'a header line without a colon', build: () => handWritten(`POST ${GET_PATH} HTTP/1.1`, 'Host: 127.0.0.1', 'NoColonHere'), ...malformedRequest, fromParser: true },
    { name: 'a Content-Length that is no number', build: () => handWritten(`POST ${GET_PATH} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Length: abc'), ...malformedRequest, fromParser: true },
    { name: 'an unknown HTTP method', build: () => requestBytes('BREW', GET_PATH, headers(FORM), valid), status: 405, error: 'Method not allowed', fromParser: true },
  ];
}

/** A head written line by line, for what requestBytes would write correctly. */
function handWritten(...lines: string[]): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

export async function malformed(traffic: Traffic, worker: Worker): Promise<void> {
  const requestId = `soak-w${worker.index}-${++worker.requests}`;
  const testCase = pick(worker.random, malformedCases(traffic, worker, requestId));
  const role: Role = { kind: 'honest', address: worker.fuzzAddress };
  const result = await rawCall(traffic, 'malformed', [{ write: testCase.build() }], 10_000, role, testCase.fromParser ? undefined : requestId, testCase.name);
  if (!result.outcome.connected) return;
  const what = `a request with ${testCase.name}`;
  if (result.answer === undefined) {
    if (!result.life.ending) traffic.record.violation(INVARIANTS.malformedAnswered, `${what}: the connection closed without an answer (${result.outcome.error ?? 'no error'})`);
    return;
  }
  const ok = result.answer.status === testCase.status && isError(result, testCase.error);
  expectation(traffic, result, ok, `${testCase.status} "${testCase.error}"`, what);
  if (ok && testCase.status === 405) {
    expectation(traffic, result, header(result.answer.headers, 'allow') === 'GET, POST', 'Allow: GET, POST', what);
  }
}

// ---------------------------------------------------------------------------------------------
// Clients that hang up

/**
 * An update cut off mid-body must never land; one sent whole and then hung up on may have
 * (unknown); a head cut off is just dropped.
 */
export async function cut(traffic: Traffic, worker: Worker): Promise<void> {
  const { random } = worker;
  const user = pick(random, traffic.population.writable);
  const key = newTransactionId(traffic, worker);
  const amount = smallAmount(random);
  const params: Params = [
    ['u', 'admin'],
    ['user_id', String(user.id)],
    ['balance', amount.text],
    ['transaction_id', key],
    ['hash', kolmisoftHash(traffic, [String(user.id), amount.text, key])],
  ];
  const request = requestBytes('POST', '/billing/api/user_balance_update', fuzzHeaders(worker, `soak-w${worker.index}-${++worker.requests}`, [FORM]), formEncode(params));
  const headEnd = request.indexOf('\r\n\r\n') + 4;
  const where = pick(random, ['mid-body', 'after sending', 'mid-head'] as const);
  const stop = where === 'mid-body' ? between(random, headEnd, request.length - 2) : where === 'mid-head' ? between(random, 10, headEnd - 3) : request.length;
  const steps: RawStep[] = [{ write: request.subarray(0, stop) }, { pause: between(random, 0, 30) }, { hangUp: true }];
  const result = await rawCall(traffic, 'cut', steps, 0, { kind: 'honest', address: worker.fuzzAddress }, undefined, `hang-up ${where}`);
  if (where === 'mid-head') return;
  // Refused outright, nothing was sent; cut mid-body, it must not count; sent whole, it may.
  const state = !result.outcome.connected ? 'unsent' : where === 'mid-body' ? 'cut' : 'unknown';
  traffic.updates.add({ key, userId: user.id, amountText: amount.text, micros: amount.micros, state });
}

// ---------------------------------------------------------------------------------------------
// Slow clients

/** How many slow clients may stall at once: they run beside the workers, each for seconds. */
export const MAX_SLOW_CLIENTS = 8;
/** Node checks for timed-out requests once a second; the rest is a machine under load. */
const SLOW_SLACK_MS = 3000;

/**
 * Half a head and silence, a head trickled a byte at a time, or a body that stops halfway:
 * the server must answer 408 and close within its timeouts (TALLY_HEADERS_TIMEOUT for the head,
 * TALLY_REQUEST_TIMEOUT for the whole request). At most MAX_SLOW_CLIENTS at once; beyond that,
 * the worker's turn passes.
 */
export function startSlowClient(traffic: Traffic, worker: Worker): void {
  if (traffic.detached.size >= MAX_SLOW_CLIENTS) return;
  // A sequence of its own, drawn now: it runs beside the worker, whose sequence must not depend on timing.
  const running = slowClient(traffic, seededRandom(Math.floor(worker.random() * 2 ** 32)), worker);
  traffic.detached.add(running);
  void running.finally(() => traffic.detached.delete(running));
}

async function slowClient(traffic: Traffic, random: Random, worker: Worker): Promise<void> {
  const user = pick(random, traffic.population.users);
  const body = formEncode([['username', user.username], ['hash', kolmisoftHash(traffic, [user.username])]]);
  const request = requestBytes('POST', GET_PATH, fuzzHeaders(worker, `soak-w${worker.index}-${++worker.requests}`, [FORM]), body);
  const headEnd = request.indexOf('\r\n\r\n') + 4;
  const style = pick(random, ['stalled head', 'trickled head', 'stalled body'] as const);
  const limitMs = (style === 'stalled body' ? traffic.timeouts.requestMs : traffic.timeouts.headersMs) + SLOW_SLACK_MS;
  const steps: RawStep[] =
    style === 'stalled head'
      ? [{ write: request.subarray(0, between(random, 5, headEnd - 3)) }]
      : style === 'stalled body'
        ? [{ write: request.subarray(0, headEnd + between(random, 0, body.length - 1)) }]
        : [...request.subarray(0, headEnd - 2)].map((byte): RawStep[] => [{ write: Buffer.from([byte]) }, { pause: 200 }]).flat();
  const result = await rawCall(traffic, 'slow', steps, limitMs + 5000, { kind: 'honest', address: worker.fuzzAddress }, undefined, `slow client (${style})`);
  if (!result.outcome.connected || result.life.ending) return;
  const closedAfter = result.outcome.closedByServerAfterMs;
  if (closedAfter === undefined || closedAfter > limitMs) {
    const held = closedAfter === undefined ? 'never closed it' : `closed it after ${(closedAfter / 1000).toFixed(1)} s`;
    traffic.record.violation(INVARIANTS.slowCut, `${style}: the server ${held} (limit ${limitMs / 1000} s)`);
    return;
  }
  if (result.answer === undefined) {
    traffic.record.violation(INVARIANTS.slowCut, `${style}: closed after ${(closedAfter / 1000).toFixed(1)} s without the 408 answer`);
    return;
  }
  expectation(traffic, result, result.answer.status === 408 && isError(result, 'Request timeout'), '408 "Request timeout"', `slow client (${style})`);
}
