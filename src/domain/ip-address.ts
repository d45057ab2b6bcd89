/**
 * One canonical spelling for every IP address Tally counts or trusts, so that one client is one
 * throttle bucket however a socket or a proxy wrote it: IPv4 in dotted decimal, an IPv4-mapped
 * IPv6 address as its IPv4 address, any other IPv6 address as RFC 5952 writes it (a zone id is
 * kept after `%`). Hand-written because Node has no serialiser for this and URL's keeps mapped
 * addresses as IPv6.
 */

/** An address taken apart: four octets, or eight 16-bit groups and a zone id ('' for none). */
export type ParsedIp =
  | { readonly family: 4; readonly octets: readonly number[] }
  | { readonly family: 6; readonly groups: readonly number[]; readonly zone: string };

const IPV4_OCTET = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
// RFC 6874's unreserved characters: enough for interface names and numbers, nothing a log or a
// bucket name must fear (no `:` either, so a zoned address cannot look like anything else).
const ZONE_ID = /^[A-Za-z0-9._~-]{1,64}$/;

/** The address `text` spells exactly (no port, no brackets, no spaces), or undefined. */
export function parseIp(text: string): ParsedIp | undefined {
  if (!text.includes(':')) {
    const octets = parseIpv4(text);
    return octets === undefined ? undefined : { family: 4, octets };
  }
  const percent = text.indexOf('%');
  const zone = percent === -1 ? '' : text.slice(percent + 1);
  if (percent !== -1 && !ZONE_ID.test(zone)) return undefined;
  const groups = parseIpv6(percent === -1 ? text : text.slice(0, percent));
  return groups === undefined ? undefined : { family: 6, groups, zone };
}

/** `text` in the canonical form, or undefined when it is not an IP address. */
export function canonicalIp(text: string): string | undefined {
  const parsed = parseIp(text);
  return parsed === undefined ? undefined : formatIp(parsed);
}

/** The canonical spelling of a parsed address; a mapped one is its IPv4 address. */
export function formatIp(ip: ParsedIp): string {
  if (ip.family === 4) return ip.octets.join('.');
  const mapped = mappedIpv4(ip.groups);
  if (mapped !== undefined) return mapped.join('.');
  return formatIpv6(ip.groups) + (ip.zone === '' ? '' : '%' + ip.zone);
}

/** The IPv4 octets of an IPv4-mapped address (`::ffff:a.b.c.d`), else undefined. */
export function mappedIpv4(groups: readonly number[]): number[] | undefined {
  for (let index = 0; index < 5; index++) if (groups[index] !== 0) return undefined;
  if (groups[5] !== 0xffff) return undefined;
  const [high, low] = [groups[6]!, groups[7]!];
  return [high >> 8, high & 0xff, low >> 8, low & 0xff];
}

/**
 * RFC 5952 section 4: lower case, no leading zeros, the longest run of two or more zero groups
 * (the first of equal runs) written `::`, a lone zero group written `0`.
 */
export function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; ) {
    if (groups[start] !== 0) {
      start++;
      continue;
    }
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    if (end - start > bestLength) [bestStart, bestLength] = [start, end - start];
    start = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(':');
  return hex.slice(0, bestStart).join(':') + '::' + hex.slice(bestStart + bestLength).join(':');
}

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => IPV4_OCTET.test(part))) return undefined;
  return parts.map(Number);
}

/** Eight groups from RFC 4291 section 2.2 text: hex groups, at most one `::`, an IPv4 tail. */
function parseIpv6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? groupsOf(halves[1]!, true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const given = head.length + tail.length;
  // Without `::` there must be eight groups; with it, `::` stands for at least one zero group.
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  return [...head, ...new Array<number>(8 - given).fill(0), ...tail];
}

/** The groups of one side of `::` ('' is none); only the last side may end in dotted IPv4. */
function groupsOf(text: string, mayEndInIpv4: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!;
    if (HEX_GROUP.test(part)) groups.push(parseInt(part, 16));
    else if (mayEndInIpv4 && index === parts.length - 1 && part.includes('.')) {
      const octets = parseIpv4(part);
      if (octets === undefined) return undefined;
      groups.push((octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!);
    } else return undefined;
  }
  return groups;
}

/**
 * The address of one proxy hop as proxies write it: `192.0.2.1`, `192.0.2.1:5123`,
 * `2001:db8::1`, `[2001:db8::1]`, `[2001:db8::1]:443`, with spaces around; canonical, or
 * undefined when the hop is anything else (`unknown`, an obfuscated `_name`, garbage, empty).
 */
export function hopAddress(hop: string): string | undefined {
  const text = hop.trim();
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return undefined;
    const rest = text.slice(close + 1);
    if (rest !== '' && !isPortSuffix(rest)) return undefined;
    const inside = parseIp(text.slice(1, close));
    return inside?.family === 6 ? formatIp(inside) : undefined;
  }
  const colons = text.split(':').length - 1;
  // One colon is IPv4 and a port; more is a bare IPv6 address, which cannot carry a port.
  if (colons === 1) {
    const colon = text.indexOf(':');
    if (!isPortSuffix(text.slice(colon))) return undefined;
    const address = parseIp(text.slice(0, colon));
    return address?.family === 4 ? formatIp(address) : undefined;
  }
  return canonicalIp(text);
}

/** `:5123`, or RFC 7239's obfuscated port `:_abc`. */
function isPortSuffix(text: string): boolean {
  return /^:(?:\d{1,5}|_[A-Za-z0-9._-]+)$/.test(text);
}

const UNPARSED_PREFIX = 'unparsed:';
const MAX_UNPARSED_LENGTH = 64;

/**
 * The throttle bucket of a hop that is no address: its own, named after it, so its failures
 * fall on neither the proxy nor anyone else. The name keeps printable ASCII only, at most 64
 * characters, and its prefix (`u` is no hex digit) cannot begin any canonical address.
 */
export function unparsedHopBucket(hop: string): string {
  const printable = hop.trim().replace(/[^\x20-\x7e]/g, '');
  return UNPARSED_PREFIX + printable.slice(0, MAX_UNPARSED_LENGTH);
}
