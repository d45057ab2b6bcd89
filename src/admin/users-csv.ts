/**
 * The users CSV that imports read and exports write: header `username,currency,balance` with
 * optional `id`, `uniquehash`, `first_name` and `last_name` columns, balances as exact decimals
 * in the system currency. Exports add the names last, so a reader of the first five columns by
 * position reads them as before.
 * Every problem is a line number and a reason with its values; the surfaces word them.
 */
import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { normalizeCurrencyCode } from '../domain/currency.js';
import { formatMoney, parseMoney, type DecimalProblem } from '../domain/money.js';
import { MAX_USER_ID } from '../domain/user-ids.js';
import { personNameProblem } from '../domain/person-names.js';
import { usernameKey, usernameProblem } from '../domain/usernames.js';
import type { UserRecord } from '../store/store.js';
import { UNIQUEHASH_SYNTAX } from './raw-input.js';

export const CSV_COLUMNS = ['id', 'username', 'currency', 'balance', 'uniquehash', 'first_name', 'last_name'] as const;
export const REQUIRED_COLUMNS = ['username', 'currency', 'balance'] as const;
export const OPTIONAL_COLUMNS = ['id', 'uniquehash', 'first_name', 'last_name'] as const;
const ID_SYNTAX = /^[1-9]\d*$/;

/**
 * The bytes of a users CSV, readable as often as asked: an import reads them twice (check,
 * then write), so a file is reopened and a request body replayed.
 */
export type CsvSource = () => AsyncIterable<Uint8Array>;

export interface CsvUser {
  readonly line: number;
  readonly id?: number;
  readonly username: string;
  readonly currency: string;
  readonly balance: bigint;
  /** As given; absent when the file has no such column or leaves the cell empty. */
  readonly uniquehash?: string;
  /** As given (empty when the file has no such column). */
  readonly firstName: string;
  readonly lastName: string;
}

export type ImportLineReason =
  | 'not_utf8'
  | 'unclosed_quote'
  | 'text_after_quote'
  | 'stray_quote'
  | 'unknown_column'
  | 'missing_column'
  | 'repeated_column'
  | 'empty_file'
  | 'field_count'
  | 'invalid_username'
  | 'unknown_currency'
  | 'invalid_balance'
  | 'invalid_id'
  | 'id_too_large'
  | 'invalid_uniquehash'
  | 'invalid_name'
  | 'repeated_username'
  | 'repeated_id'
  | 'repeated_uniquehash'
  | 'username_taken'
  | 'id_taken'
  | 'uniquehash_taken'
  | 'ids_exhausted';

/** One bad line of an import. */
export interface ImportLineError {
  readonly line: number;
  readonly reason: ImportLineReason;
  /** The offending text (a cell, a column name list), never the line's bytes when not UTF-8. */
  readonly value?: string;
  /** The earlier line a value repeats. */
  readonly earlierLine?: number;
  /** field_count: the header's count; ids_exhausted: the file's largest id (0 for none). */
  readonly expected?: number;
  /** field_count: the line's count; ids_exhausted: the rows after this one that have no id. */
  readonly found?: number;
  /** invalid_balance: the decimal's problem. */
  readonly decimalProblem?: DecimalProblem;
  /** invalid_username, invalid_name: the domain's neutral description (invalid_name's value is the column). */
  readonly detail?: string;
}

export type CsvLine = { ok: true; user: CsvUser } | { ok: false; error: ImportLineError };

/**
 * Reads the source line by line, checking each row on its own (syntax, known currency). Checks
 * across rows and against the database are the caller's.
 *
 * No valid field can hold a line break (usernames refuse control characters), so every record
 * is one line: a line reader plus a small field splitter gives exact line numbers for every
 * error, an unclosed quote included, which a general CSV parser reports only at the file's end.
 */
