/**
 * Users: adding, changing, renaming, closing and reopening them, their tokens and roles, and
 * finding them. Every change names its actor; the store writes the audit records with it.
 */
import type { Actor } from '../domain/actor.js';
import type { Currency } from '../domain/currency.js';
import { formatExact, moneyDecimal, multiply, type Decimal } from '../domain/money.js';
import { newUniquehash } from '../domain/tokens.js';
import { findByUsername, usernameKey } from '../domain/usernames.js';
import { IdempotencyKeyTaken } from '../domain/errors.js';
import type { NewUser, Store, UserChange, UserRecord, UserRole, UserSearch, UserStatus } from '../store/store.js';
import { AdminError, notFound, storeCall } from './admin-error.js';
import { keyConflict, readIdempotencyKey } from './idempotency.js';
import {
  readComment,
  readCurrencyCode,
  readLimit,
  readMoney,
  readPersonName,
  readQuery,
  readRole,
  readStatus,
  readUserId,
  readUsername,
  type RawNumber,
} from './raw-input.js';

/** Which user an operation is about: by name (the CLI, any case) or by id (the admin API). */
export type UserSelector = { readonly username: string } | { readonly id: RawNumber };

/** The user a selector names, closed ones included; AdminError not_found otherwise. */
export async function findUser(store: Store, selector: UserSelector): Promise<UserRecord> {
  if ('id' in selector) {
    const id = readUserId('id', selector.id);
    const user = await store.findUser({ id });
    if (user === undefined) throw notFound('user', String(id), 'id');
    return user;
  }
  const user = await findByUsername(selector.username, (key) => store.findUser({ usernameKey: key }));
  if (user === undefined) throw notFound('user', selector.username, 'username');
  return user;
}

export interface NewUserInput {
  readonly username: string;
  /** The user's own currency; the system currency when absent. */
  readonly currency?: string;
  /** Opening balance in the system currency; zero when absent. */
  readonly balance?: string;
  /** `user` (a customer) unless `admin` (a Kolmisoft admin login, `u=`). */
  readonly role?: string;
  /** The admin API's Idempotency-Key: the opening entry's key; a key the ledger holds already is a conflict. */
  readonly idempotencyKey?: string;
  /** Empty when absent. */
  readonly firstName?: string;
  readonly lastName?: string;
}

export async function addUser(store: Store, input: NewUserInput, by: Actor): Promise<UserRecord> {
  const username = readUsername('username', input.username);
  const currencyCode = input.currency === undefined ? undefined : readCurrencyCode('currency', input.currency);
  const balance = input.balance === undefined ? 0n : readMoney('balance', input.balance);
  const role = input.role === undefined ? 'user' : readRole('role', input.role);
  const idempotencyKey = readIdempotencyKey('Idempotency-Key', input.idempotencyKey);
  const names = readNames(input);
  const currency = currencyCode ?? (await systemCurrencyCode(store));
  await requireCurrency(store, currency);
  await requireFreeName(store, username);
  // Without a balance no entry claims the key in the store's transaction: it is checked here
  // (and claimed with the stored answer).
  if (idempotencyKey !== undefined && balance === 0n && (await store.ledgerKeyTaken(idempotencyKey))) throw keyConflict(idempotencyKey);
  const user: NewUser = {
    username,
    currency,
    balance,
    uniquehash: newUniquehash(),
    role,
    ...names,
    ...(idempotencyKey !== undefined && { idempotencyKey }),
  };
  const add = async (): Promise<UserRecord> => {
    try {
      return await store.addUser(user, by);
    } catch (error) {
      // The key names a change some surface made already (checked in the store's transaction).
      if (error instanceof IdempotencyKeyTaken) throw keyConflict(error.key);
      throw error;
    }
  };
  return storeCall(add, { entity: 'user', field: 'username', value: username });
}

export interface UserChangeInput {
  readonly currency?: string;
  /** A new balance in the system currency: the store writes the difference as a ledger entry. */
  readonly balance?: string;
  /** The ledger comment of a balance change. */
  readonly comment?: string;
  readonly role?: string;
  /** A new first or last name; empty clears it. */
  readonly firstName?: string;
  readonly lastName?: string;
  /** The user's own warning balance (balance.low); empty clears it, so the global one applies. */
  readonly warningBalance?: string;
}

/** Changes a user's currency, balance, role, names or warning balance, all of it or nothing. */
export async function updateUser(store: Store, selector: UserSelector, input: UserChangeInput, by: Actor): Promise<UserRecord> {
  const fields = [input.currency, input.balance, input.role, input.firstName, input.lastName, input.warningBalance];
  if (fields.every((field) => field === undefined)) {
    throw new AdminError('invalid', { entity: 'user', reason: 'nothing_to_change' });
  }
  const change: UserChange = {
    ...readNames(input),
    ...(input.currency !== undefined && { currency: readCurrencyCode('currency', input.currency) }),
    ...(input.balance !== undefined && { balance: readMoney('balance', input.balance) }),
    ...(input.comment !== undefined && { comment: readComment('comment', input.comment) }),
    ...(input.role !== undefined && { role: readRole('role', input.role) }),
    ...readWarningBalance(input),
  };
  if (change.currency !== undefined) await requireCurrency(store, change.currency);
  const user = await findUser(store, selector);
  if (change.balance !== undefined && user.status === 'closed') throw closedUserError(user);
  return writeChange(store, user, change, by);
}

