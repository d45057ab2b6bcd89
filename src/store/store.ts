/**
 * The storage contract, in domain terms. Each backend implements whole operations in its own
 * dialect, each inside one transaction; nothing outside a backend's folder sees SQL or asks
 * which database is in use. Asynchronous throughout, because PostgreSQL is.
 */
import type { BalanceView } from '../domain/balance.js';
import type { Currency } from '../domain/currency.js';
import type { CurrencyChange } from '../domain/currency-change.js';

export type UserRole = 'user' | 'admin';

export interface UserRecord extends BalanceView {
  readonly uniquehash: string;
  readonly role: UserRole;
}

export interface NewUser {
  readonly username: string;
  /** Upper-case code of an existing currency. */
  readonly currency: string;
  /** Millionths of the system currency. */
  readonly balance: bigint;
  readonly uniquehash: string;
  readonly role: UserRole;
}

export interface UserChange {
  readonly currency?: string;
  readonly balance?: bigint;
}

/** Everything the API reads on every request, loaded at once and cached by the server. */
export interface ApiConfigRows {
  /** Stored setting texts by name. */
  readonly settings: ReadonlyMap<string, string>;
  readonly currencies: readonly Currency[];
  /** Changes whenever a setting or a currency changes, from any process. */
  readonly version: number;
}

export interface InitializeOptions {
  /** Upper-case code; used only when the database has no system currency yet. */
  readonly systemCurrency: string;
  /** Stored setting texts to add where a setting is missing. */
  readonly initialSettings: ReadonlyMap<string, string>;
  /** Creates the `admin` account when no admin exists. */
  readonly adminUniquehash: string;
}

export interface InitializeReport {
  /** True when this call created the system currency, i.e. the database was new. */
  readonly created: boolean;
  readonly systemCurrency: string;
  /** Names of the settings this call added. */
  readonly addedSettings: readonly string[];
  readonly addedAdmin: boolean;
}

export interface Store {
  /** Where the data lives, for messages; never includes a password. */
  readonly location: string;

  /** Creates what a new database needs and fills in what is missing; changes nothing that exists. */
  initialize(options: InitializeOptions): Promise<InitializeReport>;
  /** The system currency's code, or undefined before `initialize`. */
  systemCurrency(): Promise<string | undefined>;

  readApiConfig(): Promise<ApiConfigRows>;
  /** A cheap read of the config version, polled by servers to notice changes. */
  configVersion(): Promise<number>;
  /** The hot path: one indexed lookup by the folded username. */
  findBalanceView(usernameKey: string): Promise<BalanceView | undefined>;

  readSettings(): Promise<ReadonlyMap<string, string>>;
  writeSetting(name: string, stored: string): Promise<void>;

  listCurrencies(): Promise<readonly Currency[]>;
  /** Adds or changes a currency by the rules of applyCurrencyChange, atomically. */
  saveCurrency(change: CurrencyChange): Promise<Currency>;

  /** Throws TallyError already_exists for a taken name, not_found for an unknown currency. */
  addUser(user: NewUser): Promise<UserRecord>;
  /** Throws TallyError not_found for an unknown user or currency. */
  updateUser(usernameKey: string, change: UserChange): Promise<UserRecord>;
  findUser(usernameKey: string): Promise<UserRecord | undefined>;
  /** Every user in id order, streamed: a database may hold millions. */
  listUsers(): AsyncIterable<UserRecord>;

  close(): Promise<void>;
}
