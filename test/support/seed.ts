/**
 * Test databases prepared and changed in this process, as an operator would with `tally init`,
 * `settings set`, `currency set`, `user add`, `balance add`...: a `tally` process per step costs
 * about 0.4 s. The one place outside test/store where tests change data other than through the
 * API, so that moving it onto the application layer (src/admin/) is a change to this file only.
 * The CLI itself is tested by spawning it, in test/cli.
 */
import assert from 'node:assert/strict';
import { AdminError } from '../../src/admin/admin-error.js';
import { adjustBalance } from '../../src/admin/balances.js';
import { currencyHistory, saveCurrency } from '../../src/admin/currencies.js';
import { initializeDatabase } from '../../src/admin/database.js';
import { getSetting, rotateKey, setSettings } from '../../src/admin/settings.js';
import { addUser, closeUser, findUser, rotateToken, updateUser } from '../../src/admin/users.js';
import { checkNewCurrencyCode } from '../../src/domain/currency.js';
import type { LedgerEntry } from '../../src/domain/ledger.js';
import { formatMoney, formatRate, parseMoney } from '../../src/domain/money.js';
import { displaySettingValue } from '../../src/domain/settings.js';
import { newUniquehash } from '../../src/domain/tokens.js';
import { openStore } from '../../src/store/open-store.js';
import { addOperator, createToken } from '../../src/admin/operators.js';
import { listAudit } from '../../src/admin/audit.js';
import type { AuditEntry } from '../../src/domain/audit.js';
import type { OperatorRole } from '../../src/domain/operators.js';
import type { BalanceChangeResult, ImportRow, Store, UserRecord, UserRole } from '../../src/store/store.js';
import { CLI, IMPORTER } from './actors.js';

export interface CurrencySeed {
  readonly code: string;
  /** As `--rate` takes it; required for a new currency. */
  readonly rate?: string;
  readonly name?: string;
  readonly active?: boolean;
}

export interface UserSeed {
  readonly name: string;
  /** In the system currency, as `--balance` takes it (default 0). */
  readonly balance?: string;
  /** Any letter case, as `--currency` takes it (default the system currency). */
  readonly currency?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly role?: 'user' | 'admin';
}

/** What a test database holds before its test starts, each part added in this order. */
export interface SeedPlan {
  /** `tally init --currency`: USD unless given. */
  readonly systemCurrency?: string;
  /** Values as `tally settings set` takes them. */
  readonly settings?: Readonly<Record<string, string>>;
  readonly currencies?: readonly CurrencySeed[];
  /** Added in order after the admin (id 0): the first user gets id 1. */
  readonly users?: readonly UserSeed[];
}

/** A user as `tally user show` prints it. */
export interface ShownUser {
  readonly id: string;
  readonly username: string;
  readonly currency: string;
  readonly balance: string;
  readonly uniquehash: string;
  readonly role: UserRole;
}

/** One ledger entry as `tally balance history --json` prints it. */
export interface HistoryEntry {
  readonly id: number;
  readonly amount: string;
  readonly balanceAfter: string;
  readonly source: string;
  readonly key: string | null;
  readonly comment: string;
}

/** One rate change as `tally currency history` lists it. */
export interface ShownRateChange {
  readonly time: string;
  /** '(added)' for the change that added the currency. */
  readonly oldRate: string;
  readonly newRate: string;
  readonly source: string;
}

/**
 * An operator at work on one database, through one open store: every method is one CLI command's
 * effect, through the same admin operation the command calls. close() when done.
 */
export class Operator {
  private constructor(private readonly store: Store) {}

  /** Opens an existing database; `create` makes and initialises a missing one, as `tally init`. */
  static async open(db: string, options: { create?: boolean; systemCurrency?: string } = {}): Promise<Operator> {
    const store = await openStore(db, { mustExist: !(options.create ?? false), poolSize: 1 });
    try {
      if (options.create) await initializeDatabase(store, { ...(options.systemCurrency !== undefined && { currency: options.systemCurrency }), by: CLI });
      else assert.notEqual(await store.systemCurrency(), undefined, `${db} is not initialised`);
    } catch (error) {
      await store.close();
      throw error;
    }
    return new Operator(store);
  }

  /** Creates and initialises `db` and adds what `plan` lists. */
  static async seed(db: string, plan: SeedPlan = {}): Promise<Operator> {
    const operator = await Operator.open(db, { create: true, ...(plan.systemCurrency !== undefined && { systemCurrency: plan.systemCurrency }) });
    try {
      for (const [name, value] of Object.entries(plan.settings ?? {})) await operator.set(name, value);
      for (const { code, ...change } of plan.currencies ?? []) await operator.currency(code, change);
      for (const { name, ...user } of plan.users ?? []) await operator.addUser(name, user);
    } catch (error) {
      await operator.close();
      throw error;
    }
    return operator;
  }

  /** `tally operator add NAME --role ROLE` then `tally operator token NAME`: the new token. */
  async operatorToken(name: string, role: OperatorRole, password = `${name}-password-long`): Promise<string> {
    await addOperator(this.store, { username: name, role, password }, CLI);
    return (await createToken(this.store, name, undefined, CLI)).token;
  }

  /** `tally settings set NAME VALUE`; returns the stored text. */
  async set(name: string, value: string): Promise<string> {
    const stored = await setSettings(this.store, { [name]: value }, CLI);
    return [...stored.values()][0]!;
  }

  /** `tally settings get NAME`. */
  async setting(name: string): Promise<string> {
    const setting = await getSetting(this.store, name);
    assert.ok(setting.stored !== undefined, `${name} is missing`);
    return displaySettingValue(setting.name, setting.stored);
  }

