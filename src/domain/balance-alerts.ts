/**
 * When a balance runs low: `balance.low` fires once per downward crossing of the warning
 * balance (Kolmisoft's "drops lower than") and can fire again only once the balance has risen
 * strictly above it. The armed flag is stored with the user, so the rule holds across changes.
 */

export interface ThresholdCrossing {
  readonly before: bigint;
  readonly after: bigint;
  /** The user's own warning balance, else the global one; undefined when neither is set. */
  readonly threshold: bigint | undefined;
  /** Whether a crossing may fire now (true for a new user). */
  readonly armed: boolean;
}

/** What a balance change does to the alert: whether it fires, and the armed state after it. */
export function crossThreshold({ before, after, threshold, armed }: ThresholdCrossing): { fires: boolean; armed: boolean } {
  if (threshold === undefined) return { fires: false, armed };
  const fires = armed && before >= threshold && after < threshold;
  if (after > threshold) return { fires, armed: true };
  return { fires, armed: fires ? false : armed };
}

/** A user's own warning balance wins over the global one; null or undefined means none of its own. */
export function effectiveThreshold(own: bigint | null | undefined, global: bigint | undefined): bigint | undefined {
  return own ?? global;
}
