/** Username rules of spec section 8. */

export const MAX_USERNAME_LENGTH = 128;

// C0 and C1 control characters.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/u;

/**
 * The key a username is unique and looked up by: Unicode lower case, as Kolmisoft's
 * case-insensitive MySQL collation behaves for the letters clients send.
 */
export function usernameKey(username: string): string {
  return username.toLowerCase();
}

/** Why a username cannot be stored, or undefined when it can. Lengths count characters. */
export function usernameProblem(username: string): string | undefined {
  const length = [...username].length;
  if (length === 0) return 'a username cannot be empty';
  if (length > MAX_USERNAME_LENGTH) return `a username has at most ${MAX_USERNAME_LENGTH} characters`;
  if (CONTROL_CHARACTER.test(username)) return 'a username cannot contain control characters';
  if (!username.isWellFormed()) return 'a username must be valid Unicode text';
  return undefined;
}
