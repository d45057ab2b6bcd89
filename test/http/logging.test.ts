/**
 * The request log: one JSON line per request with a request id that the answer's X-Request-Id
 * header repeats; never a key, a hash, a signature, a token or a query string; and at level
 * info, no line for the routine traffic (successful balance reads, probes).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { RunningServer } from '../../src/app.js';
import { signRequest } from '../../examples/signed-client.js';
import { eventually, execSql, startTestServer } from '../support/fixtures.js';
import { parseRaw, rawRequest } from '../support/raw-http.js';
import { balanceXml, errorXml, updatedXml } from '../support/spec-oracle.js';
import { API_PATH, assertAnswer, send, type Answer, type Harness } from './helpers.js';
import { FORM, startHardenedHarness } from './hardening-helpers.js';
import { UPDATE_PATH } from './write-helpers.js';

// Distinctive values, so that a match in a log line cannot be a coincidence.
const API_KEY = 'LogTestApiKey-7Qx9Zr';
const SIGNING_KEY = 'LogTestSigningKey-m3Kp8W';
const BALANCE = balanceXml('26.00');

const hashOf = (...values: string[]): string => createHash('sha1').update(values.join('') + API_KEY, 'utf8').digest('hex');

interface LogLine {
  readonly reqId?: unknown;
  readonly msg?: string;
  readonly level?: number;
  readonly [field: string]: unknown;
}

/** A pino logger at `level` that keeps its lines in memory. */
function memoryLogger(level: 'debug' | 'info'): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level, base: undefined }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

function parsed(lines: readonly string[]): LogLine[] {
  return lines.map((line) => {
    assert.ok(line.endsWith('\n'), `a log line ends with a newline: ${line}`);
    return JSON.parse(line) as LogLine; // throws when a line is not JSON
  });
}

