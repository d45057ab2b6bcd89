/**
 * The canonical form of client addresses (IPv4 dotted, IPv4-mapped IPv6 as IPv4, other IPv6 as
 * RFC 5952), the proxy hop shapes, the bucket of a hop that is no address, the RFC 7239
 * Forwarded parser, and the trusted_proxies list in the same form.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalIp, hopAddress, unparsedHopBucket } from '../../src/domain/ip-address.js';
import { parseProxyList } from '../../src/domain/proxies.js';
import { forwardedForValues, forwardedHops } from '../../src/transport/client-address.js';

function assertCanonical(cases: Record<string, string[]>): void {
  for (const [canonical, spellings] of Object.entries(cases)) {
    for (const spelling of spellings) assert.equal(canonicalIp(spelling), canonical, spelling);
  }
}

describe('the canonical form of an IP address', () => {
  it('writes IPv4 in dotted decimal, as given', () => {
    assertCanonical({ '192.0.2.1': ['192.0.2.1'], '0.0.0.0': ['0.0.0.0'], '255.255.255.255': ['255.255.255.255'] });
  });

  it('writes every spelling of the RFC 5952 section 2 examples as section 4 recommends', () => {
    assertCanonical({
      // Section 2.1, leading zeros.
      '2001:db8:aaaa:bbbb:cccc:dddd:eeee:1': [
        '2001:db8:aaaa:bbbb:cccc:dddd:eeee:0001',
        '2001:db8:aaaa:bbbb:cccc:dddd:eeee:001',
        '2001:db8:aaaa:bbbb:cccc:dddd:eeee:01',
        '2001:db8:aaaa:bbbb:cccc:dddd:eeee:1',
      ],
      // Section 2.2, zero compression.
      '2001:db8::aaaa:0:0:1': ['2001:db8:0:0:aaaa::1', '2001:db8::aaaa:0:0:1', '2001:db8:0:0:aaaa:0:0:1'],
      // Section 2.3, upper and lower case.
      '2001:db8::aaaa': ['2001:db8::aaaa', '2001:db8::AAAA', '2001:DB8::AaAa'],
      // Section 2, the introduction's list of one address.
      '2001:db8::1:0:0:1': [
        '2001:db8:0:0:1:0:0:1',
        '2001:0db8:0:0:1:0:0:1',
        '2001:db8::1:0:0:1',
        '2001:db8::0:1:0:0:1',
        '2001:0db8::1:0:0:1',
        '2001:db8:0:0:1::1',
        '2001:db8:0000:0:1::1',
        '2001:DB8:0:0:1::1',
      ],
    });
  });

  it('follows RFC 5952 section 4: leading zeros, the longest run, the first of equal runs, no lone ::', () => {
    assertCanonical({
      '2001:db8::1': ['2001:0db8::0001', '2001:DB8:0:0::1', '2001:db8:0:0:0:0:0:1'],
      '2001:db8::2:1': ['2001:db8:0:0:0:0:2:1'], // 4.2.1: shortest
      '2001:db8:0:1:1:1:1:1': ['2001:db8:0:1:1:1:1:1', '2001:db8::1:1:1:1:1'], // 4.2.2: one zero group is not compressed
      '2001:0:0:1::1': ['2001:0:0:1:0:0:0:1'], // 4.2.3: the longest run
      '2001:db8::1:0:0:1': ['2001:db8:0:0:1:0:0:1'], // 4.2.3: the first of equal runs
      '::': ['::', '0:0:0:0:0:0:0:0', '0000::0000'],
      '::1': ['::1', '0:0:0:0:0:0:0:1'],
      '1::': ['1::', '1:0:0:0:0:0:0:0'],
      'fe80::1:2:3:4': ['FE80:0:0:0:1:2:3:4'],
    });
  });

  it('writes an IPv4-mapped address in any spelling as the IPv4 address', () => {
    assertCanonical({
      '192.0.2.88': ['::ffff:192.0.2.88', '::FFFF:192.0.2.88', '::FFFF:c000:258', '0:0:0:0:0:ffff:c000:0258', '0000:0000:0000:0000:0000:FFFF:C000:0258', '0::ffff:192.0.2.88'],
      '127.0.0.1': ['::ffff:127.0.0.1', '::ffff:7f00:1'],
    });
  });

  it('keeps addresses that only look like mapped ones as IPv6 (compatible, NAT64, SIIT)', () => {
    assertCanonical({
      '::c000:258': ['::192.0.2.88'],
      '64:ff9b::c000:258': ['64:ff9b::192.0.2.88'],
      '::ffff:0:c000:258': ['0:0:0:0:ffff:0:c000:258'],
      '::fffe:c000:258': ['::fffe:192.0.2.88'],
    });
  });

  it('keeps a zone id after %, the address itself canonical', () => {
    assertCanonical({ 'fe80::1%eth0': ['fe80::1%eth0', 'FE80:0:0:0:0:0:0:0001%eth0'], 'fe80::1%3': ['fe80::1%3'] });
  });

  it('refuses what is not an address', () => {
    for (const text of [
      '', ' ', 'bogus', 'unknown', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.4 ', ' 1.2.3.4', '1.2.3.4%eth0',
      '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8', '1::2::3', '12345::', ':1::', '::1:', ':::', '1.2.3.4::',
      '::1.2.3.4:5', '::256.0.0.1', 'g::1', 'fe80::1%', 'fe80::1%a b', 'fe80::1%a:b', '[::1]', '192.0.2.1:80',
    ]) {
      assert.equal(canonicalIp(text), undefined, JSON.stringify(text));
    }
  });
});

describe('the address of a proxy hop', () => {
  it('reads every shape a proxy writes, with spaces around, in the canonical form', () => {
    const cases: [string, string][] = [
      ['192.0.2.1', '192.0.2.1'],
      ['192.0.2.1:5123', '192.0.2.1'],
      ['  203.0.113.7:5123 ', '203.0.113.7'],
      ['2001:db8::1', '2001:db8::1'],
      ['2001:DB8:0:0::1', '2001:db8::1'],
      ['[2001:db8::1]', '2001:db8::1'],
      ['[2001:db8::7]:443', '2001:db8::7'],
      [' [2001:DB8:0::7]:443 ', '2001:db8::7'],
      ['::FFFF:192.0.2.88', '192.0.2.88'],
      ['[::ffff:192.0.2.88]:80', '192.0.2.88'],
      ['[2001:db8:cafe::17]:4711', '2001:db8:cafe::17'],
      ['192.0.2.1:_port', '192.0.2.1'], // RFC 7239's obfuscated port
      ['fe80::1%eth0', 'fe80::1%eth0'],
      // A bare IPv6 address cannot carry a port: its last group is part of it.
      ['2001:db8::1:443', '2001:db8::1:443'],
    ];
    for (const [hop, address] of cases) assert.equal(hopAddress(hop), address, hop);
  });

  it('reads no address in anything else', () => {
    for (const hop of ['', '   ', 'bogus', 'unknown', '_hidden', '[192.0.2.1]', '[192.0.2.1]:80', '192.0.2.1:', '192.0.2.1:123456', '192.0.2.1:80x',
      '[2001:db8::1]:', '[2001:db8::1', '[2001:db8::1]x', '[bogus]:80', 'bogus:80', '192.0.2.1 192.0.2.2', 'unparsed:bogus']) {
      assert.equal(hopAddress(hop), undefined, JSON.stringify(hop));
    }
  });

  it('names the bucket of an unreadable hop after it: printable ASCII, 64 characters at most, never an address', () => {
    assert.equal(unparsedHopBucket('bogus'), 'unparsed:bogus');
    assert.equal(unparsedHopBucket(' unknown '), 'unparsed:unknown');
    assert.equal(unparsedHopBucket(''), 'unparsed:');
    assert.equal(unparsedHopBucket('bo\u0000g\u00e9u\ns\u2028"x"'), 'unparsed:bogus"x"');
    assert.equal(unparsedHopBucket('x'.repeat(200)), 'unparsed:' + 'x'.repeat(64));
    for (const hop of ['bogus', '', '::1', 'ffff']) {
      const bucket = unparsedHopBucket(hop);
      assert.equal(canonicalIp(bucket), undefined);
      assert.equal(hopAddress(bucket), undefined);
    }
  });
});

describe('the Forwarded header (RFC 7239)', () => {
  it('gives the for= value of each element, unquoted, in order', () => {
    assert.deepEqual(forwardedForValues('for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8:cafe::17]:4711"'), ['192.0.2.60', '[2001:db8:cafe::17]:4711']);
    assert.deepEqual(forwardedForValues('for=192.0.2.43, for=198.51.100.17'), ['192.0.2.43', '198.51.100.17']);
    assert.deepEqual(forwardedForValues('For="_gazonk"'), ['_gazonk']);
    assert.deepEqual(forwardedForValues('proto=https;FOR = 203.0.113.7 ;by=x'), ['203.0.113.7']);
    assert.deepEqual(forwardedForValues('for=unknown'), ['unknown']);
  });

  it('does not split inside a quoted-string, and undoes its escapes', () => {
    assert.deepEqual(forwardedForValues('for="a,b;c";proto=http, for=203.0.113.7'), ['a,b;c', '203.0.113.7']);
    assert.deepEqual(forwardedForValues('for="\\[2001:db8::1\\]:80"'), ['[2001:db8::1]:80']);
  });

  it('gives an element without for=, or an empty one, as its own text, which reads as no address', () => {
    const values = forwardedForValues('proto=https, , for=203.0.113.7');
    assert.deepEqual(values, ['proto=https', ' ', '203.0.113.7']);
    assert.equal(hopAddress(values[0]!), undefined);
    assert.equal(hopAddress(values[1]!), undefined);
  });

  it('reads X-Forwarded-For when there is one, else Forwarded', () => {
    assert.deepEqual(forwardedHops({ 'x-forwarded-for': '203.0.113.7, 10.0.0.1', forwarded: 'for=198.51.100.1' }), ['203.0.113.7', ' 10.0.0.1']);
    assert.deepEqual(forwardedHops({ forwarded: 'for=198.51.100.1' }), ['198.51.100.1']);
    assert.deepEqual(forwardedHops({}), []);
  });
});

describe('the trusted_proxies list', () => {
  it('keeps every entry, and every range base, in the canonical form', () => {
    const parsed = parseProxyList(' ::ffff:127.0.0.1, 127.0.0.1/32, ::FFFF:10.0.0.0/104, 2001:DB8:0::/32, 0:0:0:0:0:0:0:1, ::ffff:0.0.0.0/80 ');
    assert.deepEqual(parsed, { ok: true, entries: ['127.0.0.1', '127.0.0.1/32', '10.0.0.0/8', '2001:db8::/32', '::1', '::ffff:0.0.0.0/80'] });
  });

  it('refuses a zone id, a bad prefix length and what is no address', () => {
    for (const text of ['fe80::1%eth0', '10.0.0.0/33', '::1/129', '10.0.0.1/', 'example.com', '10.0.0.0/8;1.2.3.4', '01.0.0.0/8', '127.0.0.1:80']) {
      assert.equal(parseProxyList(text).ok, false, text);
    }
  });
});