export async function* readUsersCsv(source: CsvSource, currencies: ReadonlySet<string>): AsyncGenerator<CsvLine> {
  // Read as latin1 (one character per byte, so no chunk boundary can split one) so that each
  // line's bytes can be checked as UTF-8: a utf8 stream would turn a bad byte into U+FFFD
  // without a word, and into a username no client could ever send.
  const latin1 = Readable.from(
    (async function* () {
      for await (const chunk of source()) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    })(),
  );
  const lines = createInterface({ input: latin1, crlfDelay: Infinity });
  let columns: Map<string, number> | undefined;
  let line = 0;
  const bad = (error: Omit<ImportLineError, 'line'>): CsvLine => ({ ok: false, error: { line, ...error } });
  for await (const raw of lines) {
    line++;
    const bytes = Buffer.from(raw, 'latin1');
    if (!isUtf8(bytes)) {
      yield bad({ reason: 'not_utf8' });
      if (columns === undefined) return;
      continue;
    }
    const text = bytes.toString('utf8');
    if (text === '' || (line === 1 && text === '\uFEFF')) continue;
    const record = splitCsvLine(line === 1 ? text.replace(/^\uFEFF/, '') : text);
    if (typeof record === 'string') {
      yield bad({ reason: record });
      if (columns === undefined) return;
      continue;
    }
    if (columns === undefined) {
      const header = readHeader(record);
      if (!(header instanceof Map)) {
        yield bad(header);
        return;
      }
      columns = header;
      continue;
    }
    yield checkRow(record, line, columns, currencies);
  }
  if (columns === undefined) yield { ok: false, error: { line: 1, reason: 'empty_file' } };
}

type SplitProblem = 'unclosed_quote' | 'text_after_quote' | 'stray_quote';

/** The fields of one CSV line (RFC 4180 quoting: `"a,b"`, `"say ""hi"""`), or what is wrong with it. */
export function splitCsvLine(text: string): string[] | SplitProblem {
  const fields: string[] = [];
  let position = 0;
  for (;;) {
    if (text[position] === '"') {
      let value = '';
      let from = position + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote === -1) return 'unclosed_quote';
        value += text.slice(from, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          from = quote + 2;
          continue;
        }
        position = quote + 1;
        break;
      }
      fields.push(value);
      if (position === text.length) return fields;
      if (text[position] !== ',') return 'text_after_quote';
      position++;
    } else {
      const comma = text.indexOf(',', position);
      const field = text.slice(position, comma === -1 ? text.length : comma);
      if (field.includes('"')) return 'stray_quote';
      fields.push(field);
      if (comma === -1) return fields;
      position = comma + 1;
    }
  }
}

function readHeader(record: string[]): Map<string, number> | Omit<ImportLineError, 'line'> {
  const columns = new Map(record.map((name, index) => [name.trim().toLowerCase(), index]));
  const unknown = [...columns.keys()].filter((name) => !(CSV_COLUMNS as readonly string[]).includes(name));
  if (unknown.length > 0) return { reason: 'unknown_column', value: unknown.join(', ') };
  const missing = REQUIRED_COLUMNS.filter((name) => !columns.has(name));
  if (missing.length > 0) return { reason: 'missing_column', value: missing.join(', ') };
  if (columns.size !== record.length) return { reason: 'repeated_column' };
  return columns;
}

