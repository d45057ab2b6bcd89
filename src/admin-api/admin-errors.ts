/**
 * How the admin API words an AdminError: a problem document whose `detail` is a sentence for
 * people and, for invalid input, `errors` naming the field as the request gave it. The CLI words
 * the same errors for a terminal (cli/messages.ts); neither names the other's flags or paths.
 */
import type { AdminError } from '../admin/admin-error.js';
import { MAX_CURRENCY_NAME_LENGTH, MAX_UNIQUEHASH_LENGTH } from '../admin/raw-input.js';
import { BALANCE_SCALE, describeDecimalProblem, RATE_SIGNIFICANT_FRACTION_DIGITS, type DecimalProblem } from '../domain/money.js';
import { SETTING_NAMES } from '../domain/settings.js';
import { MAX_USER_ID } from '../domain/user-ids.js';
import type { WholeReply } from '../transport/reply.js';
import { problemReply, type ProblemCode } from './problems.js';

export function adminErrorReply(error: AdminError): WholeReply {
  const code = problemCodeOf(error);
  let message = fieldMessage(error);
  // A currency named in a body that does not exist is a bad value of that field, not a missing resource.
  const badReference = error.code === 'not_found' && error.entity === 'currency' && error.field === 'currency';
  if (code === 'invalid' || badReference) {
    const field = error.field ?? error.entity;
    // The domain's sentences name their subject ("api_secret_key must be…"): said once.
    if (message.startsWith(`${field} `)) message = message.slice(field.length + 1);
    return problemReply('invalid', `${field}: ${message}`, { errors: [{ field, message }] });
  }
  return problemReply(code, message);
}

function problemCodeOf(error: AdminError): ProblemCode {
  switch (error.code) {
    case 'invalid':
      return 'invalid';
    case 'not_found':
      return 'not_found';
    case 'already_exists':
    case 'conflict':
      return 'conflict';
    case 'not_initialized':
      return 'conflict'; // the database lacks what an operation needs (a setting): `tally init` completes it
  }
}

/** The sentence: for invalid input, what is wrong with the field (the field itself is named apart). */
function fieldMessage(error: AdminError): string {
  const { entity, value = '', reason } = error;
  switch (error.code) {
    case 'not_found':
      if (entity === 'user') return `no user ${value}`;
      if (entity === 'operator') return `no operator named ${value}`;
      if (entity === 'token') return `no token labelled "${value}"`;
      if (entity === 'currency') return `no currency ${value}`;
      if (entity === 'setting' && reason === 'not_rotatable') return `"${value}" is not a key one can read or rotate here: the keys are api_secret_key and signature_key`;
      if (entity === 'setting') return `no setting "${value}"`;
      return `no ${entity} ${value}`;
    case 'already_exists':
      if (entity === 'user') return `a user named ${value} already exists (usernames ignore letter case)`;
      if (entity === 'operator') return `an operator named ${value} already exists (names ignore letter case)`;
      return error.detail ?? error.message;
    case 'not_initialized':
      return entity === 'setting' ? `the database lacks the setting ${value}: run "tally init" to complete it` : 'the database is not initialised: run "tally init"';
    case 'conflict':
      return conflictMessage(error);
    case 'invalid':
      break;
  }
  if (isDecimalProblem(reason)) {
    return entity === 'rate' ? describeDecimalProblem(reason, RATE_SIGNIFICANT_FRACTION_DIGITS, 'significant ') : describeDecimalProblem(reason, BALANCE_SCALE);
  }
  switch (reason) {
    case 'zero':
      return 'must not be zero';
    case 'balance_out_of_range':
      return 'would take the balance out of the range Tally can hold; nothing changed';
    case 'nothing_to_change':
      return 'nothing to change';
    case 'rate_required':
      return `currency ${value} is new: give its rate`;
    case 'system_rate':
      return `${value} is the system currency: its rate is always 1`;
    case 'system_inactive':
      return `${value} is the system currency and cannot be made inactive`;
    case 'unknown':
      if (entity === 'setting') return `no setting "${value}"; the settings are: ${SETTING_NAMES.join(', ')}`;
      break;
    case 'not_rotatable':
      return `"${value}" is not a key that rotates`;
    default:
      break;
  }
  switch (entity) {
    case 'comment':
      return `must be at most ${error.limit} printable characters`;
    case 'key':
      return `must be 1 to ${error.limit} printable characters`;
    case 'limit':
      return `must be a whole number from 1 to ${error.limit}`;
    case 'name':
      // A currency's name or a name filter (operator=): each says its own limit.
      return `must be 1 to ${error.limit ?? MAX_CURRENCY_NAME_LENGTH} printable characters`;
    case 'person_name':
      return `must be at most ${error.limit} characters, none of them a control character`;
    case 'switch':
      return `must be true or false, not "${value}"`;
    case 'status':
      return `must be active or closed, not "${value}"`;
    case 'query':
      return `must be 1 to ${error.limit} printable characters`;
    case 'id':
      return `must be a whole number from 0 to ${MAX_USER_ID}`;
    case 'uniquehash':
      return `must be 1 to ${MAX_UNIQUEHASH_LENGTH} letters (A-Z, a-z) and digits`;
    case 'time':
      return reason === 'before_from' ? 'must not be before from' : `"${value}" is not an RFC 3339 time such as 2026-12-01T18:20:44.123Z`;
    case 'cursor':
      return 'is not a cursor this list gave (pass next_cursor back as it is)';
    case 'source':
      return `must be one of cli, api, import, admin, not "${value}"`;
    case 'address':
      return `"${value}" is not an IP address (nor a bucket the throttle list shows)`;
    case 'uri':
      if (reason === 'unknown') return `${value} is not a Kolmisoft API method with a hash`;
      if (reason === 'syntax') return 'has a broken percent escape';
      return `carries none of the parameters ${value} hashes (${error.detail ?? ''}): nothing to sign but the key`;
    default:
      return error.detail ?? error.message;
  }
}

function conflictMessage(error: AdminError): string {
  const { value = '' } = error;
  switch (error.reason) {
    case 'duplicate_key':
      return 'the Idempotency-Key was used before for another request; nothing changed';
    case 'closed':
      return `user ${value} is closed: reopen it first; nothing changed`;
    case 'already_closed':
      return `user ${value} is already closed; nothing changed`;
    case 'not_closed':
      return `user ${value} is not closed; nothing changed`;
    case 'unchanged':
      return `the user is already named ${value}; nothing changed`;
    case 'last_owner':
      return `${value} is the last owner: make another operator an owner first; nothing changed`;
    case 'label_taken':
      return `a token labelled "${value}" exists already`;
    case 'empty':
      return `the setting ${value} is empty: an owner sets it first`;
    default:
      return error.detail ?? error.message;
  }
}

function isDecimalProblem(reason: string | undefined): reason is DecimalProblem {
  return reason === 'not-a-decimal' || reason === 'not-positive' || reason === 'too-many-fraction-digits' || reason === 'out-of-range';
}

