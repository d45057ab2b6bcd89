/** `tally balance add|history` and `tally verify`: the ledger from the command line. */
import type { Command } from 'commander';
import { TallyError } from '../domain/errors.js';
import { isValidIdempotencyKey, MAX_IDEMPOTENCY_KEY_LENGTH, type LedgerEntry } from '../domain/ledger.js';
import { formatMoney } from '../domain/money.js';
import { printableUsername, usernameKey, type StoredUsername } from '../domain/usernames.js';
import type { Store } from '../store/store.js';
import { cliActor, commentArgument, moneyArgument, print, table, withDbOption, withStore, type DbOption } from './context.js';

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
  ).action(async (username: string, amountText: string, options: DbOption & { comment?: string; key?: string }) => {
    const amount = moneyArgument('amount', amountText);
    if (amount === 0n) throw new TallyError('invalid_value', 'amount must not be zero');
    const comment = options.comment === undefined ? '' : commentArgument(options.comment);
    if (options.key !== undefined && !isValidIdempotencyKey(options.key)) {
      throw new TallyError('invalid_value', `--key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters, none of them a control character`);
    }
    await withStore(options, async (store) => {
      const result = await store.applyBalanceChange({
        user: { usernameKey: usernameKey(username) },
        amount,
        by: cliActor(),
        comment,
        ...(options.key !== undefined && { idempotencyKey: options.key }),
      });
      switch (result.kind) {
        case 'applied':
          print(`${result.username}: ${signed(result.entry.amount)} -> balance ${formatMoney(result.entry.balanceAfter)} (entry ${result.entry.id})`);
          return;
        case 'replayed':
          print(`${result.username}: key already applied as entry ${result.entry.id}; nothing changed`);
          return;
        case 'user_not_found':
          throw new TallyError('not_found', `no user named ${username}`);
        case 'duplicate_key':
          throw new TallyError('conflict', `key ${options.key} was already used for another user or amount; nothing changed`);
        case 'out_of_range':
          throw new TallyError('invalid_value', 'the new balance would be out of range; nothing changed');
      }
    });
  });

  withDbOption(
    balance
      .command('history')
      .description("a user's ledger entries, newest first")
      .argument('<username>')
      .option('--limit <n>', 'how many entries', '20')
      .option('--json', 'one JSON array, amounts as exact decimal strings'),
  ).action(async (username: string, options: DbOption & { limit: string; json?: boolean }) => {
    if (!/^\d{1,9}$/.test(options.limit) || Number(options.limit) === 0) {
      throw new TallyError('invalid_value', '--limit must be a whole number from 1');
    }
    await withStore(options, async (store) => {
      const user = await store.findUser({ usernameKey: usernameKey(username) });
      if (user === undefined) throw new TallyError('not_found', `no user named ${username}`);
      const entries = await store.ledgerEntries(user.id, Number(options.limit));
      if (options.json) print(JSON.stringify(entries.map(entryJson), null, 2));
      else print(...table([['ENTRY', 'TIME', 'AMOUNT', 'BALANCE', 'SOURCE', 'KEY', 'COMMENT'], ...entries.map(entryRow)]));
    });
  });

  withDbOption(program.command('verify').description("check every user's balance against the sum of their ledger entries")).action(
    async (options: DbOption) => withStore(options, verify),
  );
}

async function verify(store: Store): Promise<void> {
  const report = await store.verifyLedger();
  const collisions = await store.usernameCollisions();
  if (report.mismatches.length === 0 && collisions.length === 0) {
    print(`ok: ${report.users} users, ${report.entries} ledger entries; every balance equals the sum of its entries`);
    return;
  }
  for (const m of report.mismatches) {
    const last = m.lastBalanceAfter === undefined ? '' : `, last entry says ${formatMoney(m.lastBalanceAfter)}`;
    print(`mismatch: ${m.username} (id ${m.id}): balance ${formatMoney(m.balance)}, ledger sum ${formatMoney(m.ledgerSum)}${last}`);
  }
  // The NFC migration leaves such pairs as they were: merging them would merge two customers.
  for (const c of collisions) print(`username ${named(c.user)} collides with ${named(c.with)} under Unicode normalisation: rename one`);
  const problems = [
    ...(report.mismatches.length > 0 ? [`${report.mismatches.length} of ${report.users} users do not match their ledger`] : []),
    ...(collisions.length > 0 ? [`${collisions.length} username${collisions.length === 1 ? '' : 's'} collide with another under Unicode normalisation`] : []),
  ];
  throw new TallyError('conflict', problems.join('; '));
}

function named(user: StoredUsername): string {
  return `"${printableUsername(user.username)}" (id ${user.id})`;
}

function signed(amount: bigint): string {
  return amount < 0n ? formatMoney(amount) : '+' + formatMoney(amount);
}

function entryRow(entry: LedgerEntry): string[] {
  return [String(entry.id), entry.createdAt, signed(entry.amount), formatMoney(entry.balanceAfter), entry.source, entry.idempotencyKey ?? '', entry.comment];
}

function entryJson(entry: LedgerEntry) {
  return {
    id: entry.id,
    time: entry.createdAt,
    amount: formatMoney(entry.amount),
    balanceAfter: formatMoney(entry.balanceAfter),
    source: entry.source,
    key: entry.idempotencyKey ?? null,
    comment: entry.comment,
  };
}
