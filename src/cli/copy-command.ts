/** `tally copy --to LOCATION`: move a whole database between SQLite and PostgreSQL. */
import type { Command } from 'commander';
import { TallyError } from '../domain/errors.js';
import { locationProblem } from '../store/location.js';
import { describeLocation, openStore } from '../store/open-store.js';
import type { DatabaseSummary } from '../store/store.js';
import { print, withDbOption, withStore, type DbOption } from './context.js';
import { money } from './format.js';
import { progress } from './progress.js';

export function registerCopy(program: Command): void {
  withDbOption(
    program
      .command('copy')
      .description('copy users, currencies, settings and the whole ledger into a new, empty database')
      .requiredOption('--to <location>', 'the target: a postgres:// URL or a SQLite file path'),
  ).action(async (options: DbOption & { to: string }) => {
    const problem = locationProblem(options.to, '--to');
    if (problem !== undefined) throw new TallyError('invalid_value', problem);
    // The target is created, but never its directory (only init makes those): a mistyped one is refused.
    await withStore(options, async (source, config) => {
      if (options.to === config.db) throw new TallyError('invalid_value', '--to names the database being copied');
      const target = await openStore(options.to, { mustExist: false, poolSize: config.pgPoolSize });
      try {
        const expected = await source.summary();
        const bar = progress('copying rows', totalRows(expected));
        await target.importTables(source.exportTables(), (_table, count) => bar.tick(count));
        bar.done();
        const copied = await target.summary();
        const differences = compare(expected, copied);
        if (differences.length > 0) {
          throw new TallyError('conflict', `the copy does not match the source: ${differences.join('; ')}`);
        }
        print(
          `copied ${expected.users} users, ${expected.ledgerEntries} ledger entries, ${expected.currencies} currencies, ` +
            `${expected.settings} settings, ${expected.rateChanges} rate changes, ${expected.requestHashes} request hashes, ${expected.auditEntries} audit entries and ${expected.operators} operators to ${describeLocation(options.to)}`,
          `verified: counts match, balances sum to ${money(copied.balanceSum)}, ledger amounts sum to ${money(copied.ledgerSum)}`,
        );
      } finally {
        await target.close();
      }
    });
  });
}

function totalRows(summary: DatabaseSummary): number {
  // Every table the copy writes, so the bar ends at 100%.
  // (An operator's tokens travel with it, in its row's count.)
  return summary.currencies + summary.settings + summary.users + summary.ledgerEntries + summary.rateChanges + summary.requestHashes + summary.auditEntries + summary.operators;
}

function compare(expected: DatabaseSummary, actual: DatabaseSummary): string[] {
  return (Object.keys(expected) as (keyof DatabaseSummary)[])
    .filter((key) => expected[key] !== actual[key])
    .map((key) => `${key} ${String(actual[key])} instead of ${String(expected[key])}`);
}
