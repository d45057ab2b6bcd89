/**
 * The currencies of a Kolmisoft import: each row alone, codes given twice, the default (id 1,
 * rate 1) against the Tally database's system currency, and what the import adds or changes.
 */
import type { CurrencyChange } from '../domain/currency-change.js';
import { formatRate } from '../domain/money.js';
import type { Store } from '../store/store.js';
import type { KolmisoftSnapshot } from '../store/kolmisoft/kolmisoft-source.js';
import { checkCurrencyRow, KOLMISOFT_DEFAULT_CURRENCY_ID, type KolmisoftCurrency, type KolmisoftProblem } from './kolmisoft-rows.js';

export interface CurrencyPlan {
  /** Kolmisoft currency ids to Tally codes. */
  readonly codes: Map<string, string>;
  readonly changes: CurrencyChange[];
  readonly added: string[];
  readonly changed: string[];
  readonly rounded: string[];
}

/** The currencies: each row alone, codes given twice, the default against Tally's system currency, and what changes. */
export async function checkCurrencies(store: Store, source: KolmisoftSnapshot, problems: KolmisoftProblem[]): Promise<CurrencyPlan> {
  const plan: CurrencyPlan = { codes: new Map(), changes: [], added: [], changed: [], rounded: [] };
  const tally = new Map((await store.listCurrencies()).map((currency) => [currency.code, currency]));
  const systemCurrency = [...tally.values()].find((currency) => currency.isSystem)?.code;
  const seen = new Map<string, string>();
  const good: KolmisoftCurrency[] = [];
  for (const row of await source.currencies()) {
    const checked = checkCurrencyRow(row);
    // A refused row still names its users' currency, so that they are not refused a second time.
    plan.codes.set(String(row.id), checked.ok ? checked.value.code : (row.name ?? '').toUpperCase());
    if (!checked.ok) {
      problems.push(checked.problem);
      continue;
    }
    const earlier = seen.get(checked.value.code);
    if (earlier !== undefined) {
      problems.push({ table: 'currencies', rowId: String(row.id), reason: 'repeated_code', value: row.name ?? '', earlierRowId: earlier });
      continue;
    }
    seen.set(checked.value.code, String(row.id));
    good.push(checked.value);
  }
  const defaultId = String(KOLMISOFT_DEFAULT_CURRENCY_ID);
  const fallback = good.find((currency) => currency.id === defaultId);
  if (!plan.codes.has(defaultId)) problems.push({ table: 'currencies', reason: 'no_default_currency' });
  else if (fallback !== undefined && formatRate(fallback.rate) !== '1') {
    problems.push({ table: 'currencies', rowId: defaultId, reason: 'default_rate_not_one', column: 'exchange_rate', value: formatRate(fallback.rate) });
  } else if (fallback !== undefined && fallback.code !== systemCurrency) {
    problems.push({ table: 'currencies', rowId: defaultId, reason: 'system_currency_differs', value: fallback.code, expected: systemCurrency ?? '' });
  }
  for (const currency of good) {
    if (currency.id === defaultId) continue;
    const existing = tally.get(currency.code);
    if (currency.rateRounded) plan.rounded.push(currency.code);
    // Only when the default itself was refused above: the system currency's rate is always 1.
    if (existing?.isSystem === true) continue;
    if (existing !== undefined && formatRate(existing.rate) === formatRate(currency.rate) && existing.active === currency.active) continue;
    plan.changes.push({ code: currency.code, rate: currency.rate, active: currency.active });
    (existing === undefined ? plan.added : plan.changed).push(currency.code);
  }
  return plan;
}