describe('request logging', () => {
  let h: Harness;
  let token: string;
  const debug = memoryLogger('debug');
  before(async () => {
    h = await startHardenedHarness({
      settings: { api_secret_key: API_KEY, signature_mode: 'optional', signature_key: SIGNING_KEY },
      logger: debug.logger,
    });
    const rows = (await execSql(h.db, "SELECT uniquehash FROM users WHERE username = 'alice'")) as { uniquehash: string }[];
    token = rows[0]!.uniquehash;
  });
  after(async () => {
    await h.close();
  });

  const form = (params: [string, string][], headers: Record<string, string> = {}, path = API_PATH, query = ''): Promise<Answer> =>
    send(h.url + path + query, { method: 'POST', headers: { 'content-type': FORM, ...headers }, body: new URLSearchParams(params).toString() });

  /** What the tests sent that must never be logged. */
  const secrets = new Set<string>([API_KEY, SIGNING_KEY]);
  /** X-Request-Id of each answer, with what the request was. */
  const answered: { id: string; what: string }[] = [];
  const record = (what: string, answer: Answer): Answer => {
    const id = answer.headers.get('x-request-id');
    assert.ok(id !== null && id !== '', `${what}: no X-Request-Id`);
    answered.push({ id, what });
    return answer;
  };

  it('sends a variety of requests, each answered with an X-Request-Id', async () => {
    const hash = hashOf('alice');
    secrets.add(hash);
    assertAnswer(record('balance read', await form([['username', 'alice'], ['hash', hash]])), BALANCE);

    const query = `?username=alice&hash=${hash}`;
    secrets.add(query.slice(1)).add('username=alice');
    assertAnswer(record('balance read, query string', await send(h.url + API_PATH + query, { method: 'POST' })), BALANCE);

    const updateHash = hashOf('1', '1.25', 'log-tx-1');
    secrets.add(updateHash);
    const update: [string, string][] = [['u', 'admin'], ['user_id', '1'], ['balance', '1.25'], ['transaction_id', 'log-tx-1'], ['hash', updateHash]];
    assertAnswer(record('update', await form(update, {}, UPDATE_PATH)), updatedXml('alice', '1', '27.25'));

    const signedHash = hashOf('1', '-1.25', 'log-tx-2');
    secrets.add(signedHash);
    const signedUpdate: [string, string][] = [['u', 'admin'], ['user_id', '1'], ['balance', '-1.25'], ['transaction_id', 'log-tx-2'], ['hash', signedHash]];
    const headers = signRequest('POST', UPDATE_PATH, signedUpdate, SIGNING_KEY);
    secrets.add(headers['X-Tally-Signature']);
    assertAnswer(record('signed update', await form(signedUpdate, { ...headers }, UPDATE_PATH)), updatedXml('alice', '1', '26.0'));

    const forged = { ...signRequest('POST', API_PATH, [['username', 'alice'], ['hash', hash]], SIGNING_KEY), 'X-Tally-Signature': 'ab'.repeat(32) };
    secrets.add(forged['X-Tally-Signature']);
    assertAnswer(record('forged signature', await form([['username', 'alice'], ['hash', hash]], forged)), errorXml('status', 'Invalid signature'), 401);

    const wrong = 'f'.repeat(40);
    secrets.add(wrong);
    assertAnswer(record('wrong hash', await form([['username', 'alice'], ['hash', wrong]])), errorXml('status', 'Incorrect hash'));

    const badHash = hashOf('alice', 'EUR');
    secrets.add(badHash);
    const bad = await send(`${h.url}${API_PATH}?username=%ZZ&hash=${badHash}`, { method: 'POST' });
    assertAnswer(record('malformed', bad), errorXml('status', 'Malformed request'), 400);

    secrets.add(token);
    const simple = record('simple balance', await send(`${h.url}/billing/api/user_simple_balance_get/${token}`));
    assert.equal(simple.body, '26.00');
    record('unknown API, token in path', await send(`${h.url}/billing/api/simple_balanc/${token}`));
    record('unknown path, token in path', await send(`${h.url}/tokens/${token}`));
    record('healthz', await send(`${h.url}/healthz`));
  });

  it('repeats a sane X-Request-Id from the client, and replaces a junk one', async () => {
    const mine = record('client id', await form([['username', 'alice'], ['hash', hashOf('alice')]], { 'X-Request-Id': 'my-id-1' }));
    assert.equal(mine.headers.get('x-request-id'), 'my-id-1');
    for (const junk of ['a b<>', 'x'.repeat(65), 'id;drop']) {
      const replaced = record(`junk id ${junk}`, await form([['username', 'alice'], ['hash', hashOf('alice')]], { 'X-Request-Id': junk }));
      const id = replaced.headers.get('x-request-id')!;
      assert.notEqual(id, junk);
      assert.match(id, /^[A-Za-z0-9._:-]{1,64}$/);
      secrets.add(junk);
    }
  });

  it('logs every request as one JSON line whose reqId is the answer\'s X-Request-Id', () => {
    const entries = parsed(debug.lines);
    for (const entry of entries) assert.equal(typeof entry.reqId, 'string', `no reqId in ${JSON.stringify(entry)}`);
    const requestLines = entries.filter((entry) => entry.msg === 'request');
    for (const { id, what } of answered) {
      const matching = requestLines.filter((entry) => entry.reqId === id);
      assert.equal(matching.length, 1, `${what}: ${matching.length} log lines with reqId ${id}`);
    }
    assert.equal(new Set(answered.map(({ id }) => id)).size, answered.length, 'request ids are unique');
    assert.ok(requestLines.some((entry) => entry.reqId === 'my-id-1'));
    const update = requestLines.find((entry) => entry.reqId === answered.find(({ what }) => what === 'update')!.id)!;
    assert.equal(update.method, 'POST');
    assert.equal(update.path, UPDATE_PATH);
    assert.equal(update.status, 200);
    assert.equal(update.outcome, 'balance_updated');
    assert.equal(typeof update.ms, 'number');
  });

  it('never logs a key, a hash, a signature, a token or a query string', () => {
    assert.ok(debug.lines.length >= answered.length);
    for (const line of debug.lines) {
      for (const secret of secrets) assert.ok(!line.includes(secret), `the log line ${line} contains ${secret}`);
      assert.ok(!line.includes('?'), `a query string in ${line}`);
    }
    const paths = new Set(parsed(debug.lines).map((entry) => entry.path));
    assert.ok(paths.has('/billing/api/user_simple_balance_get'));
    // An unknown path is logged as its prefix only: any segment of it may be a token.
    assert.ok(paths.has('/billing/api/'));
    assert.ok(paths.has('/'));
    assert.ok(![...paths].some((path) => typeof path === 'string' && (path.includes('simple_balanc/') || path.startsWith('/tokens'))));
  });

  it('gives a request refused by the HTTP parser a reqId too', async () => {
    const before = debug.lines.length;
    const raw = parseRaw(await rawRequest(h.port, `FOO ${API_PATH} HTTP/1.1\r\nHost: x\r\nX-Request-Id: parser-1\r\nConnection: close\r\n\r\n`));
    assert.equal(raw.status, 405);
    const lines = parsed(debug.lines.slice(before));
    assert.equal(lines.length, 1);
    assert.equal(typeof lines[0]!.reqId, 'string', `no reqId in ${JSON.stringify(lines[0])}`);
    assert.equal(raw.headers.get('x-request-id'), lines[0]!.reqId);
  });

  describe('at level info', () => {
    let server: RunningServer;
    const info = memoryLogger('info');
    before(async () => {
      server = await startTestServer(h.db, { logger: info.logger });
    });
    after(async () => {
      await server.close();
    });

    const to = (path: string, params: [string, string][]): Promise<Answer> =>
      send(server.url + path, { method: 'POST', headers: { 'content-type': FORM }, body: new URLSearchParams(params).toString() });

    it('does not log successful balance reads or probes, but logs refusals and updates', async () => {
      for (let i = 0; i < 5; i++) assertAnswer(await to(API_PATH, [['username', 'alice'], ['hash', hashOf('alice')]]), BALANCE);
      assert.equal((await send(`${server.url}/billing/api/user_simple_balance_get/${token}`)).body, '26.00');
      for (const probe of ['/healthz', '/readyz', '/metrics']) assert.equal((await send(server.url + probe)).status, 200);
      assert.deepEqual(info.lines, []);

      assertAnswer(await to(API_PATH, [['username', 'alice'], ['hash', 'f'.repeat(40)]]), errorXml('status', 'Incorrect hash'));
      assertAnswer(await to(API_PATH, [['username', 'nobody'], ['hash', hashOf('nobody')]]), errorXml('page', 'User was not found'));
      const update: [string, string][] = [['u', 'admin'], ['user_id', '1'], ['balance', '0.5'], ['hash', hashOf('1', '0.5')]];
      assertAnswer(await to(UPDATE_PATH, update), updatedXml('alice', '1', '26.5'));
      assertAnswer(await send(`${server.url}${API_PATH}?username=%ZZ`, { method: 'POST' }), errorXml('status', 'Malformed request'), 400);

      const entries = parsed(info.lines).filter((entry) => entry.msg === 'request');
      assert.deepEqual(
        entries.map((entry) => [entry.path, entry.status, entry.outcome]),
        [
          [API_PATH, 200, 'incorrect_hash'],
          [API_PATH, 200, 'user_not_found'],
          [UPDATE_PATH, 200, 'balance_updated'],
          [API_PATH, 400, 'malformed_request'],
        ],
      );
      for (const entry of entries) assert.equal(typeof entry.reqId, 'string');
    });
  });
});

