/**
 * The storage contract, in domain terms. Each backend implements whole operations in its own
 * dialect, each inside one transaction; nothing outside a backend's folder sees SQL or asks
 * which database is in use. Asynchronous throughout, because PostgreSQL is.
 */
import type { EventType } from '../domain/events.js';
import type { WebhookState } from '../domain/webhooks.js';
import type { AttemptOutcome } from '../domain/webhook-delivery.js';
import type { Actor } from '../domain/actor.js';
import type { AuditEntry } from '../domain/audit.js';
import type { BalanceView } from '../domain/balance.js';
import type { Currency } from '../domain/currency.js';
import type { CurrencyChange } from '../domain/currency-change.js';
import type { LedgerEntry, LedgerReport, LedgerSource, PaymentDetails, RateChange } from '../domain/ledger.js';
import type { RequestAuthorization } from '../domain/hash.js';
import type { Decimal } from '../domain/money.js';
import type { OperatorRole } from '../domain/operators.js';
import type { UsernameCollision } from '../domain/usernames.js';

export type UserRole = 'user' | 'admin';
/** A closed user keeps its ledger; every Kolmisoft method answers it as `User was not found`. */
export type UserStatus = 'active' | 'closed';

export interface UserRecord extends BalanceView {
  /** Empty when not given (Kolmisoft's `first_name`). */
  readonly firstName: string;
  /** Empty when not given (Kolmisoft's `last_name`). */
  readonly lastName: string;
  readonly uniquehash: string;
  readonly role: UserRole;
  readonly status: UserStatus;
  /** ISO 8601, UTC. */
  readonly createdAt: string;
  /** The user's own warning balance in millionths (balance.low); absent: the global one. */
  readonly warningBalance?: bigint;
}

export interface NewUser {
  readonly username: string;
  /** Upper-case code of an existing currency. */
  readonly currency: string;
  /** Millionths of the system currency. */
  readonly balance: bigint;
  readonly uniquehash: string;
  readonly role: UserRole;
  /** Empty unless given. */
  readonly firstName?: string;
  readonly lastName?: string;
  /**
   * The opening entry's idempotency key (with a non-zero balance): claimed like any entry's, so
   * a key some entry carries already is refused (IdempotencyKeyTaken) and nothing is added.
   */
  readonly idempotencyKey?: string;
}

/** What `updateUser` changes; each field given is one audit record (see domain/audit-events). */
export interface UserChange {
  /** A new name (stored in NFC), unique without regard to case. */
  readonly username?: string;
  readonly currency?: string;
  /** The new balance: the store writes the difference as a ledger entry, never an overwrite. */
  readonly balance?: bigint;
  /** The ledger comment for a balance change. */
  readonly comment?: string;
  readonly status?: UserStatus;
  readonly role?: UserRole;
  /** A new token: the old one stops working at once. */
  readonly uniquehash?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  /** The user's own warning balance in millionths; null clears it (the global one applies). */
  readonly warningBalance?: bigint | null;
}

/** What takenUsers found taken. */
export interface TakenUsers {
  readonly keys: Set<string>;
  readonly ids: Set<number>;
  /** Empty when no uniquehashes were asked about. */
  readonly uniquehashes: Set<string>;
}

/** A page of users: `query` matches a username prefix (any case), an exact id or an exact uniquehash. */
export interface UserSearch {
  readonly query?: string;
  readonly status?: UserStatus;
  /** Users with a larger id than this only (keyset paging). */
  readonly afterId?: number;
  readonly limit: number;
}

/** A user named by id (the API's `user_id`) or by folded username (the CLI). */
export type UserRef = { readonly id: number } | { readonly usernameKey: string };

