// What the compare charts plot: params and latest metrics of each run, params read as numbers when they are numbers
// (tested in values.test.ts).
import type { Run } from '../../api/types';

/** A plotted value: a number, or a category (a param that is not a number). */
export type Value = number | string;

export type FieldKind = 'param' | 'metric';

export interface Field {
  kind: FieldKind;
  key: string;
}

// Decimal numbers only: `Number('0x10')` is 16 and `Number('')` is 0, neither of which is what a param means.
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A param value as a number when it reads as a decimal number, else the string itself (a category). */
export function parseValue(s: string): Value {
  const t = s.trim();
  return NUMBER.test(t) ? Number(t) : s;
}

/** `p:lr`, `m:loss`: a field as one string (select values, URL parameters). */
export function fieldId(f: Field): string {
  return (f.kind === 'param' ? 'p:' : 'm:') + f.key;
}

export function parseFieldId(id: string): Field | undefined {
  if (id.startsWith('p:')) return { kind: 'param', key: id.slice(2) };
  if (id.startsWith('m:')) return { kind: 'metric', key: id.slice(2) };
  return undefined;
}

export function fieldLabel(f: Field): string {
  return f.kind === 'param' ? `param: ${f.key}` : f.key;
}

const lookups = new WeakMap<Run, { params: Map<string, string>; metrics: Map<string, number> }>();
function lookup(run: Run) {
  let l = lookups.get(run);
  if (!l) {
    l = {
      params: new Map((run.data.params ?? []).map((x) => [x.key, x.value])),
      metrics: new Map((run.data.metrics ?? []).map((x) => [x.key, Number(x.value)])),
    };
    lookups.set(run, l);
  }
  return l;
}

/** The run's value of a field; undefined when the run lacks it (or the metric is NaN or infinite: not plottable). */
export function fieldValue(run: Run, f: Field): Value | undefined {
  const l = lookup(run);
  if (f.kind === 'metric') {
    const v = l.metrics.get(f.key);
    return v !== undefined && Number.isFinite(v) ? v : undefined;
  }
  const p = l.params.get(f.key);
  return p === undefined ? undefined : parseValue(p);
}

/** The raw text of a field (for equality: `0.10` and `0.1` are different params). */
export function fieldText(run: Run, f: Field): string | undefined {
  const l = lookup(run);
  if (f.kind === 'metric') {
    const v = l.metrics.get(f.key);
    return v === undefined ? undefined : String(v);
  }
  return l.params.get(f.key);
}

/** Every param and metric key among the runs, sorted. */
export function allFields(runs: Run[]): { params: Field[]; metrics: Field[] } {
  const p = new Set<string>();
  const m = new Set<string>();
  for (const r of runs) {
    for (const x of r.data.params ?? []) p.add(x.key);
    for (const x of r.data.metrics ?? []) m.add(x.key);
  }
  const sorted = (s: Set<string>, kind: FieldKind) => [...s].sort((a, b) => a.localeCompare(b)).map((key) => ({ kind, key }));
  return { params: sorted(p, 'param'), metrics: sorted(m, 'metric') };
}

/** A field differs when some run's value is not the first run's (a missing value differs from a present one). */
export function differs(runs: Run[], f: Field): boolean {
  if (runs.length < 2) return false;
  const first = fieldText(runs[0], f);
  return runs.some((r) => fieldText(r, f) !== first);
}

/**
 * The parallel-coordinates axes shown first: up to `max` fields that differ across the runs, params and metrics
 * sharing the room (half each, more for one kind when the other has fewer).
 */
export function defaultAxes(runs: Run[], max = 6): Field[] {
  const { params, metrics } = allFields(runs);
  const p = params.filter((f) => differs(runs, f));
  const m = metrics.filter((f) => differs(runs, f));
  const np = Math.min(p.length, Math.max(max - m.length, Math.ceil(max / 2)));
  return [...p.slice(0, np), ...m.slice(0, max - np)];
}

/** The metric overlaid first: the first key every run has, else the first key any run has. */
export function defaultMetric(runs: Run[]): string | undefined {
  const { metrics } = allFields(runs);
  return (metrics.find((f) => runs.every((r) => fieldText(r, f) !== undefined)) ?? metrics[0])?.key;
}

/** The scatter's first axes: a differing param against a differing metric, else whatever there is. */
export function defaultScatter(runs: Run[]): { x?: Field; y?: Field } {
  const { params, metrics } = allFields(runs);
  const pick = (list: Field[], not?: Field) => {
    const rest = list.filter((f) => !not || fieldId(f) !== fieldId(not));
    return rest.find((f) => differs(runs, f)) ?? rest[0];
  };
  const x = pick(params) ?? pick(metrics);
  return { x, y: pick(metrics, x) ?? pick(params, x) };
}

// Run colours: distinct on both the light and the dark background; then golden-angle hues for any number of runs.
const PALETTE = ['#2f7ed8', '#e8590c', '#2b9348', '#d6336c', '#7950f2', '#0c8599', '#c08a00', '#8f5b3a', '#e64980', '#5c7cfa'];

/** The colour of the i-th compared run, the same in every chart. */
export function runColor(i: number): string {
  return i < PALETTE.length ? PALETTE[i] : `hsl(${Math.round((i * 137.508) % 360)} 65% 50%)`;
}
