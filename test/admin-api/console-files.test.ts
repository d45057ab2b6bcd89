/**
 * The admin listener serves the built console at `/`: its page for every console address (so a
 * reload or a bookmark works), its hashed files cached for good and compressed, the console's
 * security headers on every answer, and a 404 problem for every other path.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { test } from 'node:test';
import { CONSOLE_HEADERS, createConsoleSurface, loadConsoleFiles } from '../../src/admin-api/console-files.js';
import { adminHarness, adminRequest } from './helpers.js';

test('every console address answers the page; its assets are cached, compressed and revalidated', async (t) => {
  const h = await adminHarness(t);
  const page = await adminRequest(h, 'GET', '/');
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(page.headers.get('cache-control'), 'no-cache');
  for (const [name, value] of Object.entries(CONSOLE_HEADERS)) assert.equal(page.headers.get(name), value, name);
  for (const path of ['/sign-in', '/users', '/users/42', '/ledger', '/currencies', '/currencies/EUR', '/settings', '/security', '/hash', '/import', '/audit', '/users?q=ali']) {
    const answer = await adminRequest(h, 'GET', path);
    assert.equal(answer.status, 200, path);
    assert.equal(answer.text, page.text, path);
  }
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
  assert.ok(script !== undefined, 'the page loads a hashed script');
  const plain = await fetch(h.adminUrl + script, { headers: { 'Accept-Encoding': 'identity' } });
  const body = Buffer.from(await plain.arrayBuffer());
  assert.equal(plain.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(plain.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(plain.headers.get('content-security-policy'), CONSOLE_HEADERS['Content-Security-Policy']);
  const etag = plain.headers.get('etag');
  assert.ok(etag !== null);
  // Node's fetch decodes what it asked for; a raw request shows the encoding on the wire.
  const { request } = await import('node:http');
  const raw = (encoding: string, extra: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      request(h.adminUrl + script, { headers: { 'Accept-Encoding': encoding, ...extra } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject).end();
    });
  const br = await raw('gzip, deflate, br');
  assert.equal(br.headers['content-encoding'], 'br');
  assert.deepEqual(brotliDecompressSync(br.body), body);
  const gzip = await raw('gzip');
  assert.equal(gzip.headers['content-encoding'], 'gzip');
  assert.deepEqual(gunzipSync(gzip.body), body);
  const again = await raw('gzip', { 'If-None-Match': etag });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
});

test('a console path takes GET and HEAD only; any other path is a 404 problem with the same headers', async (t) => {
  const h = await adminHarness(t);
  const head = await fetch(h.adminUrl + '/users', { method: 'HEAD' });
  assert.equal(head.status, 200);
  const post = await adminRequest(h, 'POST', '/users', { body: '{}' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET, HEAD');
  assert.equal(post.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  for (const path of ['/users/abc', '/users/1/ledger', '/assets/none.js', '/index.htm', '/billing/api/user_balance_get', '/.env']) {
    const answer = await adminRequest(h, 'GET', path);
    assert.equal(answer.status, 404, path);
    assert.equal(answer.headers.get('content-type'), 'application/problem+json; charset=utf-8', path);
    assert.equal(answer.headers.get('cache-control'), 'no-store', path);
    assert.equal(answer.headers.get('content-security-policy'), CONSOLE_HEADERS['Content-Security-Policy'], path);
    assert.equal((answer.json as { code: string }).code, 'not_found', path);
  }
  // A path that tries to climb out of the built folder names nothing: files are looked up, never joined.
  const climb = await adminRequest(h, 'GET', '/assets/../../package.json');
  assert.equal(climb.status, 404);
});

test('an unbuilt console answers its pages with a 404 that says how to build it', async (t) => {
  const empty = await mkdtemp(join(tmpdir(), 'tally-console-'));
  t.after(() => rm(empty, { recursive: true, force: true }));
  assert.equal(loadConsoleFiles(empty).size, 0);
  const surface = createConsoleSurface(loadConsoleFiles(empty));
  const answer = await surface.answer({ method: 'GET', headers: {} } as never, '/users', '/users', '127.0.0.1', 'r1');
  assert.equal(answer.reply.status, 404);
  assert.match(String(answer.reply.body), /the console is not built: run `npm run build`/);
});