export interface BalanceChange {
  readonly user: UserRef;
  /** Signed millionths of the system currency. */
  readonly amount: bigint;
  /** Who: its source and name go into the ledger entry (and, unless the source is `api`, the audit log). */
  readonly by: Actor;
  readonly comment: string;
  /** A retry carrying the same key changes nothing twice; a key names one change, whatever its source. */
  readonly idempotencyKey?: string;
  /** The hash that authorised an API write: recorded whatever the answer, refused for any other request. */
  readonly authorization?: RequestAuthorization;
  /**
   * Makes the change a payment, kept with its entry. Its key replays only a payment of this user
   * with this currency and this amount as entered (the rate may have moved since); anything else
   * under the key is a duplicate.
   */
  readonly payment?: PaymentDetails;
}

export type BalanceChangeResult =
  /** `replayed`: the key was seen with this user and amount; `entry` is the first one. */
  | { readonly kind: 'applied' | 'replayed'; readonly entry: LedgerEntry; readonly username: string }
  /** No such user, or a closed one. */
  | { readonly kind: 'user_not_found' }
  /** The key was seen with another user or amount. */
  | { readonly kind: 'duplicate_key' }
  /** The new balance would leave the range every store can hold. */
  | { readonly kind: 'out_of_range' }
  /** The authorization's hash was recorded for another request: checked before anything else. */
  | { readonly kind: 'hash_reused' };

export interface ImportOptions {
  /** The ledger comment of every entry. */
  readonly comment: string;
  /** Who imports: the ledger entries have the source `import` and this actor's name. */
  readonly by: Actor;
  /**
   * The largest explicit id among the rows: rows without an id are numbered above it (and
   * above every id in use), so a later row's explicit id never meets an earlier generated one.
   */
  readonly autoIdsAbove?: number;
  readonly onRow?: () => void;
  /** Currencies added or changed before the rows, in the same transaction, as saveCurrency does. */
  readonly currencies?: readonly CurrencyChange[];
  /**
   * Existing users changed before the rows, in the same transaction, as updateUser does (a
   * balance difference is an `import` entry): a Kolmisoft admin coming over onto Tally's id 0.
   */
  readonly updates?: readonly { readonly ref: UserRef; readonly change: UserChange }[];
}

/** One line of a bulk import, already validated. */
export interface ImportRow {
  readonly id?: number;
  readonly username: string;
  readonly currency: string;
  readonly balance: bigint;
  readonly uniquehash: string;
  /** Empty unless given. */
  readonly firstName?: string;
  readonly lastName?: string;
  /** `admin` for an admin login (a Kolmisoft import); a customer unless given. */
  readonly role?: UserRole;
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
  /** Creates the `admin` account when no admin exists: id 0, as Kolmisoft's, when 0 is free. */
  readonly adminUniquehash: string;
  readonly by: Actor;
}

export interface InitializeReport {
  /** True when this call created the system currency, i.e. the database was new. */
  readonly created: boolean;
  readonly systemCurrency: string;
  /** Names of the settings this call added. */
  readonly addedSettings: readonly string[];
  readonly addedAdmin: boolean;
}

/** A user as stored, for copying between databases. */
export interface StoredUser extends UserRecord {
  /** The lookup key as stored: copied as it is, so a pair the NFC migration left apart stays apart. */
  readonly usernameKey: string;
}

/** A batch of rows of one table, in the order `tally copy` moves them. */
export type TableBatch =
  | { readonly table: 'currencies'; readonly rows: readonly Currency[] }
  | { readonly table: 'settings'; readonly rows: readonly (readonly [name: string, value: string])[] }
  | { readonly table: 'users'; readonly rows: readonly StoredUser[] }
  | { readonly table: 'ledger_entries'; readonly rows: readonly LedgerEntry[] }
  | { readonly table: 'rate_changes'; readonly rows: readonly RateChange[] }
  | { readonly table: 'request_hashes'; readonly rows: readonly RecordedHash[] }
  | { readonly table: 'audit_log'; readonly rows: readonly AuditEntry[] }
  | { readonly table: 'operators'; readonly rows: readonly StoredOperator[] }
  /**
   * Idempotency keys claimed without a ledger entry (by a stored admin API answer: a user added
   * without a balance, an import): the rebuild from the ledger would free them otherwise.
   */
  | { readonly table: 'key_claims'; readonly rows: readonly string[] };

