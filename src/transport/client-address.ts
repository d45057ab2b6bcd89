/**
 * Which address a request counts against. By default the TCP peer; behind load balancers
 * listed in `trusted_proxies`, the nearest forwarded hop that is not one of them. An untrusted
 * peer's forwarding headers are ignored: anyone can write them. Every address is in the
 * canonical form of domain/ip-address.ts, so the trust check and the throttle agree on who is who.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { BlockList, isIP, type Socket } from 'node:net';
import { canonicalIp, hopAddress, unparsedHopBucket } from '../domain/ip-address.js';

const proxyLists = new WeakMap<readonly string[], BlockList>();
// A socket's peer never changes: its canonical address is worked out once per connection, not
// once per request of a keep-alive connection (it was 3% of a balance read's CPU time).
const peers = new WeakMap<Socket, string>();

export function clientAddress(req: IncomingMessage, trustedProxies: readonly string[]): string {
  const peer = peerAddress(req.socket);
  if (trustedProxies.length === 0) return peer;
  const trusted = proxyListOf(trustedProxies);
  if (!isTrusted(trusted, peer)) return peer;
  const hops = forwardedHops(req.headers);
  // Right to left: each trusted hop vouches for the one before it.
  let client = peer;
  for (let index = hops.length - 1; index >= 0; index--) {
    const hop = hopAddress(hops[index]!);
    // A hop a trusted proxy wrote but nobody can read is a client of its own: counting it
    // against the proxy (or the hop after it) would let one client lock out everyone behind it.
    if (hop === undefined) return unparsedHopBucket(hops[index]!);
    client = hop;
    if (!isTrusted(trusted, hop)) break;
  }
  return client;
}

function peerAddress(socket: Socket): string {
  let peer = peers.get(socket);
  if (peer === undefined) {
    const socketAddress = socket.remoteAddress ?? '';
    peer = canonicalIp(socketAddress) ?? socketAddress;
    // A socket already closed can have lost its address: '' is not kept as its peer.
    if (socket.remoteAddress !== undefined) peers.set(socket, peer);
  }
  return peer;
}

/**
 * The hops a request names, nearest to the client first: X-Forwarded-For's when it has one
 * (balancers that append to it pass a client's own Forwarded through untouched), else the
 * `for=` of each RFC 7239 Forwarded element. Repeated headers are read as one, in order.
 */
export function forwardedHops(headers: IncomingHttpHeaders): string[] {
  const xff = headers['x-forwarded-for'];
  if (xff !== undefined) return (Array.isArray(xff) ? xff.join(',') : xff).split(',');
  const forwarded = headers['forwarded'];
  if (forwarded === undefined) return [];
  return forwardedForValues(Array.isArray(forwarded) ? forwarded.join(',') : forwarded);
}

/**
 * RFC 7239 section 4: elements split by commas, pairs by semicolons, a value a token or a
 * quoted-string. Each element gives its `for` value, or its whole text when it has none (which
 * then parses as no address).
 */
export function forwardedForValues(header: string): string[] {
  const values: string[] = [];
  for (const element of splitOutsideQuotes(header, ',')) {
    let value: string | undefined;
    for (const pair of splitOutsideQuotes(element, ';')) {
      const equals = pair.indexOf('=');
      if (equals === -1 || pair.slice(0, equals).trim().toLowerCase() !== 'for') continue;
      value = unquote(pair.slice(equals + 1).trim());
      break;
    }
    values.push(value ?? element);
  }
  return values;
}

/** Splits at `separator` where it is not inside a quoted-string. */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quoted && char === '\\') index++;
    else if (char === '"') quoted = !quoted;
    else if (!quoted && char === separator) {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** A quoted-string's content with its escapes undone; a token as it is. */
function unquote(value: string): string {
  if (!value.startsWith('"')) return value;
  const end = value.length > 1 && value.endsWith('"') ? value.length - 1 : value.length;
  return value.slice(1, end).replace(/\\(.)/g, '$1');
}

function isTrusted(list: BlockList, address: string): boolean {
  // A zone id names a link, not another host: the address is checked without it.
  const bare = address.split('%', 1)[0]!;
  const family = isIP(bare);
  return family !== 0 && list.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** The settings' list (canonical entries, see domain/proxies.ts) as a BlockList, built once per settings version. */
function proxyListOf(entries: readonly string[]): BlockList {
  const known = proxyLists.get(entries);
  if (known !== undefined) return known;
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  proxyLists.set(entries, list);
  return list;
}

/**
 * True when a trusted proxy says the client reached it over HTTPS (`X-Forwarded-Proto: https`,
 * or `proto=https` in Forwarded): what makes a session cookie `Secure`. An untrusted peer's word
 * is not taken, as for the client's address.
 */
export function cameOverHttps(req: IncomingMessage, trustedProxies: readonly string[]): boolean {
  if (trustedProxies.length === 0 || !isTrusted(proxyListOf(trustedProxies), peerAddress(req.socket))) return false;
  const proto = req.headers['x-forwarded-proto'];
  if (proto !== undefined) {
    // The nearest proxy's word is the last one: each appends what it saw.
    const values = (Array.isArray(proto) ? proto.join(',') : proto).split(',');
    return values.at(-1)!.trim().toLowerCase() === 'https';
  }
  const forwarded = req.headers['forwarded'];
  if (forwarded === undefined) return false;
  const elements = splitOutsideQuotes(Array.isArray(forwarded) ? forwarded.join(',') : forwarded, ',');
  for (const pair of splitOutsideQuotes(elements.at(-1)!, ';')) {
    const equals = pair.indexOf('=');
    if (equals !== -1 && pair.slice(0, equals).trim().toLowerCase() === 'proto') return unquote(pair.slice(equals + 1).trim()).toLowerCase() === 'https';
  }
  return false;
}
