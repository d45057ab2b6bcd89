/**
 * Every sentence the CLI says about a refusal, in one place: admin errors are fields (a code,
 * an entity, the field and value at fault, a reason), and this file words them for a terminal,
 * naming the flags and commands that an operator types.
 */
import { AdminError } from '../admin/admin-error.js';
import { ROTATABLE_KEYS } from '../admin/settings.js';
import { MAX_CURRENCY_NAME_LENGTH, MAX_UNIQUEHASH_LENGTH } from '../admin/raw-input.js';
import { TallyError } from '../domain/errors.js';
import { hintCommand } from './command-hint.js';
import { BALANCE_SCALE, describeDecimalProblem, RATE_SIGNIFICANT_FRACTION_DIGITS, type DecimalProblem } from '../domain/money.js';
import { SETTING_NAMES } from '../domain/settings.js';
import { MAX_USER_ID } from '../domain/user-ids.js';

/** A refusal the CLI itself makes (a summary after the details it printed): its message is the sentence. */
export class CliRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliRefusal';
  }
}

/** The one line `tally: …` prints for anything a command threw. */
export function describeError(error: unknown): string {
  if (error instanceof AdminError) return adminMessage(error);
  if (error instanceof TallyError) return tallyMessage(error);
  return error instanceof Error ? error.message : String(error);
}

/** How the CLI names an input field: the flag, or the positional argument. */
const ARGUMENTS: Readonly<Record<string, string>> = {
  amount: 'amount',
  balance: '--balance',
  comment: '--comment',
  key: '--key',
  limit: '--limit',
  currency: '--currency',
  rate: '--rate',
  name: '--name',
  active: '--active',
  role: '--role',
  first_name: '--first-name',
  last_name: '--last-name',
  status: '--status',
  query: '--query',
  username: 'the username',
  new_username: 'the new username',
  address: 'the address',
};

function argument(field: string | undefined): string {
  return field === undefined ? 'the value' : (ARGUMENTS[field] ?? field);
}

function adminMessage(error: AdminError): string {
  const { entity, field, value = '' } = error;
  switch (error.code) {
    case 'not_found':
      if (entity === 'user') return `no user named ${value}`;
      if (entity === 'operator') return `no operator named ${value}`;
      if (entity === 'token') return `no token labelled "${value}"`;
      if (entity === 'currency') return field === 'currency' ? `no currency ${value}: add it with "${hintCommand(['currency', 'set', value, '--rate', 'RATE'])}"` : `no currency ${value}`;
      return `no ${entity} ${value}`;
    case 'already_exists':
      if (entity === 'user') return `a user named ${value} already exists (usernames ignore letter case)`;
      if (entity === 'operator') return `an operator named ${value} already exists (names ignore letter case)`;
      return error.message;
    case 'not_initialized':
      if (entity === 'setting') return `${value} is missing: run "${hintCommand(['init'])}"`;
      return `the database is not initialised: run "${hintCommand(['init'])}"`;
    case 'conflict':
      return conflictMessage(error);
    case 'invalid':
      return invalidMessage(error);
  }
}

function conflictMessage(error: AdminError): string {
  const { value = '' } = error;
  switch (error.reason) {
    case 'duplicate_key':
      return `key ${value} was already used for another user or amount; nothing changed`;
    case 'closed':
      return `user ${value} is closed: reopen it with "${hintCommand(['user', 'reopen', value])}" first; nothing changed`;
    case 'already_closed':
      return `user ${value} is already closed; nothing changed`;
    case 'not_closed':
      return `user ${value} is not closed; nothing changed`;
    case 'unchanged':
      return `the user is already named ${value}; nothing changed`;
    case 'last_owner':
      return `${value} is the last owner: make another operator an owner first; nothing changed`;
    case 'label_taken':
      return `a token labelled "${value}" exists already; revoke it or choose another --label`;
    case 'empty':
      // The one setting that can be empty where a command needs it: the API key, for tally hash.
      return `the API secret key is empty: set one with "${hintCommand(['settings', 'set', value, 'KEY'])}"`;
    case 'changed_during_import': {
      const line = error.lines[0]?.line;
      return `the file changed while it was imported${line === undefined ? '' : ` (line ${line})`}; nothing was imported`;
    }
    default:
      // The store's own words: a name taken meanwhile, no id left, the system currency.
      return error.message;
  }
}

