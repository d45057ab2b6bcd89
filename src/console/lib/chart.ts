/**
 * A step chart's geometry from exact values: a balance or a rate holds from one change to the
 * next. Values are scaled to BigInt integers at the finest scale among them (millionths for money,
 * up to 12 fractional digits for a rate), so a decimal string never becomes a float; only the
 * pixel offsets it ends as are numbers.
 */
import { fractionDigits, toScaled } from './decimal.js';

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
  const scale = Math.max(0, ...points.map((point) => fractionDigits(point.value) ?? 0));
  const valued = points.flatMap((point) => {
    const scaled = toScaled(point.value, scale);
    return scaled === undefined ? [] : [{ point, scaled }];
  });
  if (valued.length === 0) return undefined;
  let low = valued[0]!.scaled;
  let high = low;
  for (const { scaled } of valued) {
    if (scaled < low) low = scaled;
    if (scaled > high) high = scaled;
  }
  const start = valued[0]!.point.time;
  const end = Math.max(until, valued.at(-1)!.point.time);
  const span = end - start;
  const range = high - low;
  const x = (time: number) => (span === 0 ? width : ((time - start) / span) * width);
  // The highest value at the top; a flat line sits in the middle.
  const y = (scaled: bigint) => (range === 0n ? height / 2 : height - Number(((scaled - low) * BigInt(Math.round(height * 1000))) / range) / 1000);
  const marks = valued.map(({ point, scaled }) => ({ x: round(x(point.time)), y: round(y(scaled)), point }));
  let path = `M${marks[0]!.x},${marks[0]!.y}`;
  for (let i = 1; i < marks.length; i++) path += `H${marks[i]!.x}V${marks[i]!.y}`;
  path += `H${round(x(end))}`;
  return { path, min: valued.find((v) => v.scaled === low)!.point.value, max: valued.find((v) => v.scaled === high)!.point.value, start, end, marks };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
