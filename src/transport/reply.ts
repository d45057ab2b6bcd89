/** A surface's answer, and how the transport writes one: on a response, or on a bare socket. */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { pipeline, Readable } from 'node:stream';

export interface Reply {
  readonly status: number;
  /** The surface's name for the kind of body; the surface gives its Content-Type (Surface.contentType). */
  readonly type: string;
  /**
   * The whole body, or one streamed in chunks (an export too large to hold): sent with chunked
   * transfer coding, and the connection cut if it fails half way.
   */
  readonly body: string | Buffer | AsyncIterable<string | Buffer>;
  /** Short name of what happened, for the request log and the metrics. */
  readonly outcome: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export const TEXT_PLAIN = 'text/plain; charset=utf-8';

/** A reply whose body is whole: what a fault is answered with. */
export interface WholeReply extends Reply {
  readonly body: string | Buffer;
}

/** Writes a reply with the headers every answer carries. */
export function send(res: ServerResponse, reply: Reply, contentType: string, requestId: string, closing: boolean): void {
  const body = reply.body;
  const whole = typeof body === 'string' || Buffer.isBuffer(body);
  // Nothing is cached unless the reply says so (the console's files): answers may hold what only
  // an operator or a client may see.
  const cache = reply.headers?.['Cache-Control'] ?? 'no-store';
  // A flat header list and a string body: Node writes the head and the body in one piece.
  const headers = whole
    ? ['Content-Type', contentType, 'Content-Length', String(Buffer.byteLength(body, 'utf8')), 'Cache-Control', cache, 'X-Request-Id', requestId]
    : ['Content-Type', contentType, 'Cache-Control', cache, 'X-Request-Id', requestId];
  if (reply.headers) for (const name in reply.headers) if (name !== 'Cache-Control') headers.push(name, reply.headers[name]!);
  // A server shutting down answers what is in flight and lets no connection be reused.
  if (closing) headers.push('Connection', 'close');
  res.writeHead(reply.status, headers);
  if (whole) res.end(body, 'utf8');
  // A failed stream destroys the response: the client sees a cut, never a short body taken for whole.
  else pipeline(Readable.from(body), res, () => undefined);
}

/** Writes a whole reply on a socket no request object owns, and ends it. */
export function sendRaw(socket: Socket, reply: WholeReply, contentType: string, requestId: string): void {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
  const headers: Record<string, string | number> = {
    'Content-Type': contentType,
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
    'X-Request-Id': requestId,
    ...reply.headers,
    Connection: 'close',
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status]}\r\n${head}\r\n`, 'latin1'), body]));
}
