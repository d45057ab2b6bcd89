/**
 * The shared transport on its own, with surfaces made up here (no database): how a listener
 * mounts its surfaces, what every answer carries, and who answers a fault. The Kolmisoft API
 * and the ops endpoints are one such listener (the other HTTP tests); the admin API is the next.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { createHttpServer, type HttpServer } from '../../src/transport/http-server.js';
import { readBody } from '../../src/transport/read-body.js';
import type { Reply, WholeReply } from '../../src/transport/reply.js';
import type { Surface, TransportFault } from '../../src/transport/surface.js';
import { rawRequest } from '../support/fixtures.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const PROBLEM_TYPE = 'application/problem+json';
const MIB = 1024 * 1024;
const FAULT_STATUS: Record<TransportFault, number> = { internal_error: 500, malformed_request: 400, method_not_allowed: 405, headers_too_large: 431, request_timeout: 408 };

/** A surface that answers every request with its own name, in its own content type. */
function namedSurface(name: string, paths: readonly string[], type = `text/x-${name}`): Surface {
  return {
    paths,
    routineOutcomes: new Set(),
    answer: (_req, path) => ({ reply: { status: 200, type: 'text', body: `${name} ${path}`, outcome: 'named' }, api: name, logPath: path }),
    fault: (fault) => ({ status: FAULT_STATUS[fault], type: 'text', body: `${name} ${fault}`, outcome: fault }),
    contentType: () => type,
    logPath: (path) => path,
  };
}

/** A JSON surface as the admin API's will be: raw bytes read with its own limit, problem documents for faults. */
function jsonSurface(): Surface {
  const problem = (status: number, title: string, headers?: Record<string, string>): WholeReply => ({
    status,
    type: 'problem',
    body: JSON.stringify({ status, title }),
    outcome: title,
    ...(headers && { headers }),
  });
  return {
    paths: ['/admin/v1/'],
    routineOutcomes: new Set(['ok']),
    async answer(req, path) {
      if (path === '/admin/v1/boom') throw new Error('a bug');
      if (path === '/admin/v1/export') {
        async function* rows(): AsyncIterable<string> {
          for (let row = 0; row < 1000; row++) yield `${row}\n`;
        }
        return { reply: { status: 200, type: 'csv', body: rows(), outcome: 'exported' }, api: 'export', logPath: path };
      }
      const body = await readBody(req, path === '/admin/v1/imports' ? 64 * MIB : MIB);
      if (body === undefined) return { reply: problem(413, 'payload_too_large', { Connection: 'close' }), api: 'echo', logPath: path };
      return { reply: { status: 200, type: 'json', body: JSON.stringify({ bytes: body.length }), outcome: 'ok' }, api: 'echo', logPath: path };
    },
    fault: (fault) => problem(FAULT_STATUS[fault], fault),
    contentType: (reply: Reply) => (reply.type === 'problem' ? PROBLEM_TYPE : reply.type === 'csv' ? 'text/csv; charset=utf-8' : JSON_TYPE),
    logPath: (path) => path,
  };
}

