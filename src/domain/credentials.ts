/**
 * How operators' credentials are kept (spec admin-api.md section 2): passwords with scrypt, a
 * memory-hard hash, and a salt of their own; API tokens as their SHA-256 digest only. Neither
 * is ever stored, logged or returned in the clear.
 */
import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// N = 2^15 with r = 8 takes 32 MiB and tens of milliseconds per hash: OWASP's floor for scrypt
// is N = 2^17 with p = 1 at r = 8 or, as here, an equivalent cost spread as N = 2^15, p = 3.
const COST = { N: 2 ** 15, r: 8, p: 3 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** Room for the work area (128 * N * r bytes) with some to spare. */
const MAX_MEMORY = 64 * 1024 * 1024;

/** `scrypt$N$r$p$SALT$HASH`, salt and hash in base64url: the parameters travel with the hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * True when `password` is the one `stored` was made from. The comparison takes the same time
 * wherever the first difference is; a stored value that does not parse matches nothing.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0)) return false;
  // scrypt throws for an N that is not a power of two, or a cost past the memory allowed.
  if ((N & (N - 1)) !== 0 || 128 * N * r > MAX_MEMORY / 2) return false;
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  const key = await derive(password, Buffer.from(parts[4]!, 'base64url'), { N, r, p });
  return timingSafeEqual(key, expected);
}

/**
 * Checked against when no operator has the name given, so that an unknown name costs the same
 * time as a wrong password and the two cannot be told apart.
 */
export const DECOY_PASSWORD_HASH = `scrypt$${COST.N}$${COST.r}$${COST.p}$${'A'.repeat(22)}$${'A'.repeat(43)}`;

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: MAX_MEMORY };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** The prefix of every API token: a leaked one is recognisable (secret scanners, logs). */
export const API_TOKEN_PREFIX = 'tally_';

/** A new API token: the prefix and 32 random bytes (256 bits) in base64url. Shown once. */
export function newApiToken(): string {
  return API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** What is stored of a token, and looked up by: the SHA-256 of it, in hex. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The prefix of every console session token: told apart from an API token at a glance. */
export const SESSION_TOKEN_PREFIX = 'tallys_';
const SESSION_TOKEN_SYNTAX = /^tallys_[A-Za-z0-9_-]{43}$/;

/** A new console session token: the prefix and 32 random bytes in base64url. Kept only as its digest. */
export function newSessionToken(): string {
  return SESSION_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** True when the text has the shape of a session token (so anything else is not looked up). */
export function isSessionTokenShaped(text: string): boolean {
  return SESSION_TOKEN_SYNTAX.test(text);
}

// Changing the label ends every console's CSRF token at once (sessions themselves carry on).
const CSRF_LABEL = 'tally admin csrf v1';

/**
 * The CSRF token of a session, derived from its token (HMAC-SHA256 keyed by it, in base64url)
 * so that it is never stored: only the holder of the session cookie can compute it, and the
 * CSRF token tells nothing of the cookie.
 */
export function csrfTokenOf(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update(CSRF_LABEL, 'utf8').digest('base64url');
}

/** True when `given` is the session's CSRF token, compared in constant time. */
export function csrfTokenMatches(sessionToken: string, given: string): boolean {
  const expected = Buffer.from(csrfTokenOf(sessionToken), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
