/**
 * What every request of the soak test shares: the run's context, the client workers, the
 * encodings a request can travel in, and `call` / `rawCall`, which send one request and apply
 * the checks that hold for every answer whatever was asked:
 *
 *   - no HTTP 500, ever;
 *   - the answer is one of the documents the README lists, with its status and content type;
 *   - every answer has an X-Request-Id: the client's own when the request was parsed;
 *   - a 429 has a sane Retry-After, and only attackers ever get one;
 *   - a connection fails only while the server is being killed or stopped.
 */
import { createHash } from 'node:crypto';
import type { Agent } from 'node:http';
import { describeDocument, header, identify, type Document } from '../support/spec-oracle.js';
import { converse, parseResponse, sendHttp, type Exchange, type HttpAnswer, type OutgoingRequest, type RawOutcome, type RawStep } from '../support/raw-http.js';
import type { Rate } from './money.js';
import { between, hex, pick, type Random } from './random.js';
import { INVARIANTS, type AttackerRecord, type Kind, type Recorder, type UpdateBook } from './record.js';
import type { Lifetime, Supervisor } from './server.js';

/** The README's sane request id: up to 64 of `A-Z a-z 0-9 . _ : -`. */
const REQUEST_ID_SYNTAX = /^[A-Za-z0-9._:-]{1,64}$/;
/** A well-formed request with no answer in this time counts as lost. */
export const REQUEST_TIMEOUT_MS = 15_000;

export interface SoakUser {
  readonly id: number;
  readonly username: string;
  readonly currency: string;
  /** The opening balance, in millionths. */
  readonly opening: bigint;
  /** Never updated by anyone: its balance reads can be checked to the cent. */
  readonly readOnly: boolean;
  readonly uniquehash: string;
}

export interface Population {
  readonly users: readonly SoakUser[];
  readonly readOnly: readonly SoakUser[];
  readonly writable: readonly SoakUser[];
  readonly systemCurrency: string;
  /** Per currency, every rate it may have now: its first, and every one sent since. */
  readonly possibleRates: Map<string, Rate[]>;
  readonly numberDigits: number;
}

export interface Traffic {
  /** Part of every transaction_id, so two runs on one database could never collide. */
  readonly runTag: string;
  readonly secret: string;
  readonly server: Supervisor;
  readonly record: Recorder;
  readonly population: Population;
  readonly updates: UpdateBook;
  readonly attackers: readonly AttackerRecord[];
  readonly throttle: { readonly limit: number; readonly cooldownSeconds: number };
  readonly timeouts: { readonly headersMs: number; readonly requestMs: number };
  /** Slow clients run beside the workers, not in their loop: they take seconds each. */
  readonly detached: Set<Promise<void>>;
  /** Valid exchange_rate_update requests per currency: sent, and answered with success. */
  readonly rateChanges: Map<string, { sent: number; acknowledged: number }>;
  /** Lifetimes whose /metrics already reported an internal error (reported once each). */
  readonly internalErrorsReported: Set<number>;
  stopping: boolean;
}

export interface Worker {
  readonly index: number;
  readonly random: Random;
  readonly agent: Agent;
  /** The X-Forwarded-For of its honest requests, and of its malformed ones. */
  readonly honestAddress: string;
  readonly fuzzAddress: string;
  requests: number;
  keys: number;
}

/** Who sends a request, which decides whether a 429 is acceptable. */
export type Role = { readonly kind: 'honest' | 'attacker'; readonly address: string } | { readonly kind: 'operator' };

/** One answered or failed request, as the kind-specific checks see it. */
export interface Call {
  readonly life: Lifetime;
  /** Date.now() just before sending. */
  readonly sentAt: number;
  readonly exchange: Exchange;
  /** The documented answer, or undefined (for a failure too). */
  readonly document: Document | undefined;
}

export type Params = readonly (readonly [name: string, value: string])[];

