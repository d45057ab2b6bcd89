/**
 * The soak test's two ways of talking to the server: node:http over a keep-alive agent for
 * well-formed requests, and a raw TCP socket for what node:http will not send (broken heads,
 * stalls, hang-ups mid-body). Neither throws on a transport failure: it is an outcome.
 */
import { request, type Agent, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export const HOST = '127.0.0.1';

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
      resolve({ ok: false, refused: error.code === 'ECONNREFUSED', reason: `${error.code ?? ''} ${error.message}`.trim() });
    });
    req.end(outgoing.body);
  });
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

/** A request written by hand: `Connection: close`, and a Content-Length unless chunked. */
export function rawRequest(method: string, target: string, headers: readonly (readonly [string, string])[], body: string | Buffer = ''): Buffer {
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

/** The first response in `bytes`, or undefined when there is none or it is cut short. */
export function parseResponse(bytes: Buffer): HttpAnswer | undefined {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd === -1) return undefined;
  const [statusLine = '', ...headerLines] = bytes.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3}) /.exec(statusLine)?.[1];
  if (status === undefined) return undefined;
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = bytes.subarray(headEnd + 4);
  const length = headers['content-length'] === undefined ? rest.length : Number(headers['content-length']);
  if (rest.length < length) return undefined;
  return { status: Number(status), headers, body: rest.subarray(0, length) };
}
