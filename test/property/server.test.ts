/**
 * The whole server under arbitrary requests (spec sections 1 to 10): real servers on the suite's
 * backend (SQLite, or PostgreSQL with TALLY_TEST_BACKEND=postgres), each with other settings,
 * and fast-check sending raw HTTP/1.1 requests: random paths under /billing/api/, methods, query
 * strings, form/JSON/multipart/junk bodies, wrong content types, huge values, repeated
 * parameters, valid and invalid hashes, random currencies and Unicode usernames.
 *
 * Every answer must have a status from the spec, the spec's Content-Type, and a body that is one
 * of the spec's documents (checked by the independent parser in spec-documents.ts). Where the
 * request was built from known parameters, a model written from the spec (below) predicts the
 * exact answer, byte for byte. The server never answers 500 and is alive and unchanged at the end.
 *
 * Requests that only change state in a way the model cannot follow are never sent: a valid
 * user_balance_update always adds 0, and a valid exchange_rate_update always sets the current rate.
 *
 * TALLY_PROPERTY_RUNS sets the number of requests (500 by default, a fifth as many pipelines).
 */
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { METHODS } from 'node:http';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { RunningServer } from '../../src/app.js';
import { API_ERRORS } from '../../src/domain/api-errors.js';
import { MAX_PARAMETER_LENGTH, MAX_PARAMETERS } from '../../src/http/request-params.js';
import { errorDocument } from '../../src/http/xml.js';
import { openStore } from '../../src/store/open-store.js';
import { BACKEND, startTestServer, tempDir, type TempDir } from '../support/fixtures.js';
import { Operator } from '../support/seed.js';
import { exchange, exchangePipelined, type RawAnswer } from '../support/raw-http.js';
import {
  balanceXml,
  classifyDocument,
  errorXml,
  HTML_TYPE,
  isZeroText,
  multiplyTexts,
  PAGE_ERRORS,
  PAGE_STATUS_ERRORS,
  parseSpecXml,
  plainText,
  RATE_UPDATED,
  referenceHash,
  referenceHashedValues,
  referenceHashMatches,
  referenceParseMoney,
  referenceParseRate,
  roundedNumberSyntax,
  roundText,
  SPEC_STATUSES,
  STATUS_ERRORS,
  TEXT_TYPE,
  transportFaultXml,
  XML_TYPE,
  type Envelope,
} from '../support/spec-oracle.js';

const NUM_RUNS = Number(process.env.TALLY_PROPERTY_RUNS ?? 500);

// ---------------------------------------------------------------------------------------------
// The world: currencies, users and five servers with different settings.

const SYSTEM = 'USD';
const CURRENCIES: readonly { code: string; rate: string; active: boolean }[] = [
  { code: 'EUR', rate: '0.7351', active: true },
  { code: 'JPY', rate: '151.123456789012', active: true },
  { code: 'XBT', rate: '0.000016789012345', active: true },
  { code: 'Z9Z9Z', rate: '999999999999.5', active: true },
  { code: 'OLD', rate: '2.5', active: false },
];
const NEW_USERS: readonly { username: string; balance: string; currency: string }[] = [
  { username: 'alice', balance: '26.50', currency: 'EUR' },
  { username: 'Jürgen', balance: '-1.005', currency: SYSTEM },
  { username: 'ΣΊΣΥΦΟΣ', balance: '999999999999.999999', currency: 'Z9Z9Z' },
  { username: 'bob@example.com', balance: '-999999999999.999999', currency: 'JPY' },
  { username: '😀 emoji', balance: '0.005', currency: 'XBT' },
  { username: 'user_admin', balance: '0.000001', currency: 'OLD' },
  { username: 'Straße', balance: '12', currency: SYSTEM },
  { username: "O'Brien & <Co>", balance: '7.1', currency: 'EUR' },
];

interface ModelUser {
  readonly id: number;
  readonly username: string;
  readonly currency: string;
  readonly micros: bigint;
  readonly uniquehash: string;
  readonly role: 'user' | 'admin';
}

interface ModelSettings {
  readonly allowApi: boolean;
  readonly allowGet: boolean;
  readonly key: string;
  readonly hashOff: boolean;
  readonly balanceGet: boolean;
  readonly xml: boolean;
  readonly digits: number;
}

interface ServerUnderTest {
  readonly label: string;
  readonly tmp: TempDir;
  readonly running: RunningServer;
  readonly port: number;
  readonly settings: ModelSettings;
  readonly users: readonly ModelUser[];
  /** transaction_id → the user id it was first applied to. */
  readonly transactionIds: Map<string, number>;
  /** The hash of each write that succeeded (lower case) → the method and hashed values it authorised. */
  readonly writeHashes: Map<string, string>;
}

const SERVER_SETTINGS: readonly { label: string; stored: Record<string, string> }[] = [
  { label: 'init defaults, key secret', stored: { api_secret_key: 'secret' } },
  { label: 'GET on, text/html, 10 digits, Unicode key', stored: { api_secret_key: 'Sëcret-κλειδί', allow_get_api: '1', xml_api_extension: '0', number_digits: '10' } },
  { label: 'hash checking off, no key, GET on, 0 digits', stored: { api_secret_key: '', disable_hash_checking: '1', allow_get_api: '1', number_digits: '0' } },
  { label: 'no key, balance_get off, 3 digits', stored: { api_secret_key: '', balance_get_enabled: '0', number_digits: '3' } },
  { label: 'API off, GET on', stored: { api_secret_key: 'secret', allow_api: '0', allow_get_api: '1', xml_api_extension: '0' } },
];

function modelSettings(stored: Record<string, string>): ModelSettings {
  const on = (name: string, initial: string): boolean => (stored[name] ?? initial) === '1';
  return {
    allowApi: on('allow_api', '1'),
    allowGet: on('allow_get_api', '0'),
    key: stored['api_secret_key'] ?? '',
    hashOff: on('disable_hash_checking', '0'),
    balanceGet: on('balance_get_enabled', '1'),
    xml: on('xml_api_extension', '1'),
    digits: Number(stored['number_digits'] ?? '2'),
  };
}

async function startServerUnderTest(label: string, stored: Record<string, string>): Promise<ServerUnderTest> {
  const tmp = await tempDir();
  const users: ModelUser[] = [];
  const operator = await Operator.seed(tmp.db, {
    // Throttling of failed authentication (Tally's hardening) would answer 429 to this test's
    // stream of wrong hashes from one address: off here, it has tests of its own.
    settings: { ...stored, auth_failure_limit: '0' },
    currencies: CURRENCIES.map((currency) => ({ ...currency, name: currency.code })),
  });
  try {
    const admin = await operator.user('admin');
    assert.equal(admin.role, 'admin');
    users.push({ id: Number(admin.id), username: admin.username, currency: admin.currency, micros: referenceParseMoney(admin.balance)!, uniquehash: admin.uniquehash, role: 'admin' });
    for (const user of NEW_USERS) {
      const added = await operator.addUser(user.username, { balance: user.balance, currency: user.currency });
      users.push({ id: Number(added.id), username: added.username, currency: added.currency, micros: referenceParseMoney(user.balance)!, uniquehash: added.uniquehash, role: 'user' });
    }
  } finally {
    await operator.close();
  }
  const running = await startTestServer(tmp.db, { env: { TALLY_PG_POOL: '2' } });
  return { label, tmp, running, port: Number(new URL(running.url).port), settings: modelSettings(stored), users, transactionIds: new Map(), writeHashes: new Map() };
}

