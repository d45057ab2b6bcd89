/**
 * Webhook endpoints: their secrets (Standard Webhooks' `whsec_` and base64), their event lists,
 * and which destinations are private. A webhook must not become a way into the operator's own
 * network, so loopback, link-local, private and other non-public addresses are refused unless
 * the owner allows them (setting webhook_allow_private).
 */
import { EVENT_TYPES, isEventType, type EventType } from './events.js';
import { mappedIpv4, parseIp } from './ip-address.js';

export const WEBHOOK_STATES = ['enabled', 'failing', 'disabled'] as const;
export type WebhookState = (typeof WEBHOOK_STATES)[number];

export const SECRET_PREFIX = 'whsec_';
/** 24 random bytes, as Svix and the Standard Webhooks libraries make them. */
export const SECRET_BYTES = 24;
/** How long the old secret keeps signing beside the new one after a rotation. */
export const PREVIOUS_SECRET_MS = 24 * 60 * 60 * 1000;
export const MAX_URL_LENGTH = 2000;

/** The secret's text for these random bytes. */
export function formatSecret(bytes: Uint8Array): string {
  return SECRET_PREFIX + Buffer.from(bytes).toString('base64');
}

/** The key bytes of a `whsec_` secret: what HMAC-SHA256 signs with. */
export function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/** A comma-separated list of event types, each known, none twice; or the one unknown name. */
export function parseEventList(text: string): { ok: true; events: EventType[] } | { ok: false; unknown: string } {
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (names.length === 0) return { ok: false, unknown: '' };
  for (const name of names) if (!isEventType(name)) return { ok: false, unknown: name };
  // In the catalogue's order, so one list has one spelling.
  return { ok: true, events: EVENT_TYPES.filter((type) => names.includes(type)) };
}

export type UrlProblem = 'syntax' | 'scheme' | 'credentials' | 'too_long';

/** An endpoint's URL: absolute http or https, no user or password in it. */
export function checkWebhookUrl(text: string): { ok: true; url: URL } | { ok: false; problem: UrlProblem } {
  if (text.length > MAX_URL_LENGTH) return { ok: false, problem: 'too_long' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, problem: 'syntax' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, problem: 'scheme' };
  if (url.username !== '' || url.password !== '') return { ok: false, problem: 'credentials' };
  return { ok: true, url };
}

/** The URL's host as an address when it is one (IPv6 without its brackets), else undefined: a name. */
export function hostAddress(url: URL): string | undefined {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return parseIp(host) === undefined ? undefined : host;
}

// [first address as a number, prefix length] of every IPv4 range that is not the public internet.
const PRIVATE_V4: readonly (readonly [number, number])[] = [
  [0x00000000, 8], // "this network"
  [0x0a000000, 8], // private
  [0x64400000, 10], // carrier-grade NAT
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local (cloud metadata)
  [0xac100000, 12], // private
  [0xc0000000, 24], // IETF protocol assignments
  [0xc0a80000, 16], // private
  [0xc6120000, 15], // benchmarking
  [0xe0000000, 4], // multicast
  [0xf0000000, 4], // reserved and broadcast
];

/** True for a loopback, link-local, private or otherwise non-public address (IPv4 or IPv6). */
export function isPrivateAddress(text: string): boolean {
  const ip = parseIp(text);
  if (ip === undefined) return true;
  if (ip.family === 4) return isPrivateV4(ip.octets);
  const groups = ip.groups;
  const mapped = mappedIpv4(groups);
  if (mapped !== undefined) return isPrivateV4(mapped);
  const first = groups[0]!;
  if (groups.every((group, index) => group === (index === 7 ? 1 : 0))) return true; // ::1
  if (groups.every((group) => group === 0)) return true; // ::
  if ((first & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
  if ((first & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  if ((first & 0xff00) === 0xff00) return true; // multicast
  // NAT64 (64:ff9b::/96) carries an IPv4 address: judged by it.
  if (first === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((group) => group === 0)) {
    return isPrivateV4([groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff]);
  }
  return false;
}

function isPrivateV4(octets: readonly number[]): boolean {
  const value = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  return PRIVATE_V4.some(([start, prefix]) => value >>> (32 - prefix) === start >>> (32 - prefix));
}
