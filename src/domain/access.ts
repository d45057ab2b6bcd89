/** The access checks every hashed API method runs first (spec section 3, steps 1 to 3). */
import { API_ERRORS, type ApiError } from './api-errors.js';
import { hashMatches, type HashRecipe, type Params } from './hash.js';
import type { Settings } from './settings.js';

export type HttpMethod = 'GET' | 'POST';

/** `allow_api`, then GET while `allow_get_api` is off. */
export function checkApiEnabled(settings: Settings, method: HttpMethod): ApiError | undefined {
  if (!settings.allowApi) return API_ERRORS.apiDisabled;
  if (method === 'GET' && !settings.allowGetApi) return API_ERRORS.getDisabled;
  return undefined;
}

/** The hash check, unless `disable_hash_checking` is on. */
export function checkHash(settings: Settings, params: Params, recipe: HashRecipe): ApiError | undefined {
  if (settings.disableHashChecking) return undefined;
  if (settings.apiSecretKey === '') return API_ERRORS.secretKeyMissing;
  if (!hashMatches(params.get('hash'), recipe.hashedValues(params), settings.apiSecretKey)) return API_ERRORS.incorrectHash;
  return undefined;
}