// ---------------------------------------------------------------------------------------------
// Requests: what fast-check generates, and the bytes built from it.

type RouteKind = 'get' | 'update' | 'rate' | 'simple';
const ROUTES: Readonly<Record<string, RouteKind>> = {
  user_balance_get: 'get',
  balance: 'get',
  user_balance_update: 'update',
  user_balance_change: 'update',
  exchange_rate_update: 'rate',
  user_simple_balance_get: 'simple',
  simple_balance: 'simple',
};
const ROUTE_NAMES = Object.keys(ROUTES);
/** The operator endpoints beside the API (not part of the spec): never generated as junk paths. */
const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

type PathSpec =
  | { readonly kind: 'api'; readonly name: string; readonly slash: boolean }
  | { readonly kind: 'arg'; readonly name: string; readonly arg: string; readonly encoded: boolean; readonly slash: boolean }
  | { readonly kind: 'junk'; readonly path: string };

interface Field {
  readonly name: string;
  readonly value: string;
  readonly inBody: boolean;
}

type BodyKind =
  | 'empty'
  | 'form'
  | 'json'
  | 'multipart'
  | 'multipartFile'
  | 'multipartUnclosed'
  | 'jsonBroken'
  | 'jsonNull'
  | 'formBadEscape'
  | 'formBadUtf8'
  | 'otherType'
  | 'junk'
  | 'huge';

interface RequestSpec {
  readonly server: number;
  readonly method: string;
  readonly path: PathSpec;
  readonly fields: readonly Field[];
  readonly hashMode: 'none' | 'valid' | 'upper' | 'wrongKey' | 'junk';
  readonly hashJunk: string;
  readonly hashInBody: boolean;
  readonly body: BodyKind;
  readonly formStyle: 'uri' | 'usp';
  readonly jsonNumbers: boolean;
  readonly boundary: string;
  readonly quoteBoundary: boolean;
  readonly mediaCase: readonly boolean[];
  readonly otherType: string | undefined;
  readonly junkBytes: Uint8Array;
  readonly chunked: readonly number[] | undefined;
  readonly queryExtra: 'none' | 'badEscape' | 'raw' | 'hugeLine' | 'manyParams' | 'emptyPairs';
  readonly rawQuery: string;
  readonly header: 'none' | 'huge' | 'expect' | 'forwarded' | 'zeroLength';
  /** Requests that Node's defaults once answered outside the spec (see the counterexamples at the end). */
  readonly quirk: Quirk;
  readonly junkType: string | undefined;
}

type Quirk = 'none' | 'noHost' | 'expectOther' | 'connect' | 'absoluteForm';

const TOKEN = (index: number): string => `@@token:${index}@@`;

/** Text with any code point (lone surrogates cannot be sent as UTF-8, so none). */
const anyText = (maxLength: number): fc.Arbitrary<string> =>
  fc.oneof(fc.string({ unit: 'binary', maxLength }), fc.string({ unit: 'grapheme', maxLength }), fc.string({ maxLength }));

function fieldValue(name: string): fc.Arbitrary<string> {
  const usernames = ['admin', ...NEW_USERS.map((user) => user.username)];
  const codes = [SYSTEM, ...CURRENCIES.map((currency) => currency.code), 'USER'];
  const junk = anyText(12);
  switch (name) {
    case 'u':
      return fc.oneof(
        { weight: 6, arbitrary: fc.mixedCase(fc.constant('admin')) },
        { weight: 3, arbitrary: fc.constantFrom(...usernames, '', 'root', 'admin ', 'a'.repeat(300)) },
        { weight: 1, arbitrary: junk },
      );
    case 'username':
      return fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...usernames).chain((n) => fc.oneof(fc.constant(n), fc.mixedCase(fc.constant(n)), fc.constant(n.toUpperCase()))) },
        { weight: 2, arbitrary: junk },
        { weight: 1, arbitrary: fc.constantFrom('', ' alice', 'alice ', 'ALİCE', 'σίσυφοσ', 'STRASSE', 'a'.repeat(300), 'admin\u0000', '%61lice') },
      );
    case 'currency':
      return fc.oneof(
        { weight: 6, arbitrary: fc.mixedCase(fc.constantFrom(...codes)) },
        { weight: 2, arbitrary: fc.constantFrom('', 'GBP', 'EURO', 'E€R', 'EU', 'Z9Z9Z9', ' EUR', 'usd ', 'ＥＵＲ') },
        { weight: 1, arbitrary: junk },
      );
    case 'user_currency':
      return fc.constantFrom('1', '1', '0', 'true', '', ' 1', '01', 'yes');
    case 'user_id':
      return fc.oneof(
        fc.integer({ min: 1, max: NEW_USERS.length + 1 }).chain((id) => fc.nat(3).map((zeros) => '0'.repeat(zeros) + id)),
        fc.constantFrom('0', '99999', '1234567890123456', '-1', '1.0', 'x', '', ' 2', '٢'),
      );
    case 'balance':
      return fc.oneof(
        fc.constantFrom('0', '0.0', '-0', '+0.000000', '.0', '0.', '000', '0.0000000'),
        fc.constantFrom('', 'abc', '1e3', '1.0000001', '1000000000000', '-', '.', ' 0', '0 ', '١'),
        fc.constantFrom('12.50', '-3', '0.000001'), // sanitized to 0 before sending: see sanitize()
      );
    case 'transaction_id':
      return fc.oneof(fc.constantFrom('pay-1', 'pay-2', 'pay-3', ''), junk, fc.constant('k'.repeat(129)), fc.constant('tab\there'));
    case 'rate':
      return fc.oneof(
        fc.constantFrom(...CURRENCIES.map((currency) => currency.rate)).chain((rate) => fc.constantFrom(rate, rate + '0', '+' + rate, '0' + rate)),
        fc.constantFrom('0', '-1', 'x', '1e5', '0.1234567890123', '', '1000000000000', '2'),
      );
    case 'id':
      return fc.oneof(fc.integer({ min: 0, max: NEW_USERS.length }).map(TOKEN), junk, fc.constant(''));
    case 'hash':
      return fc.oneof(fc.stringMatching(/^[0-9a-f]{40}$/), junk);
    default:
      return fc.oneof(junk, fc.constantFrom('1', ''));
  }
}

const FIELD_NAMES = ['username', 'currency', 'user_currency', 'u', 'p', 'test', 'user_id', 'balance', 'transaction_id', 'rate', 'id', 'hash'];
const field: fc.Arbitrary<Field> = fc
  .tuple(fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...FIELD_NAMES) }, { weight: 1, arbitrary: anyText(8) }), fc.boolean())
  .chain(([name, inBody]) =>
    fc.oneof(
      { weight: 100, arbitrary: fieldValue(name) },
      // A value over the parameter length limit (Tally's hardening: 400 Parameter too long).
      { weight: 1, arbitrary: fc.constant('v'.repeat(MAX_PARAMETER_LENGTH + 1)) },
    ).map((value) => ({ name, value, inBody })),
  );

