/**
 * The server's metrics in Prometheus text format (version 0.0.4), kept as plain counters:
 * recording one request is a map update and a bucket search, cheap enough for the hot path.
 */

/** Upper bounds of the latency histogram, in seconds. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

interface RequestCount {
  readonly api: string;
  readonly outcome: string;
  count: number;
}

/** Counts per 10-second slot over the last hour: what `/admin/v1/stats` reads. */
class RecentCounts {
  private static readonly SLOT_MS = 10_000;
  private static readonly SLOTS = 360;
  private readonly counts = new Array<number>(RecentCounts.SLOTS).fill(0);
  private readonly slots = new Array<number>(RecentCounts.SLOTS).fill(-1);

  add(nowMs: number): void {
    const slot = Math.floor(nowMs / RecentCounts.SLOT_MS);
    const index = slot % RecentCounts.SLOTS;
    if (this.slots[index] !== slot) {
      this.slots[index] = slot;
      this.counts[index] = 0;
    }
    this.counts[index]!++;
  }

  /** The count of the last `ms` milliseconds, to the slot. */
  within(ms: number, nowMs: number): number {
    const newest = Math.floor(nowMs / RecentCounts.SLOT_MS);
    const oldest = newest - Math.min(RecentCounts.SLOTS, Math.ceil(ms / RecentCounts.SLOT_MS)) + 1;
    let total = 0;
    for (let index = 0; index < RecentCounts.SLOTS; index++) {
      const slot = this.slots[index]!;
      if (slot >= oldest && slot <= newest) total += this.counts[index]!;
    }
    return total;
  }
}

export class Metrics {
  /** By api, then by outcome: two look-ups of strings already made, no key built per request. */
  private readonly requests = new Map<string, Map<string, RequestCount>>();
  private readonly latencyBuckets = new Array<number>(LATENCY_BUCKETS.length + 1).fill(0);
  private latencySum = 0;
  private latencyCount = 0;
  private authFailures = 0;
  private throttledRequests = 0;
  private ledgerEntries = 0;
  private readonly startedAt = Date.now();
  private readonly recentRequests = new RecentCounts();
  private readonly recentAuthFailures = new RecentCounts();

  /** `throttledClients` reads how many addresses are blocked right now. */
  constructor(private readonly throttledClients: () => number) {}

  /** One answered request: `api` is the method's name (or what kind of path it was). */
  recordRequest(api: string, outcome: string, seconds: number): void {
    let outcomes = this.requests.get(api);
    if (outcomes === undefined) this.requests.set(api, (outcomes = new Map()));
    const entry = outcomes.get(outcome);
    if (entry === undefined) outcomes.set(outcome, { api, outcome, count: 1 });
    else entry.count++;
    let bucket = 0;
    while (bucket < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[bucket]!) bucket++;
    this.latencyBuckets[bucket]!++;
    this.latencySum += seconds;
    this.latencyCount++;
    this.recentRequests.add(Date.now());
  }

  recordAuthFailure(): void {
    this.authFailures++;
    this.recentAuthFailures.add(Date.now());
  }

  /** Requests answered and failed authentications on this node in the last `ms` milliseconds. */
  recent(ms: number, nowMs = Date.now()): { readonly requests: number; readonly authFailures: number } {
    return { requests: this.recentRequests.within(ms, nowMs), authFailures: this.recentAuthFailures.within(ms, nowMs) };
  }

  recordThrottled(): void {
    this.throttledRequests++;
  }

  recordLedgerEntry(): void {
    this.ledgerEntries++;
  }

  render(): string {
    const lines: string[] = [];
    const family = (name: string, type: string, help: string): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    };

    family('tally_http_requests_total', 'counter', 'API requests answered, by method and outcome.');
    for (const { api, outcome, count } of [...this.requests.values()].flatMap((outcomes) => [...outcomes.values()])) {
      lines.push(`tally_http_requests_total{method="${label(api)}",outcome="${label(outcome)}"} ${count}`);
    }

    family('tally_http_request_duration_seconds', 'histogram', 'Time from the request to its answer.');
    let cumulative = 0;
    for (const [index, bound] of LATENCY_BUCKETS.entries()) {
      cumulative += this.latencyBuckets[index]!;
      lines.push(`tally_http_request_duration_seconds_bucket{le="${bound}"} ${cumulative}`);
    }
    lines.push(`tally_http_request_duration_seconds_bucket{le="+Inf"} ${this.latencyCount}`);
    lines.push(`tally_http_request_duration_seconds_sum ${this.latencySum}`);
    lines.push(`tally_http_request_duration_seconds_count ${this.latencyCount}`);

    const single = (name: string, type: string, help: string, value: number): void => {
      family(name, type, help);
      lines.push(`${name} ${value}`);
    };
    single('tally_auth_failures_total', 'counter', 'Failed authentications: wrong hash, bad login, bad signature, unknown token.', this.authFailures);
    single('tally_throttled_requests_total', 'counter', 'Requests answered 429 because their client failed too often.', this.throttledRequests);
    single('tally_throttled_clients', 'gauge', 'Client addresses blocked right now.', this.throttledClients());
    single('tally_ledger_entries_written_total', 'counter', 'Ledger entries written by API balance updates on this node.', this.ledgerEntries);

    const memory = process.memoryUsage();
    single('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', memory.rss);
    single('nodejs_heap_size_used_bytes', 'gauge', 'JavaScript heap in use, in bytes.', memory.heapUsed);
    single('nodejs_heap_size_total_bytes', 'gauge', 'JavaScript heap reserved, in bytes.', memory.heapTotal);
    single('process_start_time_seconds', 'gauge', 'Start time of the process since the Unix epoch in seconds.', Math.floor(this.startedAt / 1000));
    return lines.join('\n') + '\n';
  }
}

/** A label value as the text format wants it: backslash, quote and line feed escaped. */
function label(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}
