/**
 * The exit status of `tally`, as a Node operator's scripts read it: 0 done, 1 refused or failed,
 * 2 the command line itself is wrong (Tally could not know what to do, whatever the database
 * holds), so a script can tell a typo from an unknown user.
 */
import { AdminError } from '../admin/admin-error.js';
import { CommanderError } from 'commander';
import { TallyError } from '../domain/errors.js';

export const EXIT_OK = 0;
/** Understood but refused (by the data or the state of the database) or failed. */
export const EXIT_FAILURE = 1;
/** An unknown command or option, a missing or extra argument, a value not of the form it takes. */
export const EXIT_USAGE = 2;

/** The exit status for an error that ended a command. */
/** Invalid input that only the data makes so: a refusal, not a typo. */
const DATA_REFUSALS: ReadonlySet<string> = new Set(['rate_required', 'system_rate', 'system_inactive', 'system_currency_fixed', 'balance_out_of_range', 'closed', 'lines', 'rows', 'duplicate_key', 'ids_exhausted', 'unchanged']);

export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander ends with 0 for --help, `tally help` and --version. Anything else is a usage
    // error, including a group given without its subcommand, which shows its help on stderr.
    return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  // invalid_value means the value cannot be right whatever the database holds (its form, its
  // range); every other refusal depends on the data, so it is a refusal, not a typo.
  if (error instanceof TallyError && error.code === 'invalid_value') return EXIT_USAGE;
  if (error instanceof AdminError && error.code === 'invalid' && !DATA_REFUSALS.has(error.reason ?? '')) return EXIT_USAGE;
  return EXIT_FAILURE;
}
