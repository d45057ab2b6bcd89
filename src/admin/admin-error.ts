/**
 * The one error every admin operation throws: what went wrong as fields (a code, the entity,
 * the offending field and value, a reason), never as a sentence for one surface. The CLI, the
 * admin API and the console each word it at their edge; the message is a neutral default.
 */
import { TallyError, type TallyErrorCode } from '../domain/errors.js';
import type { ImportLineError } from './users-csv.js';

export type AdminErrorCode = 'invalid' | 'not_found' | 'already_exists' | 'conflict' | 'not_initialized';

/** What the error is about: a stored thing (user, currency...) or a kind of input (amount, limit...). */
export type AdminEntity =
  | 'user'
  | 'person_name'
  | 'currency'
  | 'setting'
  | 'amount'
  | 'comment'
  | 'key'
  | 'limit'
  | 'rate'
  | 'name'
  | 'switch'
  | 'role'
  | 'status'
  | 'query'
  | 'id'
  | 'uniquehash'
  | 'address'
  | 'file'
  | 'database'
  | 'ledger'
  | 'operator'
  | 'password'
  | 'token'
  | 'time'
  | 'cursor'
  | 'source'
  | 'session'
  | 'uri'
  | 'webhook';

/**
 * Why, in a word a surface can switch on. Decimal problems use the domain's DecimalProblem
 * names (`not-a-decimal`, `too-many-fraction-digits`, ...).
 */
export type AdminReason =
  | 'not-a-decimal'
  | 'not-positive'
  | 'too-many-fraction-digits'
  | 'out-of-range'
  | 'zero'
  | 'too_long'
  | 'empty'
  | 'control_character'
  | 'not_a_whole_number'
  | 'syntax'
  | 'reserved'
  | 'unknown'
  | 'not_rotatable'
  | 'nothing_to_change'
  | 'rate_required'
  | 'system_rate'
  | 'system_inactive'
  | 'system_currency_fixed'
  | 'duplicate_key'
  | 'balance_out_of_range'
  | 'closed'
  | 'already_closed'
  | 'not_closed'
  | 'unchanged'
  | 'ids_exhausted'
  | 'lines'
  | 'rows'
  | 'changed_during_import'
  | 'not_a_file'
  | 'last_owner'
  | 'label_taken'
  | 'before_from'
  | 'store';

export interface AdminErrorFields {
  readonly entity: AdminEntity;
  /** The input field at fault, in the admin API's snake_case: `balance`, `comment`, `currency`... */
  readonly field?: string;
  /** The offending input as given (never a secret), or the name of the thing not found. */
  readonly value?: string;
  readonly reason?: AdminReason;
  /** A limit the value broke: a maximum length, a largest id. */
  readonly limit?: number;
  /**
   * A neutral description from the domain where it gives one (a username's or a setting
   * value's problem): plain words that name no flag, command or path.
   */
  readonly detail?: string;
  /** An import's bad lines, in line order. */
  readonly lines?: readonly ImportLineError[];
  /** An import refused for its bad lines: the data lines that passed the file's own checks (some may conflict with the database). */
  readonly rows?: number;
}

export class AdminError extends Error {
  readonly code: AdminErrorCode;
  readonly entity: AdminEntity;
  readonly field: string | undefined;
  readonly value: string | undefined;
  readonly reason: AdminReason | undefined;
  readonly limit: number | undefined;
  readonly detail: string | undefined;
  readonly lines: readonly ImportLineError[];
  readonly rows: number | undefined;

  constructor(code: AdminErrorCode, fields: AdminErrorFields, message?: string) {
    super(message ?? fields.detail ?? defaultMessage(code, fields));
    this.name = 'AdminError';
    this.code = code;
    this.entity = fields.entity;
    this.field = fields.field;
    this.value = fields.value;
    this.reason = fields.reason;
    this.limit = fields.limit;
    this.detail = fields.detail;
    this.lines = fields.lines ?? [];
    this.rows = fields.rows;
  }
}

function defaultMessage(code: AdminErrorCode, fields: AdminErrorFields): string {
  const what = fields.field ?? fields.entity;
  const parts = [code.replaceAll('_', ' '), what, fields.reason?.replaceAll(/[_-]/g, ' ')].filter((part) => part !== undefined && part !== '');
  return parts.join(': ');
}

export function invalid(fields: AdminErrorFields): AdminError {
  return new AdminError('invalid', fields);
}

export function notFound(entity: AdminEntity, value: string, field?: string): AdminError {
  return new AdminError('not_found', { entity, value, ...(field !== undefined && { field }) });
}

const CODE_OF: Record<TallyErrorCode, AdminErrorCode> = {
  invalid_value: 'invalid',
  not_found: 'not_found',
  already_exists: 'already_exists',
  not_initialized: 'not_initialized',
  conflict: 'conflict',
  schema_too_new: 'conflict',
};

/**
 * Runs a store call, turning a refusal the store words (TallyError: a name taken meanwhile, no
 * id left) into an AdminError about `fields`, its message kept as the neutral detail. Anything
 * else is a failure and passes through.
 */
export async function storeCall<T>(call: () => Promise<T>, fields: AdminErrorFields): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof TallyError) throw new AdminError(CODE_OF[error.code], { reason: 'store', ...fields, detail: error.message });
    throw error;
  }
}
