/**
 * Spec section 1: transport faults. The server runs with allow_api off, so every fault shown
 * here is also checked before allow_api (which would otherwise answer API Requests are disabled).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRaw, rawRequest } from '../support/raw-http.js';
import { errorXml, XML_TYPE } from '../support/spec-oracle.js';
import { API_PATH, assertAnswer, send, signed, startHarness, type Harness } from './helpers.js';

const NO_SUCH_API = errorXml('status', 'There is no such API');
const NOT_ALLOWED = errorXml('status', 'Method not allowed');
const MALFORMED = errorXml('status', 'Malformed request');
const TOO_LARGE = errorXml('status', 'Request too large');
const UNSUPPORTED = errorXml('status', 'Unsupported content type');
const API_DISABLED = errorXml('status', 'API Requests are disabled');

describe('transport faults (section 1), checked before allow_api', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ settings: { allow_api: 'off' }, users: [{ name: 'alice', balance: '26' }] });
  });
  after(async () => {
    await h.close();
  });

  const api = (query = ''): string => `${h.url}${API_PATH}${query}`;
  const postAs = (type: string | undefined, body: string | Buffer, query = ''): ReturnType<typeof send> =>
    send(api(query), { method: 'POST', headers: type === undefined ? {} : { 'content-type': type }, body });
  const multipart = (parts: string, boundary = 'XyZ'): ReturnType<typeof send> =>
    postAs(`multipart/form-data; boundary=${boundary}`, parts.replaceAll('\n', '\r\n'));

  it('answers a well-formed request with API Requests are disabled (the baseline of this suite)', async () => {
    assertAnswer(await postAs('application/x-www-form-urlencoded', new URLSearchParams(signed('alice')).toString()), API_DISABLED);
    assertAnswer(await send(api(), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '' }), API_DISABLED);
  });

  it('answers 404 There is no such API for an unknown API name under /billing/api/', async () => {
    for (const path of ['/billing/api/nope', '/billing/api/', '/billing/api/USER_BALANCE_GET', '/billing/api/user_balance_gets', '/billing/api/user_balance_get/extra']) {
      assertAnswer(await send(h.url + path, { method: 'POST' }), NO_SUCH_API, 404);
      assertAnswer(await send(h.url + path), NO_SUCH_API, 404);
    }
  });

  it('answers 404 There is no such API for any other path', async () => {
    for (const path of ['/', '/billing', '/billing/api', '/api/user_balance_get', '/favicon.ico', '/billing/user_balance_get?username=a']) {
      assertAnswer(await send(h.url + path, { method: 'POST' }), NO_SUCH_API, 404);
    }
  });

  it('answers 405 Method not allowed, with Allow: GET, POST, for other methods', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const answer = await send(api(), { method });
      assertAnswer(answer, NOT_ALLOWED, 405);
      assert.equal(answer.headers.get('allow'), 'GET, POST');
    }
    const head = await send(api(), { method: 'HEAD' });
    assert.equal(head.status, 405);
    assert.equal(head.headers.get('allow'), 'GET, POST');
  });

  it('answers 405 with Allow: GET, POST for an unknown method such as FOO', async () => {
    const raw = parseRaw(await rawRequest(h.port, `FOO ${API_PATH} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    assert.equal(raw.status, 405);
    assert.equal(raw.headers.get('allow'), 'GET, POST');
    assert.equal(raw.headers.get('content-type'), XML_TYPE);
    assert.equal(raw.body, NOT_ALLOWED);
  });

  it('answers 400 Malformed request for a bad percent escape in the query or a form body', async () => {
    for (const query of ['?username=%ZZ', '?username=%', '?username=ali%2', '?%G1=x']) {
      assertAnswer(await send(api(query), { method: 'POST' }), MALFORMED, 400);
      assertAnswer(await send(api(query)), MALFORMED, 400);
    }
    assertAnswer(await postAs('application/x-www-form-urlencoded', 'username=%ZZ'), MALFORMED, 400);
  });

  it('answers 400 Malformed request for invalid UTF-8, escaped or raw', async () => {
    assertAnswer(await send(api('?username=%C3%28'), { method: 'POST' }), MALFORMED, 400);
    assertAnswer(await send(api('?username=%FF'), { method: 'POST' }), MALFORMED, 400);
    assertAnswer(await postAs('application/x-www-form-urlencoded', 'username=%ED%A0%80'), MALFORMED, 400);
    assertAnswer(await postAs('application/x-www-form-urlencoded', Buffer.from([0x75, 0x3d, 0xff, 0xfe])), MALFORMED, 400);
    assertAnswer(await postAs('application/json', Buffer.concat([Buffer.from('{"username":"'), Buffer.from([0xc3]), Buffer.from('"}')])), MALFORMED, 400);
    const part = Buffer.concat([
      Buffer.from('--b\r\nContent-Disposition: form-data; name="username"\r\n\r\n'),
      Buffer.from([0xff]),
      Buffer.from('\r\n--b--\r\n'),
    ]);
    assertAnswer(await postAs('multipart/form-data; boundary=b', part), MALFORMED, 400);
  });

  it('answers 400 Malformed request for broken JSON', async () => {
    for (const body of ['{"username":', '{username:"a"}', "{'username':'a'}", '{"a":"b",}', '{"a":"b"} x', '{"a":01}', '"alice"', '[]', 'nul']) {
      assertAnswer(await postAs('application/json', body), MALFORMED, 400);
    }
  });

  it('answers 400 Malformed request for a JSON value that is null, an array or an object', async () => {
    for (const value of ['null', '["alice"]', '[]', '{"a":"b"}', '{}']) {
      assertAnswer(await postAs('application/json', `{"username":${value}}`), MALFORMED, 400);
    }
  });

  it('answers 400 Malformed request for broken multipart', async () => {
    assertAnswer(await multipart('--XyZ\nContent-Disposition: form-data; name="username"\n\nalice\n'), MALFORMED, 400);
    assertAnswer(await multipart('--XyZ\nContent-Type: text/plain\n\nalice\n--XyZ--\n'), MALFORMED, 400);
    assertAnswer(await multipart('no boundary anywhere'), MALFORMED, 400);
    assertAnswer(await postAs('multipart/form-data', '--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--XyZ--\r\n'), MALFORMED, 400);
  });

  it('answers 415 Unsupported content type for a multipart file part', async () => {
    const form = new FormData();
    form.append('username', 'alice');
    form.append('upload', new Blob(['data']), 'balance.txt');
    assertAnswer(await send(api(), { method: 'POST', body: form }), UNSUPPORTED, 415);
    assertAnswer(
      await multipart('--XyZ\nContent-Disposition: form-data; name="username"; filename="a.txt"\n\nalice\n--XyZ--\n'),
      UNSUPPORTED,
      415,
    );
  });

  it('answers 415 Unsupported content type for a non-empty body of another content type', async () => {
    for (const type of ['text/plain', 'application/xml', 'text/xml', 'application/octet-stream', 'application/jsonx']) {
      assertAnswer(await postAs(type, 'username=alice'), UNSUPPORTED, 415);
    }
    const raw = parseRaw(
      await rawRequest(h.port, `POST ${API_PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 14\r\nConnection: close\r\n\r\nusername=alice`),
    );
    assert.equal(raw.status, 415);
    assert.equal(raw.body, UNSUPPORTED);
  });

  it('accepts a body of exactly 64 KiB', async () => {
    // Padded with JSON whitespace: a single parameter that long is refused on its own.
    const body = '{"username":"alice"' + ' '.repeat(64 * 1024 - '{"username":"alice"}'.length) + '}';
    assert.equal(body.length, 65536);
    assertAnswer(await postAs('application/json', body), API_DISABLED);
  });

  it('answers 413 Request too large for a body over 64 KiB', async () => {
    const body = 'username=alice&pad=' + 'a'.repeat(64 * 1024 + 1 - 'username=alice&pad='.length);
    assertAnswer(await postAs('application/x-www-form-urlencoded', body), TOO_LARGE, 413);
    assertAnswer(await postAs('application/json', `{"pad":"${'a'.repeat(70_000)}"}`), TOO_LARGE, 413);
    assertAnswer(await postAs('text/plain', 'a'.repeat(200_000)), TOO_LARGE, 413);
  });

  it('answers 413 at once for a declared Content-Length over 64 KiB, before the body arrives', async () => {
    const head = `POST ${API_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 70000\r\n\r\n`;
    const raw = parseRaw(await rawRequest(h.port, head + 'username=alice'));
    assert.equal(raw.status, 413);
    assert.equal(raw.body, TOO_LARGE);
  });

  it('accepts an empty chunked body with any content type', async () => {
    const head = `POST ${API_PATH}?username=alice HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`;
    const raw = parseRaw(await rawRequest(h.port, head));
    assert.equal(raw.status, 200);
    assert.equal(raw.body, API_DISABLED);
  });

  it('answers 413 Request too large for a chunked body over 64 KiB', async () => {
    const chunk = 'a'.repeat(40_000);
    const framed = (data: string): string => `${data.length.toString(16)}\r\n${data}\r\n`;
    const head = `POST ${API_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const raw = parseRaw(await rawRequest(h.port, head + framed('pad=' + chunk) + framed(chunk) + '0\r\n\r\n'));
    assert.equal(raw.status, 413);
    assert.equal(raw.body, TOO_LARGE);
  });

  it('answers 431 Request too large for headers too large', async () => {
    const raw = parseRaw(
      await rawRequest(h.port, `POST ${API_PATH} HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(40_000)}\r\nConnection: close\r\n\r\n`),
    );
    assert.equal(raw.status, 431);
    assert.equal(raw.headers.get('content-type'), XML_TYPE);
    assert.equal(raw.body, TOO_LARGE);
    const many = Array.from({ length: 600 }, (_, i) => `X-H${i}: ${'b'.repeat(40)}\r\n`).join('');
    const raw2 = parseRaw(await rawRequest(h.port, `GET ${API_PATH} HTTP/1.1\r\nHost: x\r\n${many}\r\n`));
    assert.equal(raw2.status, 431);
    assert.equal(raw2.body, TOO_LARGE);
  });

  it('never shows a stack trace and keeps serving after every fault', async () => {
    await rawRequest(h.port, 'garbage\r\n\r\n');
    await rawRequest(h.port, Buffer.from([0, 1, 2, 255, 254]));
    const broken = await postAs('application/json', '{"username":{"a":[1,2,{"b":null}]}}');
    assert.doesNotMatch(broken.body, /at |Error|\.ts|\.js/);
    assertAnswer(await send(api(), { method: 'POST' }), API_DISABLED);
  });
});
