/**
 * A step chart's geometry from exact values: a balance or a rate holds from one change to the
 * next. Values are scaled as BigInt millionths, so a money string never becomes a float; only
 * the pixel offsets it ends as are numbers.
 */
import { toMicros } from './decimal.js';

export interface ChartPoint {
  /** Milliseconds since the epoch. */
  readonly time: number;
  /** An exact decimal string. */
  readonly value: string;
}

export interface ChartGeometry {
  /** The SVG path of the step line, in a box of `width` × `height`. */
  readonly path: string;
  /** The lowest and highest value (decimal strings) the vertical axis spans. */
  readonly min: string;
  readonly max: string;
  /** The first and last time drawn. */
  readonly start: number;
  readonly end: number;
  /** Where each point is drawn, for markers. */
  readonly marks: readonly { readonly x: number; readonly y: number; readonly point: ChartPoint }[];
}

/** The geometry of points in time order (oldest first), or undefined when there is none to draw. */
export function stepChart(points: readonly ChartPoint[], width: number, height: number, until: number = points.at(-1)?.time ?? 0): ChartGeometry | undefined {
  const valued = points.flatMap((point) => {
    const micros = toMicros(point.value);
    return micros === undefined ? [] : [{ point, micros }];
  });
  if (valued.length === 0) return undefined;
  let low = valued[0]!.micros;
  let high = low;
  for (const { micros } of valued) {
    if (micros < low) low = micros;
    if (micros > high) high = micros;
  }
  const start = valued[0]!.point.time;
  const end = Math.max(until, valued.at(-1)!.point.time);
  const span = end - start;
  const range = high - low;
  const x = (time: number) => (span === 0 ? width : ((time - start) / span) * width);
  // The highest value at the top; a flat line sits in the middle.
  const y = (micros: bigint) => (range === 0n ? height / 2 : height - Number(((micros - low) * BigInt(Math.round(height * 1000))) / range) / 1000);
  const marks = valued.map(({ point, micros }) => ({ x: round(x(point.time)), y: round(y(micros)), point }));
  let path = `M${marks[0]!.x},${marks[0]!.y}`;
  for (let i = 1; i < marks.length; i++) path += `H${marks[i]!.x}V${marks[i]!.y}`;
  path += `H${round(x(end))}`;
  return { path, min: valued.find((v) => v.micros === low)!.point.value, max: valued.find((v) => v.micros === high)!.point.value, start, end, marks };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