/** A hash that authorised an API write, kept as long as the ledger. */
export interface RecordedHash extends RequestAuthorization {
  readonly createdAt: string;
}

export type CopiedTable = TableBatch['table'];

/** Counts and sums that must match after a copy. */
export interface DatabaseSummary {
  readonly currencies: number;
  readonly settings: number;
  readonly users: number;
  readonly ledgerEntries: number;
  readonly rateChanges: number;
  readonly requestHashes: number;
  readonly auditEntries: number;
  readonly operators: number;
  readonly operatorTokens: number;
  /** Sum of every user's balance, in millionths. */
  readonly balanceSum: bigint;
  /** Sum of every ledger amount, in millionths. */
  readonly ledgerSum: bigint;
}

/** A selection of ledger entries, newest first (id DESC), paged by keyset. */
export interface LedgerQuery {
  readonly userId?: number;
  readonly source?: LedgerSource;
  /** The entry's actor name, exactly. */
  readonly operator?: string;
  /** Entries created at or after this time (ms since the epoch). */
  readonly fromMs?: number;
  /** Entries created before this time (ms since the epoch). */
  readonly toMs?: number;
  /** Entries with a smaller id than this only (the next page). */
  readonly beforeId?: number;
  readonly limit: number;
}

/** The entries a ledger query selects, whatever page: its filters without the keyset. */
export type LedgerSelection = Omit<LedgerQuery, 'limit' | 'beforeId'>;

/** The totals of a ledger selection, money in millionths. */
export interface LedgerTotals {
  readonly entries: number;
  /** The sum of the positive amounts. */
  readonly credits: bigint;
  /** The sum of the negative amounts (zero or less). */
  readonly debits: bigint;
}

/** The payments payments_get lists: made in [fromMs, toMs), oldest first (by the second, then by id). */
export interface PaymentQuery {
  readonly userId?: number;
  readonly fromMs: number;
  readonly toMs: number;
  /** Upper-case code of the payment's currency. */
  readonly currency?: string;
  /** Inclusive bounds on the system-currency amount, in millionths. */
  readonly minAmount?: bigint;
  readonly maxAmount?: bigint;
}

/** A payment's entry with what payments_get shows of its user. */
export interface PaymentListing extends LedgerEntry {
  readonly payment: PaymentDetails;
  readonly username: string;
  readonly firstName: string;
  readonly lastName: string;
}

/** A ledger entry with its user's name, as the admin API lists it. */
export interface LedgerListing extends LedgerEntry {
  readonly username: string;
}

/** A selection of the audit log, newest first, paged by keyset. */
export interface AuditQuery {
  /** The record's actor name, exactly. */
  readonly actor?: string;
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly beforeId?: number;
  readonly limit: number;
}

export interface DatabaseStatistics {
  readonly users: number;
  /** Sum of every user's balance, in millionths. */
  readonly balanceSum: bigint;
  readonly ledgerEntries: number;
}

/** What the API reads: its cached config, balances, and the users and currencies its write checks look up. */
export interface BalanceReads {
  readApiConfig(): Promise<ApiConfigRows>;
  /** A cheap read of the config version, polled by servers to notice changes. */
  configVersion(): Promise<number>;
  /** The hot path: one indexed lookup by the folded username. */
  findBalanceView(usernameKey: string): Promise<BalanceView | undefined>;
  /** The balance view of the active user holding this uniquehash token. */
  findBalanceViewByUniquehash(uniquehash: string): Promise<BalanceView | undefined>;
  /** A user, closed ones included. */
  findUser(ref: UserRef): Promise<UserRecord | undefined>;
  listCurrencies(): Promise<readonly Currency[]>;
  /** The payments a query selects (entries payment_create made, and no others). */
  listPayments(query: PaymentQuery): Promise<readonly PaymentListing[]>;
}

