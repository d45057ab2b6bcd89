/**
 * The optional replay-proof request signature: HMAC-SHA256 over the method, the path, the
 * sorted parameters, a timestamp and a nonce, sent in headers beside Kolmisoft's hash.
 * The README's "Security" section documents the format; examples/signed-client.ts signs it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Params } from './hash.js';

export const SIGNATURE_HEADERS = {
  timestamp: 'x-tally-timestamp',
  nonce: 'x-tally-nonce',
  signature: 'x-tally-signature',
} as const;

/** A signed request is accepted this long before and after its timestamp. */
export const SIGNATURE_WINDOW_SECONDS = 300;

const TIMESTAMP_SYNTAX = /^\d{1,12}$/;
const NONCE_SYNTAX = /^[A-Za-z0-9_-]{16,64}$/;
const SIGNATURE_SYNTAX = /^[0-9a-fA-F]{64}$/;

export interface SignatureHeaders {
  readonly timestamp: string | undefined;
  readonly nonce: string | undefined;
  readonly signature: string | undefined;
}

export type SignatureCheck =
  | { readonly ok: true; readonly nonce: string; readonly expiresAtMs: number }
  | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'expired' | 'mismatch' };

/**
 * The text that is signed, one field per line:
 * `TALLY-HMAC-SHA256`, the method, the path, the parameters, the timestamp, the nonce.
 * Parameters are `name=value` pairs, each part percent-encoded as encodeURIComponent does,
 * sorted by the encoded name then value, joined by `&`.
 */
export function canonicalRequest(method: string, path: string, params: Params, timestamp: string, nonce: string): string {
  const pairs: string[] = [];
  for (const [name, value] of params) pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  pairs.sort(byEncodedName);
  return ['TALLY-HMAC-SHA256', method, path, pairs.join('&'), timestamp, nonce].join('\n');
}

function byEncodedName(a: string, b: string): number {
  // Encoded text is ASCII, so code-unit order is byte order in every language.
  const [nameA, nameB] = [a.slice(0, a.indexOf('=')), b.slice(0, b.indexOf('='))];
  if (nameA !== nameB) return nameA < nameB ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Checks the headers' form, the timestamp's window and the HMAC under any of `keys`. The
 * nonce is not checked here: it must still be claimed in the store, once.
 */
export function checkSignature(
  headers: SignatureHeaders,
  request: { readonly method: string; readonly path: string; readonly params: Params },
  keys: readonly string[],
  nowMs: number,
): SignatureCheck {
  const { timestamp, nonce, signature } = headers;
  if (timestamp === undefined && nonce === undefined && signature === undefined) return { ok: false, reason: 'missing' };
  if (
    timestamp === undefined || !TIMESTAMP_SYNTAX.test(timestamp) ||
    nonce === undefined || !NONCE_SYNTAX.test(nonce) ||
    signature === undefined || !SIGNATURE_SYNTAX.test(signature)
  ) {
    return { ok: false, reason: 'malformed' };
  }
  const seconds = Number(timestamp);
  if (Math.abs(nowMs / 1000 - seconds) > SIGNATURE_WINDOW_SECONDS) return { ok: false, reason: 'expired' };
  const canonical = canonicalRequest(request.method, request.path, request.params, timestamp, nonce);
  const given = Buffer.from(signature, 'hex');
  // Every key is tried, so the time taken does not tell which one matched.
  let matched = false;
  for (const key of keys) {
    if (timingSafeEqual(given, createHmac('sha256', key).update(canonical, 'utf8').digest())) matched = true;
  }
  if (!matched) return { ok: false, reason: 'mismatch' };
  // The nonce is remembered until no timestamp that could carry it is accepted any more.
  return { ok: true, nonce, expiresAtMs: (seconds + SIGNATURE_WINDOW_SECONDS + 1) * 1000 };
}
