/** What an API method is to the Kolmisoft surface: its descriptor, a handler, and the reply it gives. */
import type { ApiConfig } from '../domain/api-config.js';
import type { ApiError } from '../domain/api-errors.js';
import type { HttpMethod } from '../domain/access.js';
import type { ApiMethodDescriptor } from '../domain/api-methods.js';
import type { Params } from '../domain/hash.js';
import type { BalanceReads, BalanceWrites } from '../store/store.js';
import type { Reply } from '../transport/reply.js';
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
export type AuthGuard = (run: () => CheckResult | Promise<CheckResult>) => CheckResult | Promise<CheckResult>;

/** The store roles the API's methods may use between them; each method names the ones it does. */
export type ApiStore = BalanceReads & BalanceWrites;

export interface ApiContext<S = ApiStore> {
  /** The settings and currencies as of this request (refreshed in the background). */
  readonly config: ApiConfig;
  readonly guard: AuthGuard;
  readonly store: S;
  /** Reloads settings and currencies now, after this request changed them. */
  readonly refreshConfig: () => Promise<void>;
}

export interface ApiReply extends Reply {
  /** XML documents follow `xml_api_extension` for their Content-Type. */
  readonly type: 'xml' | 'text';
  readonly body: string;
  /** The request failed to authenticate: the throttle counts it against the client. */
  readonly authFailed?: boolean;
}

/** A method's handler; `S` is the store roles it uses. */
export interface ApiMethod<S = ApiStore> {
  /** Its names, whether it takes a path argument, its hash recipe. */
  readonly descriptor: ApiMethodDescriptor;
  handle(request: ApiRequest, context: ApiContext<S>): Promise<ApiReply>;
}

export function errorReply(error: ApiError, headers?: Readonly<Record<string, string>>): ApiReply {
  return {
    status: error.httpStatus,
    type: 'xml',
    body: errorDocument(error),
    outcome: error.key,
    ...(headers && { headers }),
    ...(error.authFailure && { authFailed: true }),
  };
}

export function xmlReply(body: string, outcome: string): ApiReply {
  return { status: 200, type: 'xml', body, outcome };
}

/** A plain-text answer (user_simple_balance_get): no XML, no trailing newline. */
export function textReply(body: string, outcome: string): ApiReply {
  return { status: 200, type: 'text', body, outcome };
}
