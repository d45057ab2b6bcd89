/**
 * Kolmisoft's request hash (spec section 2): SHA1 in hex of the recipe's parameter values,
 * each only when present and non-empty, then the API secret key. No separators.
 */
import { hash, timingSafeEqual } from 'node:crypto';

export type Params = ReadonlyMap<string, string>;

/** One API method's hash recipe: the hashed parameters in order, with any normalisation. */
export interface HashRecipe {
  readonly method: string;
  /** The names of the hashed parameters, in hash order. */
  readonly names: readonly string[];
  /** The values that go into the hash, in order, each already present and non-empty. */
  hashedValues(params: Params): string[];
  /** The same values with their names: what the hash covers, told apart. */
  hashedFields(params: Params): [name: string, value: string][];
}

/** A hashed parameter, with how its value is written into the hash. */
export type HashedField = string | { readonly name: string; readonly normalize: (value: string) => string };

/** The recipe hashing `fields` (in this order) for the method whose current name is `method`. */
export function hashRecipe(method: string, fields: readonly HashedField[]): HashRecipe {
  const hashedFields = (params: Params): [string, string][] => {
    const named: [string, string][] = [];
    for (const field of fields) {
      const name = typeof field === 'string' ? field : field.name;
      const value = params.get(name);
      if (value === undefined || value === '') continue;
      named.push([name, typeof field === 'string' ? value : field.normalize(value)]);
    }
    return named;
  };
  // Every request's hash check runs this one: the values are gathered without the names.
  const hashedValues = (params: Params): string[] => {
    const values: string[] = [];
    for (const field of fields) {
      const value = params.get(typeof field === 'string' ? field : field.name);
      if (value === undefined || value === '') continue;
      values.push(typeof field === 'string' ? value : field.normalize(value));
    }
    return values;
  };
  return {
    method,
    names: fields.map((field) => (typeof field === 'string' ? field : field.name)),
    hashedFields,
    hashedValues,
  };
}

/** Kolmisoft hashes `user_id` as the integer it reads, so `007` hashes as `7`. */
export function integerText(value: string): string {
  return /^\d+$/.test(value) ? value.replace(/^0+(?=\d)/, '') : value;
}

/** The hex SHA1 of the values followed by the secret key. */
export function computeHash(values: readonly string[], secretKey: string): string {
  return sha1Of(values, secretKey).toString('hex');
}

function sha1Of(values: readonly string[], secretKey: string): Buffer {
  return hash('sha1', values.join('') + secretKey, 'buffer');
}

/**
 * True when `given` is the hash of `values` with `secretKey`. Either letter case is accepted;
 * anything but 40 hex digits is simply wrong. The comparison takes the same time wherever the
 * first difference is, and the expected hash is computed even for a malformed one.
 */
export function hashMatches(given: string | undefined, values: readonly string[], secretKey: string): boolean {
  const expected = sha1Of(values, secretKey);
  if (given === undefined || !isHexDigest(given)) return false;
  return timingSafeEqual(Buffer.from(given, 'hex'), expected);
}

/**
 * Exactly 40 ASCII hex digits. Not left to Buffer's hex decoder, which keeps only the low byte of
 * each character: `\u0130` would read as `0`, and a respelled hash would pass as a new one.
 */
function isHexDigest(text: string): boolean {
  if (text.length !== 40) return false;
  for (let index = 0; index < 40; index++) {
    const code = text.charCodeAt(index);
    if (!((code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102))) return false;
  }
  return true;
}

/**
 * What a write's hash authorised (README, "Security"): Kolmisoft's hash runs the values together
 * without separators, so `balance=10.50&transaction_id=pay-1` and `balance=10.5&transaction_id=0pay-1`
 * hash alike. A write records its hash with this digest of the method and the hashed parameters,
 * each named; a later request with the same hash and another digest is an incorrect hash. The
 * parameters the hash does not cover (`u`, `p`) change nothing a write does, so they are left out.
 */
export interface RequestAuthorization {
  /** The hash as lower-case hex: either letter case is accepted, so both spellings are one hash. */
  readonly hash: string;
  /** SHA-256 hex of the method and its hashed parameters, names and values kept apart. */
  readonly request: string;
}

export function requestAuthorization(recipe: HashRecipe, params: Params): RequestAuthorization {
  return {
    hash: (params.get('hash') ?? '').toLowerCase(),
    request: hash('sha256', JSON.stringify([recipe.method, recipe.hashedFields(params)]), 'hex'),
  };
}
