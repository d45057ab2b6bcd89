/**
 * How a Kolmisoft import names one problem, in words every surface shares:
 * `users row 12: username "Bob" repeats row 7 (usernames ignore letter case)`. It names the
 * table, the row id and the problem, never a flag, command or password.
 */
import { formatExact } from '../domain/money.js';
import { MAX_USER_ID } from '../domain/user-ids.js';
import type { KolmisoftImportReport } from './kolmisoft-import.js';
import { KOLMISOFT_DEFAULT_CURRENCY_ID, type KolmisoftProblem } from './kolmisoft-rows.js';
import { MAX_UNIQUEHASH_LENGTH } from './raw-input.js';

/** `TABLE row ID: problem`, or `TABLE: problem` for the whole table. */
export function kolmisoftProblemMessage(problem: KolmisoftProblem): string {
  const where = problem.rowId === undefined ? problem.table : `${problem.table} row ${problem.rowId}`;
  return `${where}: ${describe(problem)}`;
}

function describe(problem: KolmisoftProblem): string {
  const value = problem.value ?? '';
  switch (problem.reason) {
    case 'missing_columns':
      return `the table lacks ${value} (is this a Kolmisoft MOR, M2 or M4 database?)`;
    case 'no_default_currency':
      return `no row with id ${KOLMISOFT_DEFAULT_CURRENCY_ID}, Kolmisoft's default currency`;
    case 'default_rate_not_one':
      return `the default currency's exchange_rate is ${value}, not 1`;
    case 'system_currency_differs':
      return `the default currency is ${value} but this Tally database's system currency is ${problem.expected}: every balance would change meaning`;
    case 'null_value':
      return `${problem.column} is NULL`;
    case 'invalid_code':
      return `name ${JSON.stringify(value)} is not a currency code: ${problem.detail}`;
    case 'repeated_code':
      return `currency ${value.toUpperCase()} repeats row ${problem.earlierRowId} (codes ignore letter case)`;
    case 'invalid_rate':
      return `exchange_rate ${value} ${problem.detail === 'not-positive' ? 'is not greater than zero' : 'is out of range'}`;
    case 'invalid_id':
      return `id ${value} is not from 0 to ${MAX_USER_ID}, the ids a Kolmisoft client can address`;
    case 'invalid_username':
      return `username ${JSON.stringify(value)}: ${problem.detail}`;
    case 'invalid_balance':
      return `balance ${value} ${problem.detail === 'out-of-range' ? 'is out of range' : 'is not a number'}`;
    case 'unknown_currency':
      return `currency_id ${value} is not in currencies`;
    case 'invalid_uniquehash':
      return `uniquehash ${JSON.stringify(value)} is not 1 to ${MAX_UNIQUEHASH_LENGTH} letters (A-Z, a-z) and digits`;
    case 'repeated_username':
      return `username ${JSON.stringify(value)} repeats row ${problem.earlierRowId} (usernames ignore letter case)`;
    case 'repeated_id':
      return `id ${value} repeats row ${problem.earlierRowId}`;
    case 'repeated_uniquehash':
      return `the uniquehash repeats row ${problem.earlierRowId}`;
    case 'username_taken':
      return `username ${JSON.stringify(value)} is already taken in this Tally database (usernames ignore letter case)`;
    case 'id_taken':
      return `id ${value} is already taken in this Tally database`;
    case 'uniquehash_taken':
      return 'the uniquehash is already held by a user of this Tally database';
    case 'no_admin_account':
      return "Kolmisoft's admin comes over onto Tally's admin account, and this Tally database has no admin with id 0";
  }
}

/** The report's lines: what came over (or would), and what the rounding of float balances changed. */
export function kolmisoftReportLines(report: KolmisoftImportReport): string[] {
  const verb = report.dryRun ? 'would import' : 'imported';
  const admins = report.admins === 0 ? '' : ` (${report.admins} of them admin logins)`;
  const lines = [`${verb} ${report.users} users${admins} from ${report.location}${report.dryRun ? '; nothing was written (dry run)' : ''}`];
  if (report.adminAccount) lines.push(`Kolmisoft's admin (id 0): its balance, names and token ${report.dryRun ? 'would come' : 'came'} over onto Tally's admin account`);
  lines.push(`hidden users skipped: ${report.hidden}`);
  if (report.newTokens > 0) lines.push(`users without a uniquehash, given a new one: ${report.newTokens}`);
  lines.push(
    report.inexactBalances === 0
      ? 'balances: every one exact to 6 fractional digits'
      : `balances rounded half away from zero to 6 fractional digits: ${report.inexactBalances} not exact, by at most ${formatExact(report.largestRounding)}`,
  );
  const list = (codes: readonly string[]) => (codes.length === 0 ? 'none' : codes.join(', '));
  lines.push(`currencies added: ${list(report.currenciesAdded)}; rates changed: ${list(report.currenciesChanged)}`);
  if (report.ratesRounded.length > 0) lines.push(`rates rounded to 12 significant fractional digits: ${report.ratesRounded.join(', ')}`);
  return lines;
}
