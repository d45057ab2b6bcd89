/**
 * The tests' one HTTP client below fetch: exact bytes on a socket (broken heads, pipelining,
 * stalls, hang-ups mid-body, bursts), one parser of what comes back, and a keep-alive sender over
 * node:http for load that must never throw (the soak and crash tests): a transport failure is an
 * outcome to classify there, not an exception.
 */
import { request, type Agent, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export const HOST = '127.0.0.1';
const HEAD_END = Buffer.from('\r\n\r\n');

/** One answer read off a socket. */
export interface RawAnswer {
  readonly status: number;
  /** Header names in lower case; a repeated header keeps its values joined by ', '. */
  readonly headers: ReadonlyMap<string, string>;
  /** The body as UTF-8 text. */
  readonly body: string;
  /** The body's bytes. */
  readonly bytes: Buffer;
  /** Bytes received after the answer (a second answer would be a framing bug). */
  readonly trailing: number;
}

type Parsed =
  | { readonly answer: RawAnswer; readonly rest: Buffer }
  /** Not all of it yet: its head or some of its Content-Length bytes are still to come. */
  | 'incomplete'
  | Error;

/**
 * The first answer in `received`, interim `100 Continue` answers skipped. Without a
 * Content-Length (or with `expectBody` false, for HEAD) the body is what is there once `final`.
 */
function parseFirst(received: Buffer, expectBody: boolean, final: boolean): Parsed {
  let bytes: Buffer = received;
  for (;;) {
    const split = bytes.indexOf(HEAD_END);
    if (split === -1) return 'incomplete';
    const [statusLine = '', ...lines] = bytes.subarray(0, split).toString('latin1').split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3}) /.exec(statusLine + ' ');
    if (status === null) return new Error(`not an HTTP status line: ${JSON.stringify(statusLine)}`);
    const start = split + HEAD_END.length;
    if (status[1] === '100') {
      bytes = bytes.subarray(start);
      continue;
    }
    const headers = new Map<string, string>();
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
    }
    const declared = headers.get('content-length');
    if (!expectBody) return { answer: answerOf(Number(status[1]), headers, Buffer.alloc(0), 0), rest: bytes.subarray(start) };
    if (declared === undefined) {
      if (!final) return 'incomplete';
      return { answer: answerOf(Number(status[1]), headers, bytes.subarray(start), 0), rest: Buffer.alloc(0) };
    }
    const end = start + Number(declared);
    if (bytes.length < end) return 'incomplete';
    return { answer: answerOf(Number(status[1]), headers, bytes.subarray(start, end), bytes.length - end), rest: bytes.subarray(end) };
  }
}

function answerOf(status: number, headers: ReadonlyMap<string, string>, bytes: Buffer, trailing: number): RawAnswer {
  return { status, headers, body: bytes.toString('utf8'), bytes, trailing };
}

/**
 * Splits a raw HTTP/1.1 answer, as text, into status, headers and body: the body is everything
 * after the head, so an extra answer after the first shows in it.
 */
export function parseRaw(raw: string): RawAnswer {
  const split = raw.indexOf('\r\n\r\n');
  if (split === -1) throw new Error(`no complete HTTP head in ${JSON.stringify(raw)}`);
  const head = parseFirst(Buffer.from(raw.slice(0, split + 4), 'utf8'), false, true);
  if (head === 'incomplete' || head instanceof Error) throw new Error(`not an HTTP answer: ${JSON.stringify(raw.slice(0, 300))}`);
  const body = raw.slice(split + 4);
  return { ...head.answer, body, bytes: Buffer.from(body, 'utf8') };
}

/**
 * Sends `bytes` on a fresh connection and resolves with the first complete answer as soon as its
 * Content-Length is in. `expectBody` is false for HEAD. Rejects when the server closes before a
 * complete answer, or when nothing complete arrives within `timeoutMs`.
 */
export function exchange(port: number, bytes: Buffer, options: { expectBody?: boolean; timeoutMs?: number } = {}): Promise<RawAnswer> {
  return exchangePipelined(port, bytes, [options.expectBody ?? true], options.timeoutMs).then(([answer]) => answer!);
}

/**
 * Sends several requests at once on one keep-alive connection (pipelining) and resolves with the
 * answers in order, one per entry of `expectBodies` (false for HEAD). Rejects when the server
 * closes before every answer is in, or nothing more arrives within `timeoutMs`.
 */
