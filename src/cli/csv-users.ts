/**
 * The users CSV of `tally import` and `tally export`: header `username,currency,balance` and an
 * optional `id` column, balances as exact decimals in the system currency.
 */
import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { createInterface } from 'node:readline';
import { normalizeCurrencyCode } from '../domain/currency.js';
import { BALANCE_SCALE, describeDecimalProblem, formatMoney, parseMoney } from '../domain/money.js';
import { MAX_USER_ID } from '../domain/user-ids.js';
import { usernameKey, usernameProblem } from '../domain/usernames.js';
import type { UserRecord } from '../store/store.js';

export const CSV_COLUMNS = ['id', 'username', 'currency', 'balance'] as const;
const REQUIRED_COLUMNS = ['username', 'currency', 'balance'] as const;
const ID_SYNTAX = /^[1-9]\d*$/;

export interface CsvUser {
  readonly line: number;
  readonly id?: number;
  readonly username: string;
  readonly currency: string;
  readonly balance: bigint;
}

export type CsvLine = { ok: true; user: CsvUser } | { ok: false; line: number; problem: string };

/**
 * Reads the file line by line, checking each row on its own (syntax, known currency). Checks
 * across rows and against the database are the caller's.
 *
 * No valid field can hold a line break (usernames refuse control characters), so every record
 * is one line: a line reader plus a small field splitter gives exact line numbers for every
 * error, an unclosed quote included, which a general CSV parser reports only at the file's end.
 */
export async function* readUsersCsv(path: string, currencies: ReadonlySet<string>): AsyncGenerator<CsvLine> {
  // Read as latin1 (one character per byte) so that each line's bytes can be checked as UTF-8:
  // a utf8 stream would turn a bad byte into U+FFFD without a word, and into a username no
  // client could ever send.
  const lines = createInterface({ input: createReadStream(path, { encoding: 'latin1' }), crlfDelay: Infinity });
  let columns: Map<string, number> | undefined;
  let line = 0;
  for await (const raw of lines) {
    line++;
    const bytes = Buffer.from(raw, 'latin1');
    if (!isUtf8(bytes)) {
      yield { ok: false, line, problem: 'the line is not valid UTF-8' };
      if (columns === undefined) return;
      continue;
    }
    const text = bytes.toString('utf8');
    if (text === '' || (line === 1 && text === '\uFEFF')) continue;
    const record = splitCsvLine(line === 1 ? text.replace(/^\uFEFF/, '') : text);
    if (typeof record === 'string') {
      yield { ok: false, line, problem: record };
      if (columns === undefined) return;
      continue;
    }
    if (columns === undefined) {
      const header = readHeader(record);
      if (typeof header === 'string') {
        yield { ok: false, line, problem: header };
        return;
      }
      columns = header;
      continue;
    }
    yield checkRow(record, line, columns, currencies);
  }
  if (columns === undefined) yield { ok: false, line: 1, problem: `the file is empty: expected the header ${REQUIRED_COLUMNS.join(',')}` };
}

/** The fields of one CSV line (RFC 4180 quoting: `"a,b"`, `"say ""hi"""`), or what is wrong with it. */
export function splitCsvLine(text: string): string[] | string {
  const fields: string[] = [];
  let position = 0;
  for (;;) {
    if (text[position] === '"') {
      let value = '';
      let from = position + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote === -1) return 'a quoted field is not closed on its line';
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
      if (text[position] !== ',') return 'a quoted field is followed by text other than a comma';
      position++;
    } else {
      const comma = text.indexOf(',', position);
      const field = text.slice(position, comma === -1 ? text.length : comma);
      if (field.includes('"')) return 'a quote inside an unquoted field (quote the whole field and double the quote)';
      fields.push(field);
      if (comma === -1) return fields;
      position = comma + 1;
    }
  }
}

