/**
 * Idempotency keys of the admin API (spec admin-api.md section 3): a money-moving request sent
 * again with the same key and the same body answers the first answer again, byte for byte, and
 * changes nothing; the key with any other request is a conflict. The key also becomes the ledger
 * entry's key, in the one namespace every surface shares, so a key names one change wherever it
 * was made.
 */
import { createHash } from 'node:crypto';
import type { Replies, StoredReply } from '../store/store.js';
import { AdminError } from './admin-error.js';

export const MAX_ADMIN_KEY_LENGTH = 255;
const KEY_SYNTAX = /^[\x20-\x7e]{1,255}$/;

/** The header's key: 1 to 255 printable ASCII characters. */
export function readIdempotencyKey(field: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!KEY_SYNTAX.test(text)) throw new AdminError('invalid', { entity: 'key', field, limit: MAX_ADMIN_KEY_LENGTH });
  return text;
}

/** What "the same request" means: the same method, target and body bytes. */
export function requestDigest(method: string, target: string, body: Buffer): string {
  return createHash('sha256').update(`${method} ${target}\n`, 'utf8').update(body).digest('hex');
}

/** The stored answer to replay for this key, if any; a conflict when the key was used for another request. */
export async function replayFor(store: Replies, key: string, digest: string): Promise<StoredReply | undefined> {
  const stored = await store.findReply(key);
  if (stored === undefined) return undefined;
  if (stored.requestDigest !== digest) throw keyConflict(key);
  return stored;
}

/** Keeps a first answer; when another request with the key got in first, its answer is the one kept. */
export async function keepReply(store: Replies, key: string, reply: StoredReply): Promise<StoredReply> {
  const kept = await store.saveReply(key, reply);
  if (kept.requestDigest !== reply.requestDigest) throw keyConflict(key);
  return kept;
}

/** The key was used before, by another request or another surface. */
export function keyConflict(key: string): AdminError {
  return new AdminError('conflict', { entity: 'key', field: 'Idempotency-Key', value: key, reason: 'duplicate_key' });
}
