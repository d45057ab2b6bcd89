#!/usr/bin/env node
/** The `tally` executable: a table of named commands sharing the server's config and store. */
import { Command, CommanderError } from 'commander';
import { registerAudit } from './audit-command.js';
import { registerBalance } from './balance-command.js';
import { registerCopy } from './copy-command.js';
import { registerCurrency } from './currency-command.js';
import { EXIT_USAGE, exitCodeFor } from './exit-codes.js';
import { registerHash } from './hash-command.js';
import { registerImportExport } from './import-export-command.js';
import { registerInit } from './init-command.js';
import { describeError } from './messages.js';
import { invalidUtf8Argument } from './raw-arguments.js';
import { registerServe } from './serve-command.js';
import { registerSettings } from './settings-command.js';
import { configureUsageErrors } from './usage.js';
import { registerOperator } from './operator-command.js';
import { registerThrottle } from './throttle-command.js';
import { registerUser } from './user-command.js';
import { registerWebhook } from './webhook-command.js';
import { packageVersion } from './version.js';

const program = new Command('tally')
  .description('A balance API server that speaks Kolmisoft M4\'s user_balance_get.')
  .version(packageVersion(), '-V, --version', 'print the version');

for (const register of [
  registerInit,
  registerServe,
  registerSettings,
  registerCurrency,
  registerUser,
  registerBalance,
  registerAudit,
  registerThrottle,
  registerOperator,
  registerWebhook,
  registerImportExport,
  registerCopy,
  registerHash,
]) {
  register(program);
}
configureUsageErrors(program);

// Writing into a closed pipe (`tally user list | head`) is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// Before any command runs, so a broken argument changes nothing. Its bytes are not echoed.
const badArgument = invalidUtf8Argument(process.argv.length - 2);
if (badArgument !== undefined) {
  process.stderr.write(`tally: argument ${badArgument} is not valid UTF-8 text: retype it in a UTF-8 terminal\n`);
  process.exit(EXIT_USAGE);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Commander has already written its one line (or the help text, or the version).
  if (!(error instanceof CommanderError)) {
    const message = describeError(error);
    process.stderr.write(`tally: ${message.split('\n', 1)[0]}\n`);
  }
  process.exitCode = exitCodeFor(error);
}
