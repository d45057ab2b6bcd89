/** `tally operator add|list|role|remove|password|token|token-revoke`: the operators of the admin API. */
import type { Command } from 'commander';
import * as operators from '../admin/operators.js';
import { cliActor, print, table, withDbOption, withStore, type DbOption } from './context.js';
import { json } from './format.js';
import { passwordFromStdin, promptPassword } from './password-input.js';

interface PasswordOptions extends DbOption {
  readonly passwordStdin?: boolean;
}

function readPassword(options: PasswordOptions): Promise<string> {
  return options.passwordStdin === true ? passwordFromStdin() : promptPassword();
}

export function registerOperator(program: Command): void {
  const operator = program.command('operator').description('add and remove the operators of the admin API, their passwords and tokens');

  withDbOption(
    operator
      .command('add')
      .description('add an operator (the password is asked for, or read with --password-stdin)')
      .argument('<name>')
      .requiredOption('--role <role>', 'viewer, admin or owner')
      .option('--password-stdin', 'read the password from standard input (one trailing newline is dropped)'),
  ).action(async (name: string, options: PasswordOptions & { role: string }) => {
    const password = await readPassword(options);
    await withStore(options, async (store) => {
      const added = await operators.addOperator(store, { username: name, role: options.role, password }, cliActor());
      print(`added operator ${added.username} (${added.role})`);
    });
  });

  withDbOption(operator.command('list').description('list the operators, their roles and tokens').option('--json', 'print JSON')).action(
    async (options: DbOption & { json?: boolean }) =>
      withStore(options, async (store) => {
        const all = await operators.listOperators(store);
        if (options.json) {
          print(json(all.map((o) => ({ username: o.username, role: o.role, created_at: o.createdAt, password_changed_at: o.passwordChangedAt, tokens: o.tokens.map((t) => ({ label: t.label, created_at: t.createdAt })) }))));
          return;
        }
        print(...table([['NAME', 'ROLE', 'TOKENS', 'CREATED'], ...all.map((o) => [o.username, o.role, o.tokens.map((t) => t.label).join(',') || '-', o.createdAt])]));
      }),
  );

  withDbOption(
    operator
      .command('role')
      .description("change an operator's role (never the last owner's); its sessions and tokens carry the new one at once")
      .argument('<name>')
      .argument('<role>', 'viewer, admin or owner'),
  ).action(async (name: string, role: string, options: DbOption) =>
    withStore(options, async (store) => {
      const changed = await operators.changeOperatorRole(store, name, role, cliActor());
      print(`operator ${changed.username} is ${changed.role}`);
    }),
  );

  withDbOption(operator.command('remove').description('remove an operator and its tokens (never the last owner)').argument('<name>')).action(
    async (name: string, options: DbOption) =>
      withStore(options, async (store) => {
        await operators.removeOperator(store, name, cliActor());
        print(`removed operator ${name}`);
      }),
  );

  withDbOption(
    operator
      .command('password')
      .description("change an operator's password (asked for, or read with --password-stdin); its sessions end")
      .argument('<name>')
      .option('--password-stdin', 'read the password from standard input (one trailing newline is dropped)'),
  ).action(async (name: string, options: PasswordOptions) => {
    const password = await readPassword(options);
    await withStore(options, async (store) => {
      await operators.changePassword(store, name, password, cliActor());
      print(`changed the password of ${name}`);
    });
  });

  withDbOption(
    operator
      .command('token')
      .description('make a new API token for an operator and print it, once, on standard output alone')
      .argument('<name>')
      .option('--label <text>', 'what the token is for (default: token-N)'),
  ).action(async (name: string, options: DbOption & { label?: string }) =>
    withStore(options, async (store) => {
      const made = await operators.createToken(store, name, options.label, cliActor());
      process.stderr.write(`token "${made.label}" of ${name}: shown this once, keep it now\n`);
      print(made.token);
    }),
  );

  withDbOption(operator.command('token-revoke').description("revoke one of an operator's tokens by its label").argument('<name>').argument('<label>')).action(
    async (name: string, label: string, options: DbOption) =>
      withStore(options, async (store) => {
        await operators.revokeToken(store, name, label, cliActor());
        print(`revoked token "${label}" of ${name}`);
      }),
  );
}
