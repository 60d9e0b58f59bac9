import { useMemo, useState } from 'react';
import { api } from '../../api/client';
import type { MetricPoint } from '../../api/types';
import { LineChart } from '../../components/LineChart';
import { ErrorBox, Loading } from '../../components/Status';
import { useAsync } from '../../components/useAsync';
import { AXIS_LABELS, DRAW_POINTS, FETCH_POINTS } from '../run/MetricChart';
import { alignSeries, downsample, stepRangeAll, toSeries, type XAxis } from '../run/series';
import type { CompareItem } from './ComparePage';
import { allFields } from './values';

/** The server's limit of runs per bulk-interval request. */
const RUNS_PER_REQUEST = 100;
/** Points fetched and drawn in all, shared by the runs (each still gets at least 100 / 200). */
const TOTAL_FETCH = 10_000;
const TOTAL_DRAW = 8_000;

/** Sampled histories of several runs: one request per 100 runs, in parallel. */
async function fetchHistories(runIds: string[], metric: string, perRun: number, range: [number, number] | undefined, signal: AbortSignal) {
  const chunks: string[][] = [];
  for (let i = 0; i < runIds.length; i += RUNS_PER_REQUEST) chunks.push(runIds.slice(i, i + RUNS_PER_REQUEST));
  const pages = await Promise.all(chunks.map((c) => api.metricHistoriesSampled(c, metric, perRun, range?.[0], range?.[1], signal)));
  const byRun = new Map<string, MetricPoint[]>();
  for (const p of pages.flat()) {
    const list = byRun.get(p.run_id ?? '');
    if (list) list.push(p);
    else byRun.set(p.run_id ?? '', [p]);
  }
  return byRun;
}

interface Props {
  items: CompareItem[];
  metric: string | undefined;
  axis: XAxis;
  onMetric: (key: string) => void;
  onAxis: (axis: XAxis) => void;
}

/** One metric, a line per run in its colour, over step, relative or wall-clock time. */
export function MetricOverlay({ items, metric, axis, onMetric, onAxis }: Props) {
  const keys = useMemo(() => allFields(items.map((i) => i.run)).metrics.map((f) => f.key), [items]);
  if (!keys.length) return <p className="muted">These runs have no metrics.</p>;
  return (
    <div className="overlay-panel">
      <div className="toolbar">
        <label>
          Metric{' '}
          <select aria-label="Overlay metric" value={metric} onChange={(e) => onMetric(e.target.value)}>
            {metric !== undefined && !keys.includes(metric) && <option value={metric}>{metric}</option>}
            {keys.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          X axis{' '}
          <select aria-label="X axis" value={axis} onChange={(e) => onAxis(e.target.value as XAxis)}>
            <option value="step">Step</option>
            <option value="relative">Time (relative)</option>
            <option value="wall">Time (wall clock)</option>
          </select>
        </label>
        <span className="muted">drag to zoom, double-click to reset</span>
      </div>
      {metric !== undefined && <Overlay key={metric} items={items} metric={metric} axis={axis} />}
    </div>
  );
}

function Overlay({ items, metric, axis }: { items: CompareItem[]; metric: string; axis: XAxis }) {
  const [range, setRange] = useState<[number, number]>();
  const having = useMemo(() => items.filter((i) => i.run.data.metrics?.some((m) => m.key === metric)), [items, metric]);
  const ids = having.map((i) => i.run.info.run_id);
  const perRun = Math.max(100, Math.min(FETCH_POINTS, Math.floor(TOTAL_FETCH / Math.max(1, ids.length))));
  const history = useAsync(
    (s) => (ids.length ? fetchHistories(ids, metric, perRun, range, s) : Promise.resolve(new Map<string, MetricPoint[]>())),
    [ids.join(','), metric, perRun, range?.[0], range?.[1]],
  );
  const chart = useMemo(() => {
    if (!history.data) return undefined;
    const drawn = Math.max(200, Math.min(DRAW_POINTS, Math.floor(TOTAL_DRAW / Math.max(1, having.length))));
    const full = having.map((i) => toSeries(history.data!.get(i.run.info.run_id) ?? [], axis));
    const aligned = alignSeries(full.map((s) => downsample(s, drawn)));
    let points = 0;
    for (const s of full) points += s.x.length;
    return { full, points, x: aligned.x, lines: having.map((it, k) => ({ label: it.name, color: it.color, y: aligned.ys[k] })) };
  }, [history.data, having, axis]);
  const missing = items.length - having.length;
  const onZoom = (from: number, to: number) => {
    const steps = chart && stepRangeAll(chart.full, from, to);
    // The server wants end_step > start_step.
    if (steps) setRange([steps[0], Math.max(steps[1], steps[0] + 1)]);
  };

  return (
    <figure className="chart" aria-label={`Overlay of ${metric}`}>
      <figcaption>
        <strong>{metric}</strong>
        {chart && (
          <span className="muted">
            {' '}
            {chart.points.toLocaleString('en-US')} points from {having.length} runs{range ? ` in steps ${range[0]}–${range[1]}` : ''}
            {missing > 0 ? ` · not logged by ${missing} run${missing > 1 ? 's' : ''}` : ''}
          </span>
        )}
        {range && (
          <button type="button" className="link" onClick={() => setRange(undefined)}>
            Reset zoom
          </button>
        )}
      </figcaption>
      {history.error !== undefined ? <ErrorBox error={history.error} onRetry={history.reload} /> : !history.data && <Loading label="Loading histories…" />}
      {chart ? (
        <LineChart
          x={chart.x}
          lines={chart.lines}
          xLabel={AXIS_LABELS[axis]}
          time={axis === 'wall'}
          height={300}
          onZoom={onZoom}
          onReset={() => setRange(undefined)}
          testId={`overlay-${metric}`}
        />
      ) : (
        <div className="chart-canvas" />
      )}
    </figure>
  );
}
