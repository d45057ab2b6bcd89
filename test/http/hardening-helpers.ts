/**
 * Helpers for the hardening tests (throttling, limits, timeouts, ops endpoints, logging): a
 * harness with alice (id 2, 26.00) unless told otherwise, and requests from a simulated client
 * address.
 */
import { seedDatabase, type SeedPlan } from '../support/seed.js';
import { API_PATH, send, SECRET, sign, startHarness, type Answer, type Harness, type HarnessOptions } from './helpers.js';

export const FORM = 'application/x-www-form-urlencoded';
/** 40 hex digits, so well formed, but never the right hash. */
export const WRONG_HASH = '0'.repeat(40);
/** The user the hardening tests ask for, unless they list their own. */
export const ALICE = { name: 'alice', balance: '26' } as const;

/**
 * Creates and seeds a database in this process and closes it: the key `secret` unless the
 * settings say otherwise, and alice (id 2) unless the plan lists its own users.
 */
export function prepareDatabase(db: string, plan: SeedPlan = {}): Promise<void> {
  return seedDatabase(db, { users: [ALICE], ...plan, settings: { api_secret_key: SECRET, ...plan.settings } });
}

/** A fresh database seeded as prepareDatabase does, and a real server on it. */
export function startHardenedHarness(options: HarnessOptions = {}): Promise<Harness> {
  return startHarness({ users: [ALICE], ...options });
}

/** A form POST to `path` on `url`, sent as if through a proxy for `client` (no header when undefined). */
export function postFrom(url: string, client: string | undefined, params: Record<string, string>, path = API_PATH): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': FORM };
  if (client !== undefined) headers['x-forwarded-for'] = client;
  return send(url + path, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
}

/** alice's balance, asked for by `client` with the right hash (or `hash`). */
export function balanceFrom(url: string, client: string | undefined, hash = sign('alice')): Promise<Answer> {
  return postFrom(url, client, { username: 'alice', hash });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
