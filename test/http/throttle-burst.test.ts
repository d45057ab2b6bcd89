/**
 * The throttle under a burst: however many guesses one address sends at once, at most
 * auth_failure_limit of them are checked (and answered as wrong) in a window; the rest are
 * answered 429. A check is counted before it runs, so guesses still in flight hold their place.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { execSql, tempDir, type TempDir } from '../support/fixtures.js';
import { parseRaw, RawConnection } from '../support/raw-http.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { balanceXml, errorXml } from '../support/spec-oracle.js';
import { API_PATH, sign } from './helpers.js';
import { FORM, prepareDatabase, WRONG_HASH } from './hardening-helpers.js';
import { UPDATE_PATH } from './write-helpers.js';

const LIMIT = 20;
const TOO_MANY = errorXml('status', 'Too many failed attempts');

/**
 * Sends `count` requests at once and tallies the answers by status and body. Every connection
 * is open before the first request is written, so the requests arrive together, as an
 * attacker's would, rather than one connection set-up apart.
 */
async function burst(port: number, count: number, request: (i: number) => string): Promise<Map<string, number>> {
  const connections = await Promise.all(Array.from({ length: count }, () => RawConnection.open(port)));
  await Promise.all(connections.map((connection, i) => connection.write(request(i))));
  const answers = await Promise.all(
    connections.map(async (connection) => {
      assert.ok(await connection.closedByServer(30_000), 'the server closes each connection after its answer');
      return parseRaw(connection.text);
    }),
  );
  const tally = new Map<string, number>();
  for (const answer of answers) {
    const key = `${answer.status} ${answer.body}`;
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  return tally;
}

/** A raw HTTP/1.1 request that asks the server to close the connection after answering. */
function raw(method: 'GET' | 'POST', path: string, client: string, params?: Record<string, string>, headers: Record<string, string> = {}): string {
  const body = params === undefined ? '' : new URLSearchParams(params).toString();
  const head = { host: 'tally.test', connection: 'close', 'x-forwarded-for': client, ...headers, ...(params !== undefined && { 'content-type': FORM, 'content-length': String(Buffer.byteLength(body)) }) };
  return `${method} ${path} HTTP/1.1\r\n${Object.entries(head).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n${body}`;
}

/** Asserts that the burst got at most LIMIT answers `checked` and every other one a 429. */
function assertHeld(tally: Map<string, number>, checked: string, count: number, status = 200): void {
  const failed = tally.get(`${status} ${checked}`) ?? 0;
  const throttled = tally.get(`429 ${TOO_MANY}`) ?? 0;
  assert.ok(failed >= 1 && failed <= LIMIT, `${failed} guesses were checked (the limit is ${LIMIT}): ${JSON.stringify([...tally])}`);
  assert.equal(failed + throttled, count, `unexpected answers: ${JSON.stringify([...tally])}`);
}

describe('the throttle under a burst from one address', () => {
  let tmp: TempDir;
  let server: ServeProcess;
  let port: number;
  let token: string;
  before(async () => {
    tmp = await tempDir();
    await prepareDatabase(tmp.db, { settings: { trusted_proxies: '127.0.0.1', signature_mode: 'optional' } });
    // A server process of its own: the burst then reaches it all at once, as over a network.
    server = await startServeProcess(tmp.db);
    port = Number(new URL(server.url).port);
    const rows = (await execSql(tmp.db, "SELECT uniquehash FROM users WHERE username = 'alice'")) as { uniquehash: string }[];
    token = rows[0]!.uniquehash;
  });
  after(async () => {
    await server.stop();
    await tmp.remove();
  });

  it('checks at most auth_failure_limit of 400 wrong hashes sent at once', async () => {
    const client = '203.0.113.10';
    const guess = () => raw('POST', API_PATH, client, { username: 'alice', hash: WRONG_HASH });
    assertHeld(await burst(port, 400, guess), errorXml('status', 'Incorrect hash'), 400);
    const after = await burst(port, 1, () => raw('POST', API_PATH, client, { username: 'alice', hash: sign('alice') }));
    assert.equal([...after.keys()][0]?.slice(0, 3), '429');
  });

  it('looks up at most auth_failure_limit of 1000 guessed uniquehash tokens sent at once', async () => {
    const client = '203.0.113.11';
    const guesses = await burst(port, 1000, (i) => raw('GET', `/billing/api/user_simple_balance_get/guess${i.toString().padStart(8, '0')}`, client));
    assertHeld(guesses, 'User was not found', 1000);
    // The real token is refused too now: the address is blocked.
    const real = await burst(port, 1, () => raw('GET', `/billing/api/user_simple_balance_get/${token}`, client));
    assert.equal([...real.keys()][0]?.slice(0, 3), '429');
  });

  it('checks at most auth_failure_limit of 300 wrong admin logins sent at once', async () => {
    const client = '203.0.113.12';
    const params = (i: number) => ({ u: `ghost${i}`, user_id: '2', balance: '1', hash: sign('2', '1') });
    assertHeld(await burst(port, 300, (i) => raw('POST', UPDATE_PATH, client, params(i))), errorXml('status', 'Bad login'), 300);
  });

  it('checks at most auth_failure_limit of 300 bad signatures sent at once', async () => {
    const client = '203.0.113.13';
    const signedBadly = (i: number) =>
      raw('POST', API_PATH, client, { username: 'alice', hash: sign('alice') }, {
        'x-tally-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-tally-nonce': `burst-nonce-${i.toString().padStart(8, '0')}`,
        'x-tally-signature': '0'.repeat(64),
      });
    assertHeld(await burst(port, 300, signedBadly), errorXml('status', 'Invalid signature'), 300, 401);
  });

  it('lets a burst of 300 right requests from one address through, none refused', async () => {
    const client = '203.0.113.14';
    const tally = await burst(port, 300, () => raw('POST', API_PATH, client, { username: 'alice', hash: sign('alice') }));
    assert.deepEqual([...tally], [[`200 ${balanceXml('26.00')}`, 300]]);
    const tokens = await burst(port, 300, () => raw('GET', `/billing/api/user_simple_balance_get/${token}`, client));
    assert.deepEqual([...tokens], [['200 26.00', 300]]);
  });
});
