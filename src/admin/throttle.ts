/** Throttled client addresses: which are counted or blocked, and unblocking one. */
import type { Actor } from '../domain/actor.js';
import { canonicalIp } from '../domain/ip-address.js';
import type { Store, ThrottledClient } from '../store/store.js';
import { invalid } from './admin-error.js';

/** Every address with failures counted or a block in force now, most recent window first. */
export async function listThrottled(store: Store, nowMs = Date.now()): Promise<readonly ThrottledClient[]> {
  return store.throttledClients(nowMs);
}

// The bucket of a proxy hop that is no address (see unparsedHopBucket): named as listed.
const UNPARSED_BUCKET = /^unparsed:[\x20-\x7e]{0,64}$/;

/**
 * Forgets an address's failures and block, on every node within its next refresh. The address
 * may be written in any form the throttle counts as one (`::ffff:192.0.2.1` is `192.0.2.1`).
 * `unblocked` is false when nothing was held against it.
 */
export async function unblockClient(store: Store, addressText: string, by: Actor): Promise<{ address: string; unblocked: boolean }> {
  const address = canonicalIp(addressText.trim()) ?? (UNPARSED_BUCKET.test(addressText) ? addressText : undefined);
  if (address === undefined) throw invalid({ entity: 'address', field: 'address', value: addressText, reason: 'syntax' });
  return { address, unblocked: await store.unblockClient(address, by) };
}
