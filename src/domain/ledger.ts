/** The balance ledger: every balance change is one immutable entry (TigerBeetle and Stripe's rule). */
import type { Decimal } from './money.js';

/** Where a change came from: the CLI, the Kolmisoft API, an import, the admin API and console. */
export const LEDGER_SOURCES = ['cli', 'api', 'import', 'admin'] as const;
export type LedgerSource = (typeof LEDGER_SOURCES)[number];

export function isLedgerSource(text: string): text is LedgerSource {
  return (LEDGER_SOURCES as readonly string[]).includes(text);
}

export interface LedgerEntry {
  readonly id: number;
  readonly userId: number;
  /** Signed millionths of the system currency. */
  readonly amount: bigint;
  /** The user's balance once this entry applied. */
  readonly balanceAfter: bigint;
  readonly source: LedgerSource;
  readonly comment: string;
  readonly idempotencyKey: string | undefined;
  /** Who made it (Actor.name); empty for entries written before actors were recorded. */
  readonly actor: string;
  /** The request that made it, for network surfaces. */
  readonly requestId: string | undefined;
  /** ISO 8601, UTC. */
  readonly createdAt: string;
  /** Set on the entries payment_create made, and on no other. */
  readonly payment?: PaymentDetails;
}

/**
 * What a payment records beside its entry: the amount as the payer entered it, in its own
 * currency, and the rate that turned it into the entry's amount (amount ÷ rate, rounded once).
 */
export interface PaymentDetails {
  /** Upper-case code. */
  readonly currency: string;
  /** Signed millionths of the payment's currency: negative for a payment to a provider. */
  readonly amount: bigint;
  /** Units of the payment's currency per system unit, as used. */
  readonly rate: Decimal;
}

export interface RateChange {
  readonly currency: string;
  /** Undefined when the change added the currency. */
  readonly oldRate: Decimal | undefined;
  readonly newRate: Decimal;
  readonly source: LedgerSource;
  /** Who made it (Actor.name); empty for changes written before actors were recorded. */
  readonly actor: string;
  /** The request that made it, for network surfaces. */
  readonly requestId: string | undefined;
  readonly createdAt: string;
}

/** Longest idempotency key (`--key`, `transaction_id`) accepted. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 128;

/** True for a usable idempotency key: 1 to 128 characters, none of them a control character. */
export function isValidIdempotencyKey(key: string): boolean {
  return key.length > 0 && key.length <= MAX_IDEMPOTENCY_KEY_LENGTH && !/[\u0000-\u001f\u007f]/.test(key);
}
/** Longest ledger comment accepted. */
export const MAX_COMMENT_LENGTH = 500;

/** Why a ledger comment cannot be kept (longer than MAX_COMMENT_LENGTH, or holding a control character), or undefined. */
export function commentProblem(text: string): 'too_long' | 'control_character' | undefined {
  if ([...text].length > MAX_COMMENT_LENGTH) return 'too_long';
  return /[\u0000-\u001f\u007f]/.test(text) ? 'control_character' : undefined;
}

/** A user whose stored balance differs from the sum of their ledger entries. */
export interface LedgerMismatch {
  readonly id: number;
  readonly username: string;
  readonly balance: bigint;
  readonly ledgerSum: bigint;
  /** The last entry's balance_after, if any: it must equal the balance too. */
  readonly lastBalanceAfter: bigint | undefined;
}

export interface LedgerReport {
  readonly users: number;
  readonly entries: number;
  readonly mismatches: readonly LedgerMismatch[];
}
