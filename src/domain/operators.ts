/**
 * Operators of the admin API (spec admin-api.md section 2): the people and scripts that run
 * Tally, apart from its customers (users) and from Kolmisoft's admin logins (`u=`). Each has one
 * role; a role allows everything the roles below it allow.
 */

export const OPERATOR_ROLES = ['viewer', 'admin', 'owner'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

const RANK: Readonly<Record<OperatorRole, number>> = { viewer: 0, admin: 1, owner: 2 };

export function isOperatorRole(text: string): text is OperatorRole {
  return (OPERATOR_ROLES as readonly string[]).includes(text);
}

/** True when an operator of role `held` may do what needs role `needed`. */
export function roleAllows(held: OperatorRole, needed: OperatorRole): boolean {
  return RANK[held] >= RANK[needed];
}

export const MIN_PASSWORD_LENGTH = 12;
/** Long enough for any passphrase; a longer one is refused before it costs a hash. */
export const MAX_PASSWORD_LENGTH = 1024;
export const MAX_OPERATOR_NAME_LENGTH = 64;
export const MAX_TOKEN_LABEL_LENGTH = 64;

// An operator's name appears in the audit log, in `Actor` names and in URLs
// (`/admin/v1/operators/{name}`): letters, digits and a few separators, nothing to escape.
const OPERATOR_NAME_SYNTAX = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;
const TOKEN_LABEL_SYNTAX = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/**
 * The key an operator is unique and looked up by. Names are ASCII (operatorNameProblem): their
 * lower case. Any other text names no operator and gets a key no name has ('': JavaScript
 * lower-cases the Kelvin sign to k, and PostgreSQL refuses a NUL).
 */
export function operatorKey(username: string): string {
  return /^[\x20-\x7e]*$/.test(username) ? username.toLowerCase() : '';
}

/** Why a new operator name cannot be used, or undefined when it can. */
export function operatorNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'an operator name cannot be empty';
  if (name.length > MAX_OPERATOR_NAME_LENGTH) return `an operator name has at most ${MAX_OPERATOR_NAME_LENGTH} characters`;
  if (!OPERATOR_NAME_SYNTAX.test(name)) return 'an operator name takes letters, digits and . _ @ - (starting with a letter or digit)';
  return undefined;
}

/** Why a password cannot be used, or undefined when it can. Counted in characters, not bytes. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `a password has at least ${MIN_PASSWORD_LENGTH} characters`;
  if (length > MAX_PASSWORD_LENGTH) return `a password has at most ${MAX_PASSWORD_LENGTH} characters`;
  if (!password.isWellFormed()) return 'a password must be valid Unicode text';
  return undefined;
}

/** Why a token label cannot be used: printable ASCII, no space at either end. */
export function tokenLabelProblem(label: string): string | undefined {
  if (label.length === 0 || label.length > MAX_TOKEN_LABEL_LENGTH) return `a token label has 1 to ${MAX_TOKEN_LABEL_LENGTH} characters`;
  if (!TOKEN_LABEL_SYNTAX.test(label)) return 'a token label takes printable ASCII characters, with no space at either end';
  return undefined;
}
