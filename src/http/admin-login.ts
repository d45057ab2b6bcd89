/** The `u` check of the write methods (spec section 10): `u` must name an admin account. */
import { API_ERRORS, type ApiError } from '../domain/api-errors.js';
import type { Params } from '../domain/hash.js';
import { MAX_USERNAME_LENGTH, usernameKey } from '../domain/usernames.js';
import type { Store } from '../store/store.js';

/** Bad login for an unknown or non-admin `u`; `p` is ignored, as in Kolmisoft's hash mode. */
export async function checkAdminLogin(params: Params, store: Store): Promise<ApiError | undefined> {
  const login = params.get('u');
  if (!login || login.length > MAX_USERNAME_LENGTH * 2) return API_ERRORS.badLogin;
  const user = await store.findUser({ usernameKey: usernameKey(login) });
  return user?.role === 'admin' ? undefined : API_ERRORS.badLogin;
}
