/** Balances and the ledger: adjustments with a comment and an idempotency key, history, verify. */
import type { Actor } from '../domain/actor.js';
import type { LedgerEntry, LedgerMismatch } from '../domain/ledger.js';
import type { UsernameCollision } from '../domain/usernames.js';
import type { Store, UserRecord } from '../store/store.js';
import { AdminError, notFound } from './admin-error.js';
import { readAmount, readComment, readKey, readLimit, type RawNumber } from './raw-input.js';
import { keyConflict, readIdempotencyKey } from './idempotency.js';
import { closedUserError, findUser, type UserSelector } from './users.js';

export interface AdjustmentInput {
  /** Signed, in the system currency; zero is refused. */
  readonly amount: string;
  readonly comment?: string;
  /**
   * A retry with the same key changes nothing twice; a key names one change, whatever its source.
   * The CLI's `--key`, by the ledger's rule (1 to 128 characters, as Kolmisoft's transaction_id).
   */
  readonly key?: string;
  /**
   * The admin API's Idempotency-Key instead (1 to 255 printable ASCII characters): a key the ledger
   * knows replays only the same adjustment made there (see adjustBalance).
   */
  readonly idempotencyKey?: string;
}

export interface Adjustment {
  /** `replayed`: the key was used before with this user and amount; `entry` is that first entry. */
  readonly kind: 'applied' | 'replayed';
  readonly entry: LedgerEntry;
  readonly username: string;
}

/**
 * Adds a signed amount to a user's balance as one ledger entry. With the admin API's
 * Idempotency-Key, a key the ledger already holds with this user and amount is a replay only when
 * that entry came from the admin API with the same comment (a retry that raced the first, or an
 * answer lost between the entry and the stored reply); a key used by another surface or with
 * another body is a conflict.
 */
export async function adjustBalance(store: Store, selector: UserSelector, input: AdjustmentInput, by: Actor): Promise<Adjustment> {
  const amount = readAmount('amount', input.amount);
  const comment = readComment('comment', input.comment);
  const requestKey = readIdempotencyKey('Idempotency-Key', input.idempotencyKey);
  const idempotencyKey = requestKey ?? readKey('key', input.key);
  const user = await findUser(store, selector);
  if (user.status === 'closed') throw closedUserError(user);
  const result = await store.applyBalanceChange({
    user: { id: user.id },
    amount,
    by,
    comment,
    ...(idempotencyKey !== undefined && { idempotencyKey }),
  });
  switch (result.kind) {
    case 'replayed':
      if (requestKey !== undefined && (result.entry.source !== 'admin' || result.entry.comment !== comment)) throw keyConflict(requestKey);
      return { kind: result.kind, entry: result.entry, username: result.username };
    case 'applied':
      return { kind: result.kind, entry: result.entry, username: result.username };
    case 'user_not_found': // closed meanwhile
      throw notFound('user', user.username, 'username');
    case 'duplicate_key':
      if (requestKey !== undefined) throw keyConflict(requestKey);
      throw new AdminError('conflict', { entity: 'key', field: 'key', value: idempotencyKey!, reason: 'duplicate_key' });
    case 'out_of_range':
      throw new AdminError('invalid', { entity: 'amount', field: 'amount', value: input.amount, reason: 'balance_out_of_range' });
    case 'hash_reused':
      throw new Error('a change without an authorization was refused for a reused hash'); // a store bug
  }
}

export const DEFAULT_HISTORY_LIMIT = 20;

/** A user's ledger entries, newest first. */
export async function balanceHistory(
  store: Store,
  selector: UserSelector,
  input: { readonly limit?: RawNumber } = {},
): Promise<{ user: UserRecord; entries: readonly LedgerEntry[] }> {
  const limit = readLimit('limit', input.limit, DEFAULT_HISTORY_LIMIT);
  const user = await findUser(store, selector);
  return { user, entries: await store.ledgerEntries(user.id, limit) };
}

export interface VerifyReport {
  /** True when every balance equals the sum of its entries and no two names collide. */
  readonly ok: boolean;
  readonly users: number;
  readonly entries: number;
  readonly mismatches: readonly LedgerMismatch[];
  /** Pairs of users one name now stands for, left apart by the NFC migration: one must be renamed. */
  readonly collisions: readonly UsernameCollision[];
}

/** Checks every balance against its ledger, and usernames against their keys. */
export async function verifyDatabase(store: Store): Promise<VerifyReport> {
  const report = await store.verifyLedger();
  const collisions = await store.usernameCollisions();
  return { ok: report.mismatches.length === 0 && collisions.length === 0, ...report, collisions };
}