/** The changes the API's write methods make, each with the hash that authorised it. */
export interface BalanceWrites {
  /**
   * Records a write's hash for its request (what a write refused before the store calls, since a
   * refused request's hash counts too); false when the hash is recorded for another request.
   */
  claimRequestHash(authorization: RequestAuthorization): Promise<boolean>;
  /** Applies one balance change and writes its ledger entry, in one transaction. */
  applyBalanceChange(change: BalanceChange): Promise<BalanceChangeResult>;
  /**
   * Changes an existing, non-system currency's rate; 'not_found' for any other code; 'hash_reused'
   * (checked first) when the authorization's hash was recorded for another request.
   */
  updateRate(code: string, rate: Decimal, by: Actor, authorization?: RequestAuthorization): Promise<'updated' | 'not_found' | 'hash_reused'>;
}

/** Setting a database up, and what an operator changes and reads: settings, currencies, users, the ledger. */
export interface Administration {
  /** Creates what a new database needs and fills in what is missing; changes nothing that exists. */
  initialize(options: InitializeOptions): Promise<InitializeReport>;
  /** The system currency's code, or undefined before `initialize`. */
  systemCurrency(): Promise<string | undefined>;
  readSettings(): Promise<ReadonlyMap<string, string>>;
  /**
   * Writes stored setting texts, all of them or none, in one transaction, with one audit record
   * (`settings.set`, or `settings.rotate_key`) that names the settings and never a secret's value.
   */
  writeSettings(values: ReadonlyMap<string, string>, by: Actor, action?: 'settings.set' | 'settings.rotate_key'): Promise<void>;
  /** Adds or changes a currency by the rules of applyCurrencyChange, atomically, recording a rate change. */
  saveCurrency(change: CurrencyChange, by: Actor): Promise<Currency>;
  /** Every rate change of a currency, oldest first. */
  rateHistory(code: string): Promise<readonly RateChange[]>;
  /**
   * Throws TallyError already_exists for a taken name, not_found for an unknown currency,
   * conflict when the next id would pass MAX_USER_ID, IdempotencyKeyTaken when the opening entry's
   * key is taken. The name is stored in NFC. A non-zero opening balance is written as the user's
   * first ledger entry.
   */
  addUser(user: NewUser, by: Actor, comment?: string): Promise<UserRecord>;
  /**
   * Applies every field of the change in one transaction (closed users included), with one audit
   * record per field. Throws TallyError not_found for an unknown user or currency,
   * already_exists for a taken name or token.
   */
  updateUser(ref: UserRef, change: UserChange, by: Actor): Promise<UserRecord>;
  /** A page of users in id order, closed ones included unless `status` says otherwise. */
  searchUsers(search: UserSearch): Promise<readonly UserRecord[]>;
  /**
   * Which of these folded usernames, ids and uniquehash tokens (compared exactly) are taken,
   * closed users included: one query per kind and batch, for imports.
   */
  takenUsers(usernameKeys: readonly string[], ids: readonly number[], uniquehashes?: readonly string[]): Promise<TakenUsers>;
  /** Every user in id order, closed ones included, streamed: a database may hold millions. */
  listUsers(): AsyncIterable<UserRecord>;
  /** A user's entries, newest first. */
  ledgerEntries(userId: number, limit: number): Promise<readonly LedgerEntry[]>;
  /** The audit log, newest first; `beforeId` pages further back. */
  auditEntries(limit: number, beforeId?: number): Promise<readonly AuditEntry[]>;
  /** One page of the ledger's entries (any user's, or one user's), newest first, each with its user's name. */
  ledgerPage(query: LedgerQuery): Promise<readonly LedgerListing[]>;
  /** The same selection, newest first, without a limit, streamed in batches (bounded memory on 1,000,000 entries). */
  ledgerStream(query: LedgerSelection): AsyncIterable<LedgerListing>;
  /** The totals of the same selection, summed exactly by the database. */
  ledgerSummary(query: LedgerSelection): Promise<LedgerTotals>;
  /** One page of the audit log, newest first. */
  auditPage(query: AuditQuery): Promise<readonly AuditEntry[]>;
  /** Users, the sum of every balance (millionths), ledger entries. */
  statistics(): Promise<DatabaseStatistics>;
  /** Compares every user's balance with the sum of their entries. */
  verifyLedger(): Promise<LedgerReport>;
  /**
   * Users whose stored name is not NFC or whose key is not usernameKey of their name, each with
   * the user its key collides with: the pairs the NFC migration left as they were.
   */
  usernameCollisions(): Promise<readonly UsernameCollision[]>;
  /**
   * Adds every row as a new user with an `import` entry for its balance, all in one
   * transaction: a failure on any row leaves the database as it was. Names are stored in NFC;
   * a row whose id (given or numbered) would pass MAX_USER_ID fails the import.
   */
  importUsers(rows: AsyncIterable<ImportRow>, options: ImportOptions): Promise<number>;
}

