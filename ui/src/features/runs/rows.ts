// Pure helpers of the runs table: parent/child grouping, key discovery and cell values (tested in rows.test.ts).
import type { Run } from '../../api/types';
import type { Column } from '../../api/search';
import { formatDuration, formatMetric, runDuration, tagValue } from '../../components/format';

export const PARENT_TAG = 'mlflow.parentRunId';

export interface RunRow {
  run: Run;
  depth: number;
  childCount: number;
}

/**
 * Orders runs for display: each parent followed by its children (when expanded), keeping the server's order within
 * each level. Children whose parent is not among the loaded runs are shown at the top level.
 */
export function buildRows(runs: Run[], expanded: ReadonlySet<string>): RunRow[] {
  const ids = new Set(runs.map((r) => r.info.run_id));
  const children = new Map<string, Run[]>();
  const top: Run[] = [];
  for (const r of runs) {
    const parent = tagValue(r.data.tags, PARENT_TAG);
    if (parent && parent !== r.info.run_id && ids.has(parent)) {
      const list = children.get(parent);
      if (list) list.push(r);
      else children.set(parent, [r]);
    } else top.push(r);
  }
  const out: RunRow[] = [];
  const seen = new Set<string>(); // guards against parent cycles in hand-written tags
  const visit = (r: Run, depth: number) => {
    if (seen.has(r.info.run_id)) return;
    seen.add(r.info.run_id);
    const kids = children.get(r.info.run_id) ?? [];
    out.push({ run: r, depth, childCount: kids.length });
    if (expanded.has(r.info.run_id)) for (const k of kids) visit(k, depth + 1);
  };
  for (const r of top) visit(r, 0);
  return out;
}

export interface RunKeys {
  metrics: string[];
  params: string[];
  tags: string[];
}

/** Every metric, param and tag key among the runs, sorted; one pass, so 10,000 runs × 40 keys is a few ms. */
export function collectKeys(runs: Run[]): RunKeys {
  const m = new Set<string>();
  const p = new Set<string>();
  const t = new Set<string>();
  for (const r of runs) {
    for (const x of r.data.metrics ?? []) m.add(x.key);
    for (const x of r.data.params ?? []) p.add(x.key);
    for (const x of r.data.tags ?? []) t.add(x.key);
  }
  const sort = (s: Set<string>) => [...s].sort((a, b) => a.localeCompare(b));
  return { metrics: sort(m), params: sort(p), tags: sort(t) };
}

// Per-run lookup tables, built on first use: a run with thousands of metrics is scanned once, not once per cell.
const lookups = new WeakMap<Run, { metrics: Map<string, number>; params: Map<string, string>; tags: Map<string, string> }>();
function lookup(run: Run) {
  let l = lookups.get(run);
  if (!l) {
    l = {
      metrics: new Map((run.data.metrics ?? []).map((x) => [x.key, Number(x.value)])),
      params: new Map((run.data.params ?? []).map((x) => [x.key, x.value])),
      tags: new Map((run.data.tags ?? []).map((x) => [x.key, x.value])),
    };
    lookups.set(run, l);
  }
  return l;
}

/** The text a cell shows. */
export function cellText(run: Run, col: Column): string {
  const l = lookup(run);
  switch (col.kind) {
    case 'metric':
      return formatMetric(l.metrics.get(col.key));
    case 'param':
      return l.params.get(col.key) ?? '';
    case 'tag':
      return l.tags.get(col.key) ?? '';
    case 'attr':
      switch (col.key) {
        case 'duration':
          return formatDuration(runDuration(run.info.start_time, run.info.end_time, run.info.status));
        case 'source':
          return (l.tags.get('mlflow.source.name') ?? '').split('/').pop() ?? '';
        case 'user_id':
          return run.info.user_id || l.tags.get('mlflow.user') || '';
        default:
          return String((run.info as unknown as Record<string, unknown>)[col.key] ?? '');
      }
  }
}

export function runName(run: Run): string {
  return run.info.run_name || tagValue(run.data.tags, 'mlflow.runName') || run.info.run_id;
}
