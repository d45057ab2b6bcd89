/**
 * Operators of the admin API (spec admin-api.md section 2): adding and removing them, their
 * passwords and API tokens, and checking a password or a token. Passwords are hashed and tokens
 * digested here, before anything reaches the store; neither comes back out.
 */
import type { Actor } from '../domain/actor.js';
import { DECOY_PASSWORD_HASH, hashPassword, newApiToken, tokenDigest, verifyPassword } from '../domain/credentials.js';
import { isOperatorRole, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, operatorNameProblem, passwordProblem, tokenLabelProblem, type OperatorRole } from '../domain/operators.js';
import type { OperatorRecord, Operators } from '../store/store.js';
import { AdminError, invalid, notFound, storeCall } from './admin-error.js';

/** What any surface may show of an operator: never its password hash. */
export interface OperatorView {
  readonly username: string;
  readonly role: OperatorRole;
  readonly createdAt: string;
  readonly passwordChangedAt: string;
  /** Its tokens' labels and times; a token itself is shown once, when it is made. */
  readonly tokens: readonly { readonly label: string; readonly createdAt: string }[];
}

export interface NewOperatorInput {
  readonly username: string;
  readonly role: string;
  readonly password: string;
}

export async function addOperator(store: Operators, input: NewOperatorInput, by: Actor): Promise<OperatorView> {
  const username = readOperatorName('username', input.username);
  const role = readOperatorRole('role', input.role);
  const password = readPassword('password', input.password);
  const passwordHash = await hashPassword(password);
  const added = await storeCall(() => store.addOperator({ username, role, passwordHash }, by), { entity: 'operator', field: 'username', value: username });
  return viewOf(added);
}

/** Every operator, by name. */
export async function listOperators(store: Operators): Promise<readonly OperatorView[]> {
  return (await store.listOperators()).map(viewOf);
}

/** Removes an operator with its tokens: a conflict for the last owner, who would leave no one able to manage operators. */
export async function removeOperator(store: Operators, username: string, by: Actor): Promise<void> {
  const outcome = await store.removeOperator(username, by);
  if (outcome === 'not_found') throw notFound('operator', username, 'username');
  if (outcome === 'last_owner') throw lastOwner(username);
}

/**
 * Gives an operator another role: a conflict for the last owner's demotion, as for its removal.
 * Its open sessions and tokens carry the new role from their next request (each request reads
 * the operator afresh), so nothing else needs ending.
 */
export async function changeOperatorRole(store: Operators, username: string, role: string, by: Actor): Promise<OperatorView> {
  const checked = readOperatorRole('role', role);
  const outcome = await store.setOperatorRole(username, checked, by);
  if (outcome === 'not_found') throw notFound('operator', username, 'username');
  if (outcome === 'last_owner') throw lastOwner(username);
  return viewOf(outcome);
}

/** The one refusal of taking the owner role from the last operator holding it. */
function lastOwner(username: string): AdminError {
  return new AdminError('conflict', { entity: 'operator', field: 'username', value: username, reason: 'last_owner' });
}

export async function changePassword(store: Operators, username: string, password: string, by: Actor): Promise<void> {
  const checked = readPassword('password', password);
  if ((await store.findOperator(username)) === undefined) throw notFound('operator', username, 'username');
  if ((await store.setOperatorPassword(username, await hashPassword(checked), by)) === 'not_found') throw notFound('operator', username, 'username');
}

/**
 * A new API token for the operator, returned this once: only its digest is kept. Without a
 * label it is called `token-N`, the first N that operator has not used.
 */
