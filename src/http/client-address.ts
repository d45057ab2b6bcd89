/**
 * Which address a request counts against. By default the TCP peer; behind load balancers
 * listed in `trusted_proxies`, the nearest X-Forwarded-For hop that is not one of them. An
 * untrusted peer's X-Forwarded-For is ignored: anyone can write that header.
 */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

const proxyLists = new WeakMap<readonly string[], BlockList>();

export function clientAddress(req: IncomingMessage, trustedProxies: readonly string[]): string {
  const peer = normalizeAddress(req.socket.remoteAddress ?? '');
  if (trustedProxies.length === 0) return peer;
  const trusted = proxyListOf(trustedProxies);
  if (!isTrusted(trusted, peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  if (header === undefined) return peer;
  // Right to left: each trusted hop vouches for the one before it.
  const hops = (Array.isArray(header) ? header.join(',') : header).split(',');
  let client = peer;
  for (let index = hops.length - 1; index >= 0; index--) {
    const hop = normalizeAddress(hops[index]!.trim());
    if (isIP(hop) === 0) break; // a damaged header: the last good hop stands
    client = hop;
    if (!isTrusted(trusted, hop)) break;
  }
  return client;
}

/** `::ffff:192.0.2.1` is the IPv4 client 192.0.2.1 on a dual-stack socket. */
function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The settings' list as a BlockList, built once per settings version. */
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
