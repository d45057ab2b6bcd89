/**
 * `tally hash URI`: Kolmisoft's "Generate hash" tool (the rule is src/admin/hash.ts). The hash
 * alone goes to standard output (so `H=$(tally hash ...)` works); the values it concatenated go
 * to standard error; the key goes nowhere.
 */
import type { Command } from 'commander';
import { generateHash, storedSecret } from '../admin/hash.js';
import { TallyError } from '../domain/errors.js';
import { withDbOption, withStore, type DbOption } from './context.js';
import { EXIT_FAILURE } from './exit-codes.js';

export function registerHash(program: Command): void {
  withDbOption(
    program
      .command('hash')
      .description('print the hash a request needs, like Kolmisoft\'s "Generate hash" tool')
      .argument('<uri>', 'request URI, e.g. "/billing/api/user_balance_get?username=alice&currency=EUR", or just its query')
      .option('--secret <key>', 'use this key instead of the configured api_secret_key'),
  ).action(async (uri: string, options: DbOption & { secret?: string }) => {
    if (options.secret === '') throw new TallyError('invalid_value', '--secret must not be empty');
    const given = options.secret;
    // With --secret the database is not opened at all (it need not exist).
    const generated = await generateHash(uri, given !== undefined ? async () => given : () => withStore(options, (store) => storedSecret(store)()));
    process.stdout.write(generated.hash + '\n');
    const described = generated.values.length === 0 ? 'no parameter values' : generated.values.map((value) => JSON.stringify(value)).join(' + ');
    process.stderr.write(`${generated.method}: SHA1 of ${described} + the secret key\n`);
    if (generated.matches !== undefined) {
      process.stderr.write(`the hash in the URI ${generated.matches ? 'matches' : 'does NOT match'}\n`);
      // A script checking a client's URL needs the answer in the status, not only in words.
      if (!generated.matches) process.exitCode = EXIT_FAILURE;
    }
  });
}