/** Fields that make a request likely to get far: a known user of the route's kind, with a hash. */
function fieldsFor(kind: RouteKind | undefined, happy: boolean): fc.Arbitrary<Field[]> {
  const names: readonly string[] =
    kind === 'update' ? ['u', 'user_id', 'balance', 'transaction_id'] : kind === 'rate' ? ['u', 'currency', 'rate'] : kind === 'simple' ? ['id', 'currency'] : ['username', 'currency', 'user_currency'];
  const core = fc.tuple(...names.map((name) => fc.option(fc.tuple(fieldValue(name), fc.boolean()), { freq: happy ? 20 : 4, nil: undefined }))).map((values) =>
    values.flatMap((entry, index) => (entry === undefined ? [] : [{ name: names[index]!, value: entry[0], inBody: entry[1] }])),
  );
  return fc.tuple(core, fc.array(field, { maxLength: happy ? 1 : 4 }), fc.boolean()).map(([main, extra, extraFirst]) => (extraFirst ? [...extra, ...main] : [...main, ...extra]));
}

const URL_SAFE = fc.constantFrom(...'abcXYZ019-._~!$&\'()*+,;=:@%/'.split(''));
const pathSpec: fc.Arbitrary<PathSpec> = fc.oneof(
  { weight: 20, arbitrary: fc.record({ kind: fc.constant('api' as const), name: fc.constantFrom(...ROUTE_NAMES), slash: fc.boolean() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('arg' as const),
      name: fc.constantFrom('user_simple_balance_get', 'simple_balance', 'simple_balance', ...ROUTE_NAMES),
      arg: fc.oneof(fc.integer({ min: 0, max: NEW_USERS.length }).map(TOKEN), anyText(10), fc.string({ unit: URL_SAFE, maxLength: 10 })),
      encoded: fc.boolean(),
      slash: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.constantFrom('/', '/billing', '/billing/api', '/billing/api/', '/api/user_balance_get', '/BILLING/api/user_balance_get', '//billing/api/user_balance_get', '/billing//api/balance', '/billing/api/USER_BALANCE_GET', '/billing/api/user_balance_get.php', '/billing/api/user%5Fbalance_get', '/billing/api/balances', '/billing/api/user_balance_get/extra', '/favicon.ico', '*'),
        fc.string({ unit: URL_SAFE, maxLength: 20 }).map((tail) => '/billing/api/' + tail),
        fc.string({ unit: URL_SAFE, maxLength: 20 }).map((tail) => '/' + tail),
      )
      .filter((path) => !OPS_PATHS.has(path))
      .map((path) => ({ kind: 'junk' as const, path })),
  },
);

const happyPath: fc.Arbitrary<PathSpec> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('api' as const), name: fc.constantFrom(...ROUTE_NAMES), slash: fc.constant(false) }) },
  { weight: 1, arbitrary: fc.record({
    kind: fc.constant('arg' as const),
    name: fc.constantFrom('user_simple_balance_get', 'simple_balance'),
    arg: fc.integer({ min: 0, max: NEW_USERS.length }).map(TOKEN),
    encoded: fc.constant(true),
    slash: fc.boolean(),
  }) },
);

const METHOD = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom('GET', 'POST', 'POST') },
  { weight: 2, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'QUERY', 'HEAD') },
  // Tokens Node's parser does not know: answered 405 before anything else.
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom('get', 'post', 'FOO', 'BREW'), fc.stringMatching(/^[A-Z]{2,9}$/)).filter((m) => !METHODS.includes(m) && m !== 'PRI') },
);

/**
 * A request. `happy` requests (about half) are near-valid: a known API, GET or POST, a parsable
 * body, the recipe's parameters and a right hash, so that the deep answers come up often; the
 * others explore everything.
 */
