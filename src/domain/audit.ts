/**
 * The audit log: one immutable record per change of administration, naming who made it. Balance
 * changes through the Kolmisoft API are recorded in the ledger, which names the login and the
 * request: the audit log holds everything else, whichever surface made it.
 */
import type { LedgerSource } from './ledger.js';

/** Every action the audit log records, declared once. */
export const AUDIT_ACTIONS = [
  'database.init',
  'user.add',
  'user.update',
  'user.rename',
  'user.close',
  'user.reopen',
  'user.rotate_token',
  'user.role',
  'balance.adjust',
  'users.import',
  'currency.save',
  'currency.rate',
  'settings.set',
  'settings.rotate_key',
  'throttle.unblock',
  'operator.add',
  'operator.remove',
  'operator.password',
  'operator.role',
  'operator.token_add',
  'operator.token_revoke',
  'webhook.add',
  'webhook.remove',
  'webhook.rotate_secret',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What a change records, beside its actor. */
export interface AuditEvent {
  readonly action: AuditAction;
  /** What it was done to: `user:ID`, `currency:CODE`, `setting:NAME`, `client:ADDRESS`, `operator:NAME`, `database`. */
  readonly target: string;
  /**
   * What changed, for a reader: names and values that are not secret (a new username, a rate,
   * a setting's new value unless it is a key). Never a secret, a token or a password.
   */
  readonly detail?: string;
}

export interface AuditEntry extends AuditEvent {
  readonly id: number;
  readonly source: LedgerSource;
  readonly actor: string;
  readonly client: string | undefined;
  readonly requestId: string | undefined;
  /** ISO 8601, UTC. */
  readonly createdAt: string;
}
