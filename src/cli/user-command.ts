/** `tally user add|set|show|list|rename|close|reopen|rotate-token`: the users whose balances the API answers. */
import type { Command } from 'commander';
import * as users from '../admin/users.js';
import type { UserRecord } from '../store/store.js';
import { cliActor, print, table, withDbOption, withStore, type DbOption } from './context.js';
import { json, money, write, writeJsonArray } from './format.js';
import { userJson } from './json-views.js';

interface UserOptions extends DbOption {
  readonly currency?: string;
  readonly balance?: string;
  readonly role?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly warningBalance?: string;
}

interface ListOptions extends DbOption {
  readonly query?: string;
  readonly limit?: string;
  readonly json?: boolean;
}

export function registerUser(program: Command): void {
  const user = program.command('user').description('add, change, rename, close and show users');

  withDbOption(
    user
      .command('add')
      .description('add a user')
      .argument('<username>')
      .option('--currency <code>', "the user's own currency (default: the system currency)")
      .option('--balance <amount>', 'opening balance in the system currency (default: 0)')
      .option('--role <role>', 'user (a customer, the default) or admin (a Kolmisoft admin login, u=)')
      .option('--first-name <text>', "the user's first name (default: empty)")
      .option('--last-name <text>', "the user's last name (default: empty)"),
  ).action(async (username: string, options: UserOptions) =>
    withStore(options, async (store) => {
      const added = await users.addUser(store, { username, ...options }, cliActor());
      printUser(added);
    }),
  );

  withDbOption(
    user
      .command('set')
      .description("change a user's currency, balance, role or names")
      .argument('<username>')
      .option('--currency <code>', "the user's own currency")
      .option('--balance <amount>', 'new balance in the system currency (the difference becomes a ledger entry)')
      .option('--comment <text>', 'ledger comment for a balance change')
      .option('--role <role>', 'user, or admin for a Kolmisoft admin login (u=)')
      .option('--first-name <text>', 'a new first name ("" clears it)')
      .option('--last-name <text>', 'a new last name ("" clears it)')
      .option('--warning-balance <amount>', 'balance.low fires when the balance drops below this ("" clears it: the global warning_balance applies)'),
  ).action(async (username: string, options: UserOptions & { comment?: string }) =>
    withStore(options, async (store) => printUser(await users.updateUser(store, { username }, options, cliActor()))),
  );

  withDbOption(
    user
      .command('show')
      .description('show one user')
      .argument('<username>')
      .option('--json', 'one JSON object, money as exact decimal strings'),
  ).action(async (username: string, options: DbOption & { json?: boolean }) =>
    withStore(options, async (store) => {
      const found = await users.findUser(store, { username });
      if (options.json) print(json(userJson(found, await store.listCurrencies())));
      else printUser(found);
    }),
  );

  withDbOption(
    user
      .command('list')
      .description('list users in id order: every one, or those a search finds')
      .option('--query <text>', 'a username prefix (any case), an exact id or an exact uniquehash')
      .option('--limit <n>', 'at most this many (default: all)')
      .option('--json', 'one JSON array, money as exact decimal strings'),
  ).action(async (options: ListOptions) =>
    withStore(options, async (store) => {
      const listed = await users.listUsers(store, options);
      if (options.json) {
        const currencies = await store.listCurrencies();
        await writeJsonArray(listed, (u) => userJson(u, currencies));
        return;
      }
      // Tab-separated and streamed, one line per user: the table could hold millions.
      print(['ID', 'USERNAME', 'CURRENCY', 'ROLE', 'BALANCE', 'STATUS'].join('\t'));
      for await (const u of listed) await write(`${u.id}\t${u.username}\t${u.currency}\t${u.role}\t${money(u.balance)}\t${u.status}\n`);
    }),
  );

  withDbOption(user.command('rename').description('give a user a new name (unique without regard to case)').argument('<username>').argument('<new-username>')).action(
    async (username: string, newName: string, options: DbOption) =>
      withStore(options, async (store) => printUser(await users.renameUser(store, { username }, newName, cliActor()))),
  );

  withDbOption(
    user.command('close').description('close a user: its ledger is kept, and every API method answers it as not found').argument('<username>'),
  ).action(async (username: string, options: DbOption) =>
    withStore(options, async (store) => printUser(await users.closeUser(store, { username }, cliActor()))),
  );

  withDbOption(user.command('reopen').description('reopen a closed user').argument('<username>')).action(async (username: string, options: DbOption) =>
    withStore(options, async (store) => printUser(await users.reopenUser(store, { username }, cliActor()))),
  );

  withDbOption(
    user.command('rotate-token').description('give a user a new random uniquehash and print it; the old one stops working at once').argument('<username>'),
  ).action(async (username: string, options: DbOption) =>
    withStore(options, async (store) => print((await users.rotateToken(store, { username }, cliActor())).uniquehash)),
  );
}

function printUser(user: UserRecord): void {
  print(
    ...table([
      ['id', String(user.id)],
      ['username', user.username],
      ['first_name', user.firstName],
      ['last_name', user.lastName],
      ['currency', user.currency],
      ['balance', money(user.balance)],
      ['warning_balance', user.warningBalance === undefined ? '' : money(user.warningBalance)],
      ['uniquehash', user.uniquehash],
      ['role', user.role],
      ['status', user.status],
      ['created', user.createdAt],
    ]),
  );
}