export interface UserEditInput {
  /** A new name, unique without regard to case. */
  readonly username?: string;
  readonly currency?: string;
  /** `closed` or `active`: closing or reopening the user. */
  readonly status?: string;
  /** A new first or last name; empty clears it. */
  readonly firstName?: string;
  readonly lastName?: string;
  /** The user's own warning balance; empty clears it. */
  readonly warningBalance?: string;
}

/**
 * Renames, changes the currency of, closes or reopens a user, all of it or nothing: every field
 * is checked by the rules of renameUser, updateUser, closeUser and reopenUser first, then the
 * whole change is written in one transaction.
 */
export async function changeUser(store: Store, selector: UserSelector, input: UserEditInput, by: Actor): Promise<UserRecord> {
  const fields = [input.username, input.currency, input.status, input.firstName, input.lastName, input.warningBalance];
  if (fields.every((field) => field === undefined)) {
    throw new AdminError('invalid', { entity: 'user', field: 'body', reason: 'nothing_to_change' });
  }
  const username = input.username === undefined ? undefined : readUsername('username', input.username);
  const names = readNames(input);
  const currency = input.currency === undefined ? undefined : readCurrencyCode('currency', input.currency);
  const status = input.status === undefined ? undefined : readStatus('status', input.status);
  const user = await findUser(store, selector);
  if (currency !== undefined) await requireCurrency(store, currency);
  if (username !== undefined) await requireRenamable(store, user, username, 'username');
  if (status !== undefined) requireStatusChange(user, status);
  const change: UserChange = {
    ...(username !== undefined && { username }),
    ...names,
    ...readWarningBalance(input),
    ...(currency !== undefined && { currency }),
    ...(status !== undefined && { status }),
  };
  return writeChange(store, user, change, by, username === undefined ? {} : { field: 'username', value: username });
}

/** Gives a user a new name, unique without regard to case; another case of the same name is allowed. */
export async function renameUser(store: Store, selector: UserSelector, newName: string, by: Actor): Promise<UserRecord> {
  const username = readUsername('new_username', newName);
  const user = await findUser(store, selector);
  await requireRenamable(store, user, username, 'new_username');
  return writeChange(store, user, { username }, by, { field: 'new_username', value: username });
}

/** A new name must differ from the old one, and belong to no one else (another case of the same name is the user's own). */
async function requireRenamable(store: Store, user: UserRecord, username: string, field: string): Promise<void> {
  if (username === user.username) throw new AdminError('conflict', { entity: 'user', field, value: username, reason: 'unchanged' });
  if (usernameKey(username) !== usernameKey(user.username)) await requireFreeName(store, username, field);
}

/** Closing a closed user, or reopening an active one, is a conflict. */
function requireStatusChange(user: UserRecord, status: UserStatus): void {
  if (user.status === status) {
    throw new AdminError('conflict', { entity: 'user', field: 'status', value: user.username, reason: status === 'closed' ? 'already_closed' : 'not_closed' });
  }
}

/** Closes a user: it keeps its ledger, and every Kolmisoft method answers it as not found. */
export async function closeUser(store: Store, selector: UserSelector, by: Actor): Promise<UserRecord> {
  return setStatus(store, selector, 'closed', by);
}

export async function reopenUser(store: Store, selector: UserSelector, by: Actor): Promise<UserRecord> {
  return setStatus(store, selector, 'active', by);
}

async function setStatus(store: Store, selector: UserSelector, status: UserStatus, by: Actor): Promise<UserRecord> {
  const user = await findUser(store, selector);
  requireStatusChange(user, status);
  return writeChange(store, user, { status }, by);
}

/** A new random uniquehash: the old one stops working at once. */
export async function rotateToken(store: Store, selector: UserSelector, by: Actor): Promise<UserRecord> {
  const user = await findUser(store, selector);
  return writeChange(store, user, { uniquehash: newUniquehash() }, by);
}

/** Makes a user a Kolmisoft admin login (`u=`) or a plain user again. */
export async function setRole(store: Store, selector: UserSelector, roleText: string, by: Actor): Promise<UserRecord> {
  const role: UserRole = readRole('role', roleText);
  const user = await findUser(store, selector);
  return writeChange(store, user, { role }, by);
}

export interface UserListInput {
  /** A username prefix (any case), an exact id or an exact uniquehash. */
  readonly query?: string;
  readonly status?: string;
  /** How many at most; every user when absent. */
  readonly limit?: RawNumber;
}

