/**
 * The Kolmisoft API methods, one descriptor each: the names a method answers to and the recipe
 * of its hash (spec section 2). The HTTP routes and `tally hash` are both built from this list,
 * so a method is named in one place; its handler (src/http/methods/) refers to its descriptor.
 */
import { hashRecipe, integerText, type HashedField, type HashRecipe } from './hash.js';

export interface ApiMethodDescriptor {
  /** The names it answers under `/billing/api/`, the current one first. */
  readonly names: readonly [current: string, ...old: string[]];
  /** True when the method reads a path segment after its name. */
  readonly takesPathArgument: boolean;
  /** How its request hash is made; undefined for a method no hash guards. */
  readonly hash: HashRecipe | undefined;
}

/** A method whose requests carry a hash. */
export interface HashedApiMethod extends ApiMethodDescriptor {
  readonly hash: HashRecipe;
}

/** A method without a path argument that hashes `fields`, in this order. */
function hashedMethod(names: ApiMethodDescriptor['names'], fields: readonly HashedField[]): HashedApiMethod {
  return { names, takesPathArgument: false, hash: hashRecipe(names[0], fields) };
}

/** user_balance_get (old name balance), spec section 3. */
export const USER_BALANCE_GET = hashedMethod(['user_balance_get', 'balance'], ['username', 'currency']);

/**
 * user_balance_update (old name user_balance_change), spec section 10. `transaction_id` is
 * Tally's addition to Kolmisoft's recipe (see the README), hashed after `balance`.
 */
export const USER_BALANCE_UPDATE = hashedMethod(
  ['user_balance_update', 'user_balance_change'],
  [{ name: 'user_id', normalize: integerText }, 'balance', 'transaction_id'],
);

/** exchange_rate_update, spec section 10. */
export const EXCHANGE_RATE_UPDATE = hashedMethod(['exchange_rate_update'], ['currency', 'rate']);

/**
 * user_simple_balance_get (old name simple_balance), spec section 10: no hash, the user's
 * uniquehash token (in the path, or `id`) is the credential.
 */
export const USER_SIMPLE_BALANCE_GET: ApiMethodDescriptor = {
  names: ['user_simple_balance_get', 'simple_balance'],
  takesPathArgument: true,
  hash: undefined,
};

/**
 * payment_create (old name create_payment), m4-payments.md section 2: Kolmisoft's fixed global
 * order, MOR's fields included (hashed when present, stored nowhere), then Tally's `transaction_id`.
 */
export const PAYMENT_CREATE = hashedMethod(
  ['payment_create', 'create_payment'],
  [
    { name: 'user_id', normalize: integerText },
    'description',
    'p_currency',
    'paymenttype',
    'tax_in_amount',
    'amount',
    'transaction',
    'payer_email',
    'fee',
    'currency',
    'transaction_id',
  ],
);

/**
 * payments_get (old name payments_list), section 3: the key alone. Kolmisoft's wiki shows
 * `user_id_s` then the key, accepted as well (PAYMENTS_GET_WIKI_HASH); `tally hash` prints this one.
 */
export const PAYMENTS_GET = hashedMethod(['payments_get', 'payments_list'], []);
export const PAYMENTS_GET_WIKI_HASH = hashRecipe('payments_get', ['user_id_s']);

/** user_details_get (old name user_details), section 4. */
export const USER_DETAILS_GET = hashedMethod(['user_details_get', 'user_details'], ['user_id', 'username']);

/** Every method the API answers; each has exactly one handler (src/http/routes.ts checks). */
export const API_METHODS: readonly ApiMethodDescriptor[] = [
  USER_BALANCE_GET,
  USER_BALANCE_UPDATE,
  EXCHANGE_RATE_UPDATE,
  USER_SIMPLE_BALANCE_GET,
  PAYMENT_CREATE,
  PAYMENTS_GET,
  USER_DETAILS_GET,
];

/** Recipes by the API names that use them, old names included. */
export const HASH_RECIPES: ReadonlyMap<string, HashRecipe> = new Map(
  API_METHODS.flatMap(({ names, hash }) => (hash === undefined ? [] : names.map((name) => [name, hash] as const))),
);