function invalidMessage(error: AdminError): string {
  const { entity, field, value = '', reason } = error;
  const name = argument(field);
  if (isDecimalProblem(reason)) {
    return entity === 'rate'
      ? `${name} "${value}" ${describeDecimalProblem(reason, RATE_SIGNIFICANT_FRACTION_DIGITS, 'significant ')}`
      : `${name} "${value}" ${describeDecimalProblem(reason, BALANCE_SCALE)}`;
  }
  switch (reason) {
    case 'zero':
      return `${name} must not be zero`;
    case 'balance_out_of_range':
      return 'the new balance would be out of range; nothing changed';
    case 'nothing_to_change':
      return entity === 'setting' ? 'nothing to change' : 'nothing to change: give --currency, --balance, --role, --first-name or --last-name';
    case 'rate_required':
      return `currency ${value} is new: give its rate with --rate`;
    case 'system_rate':
      return `${value} is the system currency: its rate is always 1`;
    case 'system_inactive':
      return `${value} is the system currency and cannot be made inactive`;
    case 'rows':
      // A Kolmisoft import: the rows were listed before this line.
      return error.message;
    case 'lines': {
      const count = error.lines.length;
      return `${count} line${count === 1 ? ' has' : 's have'} errors; nothing was imported`;
    }
    default:
      break;
  }
  switch (entity) {
    case 'comment':
      return `${name} must be at most ${error.limit} printable characters`;
    case 'key':
      return `${name} must be 1 to ${error.limit} characters, none of them a control character`;
    case 'limit':
      return `${name} must be a whole number from 1 to ${error.limit}`;
    case 'name':
      return `${name} must be 1 to ${MAX_CURRENCY_NAME_LENGTH} printable characters`;
    case 'person_name':
      return `${name} must be at most ${error.limit} characters, none of them a control character`;
    case 'switch':
      return `${name} takes on or off, not "${value}"`;
    case 'role':
      // An operator's role (viewer, admin, owner) comes with its own words.
      return error.detail === undefined ? `${name} takes user or admin, not "${value}"` : `${name}: ${error.detail}`;
    case 'operator':
    case 'password':
    case 'token':
      return error.detail ?? error.message;
    case 'status':
      return `${name} takes active or closed, not "${value}"`;
    case 'query':
      return `${name} must be 1 to ${error.limit} printable characters`;
    case 'id':
      return `${name} must be a whole number from 0 to ${MAX_USER_ID}`;
    case 'uniquehash':
      return `${name} must be 1 to ${MAX_UNIQUEHASH_LENGTH} letters (A-Z, a-z) and digits`;
    case 'address':
      return `"${value}" is not an IP address (nor a bucket "tally throttle list" shows)`;
    case 'uri':
      if (reason === 'unknown') return `${value} is not an API method with a hash`;
      if (reason === 'syntax') return 'the URI has a broken percent escape';
      return `the URI carries none of the parameters ${value} hashes: nothing to sign but the key`;
    case 'currency':
      // A code argument is the command's subject; a --currency flag is named.
      return field === 'currency' ? `--currency: ${error.detail}` : (error.detail ?? `"${value}" is not a currency code`);
    case 'user':
      return error.detail ?? `${name} is not a valid username`;
    case 'setting':
      if (reason === 'unknown') return `no setting "${value}"; the settings are: ${SETTING_NAMES.join(', ')}`;
      if (reason === 'not_rotatable') return `"${value}" is not a key that rotates: give ${ROTATABLE_KEYS.join(' or ')}`;
      return error.detail ?? error.message;
    default:
      return error.detail ?? error.message;
  }
}

function isDecimalProblem(reason: string | undefined): reason is DecimalProblem {
  return reason === 'not-a-decimal' || reason === 'not-positive' || reason === 'too-many-fraction-digits' || reason === 'out-of-range';
}

/** A store or domain refusal that reached the CLI unwrapped (opening a database, copying). */
function tallyMessage(error: TallyError): string {
  if (error.code === 'not_initialized' && !error.message.includes('tally init')) return `${error.message}: run "${hintCommand(['init'])}"`;
  return error.message;
}
