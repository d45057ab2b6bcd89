/**
 * What one operation of the admin API is: its method and path, the role it needs, the schemas of
 * its parameters, query and body (which validate the request and document it), its answers, and a
 * handler that translates the request into a call of src/admin/ and the result into JSON.
 * One file per resource under operations/ lists its operations with `operation(...)`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Static, TObject, TSchema } from 'typebox';
import type { Actor } from '../domain/actor.js';
import type { OperatorRole } from '../domain/operators.js';
import type { WholeReply } from '../transport/reply.js';
import type { OperatorView } from '../admin/operators.js';
import type { ProblemCode } from './problems.js';
import type { AdminApiDeps } from './deps.js';

export type HttpVerb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who may call it: a role (and every role above it), or anyone (`public`: the spec, the docs, signing in). */
export type Access = OperatorRole | 'public';

export interface SuccessAnswer {
  readonly description: string;
  /** The body's schema; none for 204. `csv` answers are text/csv. */
  readonly schema?: TSchema;
  readonly media?: 'json' | 'csv';
  readonly example?: unknown;
}

export interface OperationContext<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** The raw body of a `csv` operation. */
  readonly rawBody: Buffer;
  /** Undefined on public operations. */
  readonly operator: OperatorView | undefined;
  /** Who the change is recorded as: source `admin`, the operator's name, the client, the request. */
  readonly actor: Actor;
  readonly client: string;
  readonly requestId: string;
  readonly headers: IncomingHttpHeaders;
  /** The request's Idempotency-Key, when the operation takes one and it was given. */
  readonly idempotencyKey: string | undefined;
  /** True when it came over HTTPS through a trusted proxy (a session cookie is then `Secure`). */
  readonly secure: boolean;
  /** The session cookie's value, when the request carried one. */
  readonly sessionToken: string | undefined;
  /** The session's CSRF token, when the request signed in by the cookie. */
  readonly csrfToken: string | undefined;
  readonly deps: AdminApiDeps;
}

/** What a handler answers: JSON (serialised here), CSV lines streamed, nothing (204), or a problem it words itself. */
export type OperationResult =
  | WholeReply
  | {
      readonly status: number;
      readonly json: unknown;
      readonly headers?: Record<string, string>;
      readonly outcome?: string;
      /** False for an answer that changed nothing (a dry run): its Idempotency-Key stays free for the real request. */
      readonly keep?: boolean;
    }
  | { readonly status: number; readonly csv: AsyncIterable<string>; readonly headers?: Record<string, string>; readonly outcome?: string }
  | { readonly status: 204; readonly headers?: Record<string, string>; readonly outcome?: string };

type StaticOr<T, Fallback> = T extends TSchema ? Static<T> : Fallback;

export interface OperationSpec<P extends TObject | undefined, Q extends TObject | undefined, B extends TSchema | undefined> {
  /** The OpenAPI operationId, camelCase: also the client's name for it. */
  readonly id: string;
  readonly method: HttpVerb;
  /** `/admin/v1/users/{id}`: each `{name}` is one path segment, a property of `params`. */
  readonly path: string;
  readonly access: Access;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** `json` (the default) or `csv` (the body is read raw, as text/csv). */
  readonly bodyMedia?: 'json' | 'csv';
  /** Bodies over this answer 413 (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /** Accepts `Idempotency-Key`: a replay with the same body answers the stored answer again, with `replayStatus`. */
  readonly idempotent?: { readonly replayStatus: number };
  /** Its successful answers by status. */
  readonly answers: Readonly<Record<number, SuccessAnswer>>;
  /** The problems it may answer beyond the ones every operation of its access may (401, 403, 429...). */
  readonly problems: readonly ProblemCode[];
  /**
   * Its 401 says `operators_exist` (GET /session only: the console's first screen). Other 401s
   * carry the spec's fields alone.
   */
  readonly tellsOperatorsExist?: boolean;
  /** An example request body, for the document. */
  readonly example?: unknown;
  readonly handle: (context: OperationContext<StaticOr<P, Record<string, never>>, StaticOr<Q, Record<string, never>>, StaticOr<B, undefined>>) => Promise<OperationResult>;
}

/** An operation as the surface and the document see it. */
export type Operation = OperationSpec<TObject | undefined, TObject | undefined, TSchema | undefined>;

/** Declares one operation, typing its handler's input by its schemas. */
export function operation<P extends TObject | undefined = undefined, Q extends TObject | undefined = undefined, B extends TSchema | undefined = undefined>(
  spec: OperationSpec<P, Q, B>,
): Operation {
  return spec as unknown as Operation;
}
