/** `tally currency list|set`: currencies and their exchange rates. */
import type { Command } from 'commander';
import { checkNewCurrencyCode } from '../domain/currency.js';
import { TallyError } from '../domain/errors.js';
import { describeDecimalProblem, formatRate, parseRate, RATE_SIGNIFICANT_FRACTION_DIGITS } from '../domain/money.js';
import { cliActor, print, switchArgument, table, withDbOption, withStore, type DbOption } from './context.js';

interface CurrencySetOptions extends DbOption {
  readonly rate?: string;
  readonly name?: string;
  readonly active?: string;
}

const MAX_NAME_LENGTH = 64;

export function registerCurrency(program: Command): void {
  const currency = program.command('currency').description('list and change currencies and exchange rates');

  withDbOption(currency.command('list').description('list every currency with its rate')).action(async (options: DbOption) =>
    withStore(options, async (store) => {
      const rows = (await store.listCurrencies()).map((c) => [
        c.code,
        formatRate(c.rate),
        c.active ? 'yes' : 'no',
        c.isSystem ? 'system' : '',
        c.name,
      ]);
      print(...table([['CODE', 'RATE', 'ACTIVE', 'ROLE', 'NAME'], ...rows]));
    }),
  );

  withDbOption(
    currency
      .command('set')
      .description('add a currency or change one (the rate: units of it per unit of the system currency)')
      .argument('<code>')
      .option('--rate <rate>', 'exchange rate, a positive decimal (required for a new currency)')
      .option('--name <text>', 'display name')
      .option('--active <on|off>', 'listed as active (inactive currencies still convert)'),
  ).action(async (code: string, options: CurrencySetOptions) => {
    const checked = checkNewCurrencyCode(code);
    if (!checked.ok) throw new TallyError('invalid_value', checked.reason);
    const change = {
      code: checked.code,
      ...(options.rate !== undefined && { rate: rateArgument(options.rate) }),
      ...(options.name !== undefined && { name: nameArgument(options.name) }),
      ...(options.active !== undefined && { active: switchArgument('--active', options.active) }),
    };
    await withStore(options, async (store) => {
      const saved = await store.saveCurrency(change, cliActor());
      print(`${saved.code} rate ${formatRate(saved.rate)}, ${saved.active ? 'active' : 'inactive'}, name "${saved.name}"`);
    });
  });

  registerHistory(currency);
}

function registerHistory(currency: Command): void {
  withDbOption(currency.command('history').description("a currency's rate changes, oldest first").argument('<code>')).action(
    async (code: string, options: DbOption) =>
      withStore(options, async (store) => {
        const checked = checkNewCurrencyCode(code);
        if (!checked.ok) throw new TallyError('invalid_value', checked.reason);
        if (!(await store.listCurrencies()).some((c) => c.code === checked.code)) {
          throw new TallyError('not_found', `no currency ${checked.code}`);
        }
        const rows = (await store.rateHistory(checked.code)).map((change) => [
          change.createdAt,
          change.oldRate === undefined ? '(added)' : formatRate(change.oldRate),
          formatRate(change.newRate),
          change.source,
        ]);
        print(...table([['TIME', 'OLD RATE', 'NEW RATE', 'SOURCE'], ...rows]));
      }),
  );
}

function rateArgument(text: string) {
  const parsed = parseRate(text);
  if (!parsed.ok) throw new TallyError('invalid_value', `--rate "${text}" ${describeDecimalProblem(parsed.problem, RATE_SIGNIFICANT_FRACTION_DIGITS, 'significant ')}`);
  return parsed.value;
}

function nameArgument(text: string): string {
  if (text.trim() === '' || [...text].length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(text)) {
    throw new TallyError('invalid_value', `--name must be 1 to ${MAX_NAME_LENGTH} printable characters`);
  }
  return text;
}
