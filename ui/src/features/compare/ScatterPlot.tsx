import { useMemo } from 'react';
import { formatMetric } from '../../components/format';
import type { CompareItem } from './ComparePage';
import { axisTicks, clip, makeAxis, position } from './scale';
import { allFields, fieldId, fieldLabel, fieldValue, parseFieldId, type Field, type Value } from './values';
import { useWidth } from './useWidth';

const H = 380;
const M = { left: 76, right: 24, top: 16, bottom: 52 };
/** Points keep off the frame: positions 0..1 map inside a 5 % margin. */
const INSET = 0.05;
/** Run names are written beside the points up to this many runs (the tooltip always has them). */
const LABELLED = 20;

export const showValue = (v: Value | undefined) => (v === undefined ? '—' : typeof v === 'number' ? formatMetric(v) : v);

/** A choice among the runs' params and metrics, grouped. */
export function FieldSelect({ label, fields, value, onChange }: { label: string; fields: { params: Field[]; metrics: Field[] }; value?: Field; onChange: (f: Field) => void }) {
  return (
    <select aria-label={label} value={value ? fieldId(value) : ''} onChange={(e) => parseFieldId(e.target.value) && onChange(parseFieldId(e.target.value)!)}>
      {!value && <option value="">—</option>}
      {fields.params.length > 0 && (
        <optgroup label="Parameters">
          {fields.params.map((f) => (
            <option key={fieldId(f)} value={fieldId(f)}>
              {f.key}
            </option>
          ))}
        </optgroup>
      )}
      {fields.metrics.length > 0 && (
        <optgroup label="Metrics">
          {fields.metrics.map((f) => (
            <option key={fieldId(f)} value={fieldId(f)}>
              {f.key}
            </option>
          ))}
        </optgroup>
      )}
    </select>
  );
}

interface Props {
  items: CompareItem[];
  x?: Field;
  y?: Field;
  onX: (f: Field) => void;
  onY: (f: Field) => void;
}

/** One point per run at (X, Y): numbers on a min..max scale, non-numeric params as evenly spaced categories. */
export function ScatterPlot({ items, x, y, onX, onY }: Props) {
  const fields = useMemo(() => allFields(items.map((i) => i.run)), [items]);
  const [box, width] = useWidth<HTMLDivElement>();
  if (!fields.params.length && !fields.metrics.length) return <p className="muted">These runs have no params or metrics.</p>;

  const xs = items.map((it) => (x ? fieldValue(it.run, x) : undefined));
  const ys = items.map((it) => (y ? fieldValue(it.run, y) : undefined));
  const ax = makeAxis(xs);
  const ay = makeAxis(ys);
  const W = Math.max(360, width);
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const sx = (p: number) => M.left + (INSET + (1 - 2 * INSET) * p) * plotW;
  const sy = (p: number) => M.top + (1 - INSET - (1 - 2 * INSET) * p) * plotH;
  const points = items.flatMap((it, i) => {
    const px = ax && position(ax, xs[i]);
    const py = ay && position(ay, ys[i]);
    return px === undefined || py === undefined ? [] : [{ it, x: sx(px), y: sy(py), xv: xs[i], yv: ys[i] }];
  });
  const missing = items.length - points.length;
  const xl = x ? fieldLabel(x) : '';
  const yl = y ? fieldLabel(y) : '';

  return (
    <div className="scatter">
      <div className="toolbar">
        <label>
          X <FieldSelect label="Scatter X" fields={fields} value={x} onChange={onX} />
        </label>
        <label>
          Y <FieldSelect label="Scatter Y" fields={fields} value={y} onChange={onY} />
        </label>
        {missing > 0 && (
          <span className="muted">
            {missing} run{missing > 1 ? 's' : ''} without both values not shown
          </span>
        )}
      </div>
      <div ref={box} className="svg-box">
        <svg width={W} height={H} role="img" aria-label={`Scatter of ${yl} against ${xl}`} className="plot">
          <rect className="frame" x={M.left} y={M.top} width={plotW} height={plotH} />
          {ax &&
            axisTicks(ax, Math.max(2, Math.floor(plotW / 90))).map((t) => (
              <g key={'x' + t.label}>
                <line className="grid" x1={sx(t.at)} x2={sx(t.at)} y1={M.top} y2={M.top + plotH} />
                <text className="tick" x={sx(t.at)} y={M.top + plotH + 16} textAnchor="middle">
                  {clip(t.label)}
                </text>
              </g>
            ))}
          {ay &&
            axisTicks(ay, Math.max(2, Math.floor(plotH / 30))).map((t) => (
              <g key={'y' + t.label}>
                <line className="grid" x1={M.left} x2={M.left + plotW} y1={sy(t.at)} y2={sy(t.at)} />
                <text className="tick" x={M.left - 6} y={sy(t.at) + 4} textAnchor="end">
                  {clip(t.label, 10)}
                </text>
              </g>
            ))}
          <text className="axis-title" x={M.left + plotW / 2} y={H - 10} textAnchor="middle">
            {xl}
          </text>
          <text className="axis-title" transform={`translate(14 ${M.top + plotH / 2}) rotate(-90)`} textAnchor="middle">
            {yl}
          </text>
          {points.map((p) => (
            <g key={p.it.run.info.run_id} className="scatter-point" data-run={p.it.name}>
              <circle cx={p.x} cy={p.y} r={6} fill={p.it.color}>
                <title>{`${p.it.name}\n${xl}: ${showValue(p.xv)}\n${yl}: ${showValue(p.yv)}`}</title>
              </circle>
              {items.length <= LABELLED && (
                <text className="point-label" x={p.x + 9} y={p.y + 4}>
                  {clip(p.it.name, 24)}
                </text>
              )}
            </g>
          ))}
        </svg>
      </div>
    </div>
  );
}
