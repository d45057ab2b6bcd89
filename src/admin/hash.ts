/**
 * Kolmisoft's "Generate hash" tool (`tally hash`, `POST /admin/v1/hash`): the hash a request URI
 * needs, and the values it covers, in hash order. The key goes into the hash and nowhere else.
 */
import { HASH_RECIPES } from '../domain/api-methods.js';
import { computeHash, hashMatches } from '../domain/hash.js';
import { parseUrlEncoded } from '../http/body/url-encoded.js';
import type { Administration } from '../store/store.js';
import { AdminError, invalid } from './admin-error.js';

const DEFAULT_METHOD = 'user_balance_get';

export interface GeneratedHash {
  /** The API method as the URI names it (an old name stays old). */
  readonly method: string;
  /** What the hash covers, in order, before the key. */
  readonly values: readonly string[];
  readonly hash: string;
  /** Whether the URI's own `hash=` is right; undefined when it carries none. */
  readonly matches: boolean | undefined;
}

/**
 * The hash for `uri` with the key `secret` gives (asked only once the URI is known good).
 * A URI naming no method with a hash, a broken percent escape, or none of the method's hashed
 * parameters is invalid (field `uri`); an empty key is a conflict with the settings.
 */
export async function generateHash(uri: string, secret: () => Promise<string | undefined>): Promise<GeneratedHash> {
  const { method, query } = splitUri(uri);
  const recipe = HASH_RECIPES.get(method);
  if (recipe === undefined) throw invalid({ entity: 'uri', field: 'uri', value: method, reason: 'unknown' });
  const params = new Map<string, string>();
  if (!parseUrlEncoded(query, params)) throw invalid({ entity: 'uri', field: 'uri', value: method, reason: 'syntax' });
  const key = (await secret()) ?? '';
  if (key === '') throw new AdminError('conflict', { entity: 'setting', field: 'api_secret_key', value: 'api_secret_key', reason: 'empty' });
  const values = recipe.hashedValues(params);
  // A recipe of no parameters hashes the key alone on purpose; a URI with none of a recipe's is a mistake.
  if (values.length === 0 && recipe.names.length > 0) throw invalid({ entity: 'uri', field: 'uri', value: method, reason: 'empty', detail: recipe.names.join(', ') });
  const given = params.get('hash');
  return { method, values, hash: computeHash(values, key), matches: given === undefined ? undefined : hashMatches(given, values, key) };
}

/** The configured api_secret_key, for generateHash. */
export function storedSecret(store: Pick<Administration, 'readSettings'>): () => Promise<string | undefined> {
  return async () => (await store.readSettings()).get('api_secret_key');
}

/**
 * The API method named by the URI and its query. A bare query (`username=alice&currency=EUR`,
 * `?username=alice`) has no `/` before its first `=`; anything else has a path, perhaps after a
 * scheme and host (`http://host:8080/billing/api/...`, `host:8080/billing/api/...`). Without a
 * path, the method is user_balance_get.
 */
function splitUri(uri: string): { method: string; query: string } {
  const text = uri.split('#', 1)[0]!;
  const firstSlash = text.indexOf('/');
  const firstEquals = text.indexOf('=');
  if (firstSlash === -1 || (firstEquals !== -1 && firstEquals < firstSlash)) {
    const question = text.indexOf('?');
    if (question === -1) return { method: DEFAULT_METHOD, query: text };
    return { method: text.slice(0, question) || DEFAULT_METHOD, query: text.slice(question + 1) };
  }
  const withoutOrigin = text.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/^[^/]+/, '');
  const queryStart = withoutOrigin.indexOf('?');
  const path = queryStart === -1 ? withoutOrigin : withoutOrigin.slice(0, queryStart);
  const segments = path.split('/').filter((segment) => segment !== '');
  const apiIndex = segments.lastIndexOf('api');
  const method = (apiIndex !== -1 ? segments[apiIndex + 1] : segments.at(-1)) ?? DEFAULT_METHOD;
  return { method, query: queryStart === -1 ? '' : withoutOrigin.slice(queryStart + 1) };
}
