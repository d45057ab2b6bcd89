/** Request ids: the client's own when it sends a sane one, else this process's next. */
import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';

const REQUEST_ID_SYNTAX = /^[A-Za-z0-9._:-]{1,64}$/;
const REQUEST_ID_PREFIX = randomBytes(4).toString('hex') + '-';
let requestCounter = 0;

/** The client's X-Request-Id when it is a sane one, else this process's next. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID_SYNTAX.test(given) ? given : newRequestId();
}

export function newRequestId(): string {
  return REQUEST_ID_PREFIX + (++requestCounter).toString(36);
}
