import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import type { Run } from '../../api/types';
import { MetricChart } from './MetricChart';
import type { XAxis } from './series';

const MAX_CHARTS = 60;

/** Mounts its children once scrolled near the viewport: a run with hundreds of metrics fetches only what is seen. */
function WhenVisible({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [seen, setSeen] = useState(typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    if (seen || !ref.current) return;
    const o = new IntersectionObserver((e) => e.some((x) => x.isIntersecting) && setSeen(true), { rootMargin: '300px' });
    o.observe(ref.current);
    return () => o.disconnect();
  }, [seen]);
  return (
    <div ref={ref} className="chart-slot">
      {seen && children}
    </div>
  );
}

/** A chart per metric; the search box and the x axis live in the URL (`metric`, `x`). */
export function MetricsTab({ run }: { run: Run }) {
  const [params, setParams] = useSearchParams();
  const q = params.get('metric') ?? '';
  const axis = (params.get('x') as XAxis) || 'step';
  const keys = (run.data.metrics ?? []).map((m) => m.key).sort((a, b) => a.localeCompare(b));
  const shown = keys.filter((k) => k.toLowerCase().includes(q.toLowerCase()));
  const set = (k: string, v: string) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };
  if (!keys.length) return <p className="muted">This run has no metrics.</p>;
  return (
    <div className="metrics-tab">
      <div className="toolbar">
        <input type="search" aria-label="Search metrics" placeholder="Search metrics" value={q} onChange={(e) => set('metric', e.target.value)} />
        <label>
          X axis{' '}
          <select aria-label="X axis" value={axis} onChange={(e) => set('x', e.target.value === 'step' ? '' : e.target.value)}>
            <option value="step">Step</option>
            <option value="relative">Time (relative)</option>
            <option value="wall">Time (wall clock)</option>
          </select>
        </label>
        <span className="muted">
          {shown.length} of {keys.length} metrics · drag to zoom, double-click to reset
        </span>
      </div>
      <div className="chart-grid">
        {shown.slice(0, MAX_CHARTS).map((k) => (
          <WhenVisible key={k}>
            <MetricChart runId={run.info.run_id} metricKey={k} axis={axis} />
          </WhenVisible>
        ))}
      </div>
      {shown.length > MAX_CHARTS && <p className="muted">{shown.length - MAX_CHARTS} more: search to narrow.</p>}
    </div>
  );
}
