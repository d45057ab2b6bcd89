/**
 * The request signature's pure parts (src/domain/signature.ts): the canonical text, its
 * sorting rule, a fixed HMAC-SHA256 vector, and checkSignature's reasons and time window.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { signRequest } from '../../examples/signed-client.js';
import { canonicalRequest, checkSignature, SIGNATURE_WINDOW_SECONDS } from '../../src/domain/signature.js';

const params = (entries: [string, string][]) => new Map(entries);
const PATH = '/billing/api/user_balance_get';
const KEY = 'test-signing-key';
const TIMESTAMP = '1700000000';
const NONCE = 'nonce-0123456789ab';

/** The example everything below is checked against, written out by hand. */
const EXAMPLE_PARAMS = params([
  ['username', 'alice'],
  ['hash', '79e75e75f9cd6821e7b661250a45294b4579f262'],
  ['currency', 'EUR'],
  ['user_currency', '1'],
]);
const EXAMPLE_CANONICAL =
  'TALLY-HMAC-SHA256\nPOST\n/billing/api/user_balance_get\n' +
  'currency=EUR&hash=79e75e75f9cd6821e7b661250a45294b4579f262&user_currency=1&username=alice\n' +
  '1700000000\nnonce-0123456789ab';
/** HMAC-SHA256(key "test-signing-key", EXAMPLE_CANONICAL) in hex; `printf '%s' "$TEXT" | openssl dgst -sha256 -hmac test-signing-key`. */
const EXAMPLE_SIGNATURE = '344e9c6610ebef041ac0095eadfee3c3c3dc5af4d6d9a1ce05d66f97907780fe';

const hmacHex = (key: string, text: string): string => createHmac('sha256', key).update(text, 'utf8').digest('hex');
const nowAt = (seconds: number): number => seconds * 1000;
const request = { method: 'POST', path: PATH, params: EXAMPLE_PARAMS };

describe('canonicalRequest', () => {
  it('gives the exact six-line text for a known example', () => {
    assert.equal(canonicalRequest('POST', PATH, EXAMPLE_PARAMS, TIMESTAMP, NONCE), EXAMPLE_CANONICAL);
  });

  it('percent-encodes names and values as encodeURIComponent does (space %20, never +)', () => {
    const text = canonicalRequest('GET', PATH, params([['note', 'a b&c=d+e%f/?#ü😀'], ["x'()*!~", '-_.']]), '1', 'n');
    assert.equal(
      text.split('\n')[3],
      'note=a%20b%26c%3Dd%2Be%25f%2F%3F%23%C3%BC%F0%9F%98%80&x\'()*!~=-_.',
    );
  });

  it('sorts by the encoded name, not by the decoded name', () => {
    // Decoded, "z" < "ü"; encoded, "%C3%BC" < "z". And "%20" ("a b") < "-" ("a-b").
    const text = canonicalRequest('POST', PATH, params([['z', '1'], ['ü', '2'], ['a-b', '3'], ['a b', '4']]), '1', 'n');
    assert.equal(text.split('\n')[3], '%C3%BC=2&a%20b=4&a-b=3&z=1');
  });

  it('compares names alone before values: "a" comes before "a-b" although "a-b=" < "a=" as whole pairs', () => {
    const text = canonicalRequest('POST', PATH, params([['a-b', '1'], ['a', '2'], ['a.b', '3']]), '1', 'n');
    assert.equal(text.split('\n')[3], 'a=2&a-b=1&a.b=3');
  });

  it('agrees with the example client, which sorts by encoded name then value', () => {
    const entries: [string, string][] = [['a-b', 'x'], ['a', 'y'], ['ü', 'v w'], ['note', '&=+%'], ['emoji😀', '😀']];
    const headers = signRequest('POST', PATH, entries, KEY, new Date(nowAt(1_700_000_000)), NONCE);
    assert.equal(headers['X-Tally-Timestamp'], TIMESTAMP);
    assert.equal(headers['X-Tally-Nonce'], NONCE);
    assert.equal(headers['X-Tally-Signature'], hmacHex(KEY, canonicalRequest('POST', PATH, params(entries), TIMESTAMP, NONCE)));
  });
});

describe('the HMAC test vector', () => {
  it('is HMAC-SHA256 of the canonical text, in lower-case hex, as node:crypto computes it', () => {
    const independent = hmacHex(KEY, EXAMPLE_CANONICAL);
    assert.match(independent, /^[0-9a-f]{64}$/);
    const headers = signRequest('POST', PATH, [...EXAMPLE_PARAMS], KEY, new Date(nowAt(1_700_000_000)), NONCE);
    assert.equal(headers['X-Tally-Signature'], independent);
    const check = checkSignature({ timestamp: TIMESTAMP, nonce: NONCE, signature: independent }, request, [KEY], nowAt(1_700_000_000));
    assert.deepEqual(check, { ok: true, nonce: NONCE, expiresAtMs: (1_700_000_000 + SIGNATURE_WINDOW_SECONDS + 1) * 1000 });
  });

  it('has the fixed value written in this file (for implementers in other languages)', () => {
    assert.equal(hmacHex(KEY, EXAMPLE_CANONICAL), EXAMPLE_SIGNATURE);
  });
});

