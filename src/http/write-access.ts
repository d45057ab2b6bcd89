/** The access checks of the write methods (spec section 10): API on, GET allowed, `u` an admin, hash. */
import { checkApiEnabled, checkHash, type HttpMethod } from '../domain/access.js';
import { API_ERRORS, type ApiError } from '../domain/api-errors.js';
import { requestAuthorization, type HashRecipe, type Params, type RequestAuthorization } from '../domain/hash.js';
import type { Settings } from '../domain/settings.js';
import { findByUsername, MAX_USERNAME_LENGTH } from '../domain/usernames.js';
import type { BalanceReads, BalanceWrites } from '../store/store.js';
import type { AuthGuard } from './api-method.js';

export type WriteAccess =
  | { readonly denied: ApiError }
  /** `authorization` is the hash that let the request in; absent while hash checking is off. */
  | { readonly denied?: undefined; readonly authorization: RequestAuthorization | undefined };

/**
 * The first failing check, in the spec's order, or the request's authorization. The login and
 * the hash are one guarded check: a burst of guesses at either is counted before it runs.
 */
export async function checkWriteAccess(
  settings: Settings,
  method: HttpMethod,
  params: Params,
  recipe: HashRecipe,
  store: BalanceReads,
  guard: AuthGuard,
): Promise<WriteAccess> {
  const denied =
    checkApiEnabled(settings, method) ?? (await guard(async () => (await checkAdminLogin(params, store)) ?? checkHash(settings, params, recipe)));
  if (denied !== undefined) return { denied };
  return { authorization: settings.disableHashChecking ? undefined : requestAuthorization(recipe, params) };
}

/**
 * A write refused before it reaches the store still spends its hash on this request (README,
 * "Security"): its answer, or Incorrect hash when the hash is another request's.
 */
export async function refusalOrReusedHash(refusal: ApiError, authorization: RequestAuthorization | undefined, store: BalanceWrites): Promise<ApiError> {
  return authorization === undefined || (await store.claimRequestHash(authorization)) ? refusal : API_ERRORS.incorrectHash;
}

/** Bad login for an unknown, closed or non-admin `u`; `p` is ignored, as in Kolmisoft's hash mode. */
async function checkAdminLogin(params: Params, store: BalanceReads): Promise<ApiError | undefined> {
  const login = params.get('u');
  if (!login || login.length > MAX_USERNAME_LENGTH * 2) return API_ERRORS.badLogin;
  const user = await findByUsername(login, (key) => store.findUser({ usernameKey: key }));
  return user?.role === 'admin' && user.status === 'active' ? undefined : API_ERRORS.badLogin;
}
