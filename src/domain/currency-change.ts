/** The rules for adding or changing a currency, applied by every store inside its transaction. */
import type { Currency } from './currency.js';
import { TallyError } from './errors.js';
import { type Decimal } from './money.js';

export interface CurrencyChange {
  /** Upper-case, already validated with checkNewCurrencyCode. */
  readonly code: string;
  readonly rate?: Decimal;
  readonly name?: string;
  readonly active?: boolean;
}

const ONE: Decimal = { units: 1n, scale: 0 };

/** Why a change of a currency is refused: a new one without a rate, or the system currency's rate or state. */
export type CurrencyChangeProblem = 'rate_required' | 'system_rate' | 'system_inactive';

/** What is wrong with applying `change` to `existing` (undefined for a new currency), if anything. */
export function currencyChangeProblem(existing: Currency | undefined, change: CurrencyChange): CurrencyChangeProblem | undefined {
  if (existing === undefined) return change.rate === undefined ? 'rate_required' : undefined;
  if (!existing.isSystem) return undefined;
  if (change.rate !== undefined && !isOne(change.rate)) return 'system_rate';
  if (change.active === false) return 'system_inactive';
  return undefined;
}

const PROBLEM_TEXT: Record<CurrencyChangeProblem, (code: string) => string> = {
  rate_required: (code) => `currency ${code} is new: it needs a rate`,
  system_rate: (code) => `${code} is the system currency: its rate is always 1`,
  system_inactive: (code) => `${code} is the system currency and cannot be made inactive`,
};

/** The currency after `change`, or a TallyError saying why the change is refused. */
export function applyCurrencyChange(existing: Currency | undefined, change: CurrencyChange): Currency {
  const problem = currencyChangeProblem(existing, change);
  if (problem !== undefined) throw new TallyError('invalid_value', PROBLEM_TEXT[problem](change.code));
  if (existing === undefined) {
    return {
      code: change.code,
      name: change.name ?? change.code,
      rate: change.rate!,
      active: change.active ?? true,
      isSystem: false,
    };
  }
  return {
    ...existing,
    name: change.name ?? existing.name,
    rate: existing.isSystem ? ONE : (change.rate ?? existing.rate),
    active: change.active ?? existing.active,
  };
}

function isOne(rate: Decimal): boolean {
  return rate.units === 10n ** BigInt(rate.scale);
}
