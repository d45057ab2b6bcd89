/** `tally balance add|history` and `tally verify`: the ledger from the command line. */
import type { Command } from 'commander';
import { adjustBalance, balanceHistory, verifyDatabase, type VerifyReport } from '../admin/balances.js';
import type { LedgerEntry } from '../domain/ledger.js';
import { printableUsername, type StoredUsername } from '../domain/usernames.js';
import { cliActor, print, table, withDbOption, withStore, type DbOption } from './context.js';
import { json, money, signedMoney } from './format.js';
import { historyEntryJson, verifyJson } from './json-views.js';
import { CliRefusal } from './messages.js';

export function registerBalance(program: Command): void {
  const balance = program.command('balance').description("change a user's balance through the ledger, and read its history");

  withDbOption(
    balance
      .command('add')
      .description('add a signed amount (in the system currency) to a balance, as one ledger entry')
      .argument('<username>')
      .argument('<amount>', 'signed decimal, e.g. 10.50 or -3')
      .option('--comment <text>', 'why, kept with the entry')
      .option('--key <key>', 'idempotency key: repeating the command with the same key changes nothing twice'),
  ).action(async (username: string, amount: string, options: DbOption & { comment?: string; key?: string }) =>
    withStore(options, async (store) => {
      const result = await adjustBalance(store, { username }, { amount, comment: options.comment, key: options.key }, cliActor());
      if (result.kind === 'applied') {
        print(`${result.username}: ${signedMoney(result.entry.amount)} -> balance ${money(result.entry.balanceAfter)} (entry ${result.entry.id})`);
      } else {
        print(`${result.username}: key already applied as entry ${result.entry.id}; nothing changed`);
      }
    }),
  );

  withDbOption(
    balance
      .command('history')
      .description("a user's ledger entries, newest first")
      .argument('<username>')
      .option('--limit <n>', 'how many entries', '20')
      .option('--json', 'one JSON array, amounts as exact decimal strings'),
  ).action(async (username: string, options: DbOption & { limit: string; json?: boolean }) =>
    withStore(options, async (store) => {
      const { entries } = await balanceHistory(store, { username }, { limit: options.limit });
      if (options.json) print(json(entries.map(historyEntryJson)));
      else print(...table([['ENTRY', 'TIME', 'AMOUNT', 'BALANCE', 'SOURCE', 'ACTOR', 'KEY', 'COMMENT'], ...entries.map(entryRow)]));
    }),
  );

  withDbOption(
    program
      .command('verify')
      .description("check every user's balance against the sum of their ledger entries")
      .option('--json', 'the report as one JSON object (the exit code still says whether all is well)'),
  ).action(async (options: DbOption & { json?: boolean }) =>
    withStore(options, async (store) => {
      const report = await verifyDatabase(store);
      if (options.json) print(json(verifyJson(report)));
      else printReport(report);
      if (!report.ok) throw new CliRefusal(problems(report));
    }),
  );
}

function printReport(report: VerifyReport): void {
  if (report.ok) {
    print(`ok: ${report.users} users, ${report.entries} ledger entries; every balance equals the sum of its entries`);
    return;
  }
  for (const m of report.mismatches) {
    const last = m.lastBalanceAfter === undefined ? '' : `, last entry says ${money(m.lastBalanceAfter)}`;
    print(`mismatch: ${m.username} (id ${m.id}): balance ${money(m.balance)}, ledger sum ${money(m.ledgerSum)}${last}`);
  }
  // The NFC migration leaves such pairs as they were: merging them would merge two customers.
  for (const c of report.collisions) print(`username ${named(c.user)} collides with ${named(c.with)} under Unicode normalisation: rename one`);
}

function problems(report: VerifyReport): string {
  const { mismatches, collisions } = report;
  return [
    ...(mismatches.length > 0 ? [`${mismatches.length} of ${report.users} users do not match their ledger`] : []),
    ...(collisions.length > 0 ? [`${collisions.length} username${collisions.length === 1 ? '' : 's'} collide with another under Unicode normalisation`] : []),
  ].join('; ');
}

function named(user: StoredUsername): string {
  return `"${printableUsername(user.username)}" (id ${user.id})`;
}

function entryRow(entry: LedgerEntry): string[] {
  return [String(entry.id), entry.createdAt, signedMoney(entry.amount), money(entry.balanceAfter), entry.source, entry.actor || '-', entry.idempotencyKey ?? '', entry.comment];
}
