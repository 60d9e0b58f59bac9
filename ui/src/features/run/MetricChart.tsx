import { useMemo, useState } from 'react';
import { api } from '../../api/client';
import { LineChart } from '../../components/LineChart';
import { ErrorBox, Loading } from '../../components/Status';
import { useAsync } from '../../components/useAsync';
import { downsample, stepRange, toSeries, type XAxis } from './series';

/** Points asked of the server per fetch (its limit is 2,500) and drawn at most. */
export const FETCH_POINTS = 1000;
export const DRAW_POINTS = 2000;

export const AXIS_LABELS: Record<XAxis, string> = { step: 'step', relative: 'seconds', wall: 'time' };

/**
 * One metric over step, relative time or wall-clock time. The server samples long histories (MLflow's
 * get-history-bulk-interval), the client bounds what is drawn; dragging across the chart zooms and re-fetches that
 * step range in full detail, double-click (or Reset) goes back to the whole history.
 */
export function MetricChart({ runId, metricKey, axis }: { runId: string; metricKey: string; axis: XAxis }) {
  const [range, setRange] = useState<[number, number]>();
  const history = useAsync((s) => api.metricHistorySampled(runId, metricKey, FETCH_POINTS, range?.[0], range?.[1], s), [runId, metricKey, range?.[0], range?.[1]]);
  const chart = useMemo(() => {
    if (!history.data) return undefined;
    const full = toSeries(history.data, axis);
    const s = downsample(full, DRAW_POINTS);
    return { full, x: s.x, lines: [{ label: metricKey, color: 'var(--accent)', y: s.y }] };
  }, [history.data, axis, metricKey]);
  const onZoom = (from: number, to: number) => {
    const steps = chart && stepRange(chart.full, from, to);
    // The server wants end_step > start_step.
    if (steps) setRange([steps[0], Math.max(steps[1], steps[0] + 1)]);
  };

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
      {chart ? (
        <LineChart x={chart.x} lines={chart.lines} xLabel={AXIS_LABELS[axis]} time={axis === 'wall'} onZoom={onZoom} onReset={() => setRange(undefined)} testId={`chart-${metricKey}`} />
      ) : (
        <div className="chart-canvas" data-testid={`chart-${metricKey}`} />
      )}
    </figure>
  );
}