/** Moving a whole database into another (`tally copy`), and the counts that must match after. */
export interface Copying {
  /** Counts and sums of the whole database. */
  summary(): Promise<DatabaseSummary>;
  /** Every row of every table, in batches: currencies, settings, users, ledger, rate changes. */
  exportTables(): AsyncIterable<TableBatch>;
  /**
   * Writes exported batches into this store, ids kept, in one transaction. Refuses (TallyError
   * conflict) unless the store is empty: no currency, setting or user.
   */
  importTables(batches: AsyncIterable<TableBatch>, onRows?: (table: CopiedTable, count: number) => void): Promise<void>;
}

/** What protects the API from guessing and replays: failure counts, blocks and nonces, shared by every node. */
export interface Guard {
  /**
   * Counts a failed authentication of a client address, in fixed windows of `rule.windowMs`, and
   * returns the address's count; it is blocked once the count reaches `rule.limit`. The count lives
   * in the database, so every node of a deployment sees the same one.
   */
  recordAuthFailure(address: string, rule: ThrottleRule, nowMs: number): Promise<AuthFailureCount>;
  /** Addresses blocked at `nowMs`, each with the time its block ends. */
  blockedClients(nowMs: number): Promise<ReadonlyMap<string, number>>;
  /** Every address with failures counted or a block in force at `nowMs`, most recent window first. */
  throttledClients(nowMs: number): Promise<readonly ThrottledClient[]>;
  /** Forgets an address's failures and block, with an audit record; false when nothing was held against it. */
  unblockClient(address: string, by: Actor): Promise<boolean>;
  /** Records a request signature's nonce until `expiresAtMs`; false when it was seen already. */
  claimNonce(nonce: string, expiresAtMs: number): Promise<boolean>;
  /** Deletes nonces and failure counts that no longer matter at `nowMs`. */
  purgeExpired(nowMs: number): Promise<void>;
}

/** Whether a write made now can last. */
export interface Health {
  /**
   * Why a write made now could not last, in words for an operator (naming the file or the
   * location, never a password); undefined while writes can last. Synchronous and cheap: read
   * before every write, which is refused at once (NotWritableError) while it gives a reason,
   * and by /readyz.
   */
  writeHealth(): WriteHealth;
  /**
   * Starts watching whether writes can last (a server does; a one-shot command need not), and
   * calls `onChange` whenever writeHealth() changes. Stopped by close().
   */
  watchWriteHealth(onChange: (health: WriteHealth) => void): void;
}

/**
 * The whole contract, as each backend implements it. Callers take only the roles they use
 * (above): what a handler may do to the database is read from its signature.
 */
/** An operator of the admin API as stored: the hash of its password, never the password. */
export interface OperatorRecord {
  readonly id: number;
  readonly username: string;
  readonly role: OperatorRole;
  readonly passwordHash: string;
  /** ISO 8601, UTC: a session opened before it has ended. */
  readonly passwordChangedAt: string;
  readonly createdAt: string;
  /** Its API tokens, oldest first: labels only (a token is kept as a digest, and never shown again). */
  readonly tokens: readonly OperatorTokenRecord[];
}

export interface OperatorTokenRecord {
  readonly label: string;
  readonly createdAt: string;
}

