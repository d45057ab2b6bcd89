/** Maps a request path to an API method: `/billing/api/NAME`, or `/billing/api/NAME/ARGUMENT`. */
import { API_METHODS } from '../domain/api-methods.js';
import type { ApiMethod } from './api-method.js';
import { exchangeRateUpdate } from './methods/exchange-rate-update.js';
import { paymentCreate } from './methods/payment-create.js';
import { paymentsGet } from './methods/payments-get.js';
import { userDetailsGet } from './methods/user-details-get.js';
import { userBalanceGet } from './methods/user-balance-get.js';
import { userBalanceUpdate } from './methods/user-balance-update.js';
import { userSimpleBalanceGet } from './methods/user-simple-balance-get.js';

export const API_PREFIX = '/billing/api/';

/** One handler per method of domain/api-methods.ts. */
const HANDLERS: readonly ApiMethod[] = [userBalanceGet, userBalanceUpdate, exchangeRateUpdate, userSimpleBalanceGet, paymentCreate, paymentsGet, userDetailsGet];

// A method described but not handled (or handled but not described) is a mistake found at start.
for (const described of new Set([...API_METHODS, ...HANDLERS.map((handler) => handler.descriptor)])) {
  const handlers = HANDLERS.filter((handler) => handler.descriptor === described).length;
  if (handlers !== 1 || !API_METHODS.includes(described)) throw new Error(`${described.names[0]}: ${handlers} handlers, and it must have one and be in API_METHODS`);
}

const METHODS_BY_NAME: ReadonlyMap<string, ApiMethod> = new Map(
  HANDLERS.flatMap((method) => method.descriptor.names.map((name) => [name, method] as const)),
);

export interface Route {
  readonly method: ApiMethod;
  /** The name as requested (current or old), for the request log. */
  readonly name: string;
  readonly argument: string;
}

/** A known method whose path argument has a broken percent escape (answered 400). */
export interface MalformedRoute {
  readonly malformed: true;
  /** The name as requested, for the request log: never the argument. */
  readonly name: string;
}

/**
 * The route for a path; undefined for an unknown API (answered 404), a MalformedRoute for a
 * path argument with a broken percent escape (400). A trailing slash is ignored.
 */
export function resolveRoute(path: string): Route | MalformedRoute | undefined {
  if (!path.startsWith(API_PREFIX)) return undefined;
  const rest = path.endsWith('/') ? path.slice(API_PREFIX.length, -1) : path.slice(API_PREFIX.length);
  const slash = rest.indexOf('/');
  const name = slash === -1 ? rest : rest.slice(0, slash);
  const rawArgument = slash === -1 ? '' : rest.slice(slash + 1);
  const method = METHODS_BY_NAME.get(name);
  if (method === undefined || (rawArgument !== '' && !method.descriptor.takesPathArgument)) return undefined;
  const argument = decodePathSegment(rawArgument);
  return argument === undefined ? { malformed: true, name } : { method, name, argument };
}

function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined; // a broken escape or bytes that are not UTF-8
  }
}
