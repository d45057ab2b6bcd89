/** The trusted proxy list: IP addresses and CIDR ranges, written `a,b,c`. */
import { formatIp, formatIpv6, mappedIpv4, parseIp } from './ip-address.js';

export type ProxyList = { ok: true; entries: string[] } | { ok: false; reason: string };

/**
 * Parses `10.0.0.1, 192.168.0.0/16, ::1` (spaces ignored); '' is the empty list. Entries come
 * back in the canonical form of ip-address.ts, as client addresses are compared in it.
 */
export function parseProxyList(text: string): ProxyList {
  const written = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  const entries: string[] = [];
  for (const entry of written) {
    const canonical = canonicalProxyEntry(entry);
    if (canonical === undefined) return { ok: false, reason: `"${entry}" is not an IP address or CIDR range` };
    entries.push(canonical);
  }
  return { ok: true, entries };
}

/** `::ffff:127.0.0.1` as `127.0.0.1`, `::ffff:10.0.0.0/104` as `10.0.0.0/8`; undefined when invalid. */
function canonicalProxyEntry(entry: string): string | undefined {
  const slash = entry.indexOf('/');
  const base = parseIp(slash === -1 ? entry : entry.slice(0, slash));
  // A zone names a link on one host; a trust list of addresses has no use for it.
  if (base === undefined || (base.family === 6 && base.zone !== '')) return undefined;
  if (slash === -1) return formatIp(base);
  const bitsText = entry.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (base.family === 4) return bits <= 32 ? `${formatIp(base)}/${bits}` : undefined;
  if (bits > 128) return undefined;
  const mapped = mappedIpv4(base.groups);
  if (mapped === undefined) return `${formatIpv6(base.groups)}/${bits}`;
  // A range inside ::ffff:0:0/96 is a range of IPv4 clients; a wider one stays IPv6, spelt so.
  return bits >= 96 ? `${mapped.join('.')}/${bits - 96}` : `::ffff:${mapped.join('.')}/${bits}`;
}
