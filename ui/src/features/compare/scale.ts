// Axes for the scatter and parallel-coordinates charts: numeric axes scaled min..max, categorical ones spaced
// evenly (tested in scale.test.ts).
import { formatMetric } from '../../components/format';
import type { Value } from './values';

export type Axis =
  | { kind: 'numeric'; min: number; max: number }
  | { kind: 'category'; categories: string[] };

const collator = new Intl.Collator('en', { numeric: true });

/**
 * The axis for these values (missing ones ignored): numeric when every value is a number, else categorical with
 * every value as text, in natural order (`2` before `10`). Undefined when no run has a value.
 */
export function makeAxis(values: (Value | undefined)[]): Axis | undefined {
  const present = values.filter((v): v is Value => v !== undefined);
  if (!present.length) return undefined;
  if (present.every((v) => typeof v === 'number')) {
    let min = Infinity;
    let max = -Infinity;
    for (const v of present as number[]) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { kind: 'numeric', min, max };
  }
  return { kind: 'category', categories: [...new Set(present.map(String))].sort(collator.compare) };
}

/**
 * Where a value sits on the axis, from 0 (min, first category) to 1 (max, last category). A numeric axis whose
 * values are all equal, or a single category, puts them in the middle. Undefined for a missing or unknown value.
 */
export function position(axis: Axis, v: Value | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (axis.kind === 'numeric') {
    if (typeof v !== 'number') return undefined;
    return axis.max === axis.min ? 0.5 : (v - axis.min) / (axis.max - axis.min);
  }
  const i = axis.categories.indexOf(String(v));
  if (i < 0) return undefined;
  return axis.categories.length === 1 ? 0.5 : i / (axis.categories.length - 1);
}

/** Round tick values inside [min, max], about `count` of them (1, 2 or 5 times a power of ten apart). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

export interface Tick {
  at: number;
  label: string;
}

/** Labelled ticks at positions 0..1: round numbers, or the categories (every k-th when there are more than `max`). */
export function axisTicks(axis: Axis, max = 12): Tick[] {
  if (axis.kind === 'numeric') {
    if (axis.min === axis.max) return [{ at: 0.5, label: formatMetric(axis.min) }];
    return niceTicks(axis.min, axis.max).map((t) => ({ at: position(axis, t)!, label: formatMetric(t) }));
  }
  const every = Math.ceil(axis.categories.length / max);
  return axis.categories.filter((_, i) => i % every === 0).map((c) => ({ at: position(axis, c)!, label: c }));
}

/** An SVG path through the points, lifting the pen over missing ones: a run without a value breaks its line there. */
export function linePath(points: ([number, number] | undefined)[]): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (!p) {
      pen = false;
      continue;
    }
    d += `${d ? ' ' : ''}${pen ? 'L' : 'M'}${round(p[0])},${round(p[1])}`;
    pen = true;
  }
  return d;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Shortens a label to `n` characters with an ellipsis. */
export function clip(s: string, n = 14): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}
