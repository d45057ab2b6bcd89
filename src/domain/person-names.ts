/**
 * Users' first and last names (Kolmisoft's `first_name` and `last_name`): shown by
 * `payments_get` and `user_details_get`, never looked up. Empty by default, kept as given.
 */

/** Kolmisoft's column width: every name a Kolmisoft database holds fits. */
export const MAX_PERSON_NAME_LENGTH = 255;

// C0 and C1 controls and DEL: a line break or an escape would garble every listing and document.
const CONTROL = /\p{Cc}/u;

/**
 * Why a first or last name is refused, or undefined when it is fine. Empty is fine (no name);
 * spaces are kept, since the API prints the name untrimmed. Lengths count characters.
 */
export function personNameProblem(name: string): string | undefined {
  if ([...name].length > MAX_PERSON_NAME_LENGTH) return `a name is at most ${MAX_PERSON_NAME_LENGTH} characters`;
  if (CONTROL.test(name)) return 'a name cannot hold a control character';
  if (!name.isWellFormed()) return 'a name cannot hold a lone surrogate';
  return undefined;
}