export function exchangePipelined(port: number, bytes: Buffer, expectBodies: readonly boolean[], timeoutMs = 10_000): Promise<RawAnswer[]> {
  return new Promise((resolve, reject) => {
    let received: Buffer = Buffer.alloc(0);
    const answers: RawAnswer[] = [];
    let settled = false;
    const socket = connect(port, HOST);
    const finish = (outcome: RawAnswer[] | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const seen = (): string => JSON.stringify(received.toString('latin1').slice(0, 300));
    const timer = setTimeout(() => finish(new Error(`${answers.length} of ${expectBodies.length} answers within ${timeoutMs} ms; then got ${seen()}`)), timeoutMs);
    const parse = (final: boolean): void => {
      while (answers.length < expectBodies.length) {
        // Only the last answer may run to the close without a Content-Length.
        const parsed = parseFirst(received, expectBodies[answers.length]!, final && answers.length === expectBodies.length - 1);
        if (parsed instanceof Error) return finish(parsed);
        if (parsed === 'incomplete') break;
        answers.push(parsed.answer);
        received = parsed.rest;
      }
      if (answers.length === expectBodies.length) finish(answers);
      else if (final) finish(new Error(`the connection closed after ${answers.length} of ${expectBodies.length} answers; then got ${seen()}`));
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      parse(false);
    });
    socket.on('end', () => parse(true));
    socket.on('close', () => parse(true));
    // Writing a long body after the server answered 413 and closed fails with EPIPE or
    // ECONNRESET: the answer is what counts, and it may already be in.
    socket.on('error', () => parse(true));
    socket.write(bytes);
  });
}

/** Sends raw bytes and returns everything the server answers before it closes or goes quiet for `quietMs`. */
export async function rawRequest(port: number, bytes: Buffer | string, quietMs = 300): Promise<string> {
  const connection = await RawConnection.open(port);
  await connection.write(bytes).catch(() => undefined); // a server that closed early answered already
  let length = -1;
  while (!connection.closed && connection.received.length !== length) {
    length = connection.received.length;
    await connection.until(() => connection.received.length !== length, quietMs);
  }
  connection.destroy();
  return connection.text;
}

/**
 * A raw TCP connection to a server, for requests sent in pieces, slowly, or not finished.
 * Everything the server sends is collected; `response()` waits for one complete answer.
 */
export class RawConnection {
  private receivedBytes: Buffer = Buffer.alloc(0);
  private ended = false;
  private waiters: (() => void)[] = [];
  readonly connected: Promise<void>;

  private constructor(private readonly socket: Socket) {
    this.connected = new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.on('data', (chunk: Buffer) => {
      this.receivedBytes = Buffer.concat([this.receivedBytes, chunk]);
      this.wake();
    });
    socket.on('error', () => undefined); // a reset counts as a close, below
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
  }

  static async open(port: number): Promise<RawConnection> {
    const connection = new RawConnection(connect(port, HOST));
    await connection.connected;
    return connection;
  }

  write(bytes: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(bytes, (error) => (error ? reject(error) : resolve())));
  }

  /** Everything received so far. */
  get received(): Buffer {
    return this.receivedBytes;
  }

  /** Everything received so far, as text. */
  get text(): string {
    return this.receivedBytes.toString('utf8');
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Waits until `ready()` holds or the connection closes or `ms` pass; returns ready(). */
  async until(ready: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!ready() && !this.ended && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return ready();
  }

  /**
   * Waits for one complete answer (its head and Content-Length bytes of body) and returns it;
   * interim `100 Continue` answers are skipped.
   */
  async response(ms = 5000): Promise<RawAnswer> {
    const first = (): Parsed => parseFirst(this.receivedBytes, true, false);
    await this.until(() => first() !== 'incomplete', ms);
    const parsed = first();
    if (parsed === 'incomplete') throw new Error(`no complete answer within ${ms} ms; received ${JSON.stringify(this.text)}`);
    if (parsed instanceof Error) throw parsed;
    return parsed.answer;
  }

  /** Waits until the server closes the connection; true if it did within `ms`. */
  async closedByServer(ms = 3000): Promise<boolean> {
    await this.until(() => this.ended, ms);
    return this.ended;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

// ---------------------------------------------------------------------------------------------
// Requests written by hand, and conversations with pauses and hang-ups

/** A request written by hand: `Connection: close`, and a Content-Length unless chunked. */
export function requestBytes(method: string, target: string, headers: readonly (readonly [string, string])[], body: string | Buffer = ''): Buffer {
  const bodyBytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${HOST}`, 'Connection: close', ...headers.map(([name, value]) => `${name}: ${value}`)];
  const chunked = headers.some(([name, value]) => name.toLowerCase() === 'transfer-encoding' && value === 'chunked');
  if (!chunked && (bodyBytes.length > 0 || method === 'POST')) lines.push(`Content-Length: ${bodyBytes.length}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), bodyBytes]);
}

