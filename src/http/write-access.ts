/** The access checks of the write methods (spec section 10): API on, GET allowed, `u` an admin, hash. */
import { checkApiEnabled, checkHash, type HttpMethod } from '../domain/access.js';
import { API_ERRORS, type ApiError } from '../domain/api-errors.js';
import type { HashRecipe, Params } from '../domain/hash.js';
import type { Settings } from '../domain/settings.js';
import { MAX_USERNAME_LENGTH, usernameKey } from '../domain/usernames.js';
import type { Store } from '../store/store.js';

/** The first failing check, in the spec's order, or undefined when the request may proceed. */
export async function checkWriteAccess(
  settings: Settings,
  method: HttpMethod,
  params: Params,
  recipe: HashRecipe,
  store: Store,
): Promise<ApiError | undefined> {
  return checkApiEnabled(settings, method) ?? (await checkAdminLogin(params, store)) ?? checkHash(settings, params, recipe);
}

/** Bad login for an unknown or non-admin `u`; `p` is ignored, as in Kolmisoft's hash mode. */
async function checkAdminLogin(params: Params, store: Store): Promise<ApiError | undefined> {
  const login = params.get('u');
  if (!login || login.length > MAX_USERNAME_LENGTH * 2) return API_ERRORS.badLogin;
  const user = await store.findUser({ usernameKey: usernameKey(login) });
  return user?.role === 'admin' ? undefined : API_ERRORS.badLogin;
}
