// Turning a metric history into chart series (tested in series.test.ts).
import type { MetricPoint } from '../../api/types';

export type XAxis = 'step' | 'relative' | 'wall';

export interface Series {
  x: number[];
  y: number[];
  /** The step of each point, to turn a zoomed x range back into steps for the server. */
  steps: number[];
}

/** Sorts the points along the chosen axis: steps, seconds since the first point, or wall-clock seconds. */
export function toSeries(points: MetricPoint[], axis: XAxis): Series {
  const pts = points.map((p) => ({ step: Number(p.step ?? 0), t: Number(p.timestamp), v: Number(p.value) }));
  pts.sort(axis === 'step' ? (a, b) => a.step - b.step || a.t - b.t : (a, b) => a.t - b.t || a.step - b.step);
  let t0 = Infinity; // a loop, not Math.min(...): 100,000 arguments overflow the stack
  for (const p of pts) if (p.t < t0) t0 = p.t;
  return {
    x: pts.map((p) => (axis === 'step' ? p.step : axis === 'relative' ? (p.t - t0) / 1000 : p.t / 1000)),
    y: pts.map((p) => (Number.isFinite(p.v) ? p.v : NaN)),
    steps: pts.map((p) => p.step),
  };
}

/**
 * Keeps at most `max` points: the first and last of each bucket and its minimum and maximum, so spikes survive and
 * the line looks like the full one. The server already samples by step; this also bounds histories logged
 * many times at one step (or with time as the only axis).
 */
export function downsample(s: Series, max: number): Series {
  const n = s.x.length;
  if (n <= max) return s;
  const buckets = Math.max(1, Math.floor(max / 4));
  const size = n / buckets;
  const keep: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor(b * size);
    const to = Math.min(n, Math.floor((b + 1) * size));
    if (from >= to) continue;
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      if (s.y[i] < s.y[lo] || Number.isNaN(s.y[lo])) lo = i;
      if (s.y[i] > s.y[hi] || Number.isNaN(s.y[hi])) hi = i;
    }
    for (const i of [from, lo, hi, to - 1].sort((a, b) => a - b)) if (keep[keep.length - 1] !== i) keep.push(i);
  }
  return { x: keep.map((i) => s.x[i]), y: keep.map((i) => s.y[i]), steps: keep.map((i) => s.steps[i]) };
}

/** The step range covering the points whose x lies in [from, to] (for re-fetching detail after a zoom). */
export function stepRange(s: Series, from: number, to: number): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < s.x.length; i++) {
    if (s.x[i] >= from && s.x[i] <= to) {
      lo = Math.min(lo, s.steps[i]);
      hi = Math.max(hi, s.steps[i]);
    }
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** Several series on one x array (uPlot's data shape); `undefined` where a series has no point at that x. */
export interface Aligned {
  x: number[];
  ys: (number | undefined)[][];
}

/**
 * Merges series onto the sorted union of their x values, for one chart with a line per run. A series' missing x
 * become `undefined`, which uPlot joins over (a line is not broken by another run's points); its NaN stay gaps. Several
 * points of one series at the same x keep the last, as an overlay cannot show both.
 */
export function alignSeries(list: Series[]): Aligned {
  const all = new Set<number>();
  for (const s of list) for (const x of s.x) all.add(x);
  const x = [...all].sort((a, b) => a - b);
  const index = new Map(x.map((v, i) => [v, i]));
  const ys = list.map((s) => {
    const y: (number | undefined)[] = new Array(x.length).fill(undefined);
    for (let i = 0; i < s.x.length; i++) y[index.get(s.x[i])!] = s.y[i];
    return y;
  });
  return { x, ys };
}

/** {@link stepRange} over several series: the step range covering every series' points in [from, to]. */
export function stepRangeAll(list: Series[], from: number, to: number): [number, number] | undefined {
  let out: [number, number] | undefined;
  for (const s of list) {
    const r = stepRange(s, from, to);
    if (r) out = out ? [Math.min(out[0], r[0]), Math.max(out[1], r[1])] : r;
  }
  return out;
}
