/**
 * How an import names one bad line, in words every surface shares: the CLI prints it after
 * `FILE:LINE: `, the admin API puts it in its report's `errors`. It names no flag, command or
 * path, only the line's content and the file's format.
 */
import { MAX_UNIQUEHASH_LENGTH } from './raw-input.js';
import { CSV_COLUMNS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, type ImportLineError } from './users-csv.js';
import { BALANCE_SCALE, describeDecimalProblem } from '../domain/money.js';
import { MAX_USER_ID } from '../domain/user-ids.js';

/** One bad line in words, without its number (each surface places that its own way). */
export function importLineMessage(error: ImportLineError): string {
  const value = error.value ?? '';
  switch (error.reason) {
    case 'not_utf8':
      return 'the line is not valid UTF-8';
    case 'unclosed_quote':
      return 'a quoted field is not closed on its line';
    case 'text_after_quote':
      return 'a quoted field is followed by text other than a comma';
    case 'stray_quote':
      return 'a quote inside an unquoted field (quote the whole field and double the quote)';
    case 'unknown_column':
      return `unknown column ${value}: the columns are ${CSV_COLUMNS.join(', ')} (${listed(OPTIONAL_COLUMNS)} optional)`;
    case 'missing_column':
      return `the header lacks ${value}: expected ${REQUIRED_COLUMNS.join(',')} and optionally ${listed(OPTIONAL_COLUMNS)}`;
    case 'repeated_column':
      return 'the header repeats a column';
    case 'empty_file':
      return `the file is empty: expected the header ${REQUIRED_COLUMNS.join(',')}`;
    case 'field_count':
      return `expected ${error.expected} fields, found ${error.found}`;
    case 'invalid_username':
      return error.detail ?? 'the username is not valid';
    case 'unknown_currency':
      return `unknown currency "${value}"`;
    case 'invalid_balance':
      return `balance "${value}" ${describeDecimalProblem(error.decimalProblem ?? 'not-a-decimal', BALANCE_SCALE)}`;
    case 'invalid_id':
      return `id "${value}" is not a positive whole number`;
    case 'id_too_large':
      return `id ${value} is above ${MAX_USER_ID}, the largest id a Kolmisoft client can address`;
    case 'invalid_uniquehash':
      return `the uniquehash must be 1 to ${MAX_UNIQUEHASH_LENGTH} letters (A-Z, a-z) and digits`;
    case 'invalid_name':
      return `${value}: ${error.detail ?? 'the name is not valid'}`;
    case 'repeated_username':
      return `username ${value} repeats line ${error.earlierLine}`;
    case 'repeated_id':
      return `id ${value} repeats line ${error.earlierLine}`;
    case 'repeated_uniquehash':
      return `the uniquehash repeats line ${error.earlierLine}`;
    case 'username_taken':
      return `user ${value} already exists`;
    case 'id_taken':
      return `id ${value} is already taken`;
    case 'uniquehash_taken':
      return 'the uniquehash is already held by another user';
    case 'ids_exhausted': {
      const more = error.found ?? 0;
      return `this row${more > 0 ? ` and the ${more} after it without an id` : ''} would be numbered above ${MAX_USER_ID} (the file's largest id is ${error.expected}), the largest id a Kolmisoft client can address`;
    }
  }
}

/** `a, b and c`. */
function listed(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