/** An operator as a copy moves it: its tokens with their digests, so that they keep working. */
export interface StoredOperator extends Omit<OperatorRecord, 'tokens'> {
  readonly tokens: readonly (OperatorTokenRecord & { readonly digest: string })[];
}

export interface NewOperator {
  readonly username: string;
  readonly role: OperatorRole;
  readonly passwordHash: string;
}

/**
 * The operators of the admin API and their tokens (spec admin-api.md section 2). Names are
 * ASCII and unique without regard to case; each change writes its audit record in its own
 * transaction.
 */
export interface Operators {
  /** Throws TallyError already_exists for a name taken in any letter case. */
  addOperator(operator: NewOperator, by: Actor): Promise<OperatorRecord>;
  /** Every operator, by name. */
  listOperators(): Promise<readonly OperatorRecord[]>;
  /** By name, in any letter case. */
  findOperator(username: string): Promise<OperatorRecord | undefined>;
  /** The operator holding the token whose SHA-256 digest this is. */
  findOperatorByToken(digest: string): Promise<OperatorRecord | undefined>;
  /** Removes an operator with its tokens and sessions; the last owner is never removed. */
  removeOperator(username: string, by: Actor): Promise<'removed' | 'not_found' | 'last_owner'>;
  /**
   * Changes the role, in one transaction with the check that another owner remains (as
   * removeOperator): two owners demoting each other at once cannot both succeed. Its sessions
   * carry on with the new role, since a session reads its operator's row at each request.
   */
  setOperatorRole(username: string, role: OperatorRole, by: Actor): Promise<OperatorRecord | 'not_found' | 'last_owner'>;
  /** Changes the password and ends the operator's sessions, in one transaction. */
  setOperatorPassword(username: string, passwordHash: string, by: Actor): Promise<'changed' | 'not_found'>;
  /** A token's label is unique per operator; its digest is unique everywhere. */
  addOperatorToken(username: string, token: { readonly label: string; readonly digest: string }, by: Actor): Promise<'added' | 'not_found' | 'label_taken'>;
  revokeOperatorToken(username: string, label: string, by: Actor): Promise<'revoked' | 'not_found'>;
}

/** An open console session of the admin API and its operator. */
export interface SessionRecord {
  readonly operator: OperatorRecord;
  /** ISO 8601, UTC, with milliseconds. */
  readonly createdAt: string;
  readonly lastSeenAt: string;
}

/**
 * The admin console's sessions, each named by the SHA-256 digest of its token (the cookie
 * never reaches the store). Short-lived, so never copied. An operator's sessions end when its
 * password changes or it is removed, in the same transaction.
 */
export interface Sessions {
  createSession(operatorId: number, digest: string, nowMs: number): Promise<void>;
  /** The session and its operator (with role, passwordChangedAt), or undefined. */
  findSession(digest: string): Promise<SessionRecord | undefined>;
  touchSession(digest: string, nowMs: number): Promise<void>;
  deleteSession(digest: string): Promise<void>;
  /** Deletes sessions created or last seen before these times (housekeeping). */
  purgeSessions(createdBeforeMs: number, seenBeforeMs: number): Promise<void>;
}

/** The answer of a money-moving admin API request, kept by its Idempotency-Key. */
export interface StoredReply {
  /** SHA-256 hex of what the request asked: the same key with another request is refused. */
  readonly requestDigest: string;
  readonly status: number;
  /** The answer's body, byte for byte. */
  readonly body: string;
}

/** Stored answers of the admin API's keyed requests (never copied). */
export interface Replies {
  findReply(key: string): Promise<StoredReply | undefined>;
  /**
   * Keeps the first reply stored for a key: returns the one stored (this one, or an earlier one).
   * The key is claimed in the ledger's namespace too, if no entry claimed it already.
   */
  saveReply(key: string, reply: StoredReply): Promise<StoredReply>;
  /** True when any ledger entry (any source), or a stored reply, has claimed this idempotency key. */
  ledgerKeyTaken(key: string): Promise<boolean>;
}

