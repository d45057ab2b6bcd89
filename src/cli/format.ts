/**
 * How the CLI writes values: money and rates the same way in every command, table and JSON
 * answer (exact decimals, never a JavaScript number), times as ISO 8601.
 */
import { once } from 'node:events';
import { formatExact, formatMoney, formatRate, type Decimal } from '../domain/money.js';

/** A balance or amount in millionths of the system currency: `10.0`, `-0.000001`. */
export function money(micros: bigint): string {
  return formatMoney(micros);
}

/** An amount with its sign always shown: `+2.5`, `-3.0`. */
export function signedMoney(micros: bigint): string {
  return micros < 0n ? money(micros) : '+' + money(micros);
}

/** An exact decimal that is not in millionths (a balance in another currency). */
export function decimal(value: Decimal): string {
  return formatExact(value);
}

/** An exchange rate as stored: `0.9`, `1`. */
export function rate(value: Decimal): string {
  return formatRate(value);
}

/** A time in ms since the epoch, as ISO 8601 UTC. */
export function time(ms: number): string {
  return new Date(ms).toISOString();
}

/** A value as the JSON the CLI prints: two-space indented, one document. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** Writes to standard output, waiting while its buffer is full: a listing may hold millions of lines. */
export async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

/**
 * Writes `items` as one JSON array, one element at a time (two-space indented like json()), so a
 * listing of millions never sits in memory whole.
 */
export async function writeJsonArray<T>(items: AsyncIterable<T>, view: (item: T) => unknown): Promise<void> {
  let first = true;
  for await (const item of items) {
    const element = JSON.stringify(view(item), null, 2).replaceAll('\n', '\n  ');
    await write(`${first ? '[\n' : ',\n'}  ${element}`);
    first = false;
  }
  await write(first ? '[]\n' : '\n]\n');
}
