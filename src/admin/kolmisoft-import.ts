/**
 * Bringing a Kolmisoft database over (`tally import --from mysql://...`), as the CSV import
 * does: a first pass checks every row (alone, across the source, against the Tally database)
 * and writes nothing; the second writes currencies, users and Kolmisoft's admin onto Tally's
 * admin account in one transaction, or nothing. Both passes read one snapshot of the source.
 */
import type { Actor } from '../domain/actor.js';
import type { CurrencyChange } from '../domain/currency-change.js';
import { decimalGreater } from '../domain/float-text.js';
import type { Decimal } from '../domain/money.js';
import { newUniquehash } from '../domain/tokens.js';
import type { ImportRow, Store, UserChange } from '../store/store.js';
import { openKolmisoftSnapshot, type KolmisoftSnapshot } from '../store/kolmisoft/kolmisoft-source.js';
import { AdminError, storeCall } from './admin-error.js';
import { checkCurrencies } from './kolmisoft-currencies.js';
import { checkUserRow, KOLMISOFT_ADMIN_ID, type KolmisoftProblem, type KolmisoftUser } from './kolmisoft-rows.js';
import { CONFLICT_BATCH, conflictsWithDatabase } from './user-import.js';
import { DuplicateTracker, type CsvUser, type ImportLineError } from './users-csv.js';

/** What a surface shows while a stage runs: a progress bar on a terminal. */
export interface ProgressSink {
  tick(count?: number): void;
  done(): void;
}

export interface KolmisoftImportRequest {
  /** `mysql://USER:PASSWORD@HOST:PORT/DATABASE`. */
  readonly from: string;
  /** Check only: nothing is written. */
  readonly dryRun?: boolean;
  readonly progress?: (stage: 'checking' | 'importing', total: number) => ProgressSink;
}

export interface KolmisoftImportReport {
  /** The source without its password. */
  readonly location: string;
  readonly dryRun: boolean;
  /** New Tally users (customers and admin logins), Kolmisoft's own admin not among them. */
  readonly users: number;
  /** Of those, admin logins (usertype `admin`). */
  readonly admins: number;
  /** Kolmisoft's admin (id 0) came over onto Tally's admin account. */
  readonly adminAccount: boolean;
  /** Hidden users, skipped. */
  readonly hidden: number;
  /** Users without a uniquehash in Kolmisoft, given a new one. */
  readonly newTokens: number;
  /** Balances that had more than 6 fractional digits, and the largest change their rounding made. */
  readonly inexactBalances: number;
  readonly largestRounding: Decimal;
  readonly currenciesAdded: readonly string[];
  readonly currenciesChanged: readonly string[];
  /** Currencies whose rate had more digits than Tally keeps, rounded. */
  readonly ratesRounded: readonly string[];
}

/** The refusal of a source with bad rows: every problem, nothing imported. */
export class KolmisoftRefused extends AdminError {
  constructor(
    readonly location: string,
    readonly problems: readonly KolmisoftProblem[],
  ) {
    super('invalid', { entity: 'database', value: location, reason: 'rows' }, `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${location}; nothing was imported`);
  }
}

interface Plan {
  readonly report: Omit<KolmisoftImportReport, 'dryRun'>;
  readonly problems: readonly KolmisoftProblem[];
  /** Kolmisoft currency ids to Tally codes. */
  readonly codes: ReadonlyMap<string, string>;
  readonly currencyChanges: readonly CurrencyChange[];
  readonly admin: KolmisoftUser | undefined;
  readonly maxId: number | undefined;
  readonly total: number;
}

/** Checks the whole source and imports it unless `dryRun`; KolmisoftRefused names every bad row. */
export async function importKolmisoft(store: Store, request: KolmisoftImportRequest, by: Actor): Promise<KolmisoftImportReport> {
  const source = await openKolmisoftSnapshot(request.from);
  try {
    const plan = await checkSource(store, source, request.progress);
    if (plan.problems.length > 0) throw new KolmisoftRefused(source.location, plan.problems);
    const report = { ...plan.report, dryRun: request.dryRun === true };
    if (report.dryRun) return report;
    const bar = request.progress?.('importing', plan.report.users);
    await storeCall(
      () =>
        store.importUsers(importRows(source, plan.codes), {
          comment: `import ${source.location}`,
          by,
          currencies: plan.currencyChanges,
          updates: plan.admin === undefined ? [] : [{ ref: { id: KOLMISOFT_ADMIN_ID }, change: adminChange(plan.admin, source.location) }],
          ...(plan.maxId !== undefined && { autoIdsAbove: plan.maxId }),
          ...(bar !== undefined && { onRow: () => bar.tick() }),
        }),
      { entity: 'database', value: source.location },
    );
    bar?.done();
    return report;
  } finally {
    await source.close();
  }
}

/** Kolmisoft's admin onto Tally's: its balance (the difference an import entry), its names, and its token if it has one. */
function adminChange(admin: KolmisoftUser, location: string): UserChange {
  return {
    balance: admin.balance,
    comment: `import ${location}`,
    firstName: admin.firstName,
    lastName: admin.lastName,
    ...(admin.uniquehash !== undefined && { uniquehash: admin.uniquehash }),
  };
}

