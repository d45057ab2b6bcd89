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

/** The currency after `change`, or a TallyError saying why the change is refused. */
export function applyCurrencyChange(existing: Currency | undefined, change: CurrencyChange): Currency {
  if (existing === undefined) {
    if (change.rate === undefined)
      throw new TallyError('invalid_value', `currency ${change.code} is new: give its rate with --rate`);
    return {
      code: change.code,
      name: change.name ?? change.code,
      rate: change.rate,
      active: change.active ?? true,
      isSystem: false,
    };
  }
  if (existing.isSystem) {
    if (change.rate !== undefined && !isOne(change.rate))
      throw new TallyError('invalid_value', `${existing.code} is the system currency: its rate is always 1`);
    if (change.active === false)
      throw new TallyError('invalid_value', `${existing.code} is the system currency and cannot be made inactive`);
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