describe('checkSignature', () => {
  const good = hmacHex(KEY, EXAMPLE_CANONICAL);
  const headers = { timestamp: TIMESTAMP, nonce: NONCE, signature: good };
  const at = nowAt(1_700_000_000);

  it('answers missing only when all three headers are absent', () => {
    assert.deepEqual(checkSignature({ timestamp: undefined, nonce: undefined, signature: undefined }, request, [KEY], at), { ok: false, reason: 'missing' });
    for (const absent of ['timestamp', 'nonce', 'signature'] as const) {
      assert.deepEqual(checkSignature({ ...headers, [absent]: undefined }, request, [KEY], at), { ok: false, reason: 'malformed' }, absent);
    }
  });

  it('answers malformed for headers of the wrong form, even when the HMAC over them would match', () => {
    const malformed: Record<string, { timestamp: string; nonce: string }> = {
      'short nonce': { timestamp: TIMESTAMP, nonce: 'n'.repeat(15) },
      'long nonce': { timestamp: TIMESTAMP, nonce: 'n'.repeat(65) },
      'nonce with a dot': { timestamp: TIMESTAMP, nonce: 'nonce.0123456789ab' },
      'timestamp with a letter': { timestamp: '17000000O0', nonce: NONCE },
      'negative timestamp': { timestamp: '-1700000000', nonce: NONCE },
      'fractional timestamp': { timestamp: '1700000000.5', nonce: NONCE },
      'thirteen-digit timestamp': { timestamp: '1700000000000', nonce: NONCE },
    };
    for (const [what, fields] of Object.entries(malformed)) {
      const signature = hmacHex(KEY, canonicalRequest('POST', PATH, EXAMPLE_PARAMS, fields.timestamp, fields.nonce));
      assert.deepEqual(checkSignature({ ...fields, signature }, request, [KEY], at), { ok: false, reason: 'malformed' }, what);
    }
    for (const signature of [good.slice(1), good + '0', 'z'.repeat(64), ` ${good.slice(1)}`, Buffer.from(good, 'hex').toString('base64')]) {
      assert.deepEqual(checkSignature({ ...headers, signature }, request, [KEY], at), { ok: false, reason: 'malformed' }, signature);
    }
  });

  it('accepts the signature hex in upper case', () => {
    assert.equal(checkSignature({ ...headers, signature: good.toUpperCase() }, request, [KEY], at).ok, true);
  });

  it('accepts exactly 300 s either side of the timestamp and not a millisecond more', () => {
    for (const offsetMs of [-300_000, 300_000, 0]) assert.equal(checkSignature(headers, request, [KEY], at + offsetMs).ok, true, String(offsetMs));
    for (const offsetMs of [-300_001, 300_001, -3_600_000]) {
      assert.deepEqual(checkSignature(headers, request, [KEY], at + offsetMs), { ok: false, reason: 'expired' }, String(offsetMs));
    }
  });

  it('answers mismatch for another key, another method, path, parameter value, extra parameter, timestamp or nonce', () => {
    assert.deepEqual(checkSignature(headers, request, ['another-key'], at), { ok: false, reason: 'mismatch' });
    assert.deepEqual(checkSignature(headers, request, [], at), { ok: false, reason: 'mismatch' });
    const changed = [
      { ...request, method: 'GET' },
      { ...request, path: '/billing/api/balance' },
      { ...request, params: new Map([...EXAMPLE_PARAMS, ['currency', 'eur']]) },
      { ...request, params: new Map([...EXAMPLE_PARAMS, ['test', '1']]) },
    ];
    for (const other of changed) assert.deepEqual(checkSignature(headers, other, [KEY], at), { ok: false, reason: 'mismatch' });
    assert.deepEqual(checkSignature({ ...headers, timestamp: '1700000001' }, request, [KEY], at), { ok: false, reason: 'mismatch' });
    assert.deepEqual(checkSignature({ ...headers, nonce: 'nonce-0123456789ac' }, request, [KEY], at), { ok: false, reason: 'mismatch' });
  });

  it('accepts a signature made with any of the keys given (current and previous)', () => {
    assert.equal(checkSignature(headers, request, ['new-key-0001', KEY], at).ok, true);
    assert.equal(checkSignature(headers, request, [KEY, 'new-key-0001'], at).ok, true);
  });
});
