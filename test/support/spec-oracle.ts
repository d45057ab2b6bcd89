/**
 * What the spec (docs in /work/shared/spec, and the README's additions) says an answer is,
 * written out here by hand and never imported from src/, so that a bug there cannot vouch for
 * itself: every document byte for byte, the catalogue of error texts, a checker of section 6's
 * byte layout, and reference implementations of the rules the answers follow (decimal syntax,
 * rounding half away from zero on digit strings, the hash recipes). The one copy the HTTP,
 * property, crash and soak tests share.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
export const XML_TYPE = 'text/xml; charset=utf-8';
export const HTML_TYPE = 'text/html; charset=utf-8';
export const TEXT_TYPE = 'text/plain; charset=utf-8';
export const METRICS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

// ---------------------------------------------------------------------------------------------
// The documents

/** Which element an error is wrapped in: `<status>`, `<page>`, or `<page><status>` (exchange_rate_update's own). */
export type Envelope = 'status' | 'page' | 'page/status';

const escapeText = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** An error document, byte for byte as the spec shows it. */
export function errorXml(envelope: Envelope, text: string): string {
  if (envelope === 'page/status') {
    return `${DECLARATION}<page>\n  <status>\n    <error>${escapeText(text)}</error>\n  </status>\n</page>\n`;
  }
  return `${DECLARATION}<${envelope}>\n  <error>${escapeText(text)}</error>\n</${envelope}>\n`;
}

/** A balance answer of user_balance_get; `<currency>` only under user_currency=1. */
export function balanceXml(balance: string, currency?: string): string {
  const currencyLine = currency === undefined ? '' : `  <currency>${escapeText(currency)}</currency>\n`;
  return `${DECLARATION}<page>\n  <balance>${balance}</balance>\n${currencyLine}</page>\n`;
}

/** The success document of user_balance_update, byte for byte as section 10 shows it. */
export function updatedXml(username: string, id: string, balance: string): string {
  return (
    `${DECLARATION}<page>\n  <page>\n    <status>User balance updated</status>\n    <user>\n` +
    `      <username>${escapeText(username)}</username>\n      <id>${id}</id>\n      <balance>${balance}</balance>\n` +
    `    </user>\n  </page>\n</page>\n`
  );
}

/** The success document of exchange_rate_update. */
export const RATE_UPDATED = `${DECLARATION}<page>\n  <status>\n    <success>Currency successfully updated</success>\n  </status>\n</page>\n`;

/** Transport faults (spec section 1): status → the `<status><error>` text. */
export const TRANSPORT_FAULTS: ReadonlyMap<number, string> = new Map([
  [400, 'Malformed request'],
  [404, 'There is no such API'],
  [405, 'Method not allowed'],
  [413, 'Request too large'],
  [415, 'Unsupported content type'],
  [431, 'Request too large'],
]);

/** Every HTTP status the spec lets the API answer with. */
export const SPEC_STATUSES: ReadonlySet<number> = new Set([200, ...TRANSPORT_FAULTS.keys()]);

/** The spec's HTTP 200 errors, by envelope (sections 3 and 10). */
export const STATUS_ERRORS = ['API Requests are disabled', 'GET Requests are disabled', 'API must have Secret Key', 'Incorrect hash', 'Bad login'] as const;
export const PAGE_ERRORS = ['Feature disabled', 'User was not found', 'User balance not updated', 'Duplicate transaction_id'] as const;
export const PAGE_STATUS_ERRORS = ['Currency was not found', 'Exchange rate is invalid'] as const;

/**
 * Every error text the spec and the README document, with its envelope and the HTTP status(es)
 * it is answered with: the spec's, then Tally's hardening (limits, deadlines, throttling,
 * request signatures). `Internal error` (HTTP 500) is left out: no answer should be one.
 */
