/**
 * What the soak test saw: requests and answers by kind, invariant violations and warnings, every
 * balance update it sent with what became of it, and the attackers' throttling.
 */

export const KINDS = ['read', 'simple', 'update', 'retry', 'conflict', 'refusal', 'rate', 'attack', 'malformed', 'cut', 'slow', 'ops'] as const;
export type Kind = (typeof KINDS)[number];

/** Every invariant the soak test checks, by the name the summary lists it under. */
export const INVARIANTS = {
  no500: 'no HTTP 500',
  documented: 'every answer is a documented one (status, content type, body)',
  kindAnswer: 'each request gets the answer its kind calls for',
  requestId: "every answer carries an X-Request-Id (the client's own once its request is parsed)",
  honestNever429: 'honest clients are never answered 429',
  retryAfter: 'a 429 has a Retry-After within the cooldown',
  attackersThrottled: 'attackers get 429',
  blockHonoured: 'a throttled address stays throttled until its Retry-After',
  connections: 'connections fail only while the server is being stopped',
  malformedAnswered: 'a malformed request gets its answer before the connection closes',
  slowCut: 'slow clients are answered 408 and cut off within the timeouts',
  replaySame: 'a retry is answered the first answer, byte for byte',
  gracefulStop: 'SIGTERM stops the server cleanly (exit 0, within 15 s)',
  noCrash: 'the server never exits on its own',
  noErrorLogs: 'the server logs no error',
  verify: 'tally verify is clean',
  ledgerOnlySent: 'the ledger holds only updates the clients sent',
  entriesPerState: 'each update has the ledger entries its answer promised',
  entryMatches: 'an entry is the change that was sent',
  ackBalance: 'an acknowledged balance is the one in the ledger',
  chain: 'each entry follows from the one before (no lost update)',
  opening: 'opening balances are the ones seeded',
  balanceSum: 'a balance is its opening plus its entries',
  readOnlyKept: 'users nobody updated keep their balance',
  rateChain: 'rate changes chain to the current rate (no lost rate update)',
  rateSent: 'a rate is one that was sent',
  rateCount: 'every acknowledged rate update is in the history, and nothing more',
} as const;
export type Invariant = (typeof INVARIANTS)[keyof typeof INVARIANTS];

/** How many example messages of each violation are kept for the summary. */
const EXAMPLES_KEPT = 5;

interface Tally {
  count: number;
  readonly examples: string[];
}

export class Recorder {
  readonly sent = new Map<Kind, number>();
  /** Per kind: answers by status, and `conn-error` / `conn-refused` for transport failures. */
  readonly outcomes = new Map<Kind, Map<string, number>>();
  readonly violations = new Map<Invariant, Tally>();
  readonly warnings = new Map<string, Tally>();

  /** `printLive` shows the first violations of each invariant as they happen. */
  constructor(private readonly printLive: (line: string) => void) {}

  request(kind: Kind): void {
    this.sent.set(kind, (this.sent.get(kind) ?? 0) + 1);
  }

  outcome(kind: Kind, label: string): void {
    let byLabel = this.outcomes.get(kind);
    if (byLabel === undefined) this.outcomes.set(kind, (byLabel = new Map()));
    byLabel.set(label, (byLabel.get(label) ?? 0) + 1);
  }

  /** An invariant broken: counted, and the first few of each kind printed at once and kept. */
  violation(invariant: Invariant, message: string): void {
    const tally = bump(this.violations, invariant, message);
    if (tally.count <= EXAMPLES_KEPT) this.printLive(`!!! ${invariant}: ${message}`);
    else if (tally.count === EXAMPLES_KEPT + 1) this.printLive(`!!! ${invariant}: more of these; counted, not printed`);
  }

  warning(topic: string, message: string): void {
    bump(this.warnings, topic, message);
  }

  violationCount(): number {
    let total = 0;
    for (const tally of this.violations.values()) total += tally.count;
    return total;
  }

  /** Answers to all kinds by label, for the progress line. */
  outcomesOverall(): Map<string, number> {
    const overall = new Map<string, number>();
    for (const byLabel of this.outcomes.values()) for (const [label, count] of byLabel) overall.set(label, (overall.get(label) ?? 0) + count);
    return overall;
  }

