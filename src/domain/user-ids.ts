/** The ids users are addressed by (the API's `user_id`, the CSV's `id`). */
import { TallyError } from './errors.js';

/**
 * The largest user id Tally hands out or accepts. Kolmisoft's `users.id` is a MySQL INT, and
 * its Java and PHP clients read `user_id` as a 32-bit integer: a larger id names a user that
 * no client can address.
 */
export const MAX_USER_ID = 2147483647;

// Digits, leading zeros allowed (`007` is 7); at most 15, so the text always reads exactly as a number.
const USER_ID_SYNTAX = /^\d{1,15}$/;

/** The user id a request's `user_id` names, or undefined: not digits, or above MAX_USER_ID (no store hands one out). */
export function parseUserId(text: string): number | undefined {
  if (!USER_ID_SYNTAX.test(text)) return undefined;
  const id = Number(text);
  return id <= MAX_USER_ID ? id : undefined;
}

/** The refusal of a new user whom the stores would number above MAX_USER_ID. */
export function noUserIdLeft(): TallyError {
  return new TallyError('conflict', `no user id is left: ids go up to ${MAX_USER_ID}, the largest a Kolmisoft client can address; nothing was added`);
}

/** The refusal of an import that would place a user (or, without a name, number users from) above MAX_USER_ID. */
export function importIdTooLarge(username: string | undefined, id: bigint | number): TallyError {
  const who = username === undefined ? 'users would be numbered from' : `user ${username} would get id`;
  return new TallyError('conflict', `${who} ${id}, above ${MAX_USER_ID}, the largest a Kolmisoft client can address; nothing was imported`);
}