/** The first pass: every row checked, nothing written. */
async function checkSource(store: Store, source: KolmisoftSnapshot, progress: KolmisoftImportRequest['progress']): Promise<Plan> {
  const problems: KolmisoftProblem[] = [];
  const missing = await source.missingColumns();
  for (const [table, columns] of missing) problems.push({ table, reason: 'missing_columns', value: columns.join(', ') });
  const empty = { report: emptyReport(source.location), codes: new Map(), currencyChanges: [], admin: undefined, maxId: undefined, total: 0 };
  if (problems.length > 0) return { ...empty, problems };

  const currencies = await checkCurrencies(store, source, problems);
  const total = await source.countUsers();
  const bar = progress?.('checking', total);
  const duplicates = new DuplicateTracker();
  let batch: CsvUser[] = [];
  const checkBatch = async (): Promise<void> => {
    problems.push(...(await conflictsWithDatabase(batch, store)).map(fromLineError));
    batch = [];
  };
  let users = 0;
  let admins = 0;
  let hidden = 0;
  let newTokens = 0;
  let inexactBalances = 0;
  let largestRounding: Decimal = { units: 0n, scale: 0 };
  let maxId: number | undefined;
  let admin: KolmisoftUser | undefined;
  for await (const page of source.users()) {
    for (const row of page) {
      const checked = checkUserRow(row, currencies.codes);
      if (checked.kind === 'hidden') hidden++;
      if (checked.kind === 'problem') problems.push(checked.problem);
      if (checked.kind !== 'user') continue;
      const user = checked.user;
      const repeated = duplicates.problem(asCsvUser(user));
      if (repeated !== undefined) {
        problems.push(fromLineError(repeated));
        continue;
      }
      if (user.roundedBy.units !== 0n) {
        inexactBalances++;
        if (decimalGreater(user.roundedBy, largestRounding)) largestRounding = user.roundedBy;
      }
      if (user.id === KOLMISOFT_ADMIN_ID) {
        admin = user;
        continue;
      }
      if (user.uniquehash === undefined) newTokens++;
      users++;
      if (user.role === 'admin') admins++;
      if (maxId === undefined || user.id > maxId) maxId = user.id;
      batch.push(asCsvUser(user));
      if (batch.length === CONFLICT_BATCH) await checkBatch();
    }
    bar?.tick(page.length);
  }
  await checkBatch();
  bar?.done();
  if (admin !== undefined) problems.push(...(await adminAccountProblems(store, admin)));
  problems.sort(byTableAndRow);
  return {
    report: {
      ...emptyReport(source.location),
      users,
      admins,
      adminAccount: admin !== undefined,
      hidden,
      newTokens,
      inexactBalances,
      largestRounding,
      currenciesAdded: currencies.added,
      currenciesChanged: currencies.changed,
      ratesRounded: currencies.rounded,
    },
    problems,
    codes: currencies.codes,
    currencyChanges: currencies.changes,
    admin,
    maxId,
    total,
  };
}

/** Kolmisoft's admin needs Tally's admin account at id 0, and a token no other Tally user holds. */
async function adminAccountProblems(store: Store, admin: KolmisoftUser): Promise<KolmisoftProblem[]> {
  const account = await store.findUser({ id: KOLMISOFT_ADMIN_ID });
  const rowId = String(KOLMISOFT_ADMIN_ID);
  if (account === undefined || account.role !== 'admin') return [{ table: 'users', rowId, reason: 'no_admin_account' }];
  if (admin.uniquehash === undefined || admin.uniquehash === account.uniquehash) return [];
  const taken = await store.takenUsers([], [], [admin.uniquehash]);
  return taken.uniquehashes.has(admin.uniquehash) ? [{ table: 'users', rowId, reason: 'uniquehash_taken' }] : [];
}

/** The second pass: the same snapshot, now known to be good, as store rows. */
async function* importRows(source: KolmisoftSnapshot, codes: ReadonlyMap<string, string>): AsyncGenerator<ImportRow> {
  for await (const page of source.users()) {
    for (const row of page) {
      const checked = checkUserRow(row, codes);
      // One snapshot is read twice: a row cannot have changed between the passes.
      if (checked.kind === 'problem') throw new AdminError('conflict', { entity: 'database', reason: 'changed_during_import', value: source.location });
      if (checked.kind === 'hidden' || checked.user.id === KOLMISOFT_ADMIN_ID) continue;
      const { id, username, firstName, lastName, currency, balance, uniquehash, role } = checked.user;
      yield { id, username, firstName, lastName, currency, balance, uniquehash: uniquehash ?? newUniquehash(), role };
    }
  }
}

/** A user in the shape the CSV import's cross-row and database checks take: the row id stands for the line. */
function asCsvUser(user: KolmisoftUser): CsvUser {
  return {
    line: user.id,
    id: user.id,
    username: user.username,
    firstName: user.firstName,
    lastName: user.lastName,
    currency: user.currency,
    balance: user.balance,
    ...(user.uniquehash !== undefined && { uniquehash: user.uniquehash }),
  };
}

function fromLineError(error: ImportLineError): KolmisoftProblem {
  return {
    table: 'users',
    rowId: String(error.line),
    // The CSV checks that apply here share their names with ours.
    reason: error.reason as KolmisoftProblem['reason'],
    ...(error.value !== undefined && { value: error.value }),
    ...(error.earlierLine !== undefined && { earlierRowId: String(error.earlierLine) }),
  };
}

function byTableAndRow(a: KolmisoftProblem, b: KolmisoftProblem): number {
  if (a.table !== b.table) return a.table === 'currencies' ? -1 : 1;
  const [x, y] = [BigInt(a.rowId ?? '-1'), BigInt(b.rowId ?? '-1')];
  return x < y ? -1 : x > y ? 1 : 0;
}

function emptyReport(location: string): Omit<KolmisoftImportReport, 'dryRun'> {
  return {
    location,
    users: 0,
    admins: 0,
    adminAccount: false,
    hidden: 0,
    newTokens: 0,
    inexactBalances: 0,
    largestRounding: { units: 0n, scale: 0 },
    currenciesAdded: [],
    currenciesChanged: [],
    ratesRounded: [],
  };
}