describe('surfaces on the shared transport', () => {
  let http: HttpServer;
  let url: string;
  let port: number;
  const recorded: string[] = [];

  before(async () => {
    const fallback = namedSurface('fallback', []);
    http = createHttpServer({
      surfaces: [namedSurface('exact', ['/x']), namedSurface('short', ['/a/']), namedSurface('long', ['/a/b/']), jsonSurface()],
      fallback,
      clientAddress: (req) => req.socket.remoteAddress ?? '',
      logger: pino({ level: 'silent' }),
      metrics: { recordRequest: (api, outcome) => recorded.push(`${api} ${outcome}`) },
      timeouts: { headersMs: 2000, requestMs: 5000 },
      isClosing: () => false,
    });
    await new Promise<void>((resolve) => http.server.listen(0, '127.0.0.1', resolve));
    port = (http.server.address() as AddressInfo).port;
    url = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    http.dropWaitingConnections();
    await new Promise((resolve) => http.server.close(resolve));
  });

  it('mounts each surface on its paths: an exact path first, then the longest prefix, then the fallback', async () => {
    const cases: [string, string][] = [
      ['/x', 'exact /x'],
      ['/x/', 'fallback /x/'],
      ['/x?q=1', 'exact /x'],
      ['/a/1', 'short /a/1'],
      ['/a/b/1', 'long /a/b/1'],
      ['/a/b', 'short /a/b'],
      ['/a', 'fallback /a'],
      ['/', 'fallback /'],
      ['/billing/api/user_balance_get', 'fallback /billing/api/user_balance_get'],
    ];
    for (const [path, body] of cases) {
      const response = await fetch(url + path);
      assert.equal(await response.text(), body, path);
    }
  });

  it('sends every answer in its surface\'s Content-Type, with X-Request-Id and Cache-Control: no-store', async () => {
    for (const [path, type] of [['/x', 'text/x-exact'], ['/a/1', 'text/x-short'], ['/zzz', 'text/x-fallback'], ['/admin/v1/echo', JSON_TYPE]] as const) {
      const response = await fetch(url + path, { headers: { 'X-Request-Id': 'given-1' } });
      await response.arrayBuffer();
      assert.equal(response.headers.get('content-type'), type, path);
      assert.equal(response.headers.get('cache-control'), 'no-store', path);
      assert.equal(response.headers.get('x-request-id'), 'given-1', path);
    }
  });

  it('lets a surface read its body with its own limit, and answer a larger one before reading it all', async () => {
    const echo = async (path: string, bytes: number): Promise<Response> => fetch(url + path, { method: 'POST', body: Buffer.alloc(bytes, 'a') });
    assert.deepEqual(await (await echo('/admin/v1/echo', MIB)).json(), { bytes: MIB });
    const refused = await echo('/admin/v1/echo', MIB + 1);
    assert.equal(refused.status, 413);
    assert.equal(refused.headers.get('content-type'), PROBLEM_TYPE);
    assert.equal(refused.headers.get('connection'), 'close');
    assert.deepEqual(await (await echo('/admin/v1/imports', 2 * MIB)).json(), { bytes: 2 * MIB });
  });

  it('answers a request whose surface threw with that surface\'s internal_error, and keeps serving', async () => {
    const response = await fetch(`${url}/admin/v1/boom`);
    assert.equal(response.status, 500);
    assert.equal(response.headers.get('content-type'), PROBLEM_TYPE);
    assert.deepEqual(await response.json(), { status: 500, title: 'internal_error' });
    assert.equal(recorded.at(-1), 'unknown internal_error');
    assert.equal(await (await fetch(`${url}/x`)).text(), 'exact /x');
  });

  it('answers what Node\'s parser refuses with the fallback\'s fault, and counts it', async () => {
    const raw = await rawRequest(port, 'GET /x HTTP/1.1\r\nHost: a\r\nX-Big: ' + 'b'.repeat(20_000) + '\r\n\r\n');
    assert.match(raw, /^HTTP\/1\.1 431 /);
    assert.match(raw, /\r\nContent-Type: text\/x-fallback\r\n/);
    assert.ok(raw.endsWith('\r\n\r\nfallback headers_too_large'), raw);
    assert.equal(recorded.at(-1), 'unknown headers_too_large');
  });

  it('streams a body given in chunks, with chunked transfer coding', async () => {
    const response = await fetch(`${url}/admin/v1/export`);
    assert.equal(response.headers.get('transfer-encoding'), 'chunked');
    assert.equal(response.headers.get('content-length'), null);
    const lines = (await response.text()).split('\n');
    assert.equal(lines.length, 1001);
    assert.equal(lines[999], '999');
  });

  it('refuses two surfaces that claim the same path', () => {
    assert.throws(
      () => createHttpServer({
        surfaces: [namedSurface('one', ['/p/']), namedSurface('two', ['/p/'])],
        fallback: namedSurface('fallback', []),
        clientAddress: () => '',
        logger: pino({ level: 'silent' }),
        metrics: { recordRequest: () => undefined },
        timeouts: { headersMs: 1000, requestMs: 1000 },
        isClosing: () => false,
      }),
      /two surfaces claim \/p\//,
    );
  });
});
