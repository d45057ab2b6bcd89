/**
 * Who made a change, carried by every change into the ledger and the audit log. Each surface
 * builds its actor once per request or command; the rules never ask which surface they serve.
 */
import type { LedgerSource } from './ledger.js';

export interface Actor {
  /** The surface the change came through: the ledger's and the audit log's `source`. */
  readonly source: LedgerSource;
  /**
   * Who, as the audit log names them: `cli:` and the operating-system user for the CLI, the
   * `u` login for the Kolmisoft API, the operator's name for the admin API and the console.
   */
  readonly name: string;
  /** The client address, for network surfaces. */
  readonly client?: string;
  /** The request id, for network surfaces. */
  readonly requestId?: string;
}

/** The longest actor name kept; a longer one (an absurd `u`) is cut, never refused. */
export const MAX_ACTOR_NAME_LENGTH = 128;

/** The name the ledger and the audit log keep: at most MAX_ACTOR_NAME_LENGTH characters. */
export function storedActorName(actor: Actor): string {
  // UTF-16 units are never fewer than characters: the common short name is kept without a copy.
  if (actor.name.length <= MAX_ACTOR_NAME_LENGTH) return actor.name;
  return [...actor.name].slice(0, MAX_ACTOR_NAME_LENGTH).join('');
}
