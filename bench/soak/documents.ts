/**
 * Every answer the README documents, written out here by hand (not imported from src/), and
 * `identify`, which names the document an answer is or returns undefined for anything else.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { HttpAnswer } from './http.js';
import { parseMicros } from './money.js';

export const XML_TYPE = 'text/xml; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const METRICS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** The README's error texts, with the envelope and the HTTP status(es) each is answered with. */
const ERRORS: readonly (readonly [text: string, envelope: 'status' | 'page' | 'page/status', statuses: readonly number[]])[] = [
  ['There is no such API', 'status', [404]],
  ['Method not allowed', 'status', [405]],
  ['Malformed request', 'status', [400]],
  ['Request too large', 'status', [413, 431]],
  ['Unsupported content type', 'status', [415]],
  ['Too many parameters', 'status', [400]],
  ['Parameter too long', 'status', [400]],
  ['Request timeout', 'status', [408]],
  ['Too many failed attempts', 'status', [429]],
  ['Signature required', 'status', [401]],
  ['Invalid signature', 'status', [401]],
  ['Signature expired', 'status', [401]],
  ['Replayed request', 'status', [401]],
  ['API Requests are disabled', 'status', [200]],
  ['GET Requests are disabled', 'status', [200]],
  ['API must have Secret Key', 'status', [200]],
  ['Incorrect hash', 'status', [200]],
  ['Bad login', 'status', [200]],
  ['Feature disabled', 'page', [200]],
  ['User was not found', 'page', [200]],
  ['User balance not updated', 'page', [200]],
  ['Duplicate transaction_id', 'page', [200]],
  ['Currency was not found', 'page/status', [200]],
  ['Exchange rate is invalid', 'page/status', [200]],
];

/** `<status><error>TEXT</error></status>` and the like, as Tally writes them. */
export function errorDocument(envelope: 'status' | 'page' | 'page/status', text: string): string {
  const error = `<error>${text}</error>`;
  if (envelope === 'page/status') return `${DECLARATION}<page>\n  <status>\n    ${error}\n  </status>\n</page>\n`;
  return `${DECLARATION}<${envelope}>\n  ${error}\n</${envelope}>\n`;
}

const ERROR_BY_BODY: ReadonlyMap<string, { readonly text: string; readonly statuses: readonly number[] }> = new Map(
  ERRORS.map(([text, envelope, statuses]) => [errorDocument(envelope, text), { text, statuses }]),
);
/** The plain-text errors of user_simple_balance_get. */
const SIMPLE_ERRORS: ReadonlySet<string> = new Set(['User was not found', 'API Requests are disabled', 'Feature disabled']);

const BALANCE = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<page>\n {2}<balance>(-?\d+\.\d{2})<\/balance>\n(?: {2}<currency>([A-Z0-9]{3,5})<\/currency>\n)?<\/page>\n$/;
const UPDATED =
  /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<page>\n {2}<page>\n {4}<status>User balance updated<\/status>\n {4}<user>\n {6}<username>([^<]*)<\/username>\n {6}<id>(\d+)<\/id>\n {6}<balance>(-?\d+\.\d+)<\/balance>\n {4}<\/user>\n {2}<\/page>\n<\/page>\n$/;
const RATE_UPDATED = `${DECLARATION}<page>\n  <status>\n    <success>Currency successfully updated</success>\n  </status>\n</page>\n`;
const PLAIN_BALANCE = /^-?\d+\.\d{2}$/;

export type Document =
  | { readonly name: 'error'; readonly text: string }
  | { readonly name: 'balance'; readonly balance: string; readonly currency: string | undefined }
  | { readonly name: 'updated'; readonly username: string; readonly id: number; readonly balance: bigint }
  | { readonly name: 'rate_updated' }
  | { readonly name: 'simple_balance'; readonly balance: string }
  | { readonly name: 'simple_error'; readonly text: string }
  | { readonly name: 'healthz' | 'readyz' | 'not_ready' | 'metrics' | 'ops_method_not_allowed' };

/** The documented answer this is, or undefined: a wrong status, content type or body. */
export function identify(answer: HttpAnswer): Document | undefined {
  const type = header(answer.headers, 'content-type');
  const body = answer.body.toString('utf8');
  if (type === XML_TYPE) return identifyXml(answer.status, body);
  if (type === TEXT_TYPE) return identifyText(answer.status, body);
  if (type === METRICS_TYPE && answer.status === 200 && body.startsWith('# HELP ')) return { name: 'metrics' };
  return undefined;
}

function identifyXml(status: number, body: string): Document | undefined {
  const error = ERROR_BY_BODY.get(body);
  if (error !== undefined) return error.statuses.includes(status) ? { name: 'error', text: error.text } : undefined;
  if (status !== 200) return undefined;
  if (body === RATE_UPDATED) return { name: 'rate_updated' };
  const balance = BALANCE.exec(body);
  if (balance !== null) return { name: 'balance', balance: balance[1]!, currency: balance[2] };
  const updated = UPDATED.exec(body);
  const after = updated === null ? undefined : parseMicros(updated[3]!);
  if (updated !== null && after !== undefined) return { name: 'updated', username: unescapeXml(updated[1]!), id: Number(updated[2]), balance: after };
  return undefined;
}

function identifyText(status: number, body: string): Document | undefined {
  if (status === 200 && body === 'ok\n') return { name: 'healthz' };
  if (status === 200 && body === 'ready\n') return { name: 'readyz' };
  if (status === 503 && body === 'database unreachable\n') return { name: 'not_ready' };
  if (status === 405 && body === 'method not allowed\n') return { name: 'ops_method_not_allowed' };
  if (status === 200 && PLAIN_BALANCE.test(body)) return { name: 'simple_balance', balance: body };
  if (status === 200 && SIMPLE_ERRORS.has(body)) return { name: 'simple_error', text: body };
  return undefined;
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A document in a few words, for messages. */
export function describe(document: Document | undefined): string {
  if (document === undefined) return 'an undocumented answer';
  if (document.name === 'error' || document.name === 'simple_error') return `"${document.text}"`;
  return document.name;
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[name] ?? '');
}
