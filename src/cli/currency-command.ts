/** `tally currency list|set|history`: currencies and their exchange rates. */
import type { Command } from 'commander';
import { currencyHistory, listCurrencies, saveCurrency } from '../admin/currencies.js';
import { cliActor, print, table, withDbOption, withStore, type DbOption } from './context.js';
import { json, rate } from './format.js';
import { currencyJson, rateChangeJson } from './json-views.js';

interface CurrencySetOptions extends DbOption {
  readonly rate?: string;
  readonly name?: string;
  readonly active?: string;
}

export function registerCurrency(program: Command): void {
  const currency = program.command('currency').description('list and change currencies and exchange rates');

  withDbOption(currency.command('list').description('list every currency with its rate').option('--json', 'one JSON array, rates as exact decimal strings')).action(
    async (options: DbOption & { json?: boolean }) =>
      withStore(options, async (store) => {
        const currencies = await listCurrencies(store);
        if (options.json) {
          print(json(currencies.map(currencyJson)));
          return;
        }
        const rows = currencies.map((c) => [c.code, rate(c.rate), c.active ? 'yes' : 'no', c.isSystem ? 'system' : '', c.name]);
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
  ).action(async (code: string, options: CurrencySetOptions) =>
    withStore(options, async (store) => {
      const saved = await saveCurrency(store, { code, rate: options.rate, name: options.name, active: options.active }, cliActor());
      print(`${saved.code} rate ${rate(saved.rate)}, ${saved.active ? 'active' : 'inactive'}, name "${saved.name}"`);
    }),
  );

  withDbOption(
    currency
      .command('history')
      .description("a currency's rate changes, oldest first")
      .argument('<code>')
      .option('--json', 'one JSON array, rates as exact decimal strings'),
  ).action(async (code: string, options: DbOption & { json?: boolean }) =>
    withStore(options, async (store) => {
      const { changes } = await currencyHistory(store, code);
      if (options.json) {
        print(json(changes.map(rateChangeJson)));
        return;
      }
      const rows = changes.map((change) => [change.createdAt, change.oldRate === undefined ? '(added)' : rate(change.oldRate), rate(change.newRate), change.source]);
      print(...table([['TIME', 'OLD RATE', 'NEW RATE', 'SOURCE'], ...rows]));
    }),
  );
}
