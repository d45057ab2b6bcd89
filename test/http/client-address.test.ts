/**
 * Who a failure counts against behind a trusted load balancer, however the balancer writes the
 * client: `ip:port`, `[v6]:port`, RFC 7239 Forwarded, any spelling of one address. A hop that
 * is no address is a client of its own, never the balancer. Each test uses its own client
 * addresses, so their counts do not meet; the balancer itself (no header) must stay open
 * throughout.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../support/fixtures.js';
import { parseRaw, rawRequest } from '../support/raw-http.js';
import { balanceXml, errorXml } from '../support/spec-oracle.js';
import { API_PATH, assertAnswer, send, sign, type Answer, type Harness } from './helpers.js';
import { FORM, startHardenedHarness, WRONG_HASH } from './hardening-helpers.js';

const TOO_MANY = errorXml('status', 'Too many failed attempts');
const INCORRECT_HASH = errorXml('status', 'Incorrect hash');
const BALANCE = balanceXml('26.00');
const LIMIT = 20;

type Headers = Record<string, string>;

/** alice's balance through the proxy with these forwarding headers (the right hash unless given). */
function balanceWith(url: string, headers: Headers, hash = sign('alice')): Promise<Answer> {
  return send(url + API_PATH, { method: 'POST', headers: { 'content-type': FORM, ...headers }, body: new URLSearchParams({ username: 'alice', hash }).toString() });
}

const xff = (client: string): Headers => ({ 'x-forwarded-for': client });
const forwarded = (value: string): Headers => ({ forwarded: value });

/** One wrong hash for each header set in turn, `count` in all; each answered Incorrect hash. */
async function failHashes(url: string, senders: readonly Headers[], count: number): Promise<void> {
  for (let i = 0; i < count; i++) assertAnswer(await balanceWith(url, senders[i % senders.length]!, WRONG_HASH), INCORRECT_HASH);
}

/** Polls until a request with `headers` is answered 429 (the count is written as the failure is answered). */
async function assertBlockedSoon(url: string, headers: Headers): Promise<void> {
  let last: Answer | undefined;
  const blocked = await eventually(async () => (last = await balanceWith(url, headers)).status === 429);
  assert.ok(blocked, `${JSON.stringify(headers)} still answered: ${last?.status} ${last?.body}`);
  assertAnswer(last!, TOO_MANY, 429);
}

async function assertOpen(url: string, headers: Headers): Promise<void> {
  assertAnswer(await balanceWith(url, headers), BALANCE);
}

