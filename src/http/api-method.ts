/** What an API method is to the server: a name, a handler, and the reply it gives. */
import type { ApiConfig } from '../domain/api-config.js';
import type { ApiError } from '../domain/api-errors.js';
import type { HttpMethod } from '../domain/access.js';
import type { Params } from '../domain/hash.js';
import type { Store } from '../store/store.js';
import type { CheckResult } from './throttle.js';
import { errorDocument } from './xml.js';

export interface ApiRequest {
  readonly method: HttpMethod;
  /** Query string and body merged; the body wins. */
  readonly params: Params;
  /** The path segment after the method's name (`/billing/api/NAME/ARGUMENT`), or ''. */
  readonly pathArgument: string;
  /** The client's address, as the throttle counts it. */
  readonly client: string;
  /** This request's id, as logged and answered in X-Request-Id. */
  readonly requestId: string;
}

/**
 * Runs one authentication check of this request's client, counted against it before it runs
 * (see Throttle.check): its own answer, or `tooManyFailedAttempts` when the client may not try.
 */
export type AuthGuard = (run: () => CheckResult | Promise<CheckResult>) => Promise<CheckResult>;

export interface ApiContext {
  /** The settings and currencies as of this request (refreshed in the background). */
  readonly config: ApiConfig;
  readonly guard: AuthGuard;
  readonly store: Store;
  /** Reloads settings and currencies now, after this request changed them. */
  readonly refreshConfig: () => Promise<void>;
}

export interface Reply {
  readonly status: number;
  /** XML documents follow `xml_api_extension` for their Content-Type; `prometheus` is /metrics. */
  readonly type: 'xml' | 'text' | 'prometheus';
  readonly body: string;
  /** Short name of what happened, for the request log. */
  readonly outcome: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The request failed to authenticate: the throttle counts it against the client. */
  readonly authFailed?: boolean;
}

export interface ApiMethod {
  /** The names it answers under `/billing/api/`, the current one first. */
  readonly names: readonly string[];
  /** True when the method reads a path segment after its name. */
  readonly takesPathArgument: boolean;
  handle(request: ApiRequest, context: ApiContext): Promise<Reply>;
}

export function errorReply(error: ApiError, headers?: Readonly<Record<string, string>>): Reply {
  return {
    status: error.httpStatus,
    type: 'xml',
    body: errorDocument(error),
    outcome: error.key,
    ...(headers && { headers }),
    ...(error.authFailure && { authFailed: true }),
  };
}

export function xmlReply(body: string, outcome: string): Reply {
  return { status: 200, type: 'xml', body, outcome };
}

/** A plain-text answer (user_simple_balance_get): no XML, no trailing newline. */
export function textReply(body: string, outcome: string): Reply {
  return { status: 200, type: 'text', body, outcome };
}
