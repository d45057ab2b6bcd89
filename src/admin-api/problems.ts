/**
 * The admin API's error catalogue (spec admin-api.md section 3): every problem code, its status
 * and title declared once. Answers are RFC 9457 problem documents; the OpenAPI document and its
 * reference page are built from this same table, so a code cannot go undocumented.
 */
import type { WholeReply } from '../transport/reply.js';

export const PROBLEMS = {
  malformed: { status: 400, title: 'Malformed request', about: 'The body is not valid JSON, or the request cannot be read.' },
  unauthorized: { status: 401, title: 'Unauthorized', about: 'No valid credentials: send a bearer token or sign in for a session cookie.' },
  forbidden: { status: 403, title: 'Forbidden', about: "The operator's role does not allow this, or a cookie request lacks its X-CSRF-Token." },
  not_found: { status: 404, title: 'Not found', about: 'No such resource, or no such path.' },
  method_not_allowed: { status: 405, title: 'Method not allowed', about: 'The path exists, but not with this method; Allow lists the ones it takes.' },
  conflict: {
    status: 409,
    title: 'Conflict',
    about: 'It exists already, the Idempotency-Key was used for another request, or the change conflicts with the current state.',
  },
  payload_too_large: { status: 413, title: 'Payload too large', about: 'The body is over 1 MiB (64 MiB for imports).' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type', about: 'The body is not of the Content-Type the operation takes.' },
  invalid: { status: 422, title: 'Invalid request', about: 'A field is missing, unknown, of the wrong type or out of range: `errors` names each one.' },
  too_many_requests: { status: 429, title: 'Too many requests', about: 'Too many failed authentications from this address; Retry-After says when to try again.' },
  internal: { status: 500, title: 'Internal error', about: 'Something failed on the server; the request id in X-Request-Id finds it in the log.' },
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

export const PROBLEM_CODES = Object.keys(PROBLEMS) as ProblemCode[];

/** One invalid field: its name as the request gave it (`amount`, `limit`, `Idempotency-Key`). */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** Where a problem code is explained: a fragment of the reference page. */
export function problemType(code: ProblemCode): string {
  return `/admin/docs#problem-${code}`;
}

/** A problem document's reply. `detail` is for people: never a secret or a stack. */
export function problemReply(
  code: ProblemCode,
  detail: string,
  options: { errors?: readonly FieldError[]; headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
): WholeReply {
  const { status, title } = PROBLEMS[code];
  const document = { type: problemType(code), title, status, code, detail, ...(options.errors !== undefined && { errors: options.errors }), ...options.extra };
  return { status, type: 'problem', body: JSON.stringify(document), outcome: code, ...(options.headers !== undefined && { headers: options.headers }) };
}
