/** How a failure is logged. */
import { NotWritableError } from '../store/store.js';

/** A refused write says why in one field; anything else is logged with its stack. */
export function errorFields(error: unknown): { reason: string } | { err: unknown } {
  return error instanceof NotWritableError ? { reason: error.reason } : { err: error };
}