export async function createToken(store: Operators, username: string, label: string | undefined, by: Actor): Promise<{ readonly token: string; readonly label: string }> {
  const token = newApiToken();
  const digest = tokenDigest(token);
  // A default label is chosen from what was read; another token made meanwhile may take it
  // first, and then the next free one is tried.
  for (let attempt = 0; ; attempt++) {
    const operator = await store.findOperator(username);
    if (operator === undefined) throw notFound('operator', username, 'username');
    const chosen = label === undefined ? freeLabel(operator) : readTokenLabel('label', label);
    const outcome = await store.addOperatorToken(username, { label: chosen, digest }, by);
    if (outcome === 'added') return { token, label: chosen };
    if (outcome === 'not_found') throw notFound('operator', username, 'username');
    if (label !== undefined || attempt === 4) throw new AdminError('conflict', { entity: 'token', field: 'label', value: chosen, reason: 'label_taken' });
  }
}

export async function revokeToken(store: Operators, username: string, label: string, by: Actor): Promise<void> {
  if ((await store.findOperator(username)) === undefined) throw notFound('operator', username, 'username');
  if ((await store.revokeOperatorToken(username, label, by)) === 'not_found') throw notFound('token', label, 'label');
}

/**
 * The operator whose name and password these are, or undefined. An unknown name costs the same
 * hash as a wrong password, so the answer's timing does not tell them apart.
 */
export async function checkPassword(store: Operators, username: string, password: string): Promise<OperatorView | undefined> {
  const operator = await checkOperatorPassword(store, username, password);
  return operator === undefined ? undefined : viewOf(operator);
}

/** checkPassword's stored record (with its id), for what the admin layer does next (a session). */
export async function checkOperatorPassword(store: Operators, username: string, password: string): Promise<OperatorRecord | undefined> {
  // The same work whatever is wrong: one look-up (of a name that cannot exist when it is not a
  // valid one) and one hash (of a password cut to the longest one can have).
  const operator = await store.findOperator(operatorNameProblem(username) === undefined ? username : '');
  const matches = await verifyPassword(password.slice(0, MAX_PASSWORD_LENGTH * 2), operator?.passwordHash ?? DECOY_PASSWORD_HASH);
  return operator !== undefined && matches && passwordProblem(password) === undefined ? operator : undefined;
}

/** The operator holding this API token, or undefined. Looked up by its digest: a unique index, no comparison of secrets in JavaScript. */
export async function checkToken(store: Operators, token: string): Promise<OperatorView | undefined> {
  const operator = await store.findOperatorByToken(tokenDigest(token));
  return operator === undefined ? undefined : viewOf(operator);
}

/** What may be shown of a stored operator. */
export function viewOf(operator: OperatorRecord): OperatorView {
  return {
    username: operator.username,
    role: operator.role,
    createdAt: operator.createdAt,
    passwordChangedAt: operator.passwordChangedAt,
    tokens: operator.tokens.map((token) => ({ label: token.label, createdAt: token.createdAt })),
  };
}

function freeLabel(operator: OperatorRecord): string {
  const taken = new Set(operator.tokens.map((token) => token.label));
  let n = 1;
  while (taken.has(`token-${n}`)) n++;
  return `token-${n}`;
}

function readOperatorName(field: string, text: string): string {
  const problem = operatorNameProblem(text);
  if (problem !== undefined) throw invalid({ entity: 'operator', field, value: text, reason: 'syntax', detail: problem });
  return text;
}

function readOperatorRole(field: string, text: string): OperatorRole {
  if (!isOperatorRole(text)) throw invalid({ entity: 'role', field, value: text, reason: 'unknown', detail: `a role is viewer, admin or owner, not "${text}"` });
  return text;
}

/** The password itself is never put in the error: only why it was refused. */
function readPassword(field: string, text: string): string {
  const problem = passwordProblem(text);
  if (problem !== undefined) {
    throw invalid({ entity: 'password', field, reason: 'syntax', limit: [...text].length > MAX_PASSWORD_LENGTH ? MAX_PASSWORD_LENGTH : MIN_PASSWORD_LENGTH, detail: problem });
  }
  return text;
}

function readTokenLabel(field: string, text: string): string {
  const problem = tokenLabelProblem(text);
  if (problem !== undefined) throw invalid({ entity: 'token', field, value: text, reason: 'syntax', detail: problem });
  return text;
}
