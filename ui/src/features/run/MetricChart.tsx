import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api } from '../../api/client';
import { ErrorBox, Loading } from '../../components/Status';
import { useAsync } from '../../components/useAsync';
import { downsample, stepRange, toSeries, type XAxis } from './series';

/** Points asked of the server per fetch (its limit is 2,500) and drawn at most. */
const FETCH_POINTS = 1000;
const DRAW_POINTS = 2000;

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/** Re-renders when <html data-theme> changes, so the canvas (which cannot use CSS variables) gets the new colours. */
function useThemeVersion(): number {
  const [v, setV] = useState(0);
  useEffect(() => {
    const o = new MutationObserver(() => setV((x) => x + 1));
    o.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => o.disconnect();
  }, []);
  return v;
}

/**
 * One metric over step, relative time or wall-clock time. The server samples long histories (MLflow's
 * get-history-bulk-interval), the client bounds what is drawn; dragging across the chart zooms and re-fetches that
 * step range in full detail, double-click (or Reset) goes back to the whole history.
 */
export function MetricChart({ runId, metricKey, axis }: { runId: string; metricKey: string; axis: XAxis }) {
  const [range, setRange] = useState<[number, number]>();
  const history = useAsync((s) => api.metricHistorySampled(runId, metricKey, FETCH_POINTS, range?.[0], range?.[1], s), [runId, metricKey, range?.[0], range?.[1]]);
  const box = useRef<HTMLDivElement>(null);
  const themeVersion = useThemeVersion();

  useEffect(() => {
    const el = box.current;
    if (!el || !history.data) return;
    const full = toSeries(history.data, axis);
    const s = downsample(full, DRAW_POINTS);
    const text = cssVar('--fg-muted');
    const grid = cssVar('--border');
    const axisStyle = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: 220,
        scales: { x: { time: axis === 'wall' } },
        axes: [axisStyle, axisStyle],
        legend: { show: true, live: true },
        cursor: { drag: { x: true, y: false, setScale: false } },
        series: [{ label: axis === 'step' ? 'step' : axis === 'relative' ? 'seconds' : 'time' }, { label: metricKey, stroke: cssVar('--accent'), width: 1.5, points: { show: s.x.length < 60 } }],
        hooks: {
          setSelect: [
            (u) => {
              if (u.select.width < 4) return;
              const from = u.posToVal(u.select.left, 'x');
              const to = u.posToVal(u.select.left + u.select.width, 'x');
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              const steps = stepRange(full, from, to);
              // The server wants end_step > start_step.
              if (steps) setRange([steps[0], Math.max(steps[1], steps[0] + 1)]);
            },
          ],
        },
      },
      [s.x, s.y],
      el,
    );
    const onDbl = () => setRange(undefined);
    el.addEventListener('dblclick', onDbl);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      el.removeEventListener('dblclick', onDbl);
      plot.destroy();
    };
  }, [history.data, axis, metricKey, themeVersion]);

  return (
    <figure className="chart" aria-label={`Chart of ${metricKey}`}>
      <figcaption>
        <strong>{metricKey}</strong>
        {history.data && <span className="muted"> {history.data.length.toLocaleString('en-US')} points{range ? ` in steps ${range[0]}–${range[1]}` : ''}</span>}
        {range && (
          <button type="button" className="link" onClick={() => setRange(undefined)}>
            Reset zoom
          </button>
        )}
      </figcaption>
      {history.error !== undefined ? <ErrorBox error={history.error} onRetry={history.reload} /> : !history.data && <Loading label="Loading history…" />}
      <div ref={box} className="chart-canvas" data-testid={`chart-${metricKey}`} />
    </figure>
  );
}