const requestSpec = (servers: number, happy: boolean): fc.Arbitrary<RequestSpec> =>
  (happy ? happyPath : pathSpec).chain((path) => {
    const kind = path.kind === 'junk' ? undefined : ROUTES[path.name];
    return fc.record({
      server: fc.nat(servers - 1),
      method: happy ? fc.constantFrom('GET', 'POST', 'POST') : METHOD,
      path: fc.constant(path),
      fields: fieldsFor(kind, happy),
      hashMode: happy ? fc.constantFrom('valid', 'valid', 'upper') : fc.constantFrom('none', 'valid', 'valid', 'valid', 'upper', 'wrongKey', 'junk'),
      hashJunk: fc.oneof(anyText(45), fc.stringMatching(/^[0-9a-fA-F]{39,41}$/)),
      hashInBody: fc.boolean(),
      body: happy ? fc.constantFrom<BodyKind>('empty', 'form', 'json', 'multipart') : fc.oneof(
        { weight: 20, arbitrary: fc.constantFrom<BodyKind>('empty', 'form', 'json', 'multipart') },
        { weight: 6, arbitrary: fc.constantFrom<BodyKind>('multipartFile', 'multipartUnclosed', 'jsonBroken', 'jsonNull', 'formBadEscape', 'formBadUtf8', 'otherType', 'junk') },
        { weight: 1, arbitrary: fc.constant<BodyKind>('huge') },
      ),
      formStyle: fc.constantFrom('uri', 'usp'),
      jsonNumbers: fc.boolean(),
      boundary: fc.oneof(fc.constant('XyZ'), fc.stringMatching(/^[0-9A-Za-z'()+_,./:=?-]{1,40}$/)),
      quoteBoundary: fc.boolean(),
      mediaCase: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
      otherType: fc.option(
        fc.oneof(
          fc.constantFrom('text/plain', 'application/xml', 'text/json', 'application/x-www-form-urlencodedx', 'multipart/mixed; boundary=x', 'application/octet-stream', 'application/json5', ''),
          fc.string({ unit: fc.constantFrom(...'abc/;= -+.xXjsonform'.split('')), maxLength: 30 }),
        ),
        { freq: 8, nil: undefined },
      ),
      junkBytes: fc.oneof(
        fc.uint8Array({ minLength: 1, maxLength: 80 }),
        fc.string({ unit: fc.constantFrom('{', '}', '"', ':', ',', '[', ']', '\\', 'username', 'alice', '1', 'true', 'null', ' ', 'ü'), minLength: 1, maxLength: 12 }).map((t) => Buffer.from(t)),
        fc.string({ unit: fc.constantFrom('--XyZ', '--XyZ--', '\r\n', 'Content-Disposition: form-data; name="username"', '; filename="f"', 'alice', ':'), minLength: 1, maxLength: 10 }).map((t) => Buffer.from(t)),
      ).map((bytes) => Uint8Array.from(bytes)),
      junkType: fc.option(fc.constantFrom('application/json', 'multipart/form-data; boundary=XyZ', 'application/x-www-form-urlencoded'), { freq: 2, nil: undefined }), // freq n: nil 1 time in n
      quirk: fc.constantFrom<Quirk>('none', 'none', 'none', 'noHost', 'expectOther', 'connect', 'absoluteForm'),
      chunked: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.array(fc.nat(40), { maxLength: 3 }) }),
      queryExtra: happy ? fc.constant('none' as const) : fc.oneof(
        { weight: 60, arbitrary: fc.constant('none' as const) },
        { weight: 6, arbitrary: fc.constantFrom('badEscape' as const, 'raw' as const, 'hugeLine' as const, 'manyParams' as const, 'emptyPairs' as const) },
      ),
      rawQuery: fc.string({ unit: fc.constantFrom(...'a=&%+2FCe0u;'.split('')), maxLength: 16 }),
      header: happy ? fc.constantFrom('none' as const, 'expect' as const) : fc.oneof({ weight: 40, arbitrary: fc.constant('none' as const) }, { weight: 4, arbitrary: fc.constantFrom('huge' as const, 'expect' as const, 'forwarded' as const, 'zeroLength' as const) }),
    });
  });

const BAD_ESCAPES = ['%', '%4', '%ZZ', '%FF', '%C3', '%ED%A0%80', '%C0%AF', '%E2%82'];

const encodeForm = (pairs: readonly (readonly [string, string])[], style: 'uri' | 'usp'): string =>
  style === 'usp' ? new URLSearchParams(pairs as [string, string][]).toString() : pairs.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&');

/** A form component is valid when every escape is two hex digits and the bytes are UTF-8. */
function componentIsValid(component: string): boolean {
  const bytes: number[] = [];
  for (let i = 0; i < component.length; ) {
    if (component[i] === '%') {
      if (!/^[0-9a-fA-F]{2}$/.test(component.slice(i + 1, i + 3))) return false;
      bytes.push(parseInt(component.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      const char = String.fromCodePoint(component.codePointAt(i)!);
      bytes.push(...Buffer.from(char, 'utf8'));
      i += char.length;
    }
  }
  return isUtf8(Buffer.from(bytes));
}

/** A query string or form body read by the WHATWG parser, after a check of its escapes; undefined when malformed. */
function referenceForm(text: string): Map<string, string> | undefined {
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const parts = equals === -1 ? [pair] : [pair.slice(0, equals), pair.slice(equals + 1)];
    if (!parts.every(componentIsValid)) return undefined;
  }
  return new Map(new URLSearchParams(text));
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

const applyCase = (text: string, upper: readonly boolean[]): string =>
  [...text].map((c, i) => (upper[i % upper.length] ? c.toUpperCase() : c)).join('');

/** What the model knows the server must answer: a full answer, or only that it is some spec answer. */
type Expected =
  | { readonly exact: true; readonly status: number; readonly type: string; readonly body: string; readonly record?: () => void }
  | { readonly exact: false };

interface Built {
  readonly bytes: Buffer;
  readonly expectBody: boolean;
  readonly expected: Expected;
  /** The route kind, when the path names one: it limits which documents may come back. */
  readonly kind: RouteKind | undefined;
}

/**
 * The request bytes and the model's answer. The model follows the spec's order: Node's parser
 * (405 for an unknown method token, 431 for huge headers), 404/400 for the path, 405, 413, 400 for
 * the query, 400/415 for the body, then the method's own checks.
 */
function build(spec: RequestSpec, server: ServerUnderTest, keepAlive = false): Built {
  const settings = server.settings;
  const xmlType = settings.xml ? XML_TYPE : HTML_TYPE;
  const fault = (status: number): Expected => ({ exact: true, status, type: xmlType, body: transportFaultXml(status) });
  const resolveTokens = (text: string): string => text.replace(/@@token:(\d+)@@/g, (_, index: string) => server.users[Number(index)]!.uniquehash);

  // The path, and the route the model reads from it.
  let target: string;
  let route: { kind: RouteKind; argument: string } | 'none' | 'malformed';
  const path = spec.path;
  if (path.kind === 'junk') {
    target = path.path;
    route = 'none';
  } else if (path.kind === 'api') {
    target = `/billing/api/${path.name}${path.slash ? '/' : ''}`;
    route = { kind: ROUTES[path.name]!, argument: '' };
  } else {
    const rawArg = path.encoded ? encodeURIComponent(resolveTokens(path.arg)) : resolveTokens(path.arg).replace(/[^\x21-\x7e]|[?#]/gu, (c) => encodeURIComponent(c));
    target = `/billing/api/${path.name}/${rawArg}${path.slash ? '/' : ''}`;
    const rest = (rawArg + (path.slash ? '/' : '')).replace(/\/$/, ''); // one trailing slash is ignored
    const kind = ROUTES[path.name]!;
    if (kind !== 'simple') route = rest === '' ? { kind, argument: '' } : 'none';
    else {
      try {
        route = { kind, argument: decodeURIComponent(rest) };
      } catch {
        route = 'malformed';
      }
    }
  }
  const kind = typeof route === 'object' ? route.kind : undefined;

  // Fields: sanitized so that no request can change a balance or a rate, then placed.
  const bodyCarries = ['form', 'json', 'multipart', 'multipartFile', 'multipartUnclosed', 'jsonBroken', 'jsonNull', 'formBadEscape'].includes(spec.body);
  let fields = spec.fields.map((f) => ({ ...f, value: resolveTokens(f.value), inBody: f.inBody && bodyCarries && !(spec.body.startsWith('multipart') && /[\r\n]/.test(f.name)) }));
  const merged = (list: readonly Field[]): Map<string, string> => new Map([...list.filter((f) => !f.inBody), ...list.filter((f) => f.inBody)].map((f) => [f.name, f.value]));
  fields = sanitize(fields, merged(fields), kind);

  // The hash, over the final parameters, appended last where it wins.
  if (spec.hashMode !== 'none') {
    const recipe = kind === 'update' ? 'user_balance_update' : kind === 'rate' ? 'exchange_rate_update' : 'user_balance_get';
    const right = referenceHash(recipe, merged(fields), settings.key);
    const value = { valid: right, upper: right.toUpperCase(), wrongKey: referenceHash(recipe, merged(fields), settings.key + 'x'), junk: spec.hashJunk }[spec.hashMode];
    fields = [...fields, { name: 'hash', value, inBody: spec.hashInBody && bodyCarries }];
  }

  // The query string.
  const queryPairs = fields.filter((f) => !f.inBody).map((f) => [f.name, f.value] as const);
  let query = encodeForm(queryPairs, spec.formStyle);
  if (spec.queryExtra === 'badEscape') query += `&bad=${BAD_ESCAPES[query.length % BAD_ESCAPES.length]}`;
  if (spec.queryExtra === 'raw') query += '&' + spec.rawQuery;
  if (spec.queryExtra === 'hugeLine') query += '&pad=' + 'q'.repeat(17 * 1024);
  if (spec.queryExtra === 'manyParams') query += Array.from({ length: MAX_PARAMETERS + 1 }, (_, i) => `&p${i}=1`).join('');
  if (spec.queryExtra === 'emptyPairs') query = `&&${query}&`;
  if (query !== '' || spec.queryExtra === 'emptyPairs') target += '?' + query;

  // The body.
  const bodyPairs = fields.filter((f) => f.inBody).map((f) => [f.name, f.value] as const);
  let body: Buffer = Buffer.alloc(0);
  let contentType: string | undefined;
  let bodyParams: Map<string, string> | 'malformed' | 'unsupported' | 'unknown' = new Map();
  const quote = (text: string): string => `"${text.replace(/["\\]/g, (c) => '\\' + c)}"`;
  const multipart = (parts: readonly (readonly [string, string])[], close: boolean, file: boolean): Buffer => {
    const chunks = parts.map(([name, value]) => `--${spec.boundary}\r\nContent-Disposition: form-data; name=${quote(name)}\r\n\r\n${value}\r\n`);
    if (file) chunks.splice(chunks.length >> 1, 0, `--${spec.boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nfile\r\n`);
    return Buffer.from(chunks.join('') + (close ? `--${spec.boundary}--\r\n` : ''), 'utf8');
  };
  const jsonText = (pairs: readonly (readonly [string, string])[]): string =>
    `{${pairs
      .map(([name, value]) => {
        const literal = spec.jsonNumbers && /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/.test(value) ? value : JSON.stringify(value);
        return `${JSON.stringify(name)}:${literal}`;
      })
      .join(',')}}`;
  switch (spec.body) {
    case 'empty':
      contentType = spec.otherType;
      break;
    case 'form':
    case 'formBadEscape': {
      const text = encodeForm(bodyPairs, spec.formStyle) + (spec.body === 'formBadEscape' ? `&x=${BAD_ESCAPES[bodyPairs.length % BAD_ESCAPES.length]}` : '');
      body = Buffer.from(text, 'utf8');
      contentType = applyCase('application/x-www-form-urlencoded', spec.mediaCase) + (spec.mediaCase[0] ? '; charset=UTF-8' : '');
      bodyParams = referenceForm(text) ?? 'malformed';
      break;
    }
    case 'formBadUtf8':
      body = Buffer.concat([Buffer.from(encodeForm(bodyPairs, spec.formStyle) + '&x=', 'utf8'), Buffer.from([0xff, 0xfe])]);
      contentType = 'application/x-www-form-urlencoded';
      bodyParams = 'malformed';
      break;
    case 'json':
      body = Buffer.from(jsonText(bodyPairs), 'utf8');
      contentType = applyCase('application/json', spec.mediaCase) + (spec.mediaCase[1] ? '; charset=utf-8' : '');
      bodyParams = new Map(bodyPairs);
      break;
    case 'jsonBroken':
      body = Buffer.from(jsonText(bodyPairs).slice(0, -1) + (spec.mediaCase[2] ? ',}' : ''), 'utf8');
      contentType = 'application/json';
      bodyParams = 'malformed';
      break;
    case 'jsonNull':
      body = Buffer.from(jsonText([...bodyPairs, ['n', '\u0000']]).replace('"\\u0000"', spec.mediaCase[2] ? 'null' : '[1]'), 'utf8');
      contentType = 'application/json';
      bodyParams = 'malformed';
      break;
    case 'multipart':
    case 'multipartFile':
    case 'multipartUnclosed':
      body = multipart(bodyPairs, spec.body !== 'multipartUnclosed', spec.body === 'multipartFile');
      contentType = `${applyCase('multipart/form-data', spec.mediaCase)}; boundary=${spec.quoteBoundary ? `"${spec.boundary}"` : spec.boundary}`;
      bodyParams = spec.body === 'multipart' ? new Map(bodyPairs) : spec.body === 'multipartFile' ? 'unsupported' : 'malformed';
      // A value that happens to hold the delimiter would end its part early: not this model's case.
      if (bodyPairs.some(([name, value]) => `${name}\r\n${value}`.includes(`\r\n--${spec.boundary}`))) bodyParams = 'unknown';
      break;
    case 'otherType':
      body = Buffer.from(encodeForm(bodyPairs, spec.formStyle) || 'x=1', 'utf8');
      contentType = spec.otherType;
      bodyParams = ['application/x-www-form-urlencoded', 'application/json', 'multipart/form-data'].includes(mediaType(contentType)) ? 'unknown' : 'unsupported';
      break;
    case 'junk': {
      body = Buffer.from(spec.junkBytes);
      contentType = spec.junkType ?? spec.otherType;
      const media = mediaType(contentType);
      if (media === 'application/x-www-form-urlencoded') bodyParams = isUtf8(body) ? (referenceForm(body.toString('utf8')) ?? 'malformed') : 'malformed';
      else if (media === 'application/json' || media === 'multipart/form-data') bodyParams = 'unknown';
      else bodyParams = 'unsupported';
      break;
    }
    case 'huge':
      body = Buffer.from('pad=' + 'h'.repeat(64 * 1024), 'utf8');
      contentType = 'application/x-www-form-urlencoded';
      break;
  }

  // The head.
  const method = spec.quirk === 'connect' ? 'CONNECT' : spec.method;
  if (method === 'HEAD' || method === 'TRACE') body = Buffer.alloc(0);
  // An empty body is fine with any content type (spec section 1).
  if (body.length === 0) bodyParams = new Map();
  const headers: string[] = spec.quirk === 'noHost' ? [] : [`Host: 127.0.0.1:${server.port}`];
  if (!keepAlive) headers.push('Connection: close');
  if (spec.quirk === 'expectOther') headers.push('Expect: 42-continue');
  if (contentType !== undefined) headers.push(`Content-Type: ${contentType}`);
  let framed: Buffer = body;
  if (body.length > 0 && spec.chunked !== undefined) {
    headers.push('Transfer-Encoding: chunked');
    const cuts = [...new Set(spec.chunked.map((n) => Math.min(n, body.length)))].sort((a, b) => a - b);
    const pieces: Buffer[] = [];
    let start = 0;
    for (const cut of [...cuts, body.length]) {
      if (cut > start) pieces.push(Buffer.from(`${(cut - start).toString(16)}\r\n`), body.subarray(start, cut), Buffer.from('\r\n'));
      start = Math.max(start, cut);
    }
    framed = Buffer.concat([...pieces, Buffer.from('0\r\n\r\n')]);
  } else if (body.length > 0 || spec.header === 'zeroLength') {
    headers.push(`Content-Length: ${body.length}`);
  }
  if (spec.header === 'huge') headers.push(`X-Padding: ${'p'.repeat(17 * 1024)}`);
  if (spec.header === 'expect' && body.length > 0) headers.push('Expect: 100-continue');
  if (spec.header === 'forwarded') headers.push('X-Forwarded-For: 203.0.113.7, junk', 'X-Request-Id: fast-check');
  const requestTarget = spec.quirk === 'absoluteForm' ? `http://127.0.0.1:${server.port}${target}` : target;
  const bytes = Buffer.concat([Buffer.from(`${method} ${requestTarget} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`, 'latin1'), framed]);
  const expectBody = method !== 'HEAD';

  const done = (expected: Expected): Built => ({ bytes, expectBody, expected, kind });
  // Requests Node's defaults once answered outside the spec: some spec document is required
  // (the invariants check it), not one predicted answer.
  // An unknown Expect is served like any request, so it is predicted like one (it may change state).
  if (spec.quirk === 'noHost' || spec.quirk === 'connect') return done({ exact: false });
  // Node's parser, before any request exists.
  if (!METHODS.includes(method)) return done(fault(405));
  if (spec.header === 'huge' || spec.queryExtra === 'hugeLine') return done(fault(431));
  // The server's transport checks, in order.
  if (route === 'none') return done(fault(404));
  if (route === 'malformed') return done(fault(400));
  if (method !== 'GET' && method !== 'POST') return done(fault(405));
  if (body.length > 64 * 1024) return done(fault(413));
  const queryParams = target.includes('?') ? referenceForm(target.slice(target.indexOf('?') + 1)) : new Map<string, string>();
  if (queryParams === undefined) return done(fault(400));
  if (bodyParams === 'malformed') return done(fault(400));
  if (bodyParams === 'unsupported') return done(fault(415));
  if (bodyParams === 'unknown') return done({ exact: false });
  const params = new Map([...queryParams, ...bodyParams]);
  // Tally's hardening (parameter limits): 400 with documents of their own.
  if (params.size > MAX_PARAMETERS) return done({ exact: true, status: 400, type: xmlType, body: errorXml('status', 'Too many parameters') });
  if ([...params].some(([name, value]) => name.length > MAX_PARAMETER_LENGTH || value.length > MAX_PARAMETER_LENGTH)) {
    return done({ exact: true, status: 400, type: xmlType, body: errorXml('status', 'Parameter too long') });
  }
  return done(modelAnswer(route.kind, method, params, route.argument, server));
}

/**
 * Keeps the world unchanged: the amount of a user_balance_update that could pass becomes 0, and
 * the rate of an exchange_rate_update that could pass becomes the currency's current rate.
 */
function sanitize(fields: Field[], params: Map<string, string>, kind: RouteKind | undefined): Field[] {
  if (kind === 'update') {
    const amount = referenceParseMoney(params.get('balance') ?? '');
    if (amount !== undefined && amount !== 0n) return fields.map((f) => (f.name === 'balance' ? { ...f, value: '0' } : f));
  }
  if (kind === 'rate') {
    const code = normalizeCode(params.get('currency') ?? '');
    const known = CURRENCIES.find((currency) => currency.code === code);
    const rate = referenceParseRate(params.get('rate') ?? '');
    if (known !== undefined && rate !== undefined) return fields.map((f) => (f.name === 'rate' ? { ...f, value: known.rate } : f));
  }
  return fields;
}

const normalizeCode = (text: string): string | undefined => (/^[A-Za-z0-9]{3,5}$/.test(text) ? text.toUpperCase() : undefined);

/** The balance of `micros` shown in `code`, rounded: balance × rate, half away from zero. */
function shown(micros: bigint, code: string, digits: number): string {
  const balance = plainText(micros, 6);
  const currency = CURRENCIES.find((c) => c.code === code);
  return roundText(currency === undefined ? balance : multiplyTexts(balance, currency.rate), digits);
}

/** The spec's answer to a request that passed the transport checks (sections 3, 4, 5 and 10). */
function modelAnswer(kind: RouteKind, method: string, params: Map<string, string>, argument: string, server: ServerUnderTest): Expected {
  const s = server.settings;
  const xmlType = s.xml ? XML_TYPE : HTML_TYPE;
  const doc = (body: string): Expected => ({ exact: true, status: 200, type: xmlType, body });
  const error = (envelope: Envelope, text: string): Expected => doc(errorXml(envelope, text));
  const text = (body: string): Expected => ({ exact: true, status: 200, type: TEXT_TYPE, body });
  const byName = (name: string | undefined): ModelUser | undefined =>
    name ? server.users.find((user) => user.username.toLowerCase() === name.toLowerCase()) : undefined;

  if (kind === 'simple') {
    if (!s.allowApi) return text('API Requests are disabled');
    if (!s.balanceGet) return text('Feature disabled');
    const token = argument || params.get('id') || '';
    const user = server.users.find((u) => u.uniquehash === token);
    if (user === undefined) return text('User was not found');
    const code = normalizeCode(params.get('currency') ?? '');
    return text(shown(user.micros, code !== undefined && CURRENCIES.some((c) => c.code === code) ? code : SYSTEM, s.digits));
  }

  if (!s.allowApi) return error('status', 'API Requests are disabled');
  if (method === 'GET' && !s.allowGet) return error('status', 'GET Requests are disabled');
  const recipe = kind === 'get' ? 'user_balance_get' : kind === 'update' ? 'user_balance_update' : 'exchange_rate_update';
  const hashFails = (): Expected | undefined => {
    if (s.hashOff) return undefined;
    if (s.key === '') return error('status', 'API must have Secret Key');
    if (!referenceHashMatches(params.get('hash'), referenceHash(recipe, params, s.key))) return error('status', 'Incorrect hash');
    return undefined;
  };

  if (kind === 'get') {
    const denied = hashFails();
    if (denied) return denied;
    if (!s.balanceGet) return error('page', 'Feature disabled');
    const user = byName(params.get('username'));
    if (user === undefined) return error('page', 'User was not found');
    if (params.get('user_currency') === '1') return doc(balanceXml(shown(user.micros, user.currency, s.digits), user.currency));
    const code = normalizeCode(params.get('currency') ?? '');
    const target = code === 'USER' ? user.currency : code !== undefined && CURRENCIES.some((c) => c.code === code) ? code : SYSTEM;
    return doc(balanceXml(shown(user.micros, target, s.digits)));
  }

  // The write methods: u must name an admin, then the hash, which must not be another write's.
  const login = byName(params.get('u'));
  if (login === undefined || login.role !== 'admin') return error('status', 'Bad login');
  const denied = hashFails();
  if (denied) return denied;
  const hash = s.hashOff ? undefined : params.get('hash')!.toLowerCase();
  const authorised = authorisedRequest(recipe, params);
  const recorded = hash === undefined ? undefined : server.writeHashes.get(hash);
  if (recorded !== undefined && recorded !== authorised) return error('status', 'Incorrect hash');
  const recordHash = (): void => {
    if (hash !== undefined) server.writeHashes.set(hash, authorised);
  };
  // A write refused after its hash passed spends the hash all the same (the server claims it
  // before refusing), so that a refused request cannot be re-split into another one.
  const refused = (envelope: Envelope, text: string): Expected => ({ exact: true, status: 200, type: xmlType, body: errorXml(envelope, text), record: recordHash });

  if (kind === 'update') {
    const idText = params.get('user_id') ?? '';
    const user = /^[0-9]{1,15}$/.test(idText) ? server.users.find((u) => u.id === Number(idText)) : undefined;
    const amount = referenceParseMoney(params.get('balance') ?? '');
    const key = params.get('transaction_id') || undefined;
    const keyValid = key === undefined || (key.length <= 128 && !/[\u0000-\u001f\u007f]/.test(key));
    // No such user comes first, even with a transaction_id seen before.
    if (user === undefined) return refused('page', 'User was not found');
    // Zero, in any spelling, would be an empty entry: refused like an amount that is no decimal.
    // Every amount that could pass is made zero (sanitize), so no update changes the world.
    if (amount === undefined || amount === 0n || !keyValid) return refused('page', 'User balance not updated');
    throw new Error('the model only lets zero amounts through');
  }

  // exchange_rate_update
  const code = normalizeCode(params.get('currency') ?? '');
  const known = CURRENCIES.some((c) => c.code === code);
  if (code === undefined) return refused('page/status', 'Currency was not found');
  if (referenceParseRate(params.get('rate') ?? '') === undefined) return refused('page/status', known ? 'Exchange rate is invalid' : 'Currency was not found');
  if (!known) return refused('page/status', 'Currency was not found');
  return { exact: true, status: 200, type: xmlType, body: RATE_UPDATED, record: recordHash };
}

/** What a write's hash authorises: the method and its hashed values, each with its name. */
function authorisedRequest(recipe: string, params: Map<string, string>): string {
  const names = recipe === 'user_balance_update' ? ['user_id', 'balance', 'transaction_id'] : ['currency', 'rate'];
  const named = names.filter((name) => (params.get(name) ?? '') !== '').map((name) => [name, referenceHashedValues(recipe, new Map([[name, params.get(name)!]]))[0]]);
  return JSON.stringify([recipe, named]);
}

// ---------------------------------------------------------------------------------------------
// Checks every answer must pass, whatever the model knows.

const ROUTE_DOCUMENTS: Readonly<Record<Exclude<RouteKind, 'simple'>, { errors: readonly string[]; success: readonly string[] }>> = {
  get: { errors: [...STATUS_ERRORS.filter((e) => e !== 'Bad login'), 'Feature disabled', 'User was not found'], success: ['balance'] },
  update: { errors: [...STATUS_ERRORS, 'User was not found', 'User balance not updated', 'Duplicate transaction_id'], success: ['balance_updated'] },
  rate: { errors: [...STATUS_ERRORS, ...PAGE_STATUS_ERRORS], success: ['rate_updated'] },
};
/** Tally's hardening documents (not in the spec file yet), allowed as 400 bodies. */
const HARDENING_400 = new Set([errorXml('status', 'Too many parameters'), errorXml('status', 'Parameter too long')]);

function checkInvariants(response: RawAnswer, built: Built, server: ServerUnderTest): string {
  const outcome = checkDocument(response, built, server);
  if (built.expectBody) assert.equal(response.headers.get('content-length'), String(response.bytes.length), 'Content-Length is the body length');
  return outcome;
}

function checkDocument(response: RawAnswer, built: Built, server: ServerUnderTest): string {
  const { status, headers } = response;
  const body = response.body;
  assert.notEqual(status, 500, 'the server answered 500');
  assert.ok(SPEC_STATUSES.has(status), `status ${status} is not in the spec's list`);
  const xmlType = server.settings.xml ? XML_TYPE : HTML_TYPE;
  if (built.expectBody) assert.ok(isUtf8(response.bytes), 'the body is UTF-8');
  if (status !== 200) {
    const document = transportFaultXml(status);
    if (built.expectBody) assert.ok(body === document || (status === 400 && HARDENING_400.has(body)), `not the ${status} document: ${JSON.stringify(body)}`);
    else assert.equal(headers.get('content-length'), String(Buffer.byteLength(document)));
    parseSpecXml(built.expectBody ? body : document);
    assert.equal(headers.get('content-type'), xmlType);
    if (status === 405) assert.equal(headers.get('allow'), 'GET, POST');
    return `${status}`;
  }
  assert.ok(built.kind !== undefined, 'HTTP 200 for a path that names no API');
  if (built.kind === 'simple') {
    assert.equal(headers.get('content-type'), TEXT_TYPE);
    assert.ok(!body.endsWith('\n'), 'plain text without a trailing newline');
    if (['API Requests are disabled', 'Feature disabled', 'User was not found'].includes(body)) return `simple: ${body}`;
    assert.match(body, roundedNumberSyntax(server.settings.digits));
    assert.ok(!(body.startsWith('-') && isZeroText(body)), 'a signed zero');
    return 'simple: balance';
  }
  assert.equal(headers.get('content-type'), xmlType);
  const document = classifyDocument(parseSpecXml(body));
  const allowed = ROUTE_DOCUMENTS[built.kind];
  if (document.kind === 'error') {
    assert.ok(allowed.errors.includes(document.text), `${document.text} is not an answer of ${built.kind}`);
    assert.equal(body, errorXml(document.envelope, document.text));
    const envelope: Envelope = (PAGE_ERRORS as readonly string[]).includes(document.text) ? 'page' : (PAGE_STATUS_ERRORS as readonly string[]).includes(document.text) ? 'page/status' : 'status';
    assert.equal(document.envelope, envelope, `${document.text} in the wrong envelope`);
    return `${built.kind}: ${document.text}`;
  }
  assert.ok(allowed.success.includes(document.kind), `${document.kind} is not an answer of ${built.kind}`);
  if (document.kind === 'balance') {
    assert.match(document.balance, roundedNumberSyntax(server.settings.digits), 'balance formatted to number_digits');
    assert.ok(!(document.balance.startsWith('-') && isZeroText(document.balance)), 'a signed zero');
    assert.equal(body, balanceXml(document.balance, document.currency));
  }
  return `${built.kind}: ${document.kind}`;
}

// ---------------------------------------------------------------------------------------------

describe(`the whole server under arbitrary requests (${BACKEND})`, () => {
  const servers: ServerUnderTest[] = [];
  before(async () => {
    for (const { label, stored } of SERVER_SETTINGS) servers.push(await startServerUnderTest(label, stored));
    const ids = servers.map((server) => server.users.map((user) => `${user.id}:${user.username}`).join());
    assert.ok(ids.every((list) => list === ids[0]), 'every server numbers the users alike');
  });
  after(async () => {
    for (const server of servers) {
      await server.running.close();
      await server.tmp.remove();
    }
  });

  it("the project's error catalogue renders the spec's documents, byte for byte", () => {
    const spec: readonly [Envelope, string, number][] = [
      ['status', 'There is no such API', 404],
      ['status', 'Method not allowed', 405],
      ['status', 'Malformed request', 400],
      ['status', 'Request too large', 413],
      ['status', 'Request too large', 431],
      ['status', 'Unsupported content type', 415],
      ...STATUS_ERRORS.map((text) => ['status', text, 200] as [Envelope, string, number]),
      ...PAGE_ERRORS.map((text) => ['page', text, 200] as [Envelope, string, number]),
      ...PAGE_STATUS_ERRORS.map((text) => ['page/status', text, 200] as [Envelope, string, number]),
    ];
    // The payment and details methods' errors (m4-payments.md sections 2 to 4), with Tally's own
    // refusal of a comment it cannot keep (README, "Deliberate differences"); three are whole
    // documents whose root is <error>.
    const payments: readonly string[] = [
      ...['Payments are not allowed from API', 'Access Denied', 'Amount was not found', 'Currency was not found', 'Comment is not valid'].map((text) => errorXml('page', text)),
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<error>Payments were not found</error>\n',
      '<?xml version="1.0" encoding="UTF-8"?>\n<error>Access Denied</error>\n',
      '<?xml version="1.0" encoding="UTF-8"?>\n<error>User was not found</error>\n',
    ];
    const rendered = Object.values(API_ERRORS).map((entry) => ({ document: errorDocument(entry), status: entry.httpStatus }));
    const documents = [...spec.map(([envelope, text, status]) => ({ document: errorXml(envelope, text), status })), ...payments.map((document) => ({ document, status: 200 }))];
    for (const { document, status } of documents) {
      assert.ok(rendered.some((entry) => entry.document === document && entry.status === status), `no catalogue entry renders ${status} ${JSON.stringify(document)}`);
    }
    // Entries beyond the specs (Tally's hardening, the internal error): still well-formed <status> documents.
    const specDocuments = new Set(documents.map(({ document }) => document));
    for (const { document } of rendered) {
      if (!specDocuments.has(document)) assert.equal(parseSpecXml(document).name, 'status', document);
    }
  });

  it('answers every request with a spec status, Content-Type and document, exactly as the model says', async (t) => {
    const outcomes = new Map<string, number>();
    const slow: string[] = [];
    let exact = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(requestSpec(servers.length, false), requestSpec(servers.length, true)), async (spec) => {
        const server = servers[spec.server]!;
        const built = build(spec, server);
        let response: RawAnswer;
        const started = performance.now();
        try {
          response = await exchange(server.port, built.bytes, { expectBody: built.expectBody });
        } catch (error) {
          throw new Error(`no answer from ${server.label} to ${JSON.stringify(built.bytes.toString('latin1').slice(0, 600))}: ${(error as Error).message}`);
        }
        const outcome = checkInvariants(response, built, server);
        const took = performance.now() - started;
        if (took > 200) slow.push(`${Math.round(took)} ms: ${JSON.stringify(built.bytes.toString('latin1').slice(0, 300))}`);
        if (built.expected.exact) {
          const { status, type, body } = built.expected;
          assert.deepEqual(
            { status: response.status, type: response.headers.get('content-type'), body: built.expectBody ? response.body : '' },
            { status, type, body: built.expectBody ? body : '' },
            `${server.label}: ${JSON.stringify(built.bytes.toString('latin1').slice(0, 600))}`,
          );
          built.expected.record?.();
          exact++;
        }
        const key = built.expected.exact ? outcome : `${outcome} (invariants only)`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      }),
      { numRuns: NUM_RUNS },
    );
    for (const line of slow) t.diagnostic(`slow answer: ${line}`);
    t.diagnostic(`${exact} of ${NUM_RUNS} answers predicted byte for byte; outcomes: ${[...outcomes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  });

  it('answers several requests on one keep-alive connection, each in order, as the model says', async () => {
    // Only requests that leave the connection open: the parser's faults (405 for an unknown
    // method, 431, 413) close it by design.
    const keepsOpen = (spec: RequestSpec): boolean =>
      spec.quirk === 'none' && METHODS.includes(spec.method) && spec.header !== 'huge' && spec.queryExtra !== 'hugeLine' && spec.body !== 'huge';
    const pipeline = fc
      .tuple(fc.nat(servers.length - 1), fc.array(fc.oneof(requestSpec(servers.length, false), requestSpec(servers.length, true)).filter(keepsOpen), { minLength: 2, maxLength: 4 }))
      .map(([server, specs]) => specs.map((spec) => ({ ...spec, server })));
    await fc.assert(
      fc.asyncProperty(pipeline, async (specs) => {
        const server = servers[specs[0]!.server]!;
        const builds = specs.map((spec, i) => build(spec, server, i < specs.length - 1));
        const responses = await exchangePipelined(server.port, Buffer.concat(builds.map((b) => b.bytes)), builds.map((b) => b.expectBody));
        for (const [i, response] of responses.entries()) {
          // Built again now: an earlier answer in this pipeline may have taken a transaction_id.
          const built = build(specs[i]!, server, i < specs.length - 1);
          checkInvariants(response, built, server);
          if (!built.expected.exact) continue;
          assert.equal(response.status, built.expected.status);
          assert.equal(response.headers.get('content-type'), built.expected.type);
          if (built.expectBody) assert.equal(response.body, built.expected.body);
          built.expected.record?.();
        }
      }),
      { numRuns: Math.ceil(NUM_RUNS / 5) },
    );
  });

  describe('bugs the property found: their minimal counterexamples', () => {
    const P = '/billing/api/user_balance_get';
    /** The answer must be a spec status with its document, in the spec's Content-Type. */
    async function assertSpecAnswer(raw: string, expectedStatus?: number): Promise<void> {
      const server = servers[0]!;
      const response = await exchange(server.port, Buffer.from(raw, 'latin1'), { timeoutMs: 3000 });
      const body = response.body;
      assert.ok(SPEC_STATUSES.has(response.status), `status ${response.status} is not in the spec's list`);
      if (expectedStatus !== undefined) assert.equal(response.status, expectedStatus);
      if (response.status !== 200) assert.equal(body, transportFaultXml(response.status));
      else classifyDocument(parseSpecXml(body));
      assert.equal(response.headers.get('content-type'), XML_TYPE);
    }

    it('answers an HTTP/1.1 request without Host with a spec document', async () => {
      await assertSpecAnswer(`POST ${P} HTTP/1.1\r\nConnection: close\r\n\r\n`);
    });

    it('answers CONNECT with 405 Method not allowed', async () => {
      await assertSpecAnswer(`CONNECT ${P} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 405);
    });

    it('answers an unknown Expect with a spec document', async () => {
      await assertSpecAnswer(`POST ${P} HTTP/1.1\r\nHost: x\r\nExpect: 42-continue\r\nConnection: close\r\n\r\n`);
    });

    it('answers User was not found for a user_id of no user, even with a transaction_id used before', async () => {
      const server = servers[0]!;
      const alice = server.users.find((user) => user.username === 'alice')!;
      const key = `todo-${process.pid}-${Date.now()}`;
      const update = async (userId: string, amount = '0.000001', transactionId = key): Promise<string> => {
        const params = new Map([['u', 'admin'], ['user_id', userId], ['balance', amount], ['transaction_id', transactionId]]);
        params.set('hash', referenceHash('user_balance_update', params, server.settings.key));
        const body = new URLSearchParams([...params]).toString();
        const raw = `POST /billing/api/user_balance_update HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
        return (await exchange(server.port, Buffer.from(raw, 'latin1'))).body;
      };
      assert.match(await update(String(alice.id)), /User balance updated/);
      server.transactionIds.set(key, alice.id);
      assert.equal(await update('99999'), errorXml('page', 'User was not found'));
      // Taken back, so the model's balances hold again (a zero amount would change nothing, but is refused).
      assert.match(await update(String(alice.id), '-0.000001', `${key}-back`), /User balance updated/);
    });

    it('accepts the absolute-form request target (RFC 9112 section 3.2.2: a server MUST accept it)', async () => {
      const server = servers[0]!;
      const hash = referenceHash('user_balance_get', new Map([['username', 'alice']]), server.settings.key);
      const raw = `POST http://127.0.0.1:${server.port}${P}?username=alice&hash=${hash} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`;
      const response = await exchange(server.port, Buffer.from(raw, 'latin1'));
      const alice = server.users.find((user) => user.username === 'alice')!;
      assert.equal(response.body, balanceXml(shown(alice.micros, SYSTEM, server.settings.digits)));
    });
  });

  it('is still alive at the end, with every balance, rate and ledger as it was', async () => {
    for (const server of servers) {
      const alice = server.users.find((user) => user.username === 'alice')!;
      const spec: RequestSpec = {
        server: 0, method: 'POST', path: { kind: 'api', name: 'user_balance_get', slash: false },
        fields: [{ name: 'username', value: 'alice', inBody: true }], hashMode: 'valid', hashJunk: '', hashInBody: true,
        body: 'form', formStyle: 'uri', jsonNumbers: false, boundary: 'x', quoteBoundary: false, mediaCase: [false],
        otherType: undefined, junkBytes: new Uint8Array(), chunked: undefined, queryExtra: 'none', rawQuery: '', header: 'none',
        quirk: 'none', junkType: undefined,
      };
      const built = build(spec, server);
      const response = await exchange(server.port, built.bytes);
      assert.ok(built.expected.exact);
      assert.equal(response.body, built.expected.body, server.label);
      if (server.settings.allowApi && server.settings.balanceGet && (server.settings.key !== '' || server.settings.hashOff)) {
        assert.equal(response.body, balanceXml(shown(alice.micros, SYSTEM, server.settings.digits)));
      }

      const store = await openStore(server.tmp.db, { mustExist: true, poolSize: 1 });
      try {
        for (const user of server.users) {
          const stored = await store.findUser({ id: user.id });
          assert.equal(stored?.balance, user.micros, `${server.label}: ${user.username}'s balance`);
        }
        for (const currency of await store.listCurrencies()) {
          const expected = CURRENCIES.find((c) => c.code === currency.code)?.rate ?? '1';
          assert.equal(plainText(currency.rate.units, currency.rate.scale).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, ''), expected, `${server.label}: ${currency.code}`);
        }
        const report = await store.verifyLedger();
        assert.deepEqual(report.mismatches, [], `${server.label}: ledger`);
      } finally {
        await store.close();
      }
    }
  });
});
