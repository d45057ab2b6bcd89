/**
 * Request limits beyond section 1's body and header sizes (those are in transport.test.ts):
 * at most 100 distinct parameters, names and values of at most 4096 characters, and deadlines
 * for the request head (TALLY_HEADERS_TIMEOUT) and the whole request (TALLY_REQUEST_TIMEOUT).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RawConnection } from '../support/raw-http.js';
import { balanceXml, errorXml, XML_TYPE } from '../support/spec-oracle.js';
import { API_PATH, assertAnswer, send, sign, type Answer, type Harness } from './helpers.js';
import { FORM, sleep, startHardenedHarness } from './hardening-helpers.js';

const TOO_MANY = errorXml('status', 'Too many parameters');
const TOO_LONG = errorXml('status', 'Parameter too long');
const TIMEOUT = errorXml('status', 'Request timeout');
const BALANCE = balanceXml('26.00');

describe('parameter limits and request deadlines (TALLY_HEADERS_TIMEOUT=1, TALLY_REQUEST_TIMEOUT=2)', () => {
  let h: Harness;
  before(async () => {
    h = await startHardenedHarness({ env: { TALLY_HEADERS_TIMEOUT: '1', TALLY_REQUEST_TIMEOUT: '2' } });
  });
  after(async () => {
    await h.close();
  });

  const alice = (): [string, string][] => [
    ['username', 'alice'],
    ['hash', sign('alice')],
  ];
  /** `count` distinct padding parameters p0, p1... */
  const padding = (count: number, from = 0): [string, string][] => Array.from({ length: count }, (_, i) => [`p${from + i}`, 'x']);
  const postForm = (pairs: [string, string][], query: [string, string][] = []): Promise<Answer> =>
    send(`${h.url}${API_PATH}${query.length === 0 ? '' : '?' + new URLSearchParams(query).toString()}`, {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: new URLSearchParams(pairs).toString(),
    });
  const postJson = (object: Record<string, string>): Promise<Answer> =>
    send(h.url + API_PATH, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(object) });

  it('accepts 100 distinct parameters and answers 400 Too many parameters for 101', async () => {
    assertAnswer(await postForm([...alice(), ...padding(98)]), BALANCE);
    assertAnswer(await postForm([...alice(), ...padding(99)]), TOO_MANY, 400);
    assertAnswer(await postForm([], [...alice(), ...padding(99)]), TOO_MANY, 400); // all in the query string
    assertAnswer(await postJson(Object.fromEntries([...alice(), ...padding(99)])), TOO_MANY, 400);
  });

  it('counts the query string and the body together, a name in both once', async () => {
    assertAnswer(await postForm([...padding(49, 50)], [...alice(), ...padding(50)]), TOO_MANY, 400); // 52 + 49
    assertAnswer(await postForm([...alice(), ...padding(98)], [...alice(), ...padding(98)]), BALANCE); // the same 100 twice
  });

  it('counts distinct names: one name repeated 500 times is one parameter', async () => {
    assertAnswer(await postForm([...alice(), ...Array.from({ length: 500 }, (_, i): [string, string] => ['p', String(i)])]), BALANCE);
  });

  it('accepts a value of 4096 characters and answers 400 Parameter too long for 4097', async () => {
    assertAnswer(await postForm([...alice(), ['pad', 'v'.repeat(4096)]]), BALANCE);
    assertAnswer(await postForm([...alice(), ['pad', 'v'.repeat(4097)]]), TOO_LONG, 400);
    assertAnswer(await postForm([], [...alice(), ['pad', 'v'.repeat(4097)]]), TOO_LONG, 400);
    assertAnswer(await postJson({ username: 'alice', hash: sign('alice'), pad: 'v'.repeat(4097) }), TOO_LONG, 400);
    // A hashed parameter is no exception.
    assertAnswer(await postForm([['username', 'a'.repeat(4097)], ['hash', sign('a'.repeat(4097))]]), TOO_LONG, 400);
  });

  it('counts characters, not bytes: 4096 two-byte characters are fine', async () => {
    assertAnswer(await postForm([...alice(), ['pad', 'é'.repeat(4096)]]), BALANCE);
    assertAnswer(await postForm([...alice(), ['pad', 'é'.repeat(4097)]]), TOO_LONG, 400);
  });

  it('applies the same length limit to names', async () => {
    assertAnswer(await postForm([...alice(), ['n'.repeat(4096), 'x']]), BALANCE);
    assertAnswer(await postForm([...alice(), ['n'.repeat(4097), 'x']]), TOO_LONG, 400);
  });

  const HEAD = `POST ${API_PATH} HTTP/1.1\r\nHost: tally.test\r\nContent-Type: ${FORM}\r\n`;
  const BODY = new URLSearchParams(alice()).toString();

  /** Asserts a 408 Request timeout answer and that the server then closed the connection. */
  async function assertTimedOut(connection: RawConnection, startedAt: number, notBeforeMs: number): Promise<void> {
    const answer = await connection.response(8000);
    const elapsed = Date.now() - startedAt;
    assert.equal(answer.status, 408);
    assert.equal(answer.body, TIMEOUT);
    assert.equal(answer.headers.get('content-type'), XML_TYPE);
    assert.equal(answer.headers.get('connection'), 'close');
    assert.ok(elapsed >= notBeforeMs, `answered after ${elapsed} ms, before the deadline of ${notBeforeMs} ms`);
    assert.ok(await connection.closedByServer(3000), 'the server must close the connection after a 408');
  }

  it('answers 408 Request timeout and closes the connection when the request head is not finished in time', async () => {
    const connection = await RawConnection.open(h.port);
    const startedAt = Date.now();
    try {
      await connection.write(HEAD); // no blank line: the head never ends
      await assertTimedOut(connection, startedAt, 950);
    } finally {
      connection.destroy();
    }
  });

  it('answers 408 Request timeout and closes the connection when the body stalls past the request deadline', async () => {
    const connection = await RawConnection.open(h.port);
    const startedAt = Date.now();
    try {
      await connection.write(`${HEAD}Content-Length: ${BODY.length}\r\n\r\n${BODY.slice(0, 20)}`);
      await assertTimedOut(connection, startedAt, 1950);
    } finally {
      connection.destroy();
    }
  });

  it('answers a client that sends slowly but finishes in time normally', async () => {
    const connection = await RawConnection.open(h.port);
    try {
      // The head in 4 pieces over about 0.4 s; the body in 3 pieces, the last at about 1.3 s:
      // past the head's deadline (which no longer applies) but inside the request's.
      const head = `${HEAD}Content-Length: ${BODY.length}\r\n\r\n`;
      const quarter = Math.ceil(head.length / 4);
      for (let i = 0; i < 4; i++) {
        await connection.write(head.slice(i * quarter, (i + 1) * quarter));
        await sleep(100);
      }
      const third = Math.ceil(BODY.length / 3);
      for (let i = 0; i < 3; i++) {
        await sleep(300);
        await connection.write(BODY.slice(i * third, (i + 1) * third));
      }
      const answer = await connection.response(3000);
      assert.equal(answer.status, 200);
      assert.equal(answer.body, BALANCE);
      assert.equal(answer.headers.get('content-type'), XML_TYPE);
      assert.equal(connection.closed, false, 'a normal answer keeps the connection open');
    } finally {
      connection.destroy();
    }
  });
});
