/** The trusted proxy list: IP addresses and CIDR ranges, written `a,b,c`. */
import { isIP } from 'node:net';

export type ProxyList = { ok: true; entries: string[] } | { ok: false; reason: string };

/** Parses `10.0.0.1, 192.168.0.0/16, ::1` (spaces ignored); '' is the empty list. */
export function parseProxyList(text: string): ProxyList {
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const entry of entries) {
    if (!isProxyEntry(entry)) return { ok: false, reason: `"${entry}" is not an IP address or CIDR range` };
  }
  return { ok: true, entries };
}

function isProxyEntry(entry: string): boolean {
  const slash = entry.indexOf('/');
  if (slash === -1) return isIP(entry) !== 0;
  const family = isIP(entry.slice(0, slash));
  const bits = entry.slice(slash + 1);
  if (family === 0 || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}
