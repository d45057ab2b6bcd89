/**
 * Importing users from a users CSV: a first pass checks every line (alone, across the file and
 * against the database) and writes nothing; the second writes every row in one transaction, or
 * none. A dry run stops after the first pass.
 */
import type { Actor } from '../domain/actor.js';
import { newUniquehash } from '../domain/tokens.js';
import { MAX_USER_ID } from '../domain/user-ids.js';
import { usernameKey } from '../domain/usernames.js';
import type { ImportRow, Store } from '../store/store.js';
import { AdminError, storeCall } from './admin-error.js';
import { DuplicateTracker, readUsersCsv, type CsvSource, type CsvUser, type ImportLineError } from './users-csv.js';

export interface ImportRequest {
  readonly source: CsvSource;
  /** What the ledger comment names the import by: a file's base name. */
  readonly name: string;
  /** Check only: nothing is written. */
  readonly dryRun?: boolean;
  /** Called once per row written, with the number of rows to write, for a progress bar. */
  readonly onRow?: (rows: number) => void;
}

export interface ImportCheck {
  /** Rows that would be imported. */
  readonly rows: number;
  /** Every bad line, in line order; empty when the file can be imported. */
  readonly errors: readonly ImportLineError[];
}

export interface ImportResult {
  /** Rows checked (and, unless a dry run, imported). */
  readonly rows: number;
  readonly imported: number;
}

/** Rows checked against the database per query. */
export const CONFLICT_BATCH = 2000;

/**
 * Checks the whole source and imports it unless `dryRun`. A bad line refuses the whole import:
 * AdminError invalid (entity `file`, reason `lines`) with every bad line.
 */
export async function importUsers(store: Store, request: ImportRequest, by: Actor): Promise<ImportResult> {
  const currencies = new Set((await store.listCurrencies()).map((currency) => currency.code));
  const check = await checkImport(store, request.source, currencies);
  if (check.errors.length > 0) throw new AdminError('invalid', { entity: 'file', value: request.name, reason: 'lines', lines: check.errors, rows: check.rows });
  if (request.dryRun === true) return { rows: check.rows, imported: 0 };
  const onRow = request.onRow;
  const imported = await storeCall(
    () =>
      store.importUsers(importRows(request.source, currencies), {
        comment: `import ${request.name}`,
        by,
        ...(check.maxId !== undefined && { autoIdsAbove: check.maxId }),
        ...(onRow !== undefined && { onRow: () => onRow(check.rows) }),
      }),
    { entity: 'file', value: request.name },
  );
  return { rows: check.rows, imported };
}

/** The first pass: every line checked, nothing written. */
async function checkImport(store: Store, source: CsvSource, currencies: ReadonlySet<string>): Promise<ImportCheck & { maxId: number | undefined }> {
  const duplicates = new DuplicateTracker();
  const errors: ImportLineError[] = [];
  let rows = 0;
  let maxId: number | undefined;
  // Lines of the rows without an id, numbered above maxId in this order.
  const unnumbered: number[] = [];
  let batch: CsvUser[] = [];
  const checkBatch = async (): Promise<void> => {
    errors.push(...(await conflictsWithDatabase(batch, store)));
    batch = [];
  };
  for await (const line of readUsersCsv(source, currencies)) {
    const error = line.ok ? duplicates.problem(line.user) : line.error;
    if (error !== undefined) errors.push(error);
    else if (line.ok) {
      rows++;
      if (line.user.id !== undefined && (maxId === undefined || line.user.id > maxId)) maxId = line.user.id;
      if (line.user.id === undefined) unnumbered.push(line.user.line);
      batch.push(line.user);
      if (batch.length === CONFLICT_BATCH) await checkBatch();
    }
  }
  await checkBatch();
  // The file alone shows these; rows numbered past the bound because of ids already in the
  // database are refused by the store, inside the import's transaction.
  const room = maxId === undefined ? unnumbered.length : MAX_USER_ID - maxId;
  const first = unnumbered[room];
  if (first !== undefined) errors.push({ line: first, reason: 'ids_exhausted', expected: maxId ?? 0, found: unnumbered.length - room - 1 });
  errors.sort((a, b) => a.line - b.line);
  return { rows, errors, maxId };
}

/** The rows whose username (in any case), id or uniquehash the database already holds, one problem each. */
export async function conflictsWithDatabase(users: readonly CsvUser[], store: Store): Promise<ImportLineError[]> {
  if (users.length === 0) return [];
  const taken = await store.takenUsers(
    users.map((user) => usernameKey(user.username)),
    users.flatMap((user) => (user.id === undefined ? [] : [user.id])),
    users.flatMap((user) => (user.uniquehash === undefined ? [] : [user.uniquehash])),
  );
  const errors: ImportLineError[] = [];
  for (const user of users) {
    if (taken.keys.has(usernameKey(user.username))) errors.push({ line: user.line, reason: 'username_taken', value: user.username });
    else if (user.id !== undefined && taken.ids.has(user.id)) errors.push({ line: user.line, reason: 'id_taken', value: String(user.id) });
    else if (user.uniquehash !== undefined && taken.uniquehashes.has(user.uniquehash)) errors.push({ line: user.line, reason: 'uniquehash_taken' });
  }
  return errors;
}

/** The second pass: the same rows, now known to be good, as store rows, each with its token. */
async function* importRows(source: CsvSource, currencies: ReadonlySet<string>): AsyncGenerator<ImportRow> {
  for await (const line of readUsersCsv(source, currencies)) {
    if (!line.ok) throw new AdminError('conflict', { entity: 'file', reason: 'changed_during_import', lines: [line.error] });
    const { id, username, currency, balance, uniquehash, firstName, lastName } = line.user;
    yield { ...(id !== undefined && { id }), username, currency, balance, uniquehash: uniquehash ?? newUniquehash(), firstName, lastName };
  }
}
