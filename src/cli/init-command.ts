/** `tally init`: create or migrate the database. */
import type { Command } from 'commander';
import { initializeDatabase } from '../admin/database.js';
import { readCurrencyCode } from '../admin/raw-input.js';
import { describeLocation, openStore } from '../store/open-store.js';
import { tallyCommand } from './command-hint.js';
import { cliActor, cliConfig, print, withDbOption, type DbOption } from './context.js';

export function registerInit(program: Command): void {
  withDbOption(
    program
      .command('init')
      .description('create the database, or bring an existing one up to date (changes nothing that exists)')
      .option('--currency <code>', 'system currency of a new database (default: USD)'),
  ).action(async (options: DbOption & { currency?: string }) => {
    // Checked before the database is opened, so a bad code creates nothing.
    if (options.currency !== undefined) readCurrencyCode('currency', options.currency);
    const config = cliConfig({ db: options.db });
    const store = await openStore(config.db, { mustExist: false, createDirectories: true, poolSize: config.pgPoolSize });
    try {
      const report = await initializeDatabase(store, { currency: options.currency, by: cliActor() });
      const where = describeLocation(config.db);
      if (report.created) {
        print(
          `Created the database ${where} with system currency ${report.systemCurrency}.`,
          'The API is on, GET is refused and hashes are checked with a new random secret key.',
          `Show the key with: ${tallyCommand(['settings', 'get', 'api_secret_key'], config.db)}`,
        );
      } else {
        print(`The database ${where} is up to date (system currency ${report.systemCurrency}).`);
        if (report.addedSettings.length > 0) print(`Added missing settings: ${report.addedSettings.join(', ')}.`);
        if (report.addedAdmin) print('Added the admin account "admin".');
      }
    } finally {
      await store.close();
    }
  });
}
