// TEMPORARY STUB, replaced by feat/admin-store's file at merge.
import type { OperatorView } from './operators.js';
import type { Operators, Sessions } from '../store/store.js';
export const SESSION_MAX_AGE_MS = 12 * 3600_000;
export const SESSION_IDLE_MS = 30 * 60_000;
export async function openSession(_store: Operators & Sessions, _username: string, _password: string, _nowMs?: number): Promise<{ operator: OperatorView; sessionToken: string; csrfToken: string } | undefined> {
  throw new Error('stub');
}
export async function checkSession(_store: Sessions, _sessionToken: string, _nowMs?: number): Promise<{ operator: OperatorView; csrfToken: string } | undefined> {
  throw new Error('stub');
}
export async function endSession(_store: Sessions, _sessionToken: string): Promise<void> {
  throw new Error('stub');
}