function readHeader(record: string[]): Map<string, number> | string {
  const columns = new Map(record.map((name, index) => [name.trim().toLowerCase(), index]));
  const unknown = [...columns.keys()].filter((name) => !(CSV_COLUMNS as readonly string[]).includes(name));
  if (unknown.length > 0) return `unknown column ${unknown.join(', ')}: the columns are ${CSV_COLUMNS.join(', ')} (id optional)`;
  const missing = REQUIRED_COLUMNS.filter((name) => !columns.has(name));
  if (missing.length > 0) return `the header lacks ${missing.join(', ')}: expected ${REQUIRED_COLUMNS.join(',')} and optionally id`;
  if (columns.size !== record.length) return 'the header repeats a column';
  return columns;
}

function checkRow(record: string[], line: number, columns: Map<string, number>, currencies: ReadonlySet<string>): CsvLine {
  if (record.length !== columns.size) return { ok: false, line, problem: `expected ${columns.size} fields, found ${record.length}` };
  const field = (name: string): string | undefined => {
    const index = columns.get(name);
    return index === undefined ? undefined : record[index];
  };
  const username = fromSpreadsheetCell(field('username') ?? '');
  const problem = usernameProblem(username);
  if (problem !== undefined) return { ok: false, line, problem };
  const currencyText = field('currency') ?? '';
  const currency = normalizeCurrencyCode(currencyText);
  if (currency === undefined || !currencies.has(currency)) return { ok: false, line, problem: `unknown currency "${currencyText}"` };
  const balanceText = field('balance') ?? '';
  const balance = parseMoney(balanceText);
  if (!balance.ok) return { ok: false, line, problem: `balance "${balanceText}" ${describeDecimalProblem(balance.problem, BALANCE_SCALE)}` };
  const idText = field('id');
  if (idText === undefined || idText === '') return { ok: true, user: { line, username, currency, balance: balance.value } };
  if (!ID_SYNTAX.test(idText)) return { ok: false, line, problem: `id "${idText}" is not a positive whole number` };
  if (idText.length > String(MAX_USER_ID).length || Number(idText) > MAX_USER_ID) {
    return { ok: false, line, problem: `id ${idText} is above ${MAX_USER_ID}, the largest id a Kolmisoft client can address` };
  }
  return { ok: true, user: { line, id: Number(idText), username, currency, balance: balance.value } };
}

/** Catches what no single row shows: a username or id given twice. */
export class DuplicateTracker {
  private readonly usernames = new Map<string, number>();
  private readonly ids = new Map<number, number>();

  problem(user: CsvUser): string | undefined {
    const key = usernameKey(user.username);
    const earlier = this.usernames.get(key);
    if (earlier !== undefined) return `username ${user.username} repeats line ${earlier}`;
    this.usernames.set(key, user.line);
    if (user.id === undefined) return undefined;
    const earlierId = this.ids.get(user.id);
    if (earlierId !== undefined) return `id ${user.id} repeats line ${earlierId}`;
    this.ids.set(user.id, user.line);
    return undefined;
  }
}

/** One CSV line of a user, quoted where needed. */
export function csvLine(user: UserRecord): string {
  return [String(user.id), quote(toSpreadsheetCell(user.username)), user.currency, formatMoney(user.balance)].join(',') + '\n';
}

// A cell a spreadsheet would run as a formula (or DDE command): `=`, `+`, `-`, `@`, tab or CR
// first, after any quotes already there. Only the username is free text; Tally writes the rest.
const FORMULA_CELL = /^'*[=+\-@\t\r]/;
const ESCAPED_FORMULA_CELL = /^'+[=+\-@\t\r]/;

/**
 * The username as written to a file: one more leading `'` before a would-be formula, which a
 * spreadsheet shows as text. fromSpreadsheetCell takes exactly that one away again.
 */
export function toSpreadsheetCell(username: string): string {
  return FORMULA_CELL.test(username) ? `'${username}` : username;
}

/** The username a cell holds: one leading `'` fewer before a would-be formula; `'bob` stays `'bob`. */
export function fromSpreadsheetCell(cell: string): string {
  return ESCAPED_FORMULA_CELL.test(cell) ? cell.slice(1) : cell;
}

function quote(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