/** A webhook endpoint as listed: never its secrets. */
export interface WebhookEndpointRecord {
  readonly id: number;
  readonly url: string;
  readonly events: readonly EventType[];
  readonly state: WebhookState;
  /** ISO 8601, UTC. */
  readonly createdAt: string;
}

export interface NewWebhookEndpoint {
  readonly url: string;
  readonly events: readonly EventType[];
  /** `whsec_` and base64. */
  readonly secret: string;
}

/** The owner's webhook endpoints; each change writes its audit record in its own transaction. */
export interface Webhooks {
  addWebhookEndpoint(endpoint: NewWebhookEndpoint, by: Actor): Promise<WebhookEndpointRecord>;
  /** Every endpoint, by id. */
  listWebhookEndpoints(): Promise<readonly WebhookEndpointRecord[]>;
  /** Removes the endpoint and its deliveries. */
  removeWebhookEndpoint(id: number, by: Actor): Promise<'removed' | 'not_found'>;
  /** The current secret becomes the previous one, signing beside `secret` until `previousUntil` (ISO 8601). */
  rotateWebhookSecret(id: number, secret: string, previousUntil: string, by: Actor): Promise<'rotated' | 'not_found'>;
}

/** A delivery claimed for one attempt, with what it takes to send it. */
export interface DueDelivery {
  readonly eventId: number;
  readonly endpointId: number;
  readonly type: string;
  /** The event's data as stored: JSON text. */
  readonly data: string;
  /** The event's time, ISO 8601 UTC. */
  readonly createdAt: string;
  readonly url: string;
  /** The current secret, then the previous one while its rotation lasts. */
  readonly secrets: readonly string[];
  /** Attempts made before this one. */
  readonly attempts: number;
}

export interface DeliveryAttempt {
  readonly eventId: number;
  readonly endpointId: number;
  /** The answer's status; undefined when none came (refused, timed out, stopped). */
  readonly status?: number;
  readonly durationMs: number;
  readonly outcome: AttemptOutcome;
  /** When to try again, for a `retry`. */
  readonly nextAttemptAt?: Date;
}

/**
 * The outbox's deliveries, for every node at once: a claim leases each delivery to one node,
 * and takes an event of a user only once that user's earlier events reached the endpoint.
 */
export interface Deliveries {
  claimWebhookDeliveries(leaseMs: number, limit: number): Promise<readonly DueDelivery[]>;
  /** Keeps a claim of an attempt still in flight: a live node's lease never runs out under it. */
  renewWebhookLease(eventId: number, endpointId: number, leaseMs: number): Promise<void>;
  /** Ends the claim: delivered, to be retried, given up (the endpoint goes failing) or disabled (410). */
  recordWebhookAttempt(attempt: DeliveryAttempt): Promise<void>;
}

export interface Store extends BalanceReads, BalanceWrites, Administration, Operators, Sessions, Replies, Copying, Guard, Health, Webhooks, Deliveries {
  /** Where the data lives, for messages; never includes a password. */
  readonly location: string;

  close(): Promise<void>;
}


/** A reason writes cannot last, or undefined when they can. */
export type WriteHealth = string | undefined;

/**
 * A write refused without touching the database, because writeHealth() gave a reason: an
 * acknowledged change must be one that lasts. The server answers it as any store failure.
 */
export class NotWritableError extends Error {
  constructor(readonly reason: string) {
    super(`database not writable: ${reason}`);
    this.name = 'NotWritableError';
  }
}

/** Failure counts are kept this long after their window opened (longer than any window), then purged. */
export const AUTH_FAILURE_MEMORY_MS = 3_600_000;

export interface AuthFailureCount {
  /** Failures in the window that `windowStartMs` opened, this one included. */
  readonly failures: number;
  readonly windowStartMs: number;
  /** When its block ends (ms since the epoch), or undefined when it is not blocked. */
  readonly blockedUntilMs: number | undefined;
}

export interface ThrottledClient extends AuthFailureCount {
  readonly address: string;
}

export interface ThrottleRule {
  readonly limit: number;
  readonly windowMs: number;
  readonly cooldownMs: number;
}
