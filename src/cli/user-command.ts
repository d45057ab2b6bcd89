/** `tally user add|set|show|list`: the users whose balances the API answers. */
import type { Command } from 'commander';
import { checkNewCurrencyCode } from '../domain/currency.js';
import { TallyError } from '../domain/errors.js';
import { formatMoney } from '../domain/money.js';
import { newUniquehash } from '../domain/tokens.js';
import { usernameKey, usernameProblem } from '../domain/usernames.js';
import type { UserRecord } from '../store/store.js';
import { cliActor, commentArgument, moneyArgument, print, table, withDbOption, withStore, type DbOption } from './context.js';

interface UserOptions extends DbOption {
  readonly currency?: string;
  readonly balance?: string;
}

export function registerUser(program: Command): void {
  const user = program.command('user').description('add, change and show users');

  withDbOption(
    user
      .command('add')
      .description('add a user')
      .argument('<username>')
      .option('--currency <code>', "the user's own currency (default: the system currency)")
      .option('--balance <amount>', 'opening balance in the system currency (default: 0)'),
  ).action(async (username: string, options: UserOptions) => {
    const problem = usernameProblem(username);
    if (problem !== undefined) throw new TallyError('invalid_value', problem);
    const currency = options.currency === undefined ? undefined : currencyArgument(options.currency);
    const balance = options.balance === undefined ? 0n : moneyArgument('--balance', options.balance);
    await withStore(options, async (store) => {
      const added = await store.addUser({
        username,
        currency: currency ?? (await store.systemCurrency())!,
        balance,
        uniquehash: newUniquehash(),
        role: 'user',
      }, cliActor());
      printUser(added);
    });
  });

  withDbOption(
    user
      .command('set')
      .description("change a user's currency or balance")
      .argument('<username>')
      .option('--currency <code>', "the user's own currency")
      .option('--balance <amount>', 'new balance in the system currency (the difference becomes a ledger entry)')
      .option('--comment <text>', 'ledger comment for a balance change'),
  ).action(async (username: string, options: UserOptions & { comment?: string }) => {
    if (options.currency === undefined && options.balance === undefined) {
      throw new TallyError('invalid_value', 'nothing to change: give --currency or --balance');
    }
    const change = {
      ...(options.currency !== undefined && { currency: currencyArgument(options.currency) }),
      ...(options.balance !== undefined && { balance: moneyArgument('--balance', options.balance) }),
      ...(options.comment !== undefined && { comment: commentArgument(options.comment) }),
    };
    await withStore(options, async (store) => {
      const found = await store.findUser({ usernameKey: usernameKey(username) });
      if (found === undefined) throw new TallyError('not_found', `no user named ${username}`);
      printUser(await store.updateUser({ id: found.id }, change, cliActor()));
    });
  });

  withDbOption(user.command('show').description('show one user').argument('<username>')).action(
    async (username: string, options: DbOption) =>
      withStore(options, async (store) => {
        const found = await store.findUser({ usernameKey: usernameKey(username) });
        if (found === undefined) throw new TallyError('not_found', `no user named ${username}`);
        printUser(found);
      }),
  );

  withDbOption(user.command('list').description('list every user')).action(async (options: DbOption) =>
    withStore(options, async (store) => {
      // Tab-separated and streamed, one line per user: the table could hold millions.
      print(['ID', 'USERNAME', 'CURRENCY', 'ROLE', 'BALANCE'].join('\t'));
      for await (const u of store.listUsers()) {
        process.stdout.write(`${u.id}\t${u.username}\t${u.currency}\t${u.role}\t${formatMoney(u.balance)}\n`);
      }
    }),
  );
}

function printUser(user: UserRecord): void {
  print(
    ...table([
      ['id', String(user.id)],
      ['username', user.username],
      ['currency', user.currency],
      ['balance', formatMoney(user.balance)],
      ['uniquehash', user.uniquehash],
      ['role', user.role],
    ]),
  );
}

function currencyArgument(text: string): string {
  const checked = checkNewCurrencyCode(text);
  if (!checked.ok) throw new TallyError('invalid_value', `--currency: ${checked.reason}`);
  return checked.code;
}