type CatalogueEntry = readonly [text: string, envelope: Envelope, statuses: readonly number[]];
const HARDENING_ERRORS: readonly CatalogueEntry[] = [
  ['Too many parameters', 'status', [400]],
  ['Parameter too long', 'status', [400]],
  ['Request timeout', 'status', [408]],
  ['Too many failed attempts', 'status', [429]],
  ['Signature required', 'status', [401]],
  ['Invalid signature', 'status', [401]],
  ['Signature expired', 'status', [401]],
  ['Replayed request', 'status', [401]],
];
export const ERROR_CATALOGUE: readonly CatalogueEntry[] = [
  ...[...new Set(TRANSPORT_FAULTS.values())].map((text): CatalogueEntry => [
    text,
    'status',
    [...TRANSPORT_FAULTS].filter(([, other]) => other === text).map(([status]) => status),
  ]),
  ...STATUS_ERRORS.map((text): CatalogueEntry => [text, 'status', [200]]),
  ...PAGE_ERRORS.map((text): CatalogueEntry => [text, 'page', [200]]),
  ...PAGE_STATUS_ERRORS.map((text): CatalogueEntry => [text, 'page/status', [200]]),
  ...HARDENING_ERRORS,
];

/** The error document of a transport fault of section 1. */
export function transportFaultXml(status: number): string {
  const text = TRANSPORT_FAULTS.get(status);
  assert.ok(text !== undefined, `${status} is not a transport fault of the spec`);
  return errorXml('status', text);
}

// ---------------------------------------------------------------------------------------------
// Well-formedness of section 6's layout, independent of the project's writer

export interface XmlNode {
  readonly name: string;
  /** Decoded text of a leaf element; undefined for an element with children. */
  readonly text: string | undefined;
  readonly children: readonly XmlNode[];
}

const NAME = '[A-Za-z_][A-Za-z0-9_.-]*';
const OPEN = new RegExp(`^<(${NAME})>$`);
const CLOSE = new RegExp(`^</(${NAME})>$`);
const LEAF = new RegExp(`^<(${NAME})>([^<>]*)</(${NAME})>$`);
// Characters XML 1.0 does not allow in text (C0 controls but tab, LF and CR; U+FFFE, U+FFFF).
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const ENTITY = /&(amp|lt|gt|quot|apos);/g;