  totalSent(): number {
    let total = 0;
    for (const count of this.sent.values()) total += count;
    return total;
  }
}

function bump<K>(map: Map<K, Tally>, key: K, message: string): Tally {
  let tally = map.get(key);
  if (tally === undefined) map.set(key, (tally = { count: 0, examples: [] }));
  tally.count++;
  if (tally.examples.length < EXAMPLES_KEPT) tally.examples.push(message);
  return tally;
}

// ---------------------------------------------------------------------------------------------
// Balance updates: what each transaction_id was sent for, and what the clients know of it

/**
 * - `acknowledged`: answered "User balance updated" (its bytes and resulting balance kept);
 *   must have exactly one ledger entry.
 * - `refused`: answered a documented refusal; must have none.
 * - `unknown`: sent, but the connection failed before an answer; none or one.
 * - `unsent`: the connection was refused, so no byte reached a server; none.
 * - `cut`: the client hung up before its body was complete; none.
 * - `forged`: an attacker's, with a wrong hash or login; none.
 */
export type UpdateState = 'acknowledged' | 'refused' | 'unknown' | 'unsent' | 'cut' | 'forged';

export interface UpdateRecord {
  readonly key: string;
  readonly userId: number;
  readonly amountText: string;
  readonly micros: bigint;
  state: UpdateState;
  /** For `acknowledged`: the first success answer, byte for byte, and the balance it gave. */
  body?: Buffer;
  balanceAfter?: bigint;
  /** How many retries were answered the same bytes again. */
  replays: number;
}

export interface Acknowledgement {
  /** The success answer, byte for byte. */
  readonly body: Buffer;
  /** The balance it gave, in millionths. */
  readonly balanceAfter: bigint;
}

export class UpdateBook {
  readonly byKey = new Map<string, UpdateRecord>();
  /** Updates a retry may pick: acknowledged ones, and ones whose answer was lost. */
  readonly acknowledged: UpdateRecord[] = [];
  readonly unsettled: UpdateRecord[] = [];

  add(fields: Omit<UpdateRecord, 'replays' | 'body' | 'balanceAfter'>, acknowledgement?: Acknowledgement): UpdateRecord {
    if (this.byKey.has(fields.key)) throw new Error(`transaction_id ${fields.key} issued twice by the soak test itself`);
    const record: UpdateRecord = { ...fields, replays: 0 };
    this.byKey.set(record.key, record);
    if (acknowledgement !== undefined) this.acknowledge(record, acknowledgement);
    else if (record.state === 'unknown' || record.state === 'unsent') this.unsettled.push(record);
    return record;
  }

  /** The first success answer settles a record; later ones are compared with it by the caller. */
  acknowledge(record: UpdateRecord, { body, balanceAfter }: Acknowledgement): void {
    if (record.body !== undefined) return;
    record.state = 'acknowledged';
    record.body = body;
    record.balanceAfter = balanceAfter;
    this.acknowledged.push(record);
  }

  /** A retry that was sent but not answered: the update may have landed since. */
  mayHaveLanded(record: UpdateRecord): void {
    if (record.state === 'unsent') record.state = 'unknown';
  }

  countByState(): Map<UpdateState, number> {
    const counts = new Map<UpdateState, number>();
    for (const record of this.byKey.values()) counts.set(record.state, (counts.get(record.state) ?? 0) + 1);
    return counts;
  }
}

// ---------------------------------------------------------------------------------------------
// Attackers: client addresses that send wrong hashes until they are throttled

export interface AttackerRecord {
  readonly address: string;
  attempts: number;
  /** Answered the failure itself ("Incorrect hash", "Bad login", ...). */
  failures: number;
  throttled: number;
  /** Failures answered before the first 429: the limit plus what was in flight. */
  failuresBeforeFirstBlock: number | undefined;
  /** A time (ms since the epoch) before which the server has promised to answer 429. */
  blockedUntilAtLeast: number;
}

export function newAttacker(address: string): AttackerRecord {
  return { address, attempts: 0, failures: 0, throttled: 0, failuresBeforeFirstBlock: undefined, blockedUntilAtLeast: 0 };
}
