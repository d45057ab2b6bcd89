/** Helpers for the tests of the section 10 methods: paths, signed parameters, ledger read-backs. */
import type { HistoryEntry } from '../support/seed.js';
import { post, sign, type Answer, type Harness } from './helpers.js';

export const UPDATE_PATH = '/billing/api/user_balance_update';
export const OLD_UPDATE_PATH = '/billing/api/user_balance_change';
export const RATE_PATH = '/billing/api/exchange_rate_update';

/** Parameters of a signed user_balance_update (user_id hashed as written here: pass it canonical). */
export function update(userId: string, balance: string, extra: Record<string, string> = {}, u = 'admin'): Record<string, string> {
  return { u, user_id: userId, balance, ...extra, hash: sign(userId, balance, extra['transaction_id'] ?? '') };
}

export function postUpdate(h: Harness, params: Record<string, string>, path = UPDATE_PATH): Promise<Answer> {
  return post(h, params, path);
}

/** One field of a user, as `tally user show NAME` shows it. */
export async function userField(h: Harness, name: string, field: 'id' | 'uniquehash' | 'balance'): Promise<string> {
  return (await h.operator.user(name))[field];
}

/** Every ledger entry of a user, newest first, as `tally balance history NAME --json` prints them. */
export function history(h: Harness, name: string): Promise<HistoryEntry[]> {
  return h.operator.history(name);
}

/** Asserts what `tally verify` checks: every balance matches its ledger. */
export async function assertVerified(h: Harness): Promise<void> {
  await h.operator.assertVerified();
}