const unescapeText = (text: string): string =>
  text.replace(ENTITY, (_, entity: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[entity]!);

/**
 * Parses a document of the spec's layout (section 6) and throws an AssertionError naming the
 * first problem: the declaration and a newline, then one element per line, children indented by
 * two spaces per level, LF line ends only, a final LF, one root, tags that match, and text with
 * only the five escapes (no raw `&<>"'`).
 */
export function parseSpecXml(document: string): XmlNode {
  assert.ok(document.startsWith(DECLARATION), `no XML declaration line: ${JSON.stringify(document.slice(0, 60))}`);
  assert.ok(document.endsWith('\n'), 'no final LF');
  assert.ok(!document.includes('\r'), 'a CR in the document');
  assert.ok(document.isWellFormed(), 'a lone surrogate in the document');
  const lines = document.slice(DECLARATION.length, -1).split('\n');

  interface Open { name: string; children: XmlNode[] }
  const stack: Open[] = [];
  let root: XmlNode | undefined;
  lines.forEach((line, index) => {
    const where = `line ${index + 2} ${JSON.stringify(line)}`;
    assert.equal(root, undefined, `content after the root element at ${where}`);
    const indent = /^ */.exec(line)![0].length;
    const rest = line.slice(indent);
    let match: RegExpExecArray | null;
    if ((match = CLOSE.exec(rest)) !== null) {
      const open = stack.pop();
      assert.ok(open !== undefined, `a closing tag with nothing open at ${where}`);
      assert.equal(match[1], open.name, `mismatched closing tag at ${where}`);
      assert.equal(indent, 2 * stack.length, `wrong indentation at ${where}`);
      const node: XmlNode = { name: open.name, text: undefined, children: open.children };
      if (stack.length === 0) root = node;
      else stack.at(-1)!.children.push(node);
      return;
    }
    assert.equal(indent, 2 * stack.length, `wrong indentation at ${where}`);
    if ((match = OPEN.exec(rest)) !== null) {
      stack.push({ name: match[1]!, children: [] });
      return;
    }
    match = LEAF.exec(rest);
    assert.ok(match !== null, `not one element per line at ${where}`);
    assert.equal(match[1], match[3], `mismatched leaf tags at ${where}`);
    const raw = match[2]!;
    assert.ok(!/["']/.test(raw), `an unescaped quote at ${where}`);
    assert.ok(!/&(?!(amp|lt|gt|quot|apos);)/.test(raw), `a bare & at ${where}`);
    assert.ok(!NOT_XML_CHAR.test(raw), `a character XML does not allow at ${where}`);
    const node: XmlNode = { name: match[1]!, text: unescapeText(raw), children: [] };
    if (stack.length === 0) root = node;
    else stack.at(-1)!.children.push(node);
  });
  assert.equal(stack.length, 0, `unclosed element ${stack.at(-1)?.name}`);
  assert.ok(root !== undefined, 'no root element');
  return root;
}

/** The element names of a node's children, for shape checks. */
export const childNames = (node: XmlNode): string[] => node.children.map((child) => child.name);

/** A rounded balance at `digits` places, as section 5 prints it. */
export function roundedNumberSyntax(digits: number): RegExp {
  return digits === 0 ? /^-?(?:0|[1-9][0-9]*)$/ : new RegExp(`^-?(?:0|[1-9][0-9]*)\\.[0-9]{${digits}}$`);
}

/** True when a rounded balance text is a zero (which must carry no sign). */
export const isZeroText = (text: string): boolean => /^-?0(?:\.0*)?$/.test(text);

/** What kind of spec document a parsed HTTP 200 XML answer is; throws for anything else. */
export type DocumentKind =
  | { kind: 'error'; envelope: Envelope; text: string }
  | { kind: 'balance'; balance: string; currency: string | undefined }
  | { kind: 'balance_updated'; username: string; id: string; balance: string }
  | { kind: 'rate_updated' };

export function classifyDocument(root: XmlNode): DocumentKind {
  const only = root.children.length === 1 ? root.children[0]! : undefined;
  if (root.name === 'status' && only?.name === 'error' && only.text !== undefined) {
    assert.ok((STATUS_ERRORS as readonly string[]).includes(only.text), `not a <status> error of the spec: ${only.text}`);
    return { kind: 'error', envelope: 'status', text: only.text };
  }
  assert.equal(root.name, 'page', `unknown root element ${root.name}`);
  if (only?.name === 'error' && only.text !== undefined) {
    assert.ok((PAGE_ERRORS as readonly string[]).includes(only.text), `not a <page> error of the spec: ${only.text}`);
    return { kind: 'error', envelope: 'page', text: only.text };
  }
  if (only?.name === 'status' && only.text === undefined) {
    const inner = only.children.length === 1 ? only.children[0]! : undefined;
    if (inner?.name === 'error' && inner.text !== undefined) {
      assert.ok((PAGE_STATUS_ERRORS as readonly string[]).includes(inner.text), `not a <page><status> error of the spec: ${inner.text}`);
      return { kind: 'error', envelope: 'page/status', text: inner.text };
    }
    assert.equal(inner?.name, 'success', 'unknown <page><status> document');
    assert.equal(inner.text, 'Currency successfully updated');
    return { kind: 'rate_updated' };
  }
  if (only?.name === 'page') {
    assert.deepEqual(childNames(only), ['status', 'user']);
    assert.equal(only.children[0]!.text, 'User balance updated');
    const user = only.children[1]!;
    assert.deepEqual(childNames(user), ['username', 'id', 'balance']);
    const [username, id, balance] = user.children.map((child) => child.text ?? '');
    assert.match(id!, /^[1-9][0-9]*$/);
    assert.match(balance!, /^-?(?:0|[1-9][0-9]*)\.(?:0|[0-9]*[1-9])$/, 'not a plain decimal with at least one fractional digit');
    return { kind: 'balance_updated', username: username!, id: id!, balance: balance! };
  }
  const names = childNames(root);
  assert.ok(
    names.length === 1 ? names[0] === 'balance' : names.length === 2 && names[0] === 'balance' && names[1] === 'currency',
    `unknown <page> document with children ${names.join(', ')}`,
  );
  const balance = root.children[0]!.text;
  assert.ok(balance !== undefined, '<balance> has children');
  const currency = root.children[1]?.text;
  if (root.children[1] !== undefined) assert.match(currency ?? '', /^[A-Z0-9]{3,5}$/, 'not a currency code');
  return { kind: 'balance', balance, currency };
}

// ---------------------------------------------------------------------------------------------
// Naming any answer the README documents (the soak test's check of every answer)

export type Document =
  | { readonly name: 'error'; readonly text: string }
  | { readonly name: 'balance'; readonly balance: string; readonly currency: string | undefined }
  /** `balance` in millionths. */
  | { readonly name: 'updated'; readonly username: string; readonly id: number; readonly balance: bigint }
  | { readonly name: 'rate_updated' }
  | { readonly name: 'simple_balance'; readonly balance: string }
  | { readonly name: 'simple_error'; readonly text: string }
  | { readonly name: 'healthz' | 'readyz' | 'not_ready' | 'metrics' | 'ops_method_not_allowed' };

const ERROR_BY_BODY: ReadonlyMap<string, { readonly text: string; readonly statuses: readonly number[] }> = new Map(
  ERROR_CATALOGUE.map(([text, envelope, statuses]) => [errorXml(envelope, text), { text, statuses }]),
);
/** The plain-text errors of user_simple_balance_get. */
const SIMPLE_ERRORS: ReadonlySet<string> = new Set(['User was not found', 'API Requests are disabled', 'Feature disabled']);

const BALANCE = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<page>\n {2}<balance>(-?\d+\.\d{2})<\/balance>\n(?: {2}<currency>([A-Z0-9]{3,5})<\/currency>\n)?<\/page>\n$/;
const UPDATED =
  /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<page>\n {2}<page>\n {4}<status>User balance updated<\/status>\n {4}<user>\n {6}<username>([^<]*)<\/username>\n {6}<id>(\d+)<\/id>\n {6}<balance>(-?\d+)\.(\d{1,6})<\/balance>\n {4}<\/user>\n {2}<\/page>\n<\/page>\n$/;
const PLAIN_BALANCE = /^-?\d+\.\d{2}$/;

/** The documented answer this is (at 2 digits), or undefined: a wrong status, content type or body. */
export function identify(answer: { readonly status: number; readonly headers: IncomingHttpHeaders; readonly body: Buffer }): Document | undefined {
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
  if (updated === null) return undefined;
  return { name: 'updated', username: unescapeText(updated[1]!), id: Number(updated[2]), balance: valueAt(`${updated[3]}.${updated[4]}`, 6) };
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

/** A header of node:http's record, repeated values joined. */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A document in a few words, for messages. */
export function describeDocument(document: Document | undefined): string {
  if (document === undefined) return 'an undocumented answer';
  if (document.name === 'error' || document.name === 'simple_error') return `"${document.text}"`;
  return document.name;
}

// ---------------------------------------------------------------------------------------------
// Reference rules: decimals, rounding and the hash, on digit strings and node:crypto

/** A plain decimal as written: sign, whole digits, fraction digits (either may be empty, not both). */
export interface DecimalText {
  readonly negative: boolean;
  readonly whole: string;
  readonly fraction: string;
}

const ASCII_DIGIT = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Scans `[+-]digits[.digits]` by hand; undefined for anything else (exponents, spaces, other digits). */
export function scanDecimal(text: string): DecimalText | undefined {
  let i = 0;
  let negative = false;
  if (text[i] === '+' || text[i] === '-') negative = text[i++] === '-';
  const wholeStart = i;
  while (ASCII_DIGIT(text[i])) i++;
  const whole = text.slice(wholeStart, i);
  let fraction = '';
  if (text[i] === '.') {
    const fractionStart = ++i;
    while (ASCII_DIGIT(text[i])) i++;
    fraction = text.slice(fractionStart, i);
  }
  if (i !== text.length || (whole === '' && fraction === '')) return undefined;
  return { negative, whole, fraction };
}

const stripLeadingZeros = (digits: string): string => digits.replace(/^0+/, '') || '0';
const stripTrailingZeros = (digits: string): string => digits.replace(/0+$/, '');

/** The plain text of units / 10^scale, written digit by digit: `-1005000, 6` → `-1.005000`. */
export function plainText(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString();
  if (scale === 0) return (negative ? '-' : '') + digits;
  const padded = '0'.repeat(Math.max(0, scale + 1 - digits.length)) + digits;
  return `${negative ? '-' : ''}${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
}

/** Adds one to a string of decimal digits, carrying by hand. */
function incrementDigits(digits: string): string {
  const out = digits.split('');
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] === '9') out[i] = '0';
    else {
      out[i] = String.fromCharCode(out[i]!.charCodeAt(0) + 1);
      return out.join('');
    }
  }
  return '1' + out.join('');
}

/**
 * Rounds a plain decimal text to `digits` places, half away from zero, on its digits alone:
 * the first dropped digit decides (5 or more is at least half). Exactly `digits` places, no sign
 * on zero. The spec's formatting rule (section 5), written without bigint division.
 */
export function roundText(text: string, digits: number): string {
  const parsed = scanDecimal(text);
  if (parsed === undefined) throw new Error(`not a plain decimal: ${text}`);
  const fraction = parsed.fraction.padEnd(digits + 1, '0');
  let kept = (parsed.whole || '0') + fraction.slice(0, digits);
  if (fraction[digits]! >= '5') kept = incrementDigits(kept);
  const whole = stripLeadingZeros(kept.slice(0, kept.length - digits));
  const places = kept.slice(kept.length - digits);
  const isZero = /^0*$/.test(kept);
  return (parsed.negative && !isZero ? '-' : '') + whole + (digits > 0 ? '.' + places : '');
}

/** The exact product of two plain decimal texts, as a plain decimal text (bigint digits, no division). */
export function multiplyTexts(a: string, b: string): string {
  const x = scanDecimal(a);
  const y = scanDecimal(b);
  if (x === undefined || y === undefined) throw new Error(`not plain decimals: ${a}, ${b}`);
  const units = (d: DecimalText): bigint => (d.negative ? -1n : 1n) * BigInt((d.whole || '0') + d.fraction);
  return plainText(units(x) * units(y), x.fraction.length + y.fraction.length);
}

/** The numeric value of a plain decimal as a fraction over 10^scale, for comparisons. */
export function valueAt(text: string, scale: number): bigint {
  const d = scanDecimal(text);
  if (d === undefined || d.fraction.length > scale) throw new Error(`cannot scale ${text} to ${scale}`);
  return (d.negative ? -1n : 1n) * BigInt((d.whole || '0') + d.fraction.padEnd(scale, '0'));
}

/** What the spec and README accept as an amount: plain decimal, ≤ 6 significant fraction digits, |x| < 10^12. */
export function referenceParseMoney(text: string): bigint | undefined {
  if (text.length > 64) return undefined; // the implementation's documented bound on hostile input
  const d = scanDecimal(text);
  if (d === undefined) return undefined;
  const fraction = stripTrailingZeros(d.fraction);
  if (fraction.length > 6) return undefined;
  const micros = BigInt((d.whole || '0') + fraction.padEnd(6, '0'));
  if (micros >= 10n ** 18n) return undefined;
  return d.negative ? -micros : micros;
}

/**
 * What the spec accepts as a rate: a positive plain decimal below 10^12 with at most 12
 * significant fractional digits (zeros right after the point of a value below 1 do not count).
 * Returns the value as units and scale without trailing zeros.
 */
export function referenceParseRate(text: string): { units: bigint; scale: number } | undefined {
  if (text.length > 64) return undefined;
  const d = scanDecimal(text);
  if (d === undefined || d.negative) return undefined; // a negative value (-0 included) is not positive
  const fraction = stripTrailingZeros(d.fraction);
  if (fraction.length > 30) return undefined;
  const whole = stripLeadingZeros(d.whole);
  const units = BigInt(whole + fraction);
  if (units === 0n) return undefined;
  const significant = whole === '0' ? fraction.replace(/^0+/, '').length : fraction.length;
  if (significant > 12) return undefined;
  if (whole.length > 12) return undefined;
  return { units, scale: fraction.length };
}

/** SHA1 in lower-case hex of the UTF-8 text, through node:crypto's streaming API. */
export function sha1Hex(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

/** The recipes of spec sections 2 and 10, written from the spec: hashed names in order. */
const PAYMENT_CREATE_RECIPE = ['user_id', 'description', 'p_currency', 'paymenttype', 'tax_in_amount', 'amount', 'transaction', 'payer_email', 'fee', 'currency', 'transaction_id'];

export const REFERENCE_RECIPES: Readonly<Record<string, readonly string[]>> = {
  user_balance_get: ['username', 'currency'],
  balance: ['username', 'currency'],
  user_balance_update: ['user_id', 'balance', 'transaction_id'],
  user_balance_change: ['user_id', 'balance', 'transaction_id'],
  exchange_rate_update: ['currency', 'rate'],
  // m4-payments.md: payment_create's fixed global order (user_id as an integer), payments_get's
  // key alone (its other accepted form, user_id_s then the key, is not the recipe), user_details_get's two.
  payment_create: PAYMENT_CREATE_RECIPE,
  create_payment: PAYMENT_CREATE_RECIPE,
  payments_get: [],
  payments_list: [],
  user_details_get: ['user_id', 'username'],
  user_details: ['user_id', 'username'],
};

/** `user_id` is hashed as the integer Kolmisoft reads: `007` as `7`. */
export function referenceIntegerText(value: string): string {
  return /^[0-9]+$/.test(value) ? BigInt(value).toString() : value;
}

/** m4-payments.md says `user_id` is hashed as an integer for payment_create only, as for user_balance_update. */
const USER_ID_AS_SENT: ReadonlySet<string> = new Set(['user_details_get', 'user_details']);

/** The values a recipe hashes, present and non-empty, in order. */
export function referenceHashedValues(method: string, params: ReadonlyMap<string, string>): string[] {
  const names = REFERENCE_RECIPES[method] ?? [];
  const values: string[] = [];
  for (const name of names) {
    const value = params.get(name);
    if (value === undefined || value === '') continue;
    values.push(name === 'user_id' && !USER_ID_AS_SENT.has(method) ? referenceIntegerText(value) : value);
  }
  return values;
}

/** The spec's hash: SHA1 hex of the concatenated values, then the key. */
export function referenceHash(method: string, params: ReadonlyMap<string, string>, key: string): string {
  return sha1Hex(referenceHashedValues(method, params).join('') + key);
}

/** Whether a given `hash` parameter is right: 40 hex digits, either case, equal to the reference. */
export function referenceHashMatches(given: string | undefined, expected: string): boolean {
  return given !== undefined && /^[0-9a-fA-F]{40}$/.test(given) && given.toLowerCase() === expected;
}
