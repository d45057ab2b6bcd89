/**
 * What the transport mounts: a surface answers the paths it claims in its own format (the
 * Kolmisoft API's XML, the ops endpoints' text, an admin API's JSON), and the transport does
 * the rest (sockets, limits, request ids, sending, logging, metrics) the same for all of them.
 */
import type { IncomingMessage } from 'node:http';
import type { Reply, WholeReply } from './reply.js';

/**
 * A fault the transport answers in a surface's format: a request whose surface threw while
 * answering it (`internal_error`, answered by that surface), or one that Node's parser refused
 * before any request existed (answered by the listener's fallback surface).
 */
export type TransportFault = 'internal_error' | 'malformed_request' | 'method_not_allowed' | 'headers_too_large' | 'request_timeout';

export interface SurfaceAnswer {
  readonly reply: Reply;
  /** What was asked, for the metrics and the log: a method's or an endpoint's name, or `unknown`. */
  readonly api: string;
  /** The path as logged: never the query string, nor a path segment that may be a secret. */
  readonly logPath: string;
}

export interface Surface {
  /**
   * The paths it answers: one ending in `/` claims every path under it, any other only itself.
   * An exact path wins over a prefix, a longer prefix over a shorter one.
   */
  readonly paths: readonly string[];
  /** Outcomes of its 200 answers that are routine traffic (polls, probes), logged at debug only. */
  readonly routineOutcomes: ReadonlySet<string>;
  /**
   * Answers one request. `path` is the request target's path in origin form and `target` the
   * whole target, query included (the query starts at `path.length` when there is one). The
   * body is left for the surface to read, with its own limit, when its checks want it (readBody).
   * Called on every request: no allocation or await here that the answer does not need.
   */
  answer(req: IncomingMessage, path: string, target: string, client: string, requestId: string): SurfaceAnswer | Promise<SurfaceAnswer>;
  /** Its answer to a transport fault; the same object each time is fine. */
  fault(fault: TransportFault): WholeReply;
  /** The Content-Type of one of its replies. */
  contentType(reply: Reply): string;
  /** How a path it claims is logged when answering it failed (see SurfaceAnswer.logPath). */
  logPath(path: string): string;
}