  /**
   * `tally settings rotate-key`: a first call makes a new signing key and keeps the old one as
   * signature_key_previous; a call during the overlap ends it. The CLI's output is tested in test/cli.
   */
  async rotateSigningKey(): Promise<'started' | 'ended'> {
    return (await rotateKey(this.store, 'signature_key', CLI)).kind;
  }

  /** `tally currency set CODE [--rate R] [--name N] [--active on|off]`. */
  async currency(codeText: string, options: Omit<CurrencySeed, 'code'>): Promise<void> {
    await saveCurrency(this.store, { code: codeText, ...options }, CLI);
  }

  /** `tally currency history CODE`, oldest first. */
  async rateHistory(codeText: string): Promise<ShownRateChange[]> {
    return (await currencyHistory(this.store, codeText)).changes.map((change) => ({
      time: change.createdAt,
      oldRate: change.oldRate === undefined ? '(added)' : formatRate(change.oldRate),
      newRate: formatRate(change.newRate),
      source: change.source,
    }));
  }

  /** `tally user add NAME [--balance B] [--currency C]`. */
  async addUser(name: string, options: Omit<UserSeed, 'name'> = {}): Promise<ShownUser> {
    return shown(await addUser(this.store, { username: name, ...options }, CLI));
  }

  /** `tally user close NAME`. */
  async closeUser(name: string): Promise<void> {
    await closeUser(this.store, { username: name }, CLI);
  }

  /** `tally user set NAME [--balance B] [--currency C]`: a new balance is written as a ledger entry. */
  async setUser(name: string, options: Omit<UserSeed, 'name'>): Promise<ShownUser> {
    return shown(await updateUser(this.store, { username: name }, options, CLI));
  }

  /** `tally import`'s effect for rows already checked (ids kept), in one transaction. */
  async importUsers(rows: readonly (Omit<ImportRow, 'balance' | 'uniquehash'> & { readonly balance: string })[]): Promise<void> {
    const ids = rows.flatMap((row) => (row.id === undefined ? [] : [row.id]));
    async function* all(): AsyncIterable<ImportRow> {
      for (const row of rows) yield { ...row, currency: currencyCode(row.currency), balance: money(row.balance), uniquehash: newUniquehash() };
    }
    await this.store.importUsers(all(), { comment: 'import', by: IMPORTER, ...(ids.length > 0 && { autoIdsAbove: Math.max(...ids) }) });
  }

  /** `tally balance add NAME AMOUNT [--key K]`: what the store answered (applied, replayed, duplicate_key...). */
  async addBalance(name: string, amount: string, options: { key?: string; comment?: string } = {}): Promise<BalanceChangeResult['kind']> {
    try {
      return (await adjustBalance(this.store, { username: name }, { amount, ...options }, CLI)).kind;
    } catch (error) {
      // The tests of keys ask what the store answered: a key used for another change is a refusal here.
      if (error instanceof AdminError && error.reason === 'duplicate_key') return 'duplicate_key';
      throw error;
    }
  }

  /** `tally user token NAME`: a new uniquehash, the old one refused at once; the new one. */
  async rotateUniquehash(name: string): Promise<string> {
    return (await rotateToken(this.store, { username: name }, CLI)).uniquehash;
  }

  /** `tally user show NAME`. */
  async user(name: string): Promise<ShownUser> {
    return shown(await findUser(this.store, { username: name }));
  }

  /** Every ledger entry of a user, newest first, as `tally balance history NAME --json` prints them. */
  /** The user's ledger entries as stored, newest first (with their times). */
  async entries(name: string): Promise<readonly LedgerEntry[]> {
    const user = await findUser(this.store, { username: name });
    return this.store.ledgerEntries(user.id, 100_000);
  }

  async history(name: string): Promise<HistoryEntry[]> {
    const user = await findUser(this.store, { username: name });
    return (await this.store.ledgerEntries(user.id, 100_000)).map(historyEntry);
  }

  /**
   * Asserts what `tally verify` checks (every balance equals the sum of its entries, no names
   * collide) and returns the counts it prints.
   */
  async assertVerified(): Promise<{ users: number; entries: number }> {
    const report = await this.store.verifyLedger();
    assert.deepEqual(report.mismatches, [], 'every balance equals the sum of its ledger entries');
    assert.deepEqual(await this.store.usernameCollisions(), [], 'no usernames collide under Unicode normalisation');
    return { users: report.users, entries: report.entries };
  }

  /** The newest audit entries, newest first, as the audit log keeps them. */
  async audit(limit = 100): Promise<readonly AuditEntry[]> {
    return listAudit(this.store, { limit });
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

function currencyCode(text: string): string {
  const checked = checkNewCurrencyCode(text);
  assert.ok(checked.ok, `currency ${text}: ${checked.ok ? '' : checked.reason}`);
  return checked.code;
}

function money(text: string): bigint {
  const parsed = parseMoney(text);
  assert.ok(parsed.ok, `not an amount: ${text}`);
  return parsed.value;
}

function shown(user: UserRecord): ShownUser {
  return { id: String(user.id), username: user.username, currency: user.currency, balance: formatMoney(user.balance), uniquehash: user.uniquehash, role: user.role };
}

function historyEntry(entry: LedgerEntry): HistoryEntry {
  return {
    id: entry.id,
    amount: formatMoney(entry.amount),
    balanceAfter: formatMoney(entry.balanceAfter),
    source: entry.source,
    key: entry.idempotencyKey ?? null,
    comment: entry.comment,
  };
}

/** Creates, initialises and seeds `db` in this process, then closes it. */
export async function seedDatabase(db: string, plan: SeedPlan = {}): Promise<void> {
  const operator = await Operator.seed(db, plan);
  await operator.close();
}
