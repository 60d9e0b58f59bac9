// The diff table's rows: attributes, params, latest metrics and tags of each run, and whether they differ (tested in
// diff.test.ts).
import type { Run } from '../../api/types';
import { formatDuration, formatMetric, formatTime, runDuration, tagValue } from '../../components/format';

export type SectionId = 'attributes' | 'params' | 'metrics' | 'tags' | 'system';

export interface DiffRow {
  key: string;
  /** What each run's cell shows; undefined when the run lacks the key. */
  cells: (string | undefined)[];
  /** Every run has the same value (or every run lacks it). */
  same: boolean;
  /** Per run: its value is not the first run's (the baseline); the first run's cell is never marked. */
  changed: boolean[];
}

export interface DiffSection {
  id: SectionId;
  title: string;
  rows: DiffRow[];
}

/** A row from raw values (compared) and the texts shown (formatted). */
export function diffRow(key: string, raw: (string | undefined)[], cells: (string | undefined)[] = raw): DiffRow {
  const changed = raw.map((v, i) => i > 0 && v !== raw[0]);
  return { key, cells, same: !changed.some(Boolean), changed };
}

function keyed(runs: Run[], get: (r: Run) => { key: string; value: string }[] | undefined, keep: (key: string) => boolean) {
  const maps = runs.map((r) => new Map((get(r) ?? []).map((x) => [x.key, x.value])));
  const keys = new Set<string>();
  for (const m of maps) for (const k of m.keys()) if (keep(k)) keys.add(k);
  return { maps, keys: [...keys].sort((a, b) => a.localeCompare(b)) };
}

const isSystemTag = (k: string) => k.startsWith('mlflow.');

/**
 * The sections of the diff table, one cell per run in each row. Metrics are compared by value and shown with six
 * significant digits; `mlflow.*` tags (run name, source, user, notes) get a section of their own.
 */
export function buildDiff(runs: Run[]): DiffSection[] {
  const attr = (key: string, f: (r: Run) => string | undefined, show?: (r: Run) => string | undefined) =>
    diffRow(key, runs.map(f), show && runs.map(show));
  const attributes = [
    attr('Start time', (r) => (r.info.start_time === undefined ? undefined : String(r.info.start_time)), (r) => formatTime(r.info.start_time)),
    attr('Duration', (r) => formatDuration(runDuration(r.info.start_time, r.info.end_time, r.info.status))),
    attr('Status', (r) => r.info.status),
    attr('User', (r) => r.info.user_id || tagValue(r.data.tags, 'mlflow.user') || undefined),
  ];

  const params = keyed(runs, (r) => r.data.params, () => true);
  const metricMaps = runs.map((r) => new Map((r.data.metrics ?? []).map((m) => [m.key, Number(m.value)])));
  const metricKeys = [...new Set(metricMaps.flatMap((m) => [...m.keys()]))].sort((a, b) => a.localeCompare(b));
  const tags = keyed(runs, (r) => r.data.tags, (k) => !isSystemTag(k));
  const system = keyed(runs, (r) => r.data.tags, isSystemTag);
  const fromMaps = ({ maps, keys }: { maps: Map<string, string>[]; keys: string[] }) => keys.map((k) => diffRow(k, maps.map((m) => m.get(k))));

  return [
    { id: 'attributes', title: 'Attributes', rows: attributes },
    { id: 'params', title: 'Parameters', rows: fromMaps(params) },
    {
      id: 'metrics',
      title: 'Metrics',
      rows: metricKeys.map((k) => {
        const values = metricMaps.map((m) => m.get(k));
        return diffRow(
          k,
          values.map((v) => (v === undefined ? undefined : String(v))),
          values.map((v) => (v === undefined ? undefined : formatMetric(v))),
        );
      }),
    },
    { id: 'tags', title: 'Tags', rows: fromMaps(tags) },
    { id: 'system', title: 'System tags (mlflow.*)', rows: fromMaps(system) },
  ];
}

/** The rows a section shows: without the identical ones when asked, and only keys containing `query`. */
export function visibleRows(section: DiffSection, hideIdentical: boolean, query: string): DiffRow[] {
  const q = query.trim().toLowerCase();
  return section.rows.filter((r) => (!hideIdentical || !r.same) && (!q || r.key.toLowerCase().includes(q)));
}