/** `body` as chunks of `size` bytes in chunked transfer coding, with the last chunk. */
export function chunkedBody(body: Buffer, size: number): Buffer {
  const parts: Buffer[] = [];
  for (let start = 0; start < body.length; start += size) {
    const chunk = body.subarray(start, start + size);
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`, 'latin1'), chunk, Buffer.from('\r\n', 'latin1'));
  }
  parts.push(Buffer.from('0\r\n\r\n', 'latin1'));
  return Buffer.concat(parts);
}

/** A raw conversation: writes, pauses and a hang-up, in order. */
export type RawStep = { readonly write: string | Buffer } | { readonly pause: number } | { readonly hangUp: true };

export interface RawOutcome {
  readonly connected: boolean;
  /** Everything the server sent. */
  readonly received: Buffer;
  /** Milliseconds from connecting until the server closed the connection; undefined if it never did. */
  readonly closedByServerAfterMs: number | undefined;
  readonly error: string | undefined;
}

/**
 * Runs the steps on a new connection, then waits up to `waitMs` for the server to answer and
 * close. A hang-up step destroys the socket at once, as a client that vanishes does.
 */
export async function converse(port: number, steps: readonly RawStep[], waitMs: number): Promise<RawOutcome> {
  const socket = connect({ host: HOST, port });
  const chunks: Buffer[] = [];
  let error: string | undefined;
  let closedAt: number | undefined;
  let hungUp = false;
  const openedAt = performance.now();
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', (failure: NodeJS.ErrnoException) => (error ??= failure.code ?? failure.message));
  socket.on('close', () => {
    if (!hungUp) closedAt = performance.now();
  });
  const connected = await new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('error', () => resolve(false));
  });
  if (!connected) return { connected, received: Buffer.alloc(0), closedByServerAfterMs: undefined, error };

  for (const step of steps) {
    if (socket.destroyed) break;
    if ('write' in step) socket.write(step.write);
    else if ('pause' in step) await Promise.race([sleep(step.pause), closed]);
    else {
      hungUp = true;
      socket.destroy();
    }
  }
  if (!hungUp) {
    const timer = setTimeout(() => socket.destroy(), waitMs);
    await closed;
    clearTimeout(timer);
  }
  const closedByServerAfterMs = closedAt === undefined || hungUp ? undefined : closedAt - openedAt;
  return { connected, received: Buffer.concat(chunks), closedByServerAfterMs, error };
}

// ---------------------------------------------------------------------------------------------
// Keep-alive requests over node:http that never throw

/** An answer as node:http reads it. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export type Exchange =
  | { readonly ok: true; readonly answer: HttpAnswer }
  /** `refused`: the connection was refused, so not a byte of the request reached a server. */
  | { readonly ok: false; readonly refused: boolean; readonly reason: string };

export interface OutgoingRequest {
  readonly method: 'GET' | 'POST';
  /** The request target as sent: path and query string. */
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

/** One request over `agent` to the server on `port`. */
export function sendHttp(port: number, agent: Agent, outgoing: OutgoingRequest, timeoutMs: number): Promise<Exchange> {
  return new Promise((resolve) => {
    const req = request({ host: HOST, port, method: outgoing.method, path: outgoing.target, headers: outgoing.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ ok: true, answer: { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) } }));
      res.on('aborted', () => resolve({ ok: false, refused: false, reason: 'the answer was cut off' }));
      res.on('error', (error) => resolve({ ok: false, refused: false, reason: error.message }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      // ECONNREFUSED comes before a single byte is sent; anything else may follow a sent request.
      resolve({ ok: false, refused: error.code === 'ECONNREFUSED', reason: `${error.code ?? ''} ${error.message}`.trim() });
    });
    req.end(outgoing.body);
  });
}

/** The first complete answer in raw bytes, in node:http's shape; undefined when there is none or it is cut short. */
export function parseResponse(bytes: Buffer): HttpAnswer | undefined {
  const parsed = parseFirst(bytes, true, true);
  if (parsed === 'incomplete' || parsed instanceof Error) return undefined;
  return { status: parsed.answer.status, headers: Object.fromEntries(parsed.answer.headers), body: parsed.answer.bytes };
}