function checkRow(record: string[], line: number, columns: Map<string, number>, currencies: ReadonlySet<string>): CsvLine {
  const bad = (error: Omit<ImportLineError, 'line'>): CsvLine => ({ ok: false, error: { line, ...error } });
  if (record.length !== columns.size) return bad({ reason: 'field_count', expected: columns.size, found: record.length });
  const field = (name: string): string | undefined => {
    const index = columns.get(name);
    return index === undefined ? undefined : record[index];
  };
  const username = fromSpreadsheetCell(field('username') ?? '');
  const problem = usernameProblem(username);
  if (problem !== undefined) return bad({ reason: 'invalid_username', detail: problem });
  const currencyText = field('currency') ?? '';
  const currency = normalizeCurrencyCode(currencyText);
  if (currency === undefined || !currencies.has(currency)) return bad({ reason: 'unknown_currency', value: currencyText });
  const balanceText = field('balance') ?? '';
  const balance = parseMoney(balanceText);
  if (!balance.ok) return bad({ reason: 'invalid_balance', value: balanceText, decimalProblem: balance.problem });
  const uniquehash = field('uniquehash') ?? '';
  if (uniquehash !== '' && !UNIQUEHASH_SYNTAX.test(uniquehash)) return bad({ reason: 'invalid_uniquehash' });
  const names: string[] = [];
  for (const column of ['first_name', 'last_name'] as const) {
    const name = fromSpreadsheetCell(field(column) ?? '');
    const nameProblem = personNameProblem(name);
    if (nameProblem !== undefined) return bad({ reason: 'invalid_name', value: column, detail: nameProblem });
    names.push(name);
  }
  const [firstName = '', lastName = ''] = names;
  const user = { line, username, currency, balance: balance.value, ...(uniquehash !== '' && { uniquehash }), firstName, lastName };
  const idText = field('id');
  if (idText === undefined || idText === '') return { ok: true, user };
  if (!ID_SYNTAX.test(idText)) return bad({ reason: 'invalid_id', value: idText });
  if (idText.length > String(MAX_USER_ID).length || Number(idText) > MAX_USER_ID) return bad({ reason: 'id_too_large', value: idText });
  return { ok: true, user: { ...user, id: Number(idText) } };
}

/** Catches what no single row shows: a username, an id or a uniquehash given twice. */
export class DuplicateTracker {
  private readonly usernames = new Map<string, number>();
  private readonly ids = new Map<number, number>();
  private readonly uniquehashes = new Map<string, number>();

  problem(user: CsvUser): ImportLineError | undefined {
    const key = usernameKey(user.username);
    const earlier = this.usernames.get(key);
    if (earlier !== undefined) return { line: user.line, reason: 'repeated_username', value: user.username, earlierLine: earlier };
    this.usernames.set(key, user.line);
    if (user.id !== undefined) {
      const earlierId = this.ids.get(user.id);
      if (earlierId !== undefined) return { line: user.line, reason: 'repeated_id', value: String(user.id), earlierLine: earlierId };
      this.ids.set(user.id, user.line);
    }
    if (user.uniquehash !== undefined) {
      const earlierToken = this.uniquehashes.get(user.uniquehash);
      if (earlierToken !== undefined) return { line: user.line, reason: 'repeated_uniquehash', earlierLine: earlierToken };
      this.uniquehashes.set(user.uniquehash, user.line);
    }
    return undefined;
  }
}

/** The header line of an export. */
export function csvHeader(): string {
  return CSV_COLUMNS.join(',') + '\n';
}

/** One CSV line of a user, quoted where needed, in CSV_COLUMNS order. */
export function csvLine(user: UserRecord): string {
  const text = (cell: string): string => quote(toSpreadsheetCell(cell));
  return [String(user.id), text(user.username), user.currency, formatMoney(user.balance), user.uniquehash, text(user.firstName), text(user.lastName)].join(',') + '\n';
}

// A cell a spreadsheet would run as a formula (or DDE command): `=`, `+`, `-`, `@`, tab or CR
// first, after any quotes already there. Only the username and the names are free text; Tally writes the rest.
const FORMULA_CELL = /^'*[=+\-@\t\r]/;
const ESCAPED_FORMULA_CELL = /^'+[=+\-@\t\r]/;

/**
 * The username (or a name) as written to a file: one more leading `'` before a would-be formula,
 * which a spreadsheet shows as text. fromSpreadsheetCell takes exactly that one away again.
 */
export function toSpreadsheetCell(username: string): string {
  return FORMULA_CELL.test(username) ? `'${username}` : username;
}

/** The username a cell holds: one leading `'` fewer before a would-be formula; `'bob` stays `'bob`. */
export function fromSpreadsheetCell(cell: string): string {
  return ESCAPED_FORMULA_CELL.test(cell) ? cell.slice(1) : cell;
}

/** A CSV field (RFC 4180): quoted when it holds a quote, comma or line break, or starts or ends with a space. */
export function quote(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