describe('client addresses behind a trusted proxy (trusted_proxies 127.0.0.1, 10.0.0.0/8)', () => {
  let h: Harness;
  before(async () => {
    h = await startHardenedHarness({ settings: { trusted_proxies: '127.0.0.1, 10.0.0.0/8', allow_get_api: 'on' } });
  });
  after(async () => {
    await h.close();
  });

  /** LIMIT wrong hashes spread over `senders`, a 21st answered 429; then the blocked and the open. */
  async function assertOnlyTheseBlocked(senders: readonly Headers[], alsoBlocked: readonly Headers[], open: readonly Headers[]): Promise<void> {
    await failHashes(h.url, senders, LIMIT);
    await assertBlockedSoon(h.url, senders[0]!);
    assertAnswer(await balanceWith(h.url, senders[0]!, WRONG_HASH), TOO_MANY, 429); // the 21st wrong hash
    for (const headers of [...senders, ...alsoBlocked]) assertAnswer(await balanceWith(h.url, headers), TOO_MANY, 429);
    // The balancer itself, and another client through it, are not locked out.
    for (const headers of [{}, xff('198.51.100.9'), ...open]) await assertOpen(h.url, headers);
  }

  it('counts 21 wrong hashes with X-Forwarded-For 203.0.113.7:5123 against 203.0.113.7, not the proxy', async () => {
    await assertOnlyTheseBlocked([xff('203.0.113.7:5123')], [xff('203.0.113.7'), xff('203.0.113.7:9999'), forwarded('for=203.0.113.7')], [xff('203.0.113.8:5123')]);
  });

  it('counts X-Forwarded-For [2001:db8::7]:443 against 2001:db8::7, not the proxy', async () => {
    await assertOnlyTheseBlocked([xff('[2001:db8::7]:443')], [xff('2001:db8::7'), xff('[2001:DB8:0::7]')], [xff('[2001:db8::8]:443')]);
  });

  it('counts Forwarded: for="[2001:db8::17]:443" and for=203.0.113.17 against those clients, not the proxy', async () => {
    await assertOnlyTheseBlocked([forwarded('for="[2001:db8::17]:443"')], [xff('2001:db8::17'), forwarded('For="[2001:db8:0::17]"')], [forwarded('for="[2001:db8::18]:443"')]);
    await assertOnlyTheseBlocked(
      [forwarded('for=203.0.113.17')],
      [xff('203.0.113.17'), forwarded('for=192.0.2.1;proto=http, for="203.0.113.17:4711";proto=https;by=10.0.0.1')],
      [forwarded('for=203.0.113.18;proto=https')],
    );
  });

  it('walks a Forwarded chain right to left like X-Forwarded-For: for=203.0.113.27, for=10.0.0.2 is 203.0.113.27', async () => {
    await assertOnlyTheseBlocked([forwarded('for=203.0.113.27, for=10.0.0.2')], [xff('203.0.113.27')], [forwarded('for=10.0.0.2'), forwarded('for=203.0.113.28, for=10.0.0.2')]);
  });

  it('reads X-Forwarded-For and ignores Forwarded when a request has both', async () => {
    await assertOnlyTheseBlocked([{ ...xff('203.0.113.37'), ...forwarded('for=203.0.113.38') }], [xff('203.0.113.37')], [xff('203.0.113.38'), forwarded('for=203.0.113.38')]);
  });

  it('reads two X-Forwarded-For headers as one list, in order', async () => {
    const request = (hash: string): string => {
      const body = new URLSearchParams({ username: 'alice', hash }).toString();
      return `POST ${API_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: ${FORM}\r\nX-Forwarded-For: 203.0.113.47\r\nX-Forwarded-For: 10.0.0.3\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    };
    for (let i = 0; i < LIMIT; i++) assert.equal(parseRaw(await rawRequest(h.port, request(WRONG_HASH), 2000)).body, INCORRECT_HASH);
    assert.equal(parseRaw(await rawRequest(h.port, request(sign('alice')), 2000)).status, 429);
    assertAnswer(await balanceWith(h.url, xff('203.0.113.47')), TOO_MANY, 429);
    for (const headers of [{}, xff('10.0.0.3')]) await assertOpen(h.url, headers);
  });

  it('counts ::FFFF:192.0.2.88, 0:0:0:0:0:ffff:c000:0258 and 192.0.2.88 as one client', async () => {
    const spellings = [xff('::FFFF:192.0.2.88'), xff('0:0:0:0:0:ffff:c000:0258'), xff('192.0.2.88')];
    // Seven, seven and six failures: none of the spellings alone reaches the limit.
    await assertOnlyTheseBlocked(spellings, [xff('::ffff:c000:258'), xff('[::ffff:192.0.2.88]:80'), forwarded('for="[::FFFF:192.0.2.88]"')], [xff('192.0.2.89')]);
  });

  it('counts 2001:db8::1 and 2001:DB8:0:0::1 as one client', async () => {
    await assertOnlyTheseBlocked([xff('2001:db8::1'), xff('2001:DB8:0:0::1')], [xff('2001:0db8:0000:0000:0000:0000:0000:0001'), xff('[2001:db8::1]:80')], [xff('2001:db8::2')]);
  });

  it('counts an unparseable hop (bogus) in a bucket of its own, neither the proxy nor the hop after it', async () => {
    // bogus, 10.0.0.4: the inner proxy vouches for a hop nobody can read; 10.0.0.4 stays open.
    await assertOnlyTheseBlocked([xff('bogus'), xff('bogus, 10.0.0.4')], [xff(' bogus ')], [xff('10.0.0.4'), xff('bogus2'), xff('unknown')]);
  });

  it('counts Forwarded: for=unknown and an obfuscated for=_hidden each in a bucket of its own', async () => {
    await assertOnlyTheseBlocked([forwarded('for=unknown')], [xff('unknown'), forwarded('for="unknown";proto=https')], [forwarded('for=_hidden'), forwarded('proto=https')]);
    await assertOnlyTheseBlocked([forwarded('for=_hidden')], [], [forwarded('for=_hidden2')]);
  });
});

describe('a trusted proxy written in another spelling in trusted_proxies', () => {
  for (const spelling of ['::ffff:127.0.0.1', '127.0.0.1/32', '::FFFF:7f00:1', '::ffff:127.0.0.0/104']) {
    it(`still vouches for its clients when listed as ${spelling}`, async () => {
      const h = await startHardenedHarness({ settings: { trusted_proxies: spelling, auth_failure_limit: '3' } });
      try {
        for (let i = 0; i < 3; i++) assertAnswer(await balanceWith(h.url, xff('203.0.113.57'), WRONG_HASH), INCORRECT_HASH);
        await assertBlockedSoon(h.url, xff('203.0.113.57'));
        for (const headers of [{}, xff('203.0.113.58')]) await assertOpen(h.url, headers);
      } finally {
        await h.close();
      }
    });
  }
});