export function sha1(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

/** Kolmisoft's hash: the hashed values, then the secret key. */
export function kolmisoftHash(traffic: Traffic, values: readonly (string | undefined)[]): string {
  return sha1(values.filter((value) => value !== undefined && value !== '').join('') + traffic.secret);
}

/** Sends one well-formed request and applies the checks every answer must pass. */
export async function call(traffic: Traffic, worker: Worker, kind: Kind, outgoing: OutgoingRequest, role: Role): Promise<Call> {
  const life = await traffic.server.whenUp();
  const requestId = `soak-w${worker.index}-${++worker.requests}`;
  const headers: Record<string, string> = { ...outgoing.headers, 'X-Request-Id': requestId };
  if (role.kind !== 'operator') headers['X-Forwarded-For'] = forwardedFor(traffic, worker.random, role);
  traffic.record.request(kind);
  const sentAt = Date.now();
  const exchange = await sendHttp(life.port, worker.agent, { ...outgoing, headers }, REQUEST_TIMEOUT_MS);
  if (!exchange.ok) {
    noteFailure(traffic, kind, life, exchange.refused, `${outgoing.method} ${shortTarget(outgoing.target)} (${requestId}): ${exchange.reason}`);
    if (!exchange.refused) life.dropped++;
    return { life, sentAt, exchange, document: undefined };
  }
  const document = checkAnswer(traffic, kind, role, exchange.answer, requestId, `${outgoing.method} ${shortTarget(outgoing.target)}`);
  return { life, sentAt, exchange, document };
}

export interface RawCall {
  readonly life: Lifetime;
  readonly outcome: RawOutcome;
  readonly answer: HttpAnswer | undefined;
  readonly document: Document | undefined;
}

/**
 * A hand-written conversation over a socket of its own. `requestId` is the X-Request-Id it sent,
 * when the answer must carry it back; undefined when Node's parser refuses the request before
 * it exists, so that the answer carries one of the server's.
 */
export async function rawCall(
  traffic: Traffic,
  kind: Kind,
  steps: readonly RawStep[],
  waitMs: number,
  role: Role,
  requestId: string | undefined,
  what: string,
): Promise<RawCall> {
  const life = await traffic.server.whenUp();
  traffic.record.request(kind);
  const outcome = await converse(life.port, steps, waitMs);
  if (!outcome.connected) {
    noteFailure(traffic, kind, life, true, `${what}: ${outcome.error ?? 'no connection'}`);
    return { life, outcome, answer: undefined, document: undefined };
  }
  const answer = parseResponse(outcome.received);
  if (answer === undefined) {
    traffic.record.outcome(kind, 'no-answer');
    return { life, outcome, answer, document: undefined };
  }
  const document = checkAnswer(traffic, kind, role, answer, requestId, what);
  return { life, outcome, answer, document };
}

/**
 * The client's address as a trusted proxy (127.0.0.1) reports it, now and then behind a hop the
 * client wrote itself. The README counts the nearest hop that is not a trusted proxy: an attacker
 * cannot shed its block by inventing hops, nor get an honest client blocked by naming an attacker.
 */
function forwardedFor(traffic: Traffic, random: Random, role: { readonly kind: 'honest' | 'attacker'; readonly address: string }): string {
  if (role.kind === 'attacker' && random() < 0.3) return `${between(random, 1, 223)}.${between(random, 0, 255)}.${between(random, 0, 255)}.${between(random, 1, 254)}, ${role.address}`;
  if (role.kind === 'honest' && random() < 0.1) return `${pick(random, traffic.attackers).address}, ${role.address}`;
  return role.address;
}

function noteFailure(traffic: Traffic, kind: Kind, life: Lifetime, refused: boolean, message: string): void {
  traffic.record.outcome(kind, refused ? 'conn-refused' : 'conn-error');
  // A server being killed or stopped drops connections: that is the fault the test injects.
  if (!life.ending) traffic.record.violation(INVARIANTS.connections, `server #${life.number} was up: ${message}`);
}

function checkAnswer(traffic: Traffic, kind: Kind, role: Role, answer: HttpAnswer, requestId: string | undefined, what: string): Document | undefined {
  const { record } = traffic;
  record.outcome(kind, String(answer.status));
  const document = identify(answer);
  const seen = `${what} (${kind}) answered ${answer.status} ${excerpt(answer.body)}`;
  if (answer.status >= 500 && answer.status !== 503) record.violation(INVARIANTS.no500, seen);
  else if (document === undefined) record.violation(INVARIANTS.documented, seen);
  // Ours back when the request was parsed; the server's own when Node's parser refused it first.
  const answeredId = header(answer.headers, 'x-request-id');
  if (requestId === undefined ? answeredId === undefined || !REQUEST_ID_SYNTAX.test(answeredId) : answeredId !== requestId) {
    record.violation(INVARIANTS.requestId, `${what} sent ${requestId ?? 'no X-Request-Id'}, got ${answeredId ?? 'none'}`);
  }
  if (answer.status === 429) checkThrottledAnswer(traffic, role, answer, seen);
  return document;
}

function checkThrottledAnswer(traffic: Traffic, role: Role, answer: HttpAnswer, seen: string): void {
  if (role.kind !== 'attacker') {
    traffic.record.violation(INVARIANTS.honestNever429, `${role.kind === 'honest' ? role.address : '127.0.0.1'}: ${seen}`);
  }
  const retryAfter = header(answer.headers, 'retry-after') ?? '';
  const seconds = Number(retryAfter);
  if (!/^\d+$/.test(retryAfter) || seconds < 1 || seconds > traffic.throttle.cooldownSeconds) {
    traffic.record.violation(INVARIANTS.retryAfter, `Retry-After: ${JSON.stringify(retryAfter)} for ${seen}`);
  }
}

/** Records a kind-specific expectation that failed (the answer was documented, but not this one's). */
export function expectation(traffic: Traffic, call: Call | RawCall, ok: boolean, expected: string, what: string): void {
  if (ok) return;
  const answer = 'exchange' in call ? (call.exchange.ok ? call.exchange.answer : undefined) : call.answer;
  if (answer === undefined) return; // transport failures are judged by call/rawCall
  traffic.record.violation(INVARIANTS.kindAnswer, `${what}: expected ${expected}, got ${answer.status} ${describeDocument(call.document)} ${excerpt(answer.body)}`);
}

/** Whether a call was answered with the documented error `text`. */
export function isError(call: Call | RawCall, text: string): boolean {
  return call.document?.name === 'error' && call.document.text === text;
}

export function excerpt(body: Buffer): string {
  const text = body.toString('utf8').replace(/\s+/g, ' ').trim();
  return JSON.stringify(text.length > 160 ? `${text.slice(0, 160)}…` : text);
}

function shortTarget(target: string): string {
  const path = target.split('?', 1)[0] ?? target;
  return path.length > 80 ? `${path.slice(0, 80)}…` : path;
}

// ---------------------------------------------------------------------------------------------
// Encodings: the README accepts parameters in the query string, a form, JSON or multipart

export type Encoding = 'query' | 'form' | 'json' | 'multipart' | 'chunked';
const ENCODINGS: readonly Encoding[] = ['form', 'form', 'form', 'query', 'json', 'multipart', 'chunked'];
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

export function formEncode(params: Params): string {
  return params.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
}

/**
 * A POST of `params` to `path` in a random encoding. Parameters named in `numbers` go into JSON
 * as bare numbers when they are ones, as a client with a JSON library would send an amount.
 */
export function encodeRandomly(random: Random, path: string, params: Params, numbers: readonly string[] = []): OutgoingRequest {
  const encoding = pick(random, ENCODINGS);
  switch (encoding) {
    case 'query':
      return { method: 'POST', target: `${path}?${formEncode(params)}`, headers: {}, body: '' };
    case 'form':
      return { method: 'POST', target: path, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: formEncode(params) };
    case 'chunked':
      return {
        method: 'POST',
        target: path,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' },
        body: formEncode(params),
      };
    case 'json': {
      const members = params.map(([name, value]) => `${JSON.stringify(name)}:${numbers.includes(name) && JSON_NUMBER.test(value) ? value : JSON.stringify(value)}`);
      return { method: 'POST', target: path, headers: { 'Content-Type': 'application/json' }, body: `{${members.join(',')}}` };
    }
    case 'multipart': {
      const boundary = `soak-${hex(random, 16)}`;
      const parts = params.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
      return {
        method: 'POST',
        target: path,
        headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
        body: Buffer.from(`${parts.join('')}--${boundary}--\r\n`, 'utf8'),
      };
    }
  }
}

/** A username as a client might type it: the README matches usernames without regard to case. */
export function anyCase(random: Random, username: string): string {
  const variant = random();
  if (variant < 0.7) return username;
  return variant < 0.85 ? username.toUpperCase() : username.toLowerCase();
}

/** A fresh transaction_id: unique in the run, sometimes with a space, a slash and non-ASCII. */
export function newTransactionId(traffic: Traffic, worker: Worker): string {
  const serial = ++worker.keys;
  return worker.random() < 0.1 ? `soak ${traffic.runTag}/w${worker.index}/${serial} ✓é` : `soak-${traffic.runTag}-w${worker.index}-${serial}`;
}
