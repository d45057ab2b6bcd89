/**
 * The access checks of payments_get and user_details_get (m4-payments.md section 1): API on,
 * GET allowed, the `u` login (any active user), then the hash; the login is read once and kept.
 */
import { checkApiEnabled, checkHash, type HttpMethod } from '../domain/access.js';
import type { ApiError } from '../domain/api-errors.js';
import type { HashRecipe, Params } from '../domain/hash.js';
import type { Settings } from '../domain/settings.js';
import { findByUsername, MAX_USERNAME_LENGTH } from '../domain/usernames.js';
import type { BalanceReads, UserRecord } from '../store/store.js';
import type { AuthGuard } from './api-method.js';

export type LoginAccess = { readonly denied: ApiError } | { readonly denied?: undefined; readonly login: UserRecord };

/**
 * The first failing check, or the login. A closed user is no login at all (`unknownLogin`). The
 * hash passes when any of `recipes` gives it (payments_get accepts two forms). The login and the
 * hash are one guarded check, as for the write methods.
 */
export async function checkLoginAccess(
  settings: Settings,
  method: HttpMethod,
  params: Params,
  recipes: readonly HashRecipe[],
  unknownLogin: ApiError,
  store: BalanceReads,
  guard: AuthGuard,
): Promise<LoginAccess> {
  const enabled = checkApiEnabled(settings, method);
  if (enabled !== undefined) return { denied: enabled };
  let login: UserRecord | undefined;
  const denied = await guard(async () => {
    const name = params.get('u');
    login = name && name.length <= MAX_USERNAME_LENGTH * 2 ? await findByUsername(name, (key) => store.findUser({ usernameKey: key })) : undefined;
    if (login === undefined || login.status !== 'active') return unknownLogin;
    let refused: ApiError | undefined;
    for (const recipe of recipes) {
      refused = checkHash(settings, params, recipe);
      if (refused === undefined) return undefined;
    }
    return refused;
  });
  if (denied !== undefined) return { denied };
  return { login: login! };
}
