import { useMemo, useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import type { Run } from '../../api/types';
import { PageHeading } from '../../components/PageHeading';
import { ErrorBox, Loading } from '../../components/Status';
import { useAsync } from '../../components/useAsync';
import { EXPERIMENTS_CRUMB, experimentTrail } from '../experiments/crumbs';
import { runName } from '../runs/rows';
import type { XAxis } from '../run/series';
import { DiffTable } from './DiffTable';
import { MetricOverlay } from './MetricOverlay';
import { ParallelCoordinates } from './ParallelCoordinates';
import { parseCompareQuery, type CompareQuery } from './query';
import { ScatterPlot } from './ScatterPlot';
import { defaultAxes, defaultMetric, defaultScatter, fieldId, parseFieldId, runColor, type Field } from './values';
import '../run/run.css';
import './compare.css';

/** A compared run with what every chart shows of it: its name and its colour. */
export interface CompareItem {
  run: Run;
  name: string;
  color: string;
}

export const runUrl = (r: Run) => `/experiments/${r.info.experiment_id}/runs/${r.info.run_id}`;

/** Every run of the query, fetched in parallel; runs that fail are reported beside the others (all failing is an error). */
async function loadRuns(ids: string[], signal: AbortSignal): Promise<{ runs: Run[]; failures: unknown[] }> {
  const settled = await Promise.allSettled(ids.map((id) => api.getRun(id, signal)));
  const runs = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason] : []));
  if (!runs.length) throw failures[0];
  return { runs, failures };
}

/**
 * Compares runs on MLflow's URL (`/compare-runs?runs=[…]&experiments=[…]`): a diff table, one metric overlaid per run,
 * a scatter of two params/metrics and parallel coordinates. Each run keeps one colour everywhere. The chosen metric,
 * axes and fields live in the URL (`metric`, `x`, `sx`, `sy`, `pc`), so a link reproduces the view.
 */
export function ComparePage() {
  const [params] = useSearchParams();
  let query: CompareQuery | undefined;
  let queryError: unknown;
  try {
    query = parseCompareQuery(params);
  } catch (e) {
    queryError = e;
  }
  const ids = query?.runIds ?? [];
  const loaded = useAsync((s) => (ids.length ? loadRuns(ids, s) : Promise.resolve(undefined)), [ids.join(',')]);
  const expIds = query?.experimentIds.length ? query.experimentIds : [...new Set(loaded.data?.runs.map((r) => r.info.experiment_id) ?? [])];
  const single = expIds.length === 1 ? expIds[0] : undefined;
  const experiment = useAsync((s) => (single ? api.getExperiment(single, s) : Promise.resolve(undefined)), [single]);
  const items = useMemo(() => loaded.data?.runs.map((run, i) => ({ run, name: runName(run), color: runColor(i) })) ?? [], [loaded.data]);

  return (
    <div className="page compare-page">
      <PageHeading trail={single ? experimentTrail(single, experiment.data?.name) : [EXPERIMENTS_CRUMB]} title={<>Comparing {ids.length || ''} runs</>} />
      {queryError !== undefined ? (
        <ErrorBox error={queryError} />
      ) : loaded.error !== undefined ? (
        <ErrorBox error={loaded.error} onRetry={loaded.reload} />
      ) : !loaded.data ? (
        <Loading label="Loading runs…" />
      ) : (
        <>
          {loaded.data.failures.map((e, i) => (
            <ErrorBox key={i} error={e} />
          ))}
          <RunLegend items={items} />
          {items.length < 2 && <p className="muted">Only one run to compare: select two or more runs in the runs table.</p>}
          <CompareViews items={items} />
        </>
      )}
    </div>
  );
}

function RunLegend({ items }: { items: CompareItem[] }) {
  return (
    <ul className="compare-legend" aria-label="Compared runs">
      {items.map((it) => (
        <li key={it.run.info.run_id}>
          <span className="swatch" style={{ background: it.color }} aria-hidden="true" />
          <Link to={runUrl(it.run)}>{it.name}</Link>
          <code className="muted" title={it.run.info.run_id}>
            {it.run.info.run_id.slice(0, 8)}
          </code>
        </li>
      ))}
    </ul>
  );
}

/** The four views, with their choices read from and written to the URL. */
function CompareViews({ items }: { items: CompareItem[] }) {
  const [params, setParams] = useSearchParams();
  const runs = useMemo(() => items.map((i) => i.run), [items]);
  const defaults = useMemo(() => ({ metric: defaultMetric(runs), scatter: defaultScatter(runs), axes: defaultAxes(runs) }), [runs]);
  const update = (edit: (p: URLSearchParams) => void) => {
    const p = new URLSearchParams(params);
    edit(p);
    // Synchronously: checkboxes here are controlled by the URL, and the router's default (a transition) would
    // show a ticked box as unticked until the transition commits.
    setParams(p, { replace: true, flushSync: true });
  };
  const setOne = (k: string, v: string | undefined) => update((p) => (v ? p.set(k, v) : p.delete(k)));
  const field = (k: string, fallback?: Field) => (params.get(k) ? parseFieldId(params.get(k)!) : undefined) ?? fallback;

  const metric = params.get('metric') || defaults.metric;
  const axis = (['step', 'relative', 'wall'] as const).find((a) => a === params.get('x')) ?? 'step';
  const pc = params.getAll('pc');
  // `pc=` alone means "no axes" (the user cleared them); no `pc` at all means the defaults.
  const axes = pc.length ? pc.map(parseFieldId).filter((f): f is Field => !!f) : defaults.axes;

  return (
    <>
      <Panel title="Differences">
        <DiffTable items={items} />
      </Panel>
      <Panel title="Metric overlay">
        <MetricOverlay
          items={items}
          metric={metric}
          axis={axis}
          onMetric={(m) => setOne('metric', m)}
          onAxis={(a: XAxis) => setOne('x', a === 'step' ? undefined : a)}
        />
      </Panel>
      <Panel title="Scatter">
        <ScatterPlot
          items={items}
          x={field('sx', defaults.scatter.x)}
          y={field('sy', defaults.scatter.y)}
          onX={(f) => setOne('sx', fieldId(f))}
          onY={(f) => setOne('sy', fieldId(f))}
        />
      </Panel>
      <Panel title="Parallel coordinates">
        <ParallelCoordinates
          items={items}
          axes={axes}
          onAxes={(fs) =>
            update((p) => {
              p.delete('pc');
              if (!fs.length) p.append('pc', '');
              for (const f of fs) p.append('pc', fieldId(f));
            })
          }
        />
      </Panel>
    </>
  );
}

/** A titled section that folds away (its content is unmounted when folded: a hidden chart costs nothing). */
function Panel({ title, children }: { title: string; children: ReactNode }) {
  const [open, setOpen] = useState(true);
  return (
    <section className="compare-panel" aria-label={title}>
      <h2>
        <button type="button" className="fold" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          <span aria-hidden="true">{open ? '▾' : '▸'}</span> {title}
        </button>
      </h2>
      {open && children}
    </section>
  );
}