/** Users for a listing, in id order, streamed: every user when neither a query nor a limit is given. */
export async function listUsers(store: Store, input: UserListInput = {}): Promise<AsyncIterable<UserRecord>> {
  const query = readQuery('query', input.query);
  const status = input.status === undefined ? undefined : readStatus('status', input.status);
  const limit = input.limit === undefined ? undefined : readLimit('limit', input.limit, 0);
  if (query === undefined && status === undefined && limit === undefined) return store.listUsers();
  return pages(store, { ...(query !== undefined && { query }), ...(status !== undefined && { status }) }, limit ?? Infinity);
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/**
 * One page of a user search, in id order, for surfaces that page (keyset: `after` is the last
 * id of the previous page, and `next` the one to ask with, absent on the last page).
 */
export async function searchUsers(
  store: Store,
  input: UserListInput & { readonly after?: RawNumber },
): Promise<{ users: readonly UserRecord[]; next: number | undefined }> {
  const query = readQuery('query', input.query);
  const status = input.status === undefined ? undefined : readStatus('status', input.status);
  const limit = readLimit('limit', input.limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const afterId = input.after === undefined ? undefined : readUserId('cursor', input.after);
  // One more than asked says whether another page follows.
  const found = await store.searchUsers({
    ...(query !== undefined && { query }),
    ...(status !== undefined && { status }),
    ...(afterId !== undefined && { afterId }),
    limit: limit + 1,
  });
  const users = found.slice(0, limit);
  return { users, next: found.length > limit ? users.at(-1)!.id : undefined };
}

/** Pages through searchUsers by id until `limit` users are read or none are left. */
async function* pages(store: Store, search: Omit<UserSearch, 'limit'>, limit: number): AsyncGenerator<UserRecord> {
  let afterId: number | undefined;
  for (let left = limit; left > 0; ) {
    const page = await store.searchUsers({ ...search, ...(afterId !== undefined && { afterId }), limit: Math.min(left, SEARCH_PAGE) });
    for (const user of page) yield user;
    if (page.length < Math.min(left, SEARCH_PAGE)) return;
    left -= page.length;
    afterId = page.at(-1)!.id;
  }
}

const SEARCH_PAGE = 500;

/** A user's balance in its own currency, exactly: the rate times the system balance. */
export function balanceInOwnCurrency(user: UserRecord, currencies: readonly Currency[]): Decimal {
  const own = currencies.find((currency) => currency.code === user.currency);
  const balance = moneyDecimal(user.balance);
  return own === undefined || own.isSystem ? balance : multiply(balance, own.rate);
}

/** The same, as the exact decimal text every surface shows. */
export function formatOwnCurrencyBalance(user: UserRecord, currencies: readonly Currency[]): string {
  return formatExact(balanceInOwnCurrency(user, currencies));
}

/** A user's own warning balance given: an amount, or empty for none (the global one applies). */
function readWarningBalance(input: { readonly warningBalance?: string }): Pick<UserChange, 'warningBalance'> {
  if (input.warningBalance === undefined) return {};
  return { warningBalance: input.warningBalance === '' ? null : readMoney('warning_balance', input.warningBalance) };
}

/** The first and last names given, checked by the domain's rule; the field names are the API's. */
function readNames(input: { readonly firstName?: string; readonly lastName?: string }): Pick<UserChange, 'firstName' | 'lastName'> {
  return {
    ...(input.firstName !== undefined && { firstName: readPersonName('first_name', input.firstName) }),
    ...(input.lastName !== undefined && { lastName: readPersonName('last_name', input.lastName) }),
  };
}

async function writeChange(
  store: Store,
  user: UserRecord,
  change: UserChange,
  by: Actor,
  about: { field?: string; value?: string } = {},
): Promise<UserRecord> {
  return storeCall(() => store.updateUser({ id: user.id }, change, by), { entity: 'user', value: user.username, ...about });
}

/** The refusal of a balance change for a closed user: it keeps its ledger as it was closed. */
export function closedUserError(user: UserRecord): AdminError {
  return new AdminError('conflict', { entity: 'user', field: 'status', value: user.username, reason: 'closed' });
}

async function systemCurrencyCode(store: Store): Promise<string> {
  const code = await store.systemCurrency();
  if (code === undefined) throw new AdminError('not_initialized', { entity: 'database' });
  return code;
}

async function requireCurrency(store: Store, code: string): Promise<void> {
  if (!(await store.listCurrencies()).some((currency) => currency.code === code)) throw notFound('currency', code, 'currency');
}

async function requireFreeName(store: Store, username: string, field = 'username'): Promise<void> {
  const holder = await findByUsername(username, (key) => store.findUser({ usernameKey: key }));
  if (holder !== undefined) throw new AdminError('already_exists', { entity: 'user', field, value: username });
}