describe('the path in the request log', () => {
  let h: Harness;
  let token: string;
  const debug = memoryLogger('debug');
  before(async () => {
    h = await startHardenedHarness({ settings: { api_secret_key: API_KEY, allow_get_api: 'on' }, logger: debug.logger });
    const rows = (await execSql(h.db, "SELECT uniquehash FROM users WHERE username = 'alice'")) as { uniquehash: string }[];
    token = rows[0]!.uniquehash;
  });
  after(async () => {
    await h.close();
  });

  /** The request lines logged while `act` ran. */
  async function loggedDuring(act: () => Promise<unknown>): Promise<LogLine[]> {
    const before = debug.lines.length;
    await act();
    return parsed(debug.lines.slice(before)).filter((entry) => entry.msg === 'request');
  }

  it('logs a path that is no API method as /billing/api/ or /, never with a segment that could be a token', async () => {
    const cases: [string, string, string][] = [
      ['GET', `/billing/api/${token}`, '/billing/api/'],
      ['GET', `/${token}`, '/'],
      ['POST', `/billing/api/${token}/x`, '/billing/api/'],
      ['GET', `/${token}/a/b`, '/'],
      ['GET', `/billing/api/simple_balanc/${token}`, '/billing/api/'],
      ['GET', `/billing/api/user_balance_get/${token}`, '/billing/api/'], // a method that takes no path argument
      ['GET', `/billing/${token}`, '/'],
      ['GET', `/healthz/${token}`, '/'],
      ['GET', `http://example.com/${token}`, '/'],
    ];
    for (const [method, path, logged] of cases) {
      const lines = await loggedDuring(async () => {
        const raw = parseRaw(await rawRequest(h.port, `${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`));
        assert.equal(raw.status, 404, `${method} ${path}`);
      });
      assert.deepEqual(lines.map((entry) => [entry.method, entry.path, entry.status]), [[method, logged, 404]], `${method} ${path}`);
    }
    for (const line of debug.lines) assert.ok(!line.includes(token), `the log line ${line} contains the token`);
  });

  it('logs a request to user_simple_balance_get/<TOKEN> with the method name only, also when its argument is malformed or the client leaves', async () => {
    const simple = await loggedDuring(async () => assert.equal((await send(`${h.url}/billing/api/user_simple_balance_get/${token}`)).body, '26.00'));
    assert.deepEqual(simple.map((entry) => [entry.path, entry.outcome]), [['/billing/api/user_simple_balance_get', 'balance']]);

    const malformed = await loggedDuring(async () => assert.equal((await send(`${h.url}/billing/api/user_simple_balance_get/%ZZ${token}`)).status, 400));
    assert.deepEqual(malformed.map((entry) => [entry.path, entry.status]), [['/billing/api/user_simple_balance_get', 400]]);

    // A client that hangs up mid-body is logged from the catch, with the same path.
    const gone = await loggedDuring(async () => {
      await rawRequest(h.port, `POST /billing/api/user_simple_balance_get/${token} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhalf`, 100);
      assert.ok(await eventually(async () => debug.lines.some((line) => line.includes('client_gone'))), 'no client_gone line');
    });
    // (The parser's own complaint about the cut body is logged too, without a path.)
    assert.deepEqual(gone.filter((entry) => entry.outcome === 'client_gone').map((entry) => entry.path), ['/billing/api/user_simple_balance_get']);

    const ops = await loggedDuring(async () => assert.equal((await send(`${h.url}/healthz`)).status, 200));
    assert.deepEqual(ops.map((entry) => entry.path), ['/healthz']);
    for (const line of debug.lines) assert.ok(!line.includes(token), `the log line ${line} contains the token`);
  });
});
