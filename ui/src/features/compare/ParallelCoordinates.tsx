import { useMemo, useState } from 'react';
import type { CompareItem } from './ComparePage';
import { axisTicks, clip, linePath, makeAxis, position } from './scale';
import { showValue } from './ScatterPlot';
import { allFields, fieldId, fieldLabel, fieldValue, type Field } from './values';
import { useWidth } from './useWidth';

const H = 380;
const M = { left: 60, right: 80, top: 44, bottom: 20 };
/** The least room between two axes; more axes than fit make the chart scroll sideways. */
const GAP = 120;
const SHOWN = 200;

interface Props {
  items: CompareItem[];
  axes: Field[];
  onAxes: (axes: Field[]) => void;
}

/**
 * An axis per chosen param or metric, a line per run in its colour. Numeric axes run from the smallest value (bottom)
 * to the largest (top), categorical ones space their values evenly; a run without a value breaks its line there.
 */
export function ParallelCoordinates({ items, axes, onAxes }: Props) {
  const fields = useMemo(() => allFields(items.map((i) => i.run)), [items]);
  const [picking, setPicking] = useState(false);
  const [box, width] = useWidth<HTMLDivElement>();

  const n = axes.length;
  const W = Math.max(width, M.left + M.right + (n - 1) * GAP);
  const axisX = (i: number) => (n === 1 ? W / 2 : M.left + (i * (W - M.left - M.right)) / (n - 1));
  const axisY = (p: number) => M.top + (1 - p) * (H - M.top - M.bottom);
  const values = axes.map((f) => items.map((it) => fieldValue(it.run, f)));
  const scales = values.map(makeAxis);
  const lines = items.map((it, r) => {
    const pts = axes.map((_, a) => {
      const p = scales[a] && position(scales[a]!, values[a][r]);
      return p === undefined ? undefined : ([axisX(a), axisY(p)] as [number, number]);
    });
    const tip = `${it.name}\n` + axes.map((f, a) => `${fieldLabel(f)}: ${showValue(values[a][r])}`).join('\n');
    return { it, d: linePath(pts), pts, tip };
  });

  return (
    <div className="parallel">
      <div className="toolbar">
        <button type="button" aria-expanded={picking} onClick={() => setPicking((v) => !v)}>
          Axes ({n})
        </button>
        <span className="muted">hover a line to pick it out</span>
      </div>
      {picking && <AxisPicker fields={fields} chosen={axes} onChange={onAxes} onClose={() => setPicking(false)} />}
      <div ref={box} className="svg-box scroll">
        {n === 0 ? (
          <p className="muted">No axes: choose params or metrics to draw.</p>
        ) : (
          <svg width={W} height={H} role="img" aria-label="Parallel coordinates" className="plot">
            {axes.map((f, a) => (
              <line key={fieldId(f)} className="axis-line" x1={axisX(a)} x2={axisX(a)} y1={M.top} y2={H - M.bottom} />
            ))}
            <g className="pc-lines">
              {lines.map((l) => (
                <g key={l.it.run.info.run_id} className="pc-run" data-run={l.it.name}>
                  <path className="pc-line" d={l.d} stroke={l.it.color}>
                    <title>{l.tip}</title>
                  </path>
                  {l.pts.map((p, a) => p && <circle key={a} className="pc-dot" cx={p[0]} cy={p[1]} r={3} fill={l.it.color} />)}
                </g>
              ))}
            </g>
            {/* Labels over the lines, each with a halo of the background. */}
            {axes.map((f, a) => (
              <g key={fieldId(f)} className="pc-axis">
                <text className="axis-title" x={axisX(a)} y={M.top - 26} textAnchor="middle">
                  <title>{fieldLabel(f)}</title>
                  {clip(f.key, 18)}
                </text>
                <text className="tick" x={axisX(a)} y={M.top - 12} textAnchor="middle">
                  {f.kind}
                </text>
                {scales[a] ? (
                  axisTicks(scales[a]!, 10).map((t) => (
                    <text key={t.label} className="tick" x={axisX(a) + 5} y={axisY(t.at) + 4}>
                      {clip(t.label, a === n - 1 ? 10 : 14)}
                    </text>
                  ))
                ) : (
                  <text className="tick" x={axisX(a) + 5} y={axisY(0.5)}>
                    no values
                  </text>
                )}
              </g>
            ))}
          </svg>
        )}
      </div>
    </div>
  );
}

/** Checkboxes for the axes, params and metrics, with a search (the first 200 matches of each are listed). */
function AxisPicker({ fields, chosen, onChange, onClose }: { fields: { params: Field[]; metrics: Field[] }; chosen: Field[]; onChange: (f: Field[]) => void; onClose: () => void }) {
  const [q, setQ] = useState('');
  const ids = new Set(chosen.map(fieldId));
  const toggle = (f: Field) => onChange(ids.has(fieldId(f)) ? chosen.filter((c) => fieldId(c) !== fieldId(f)) : [...chosen, f]);
  const group = (title: string, list: Field[]) => {
    const matches = list.filter((f) => f.key.toLowerCase().includes(q.toLowerCase()));
    if (!matches.length) return null;
    return (
      <fieldset>
        <legend>
          {title} ({matches.length})
        </legend>
        {matches.slice(0, SHOWN).map((f) => (
          <label key={fieldId(f)} className="check">
            <input type="checkbox" checked={ids.has(fieldId(f))} onChange={() => toggle(f)} />
            {f.key}
          </label>
        ))}
        {matches.length > SHOWN && <p className="muted">{matches.length - SHOWN} more: refine the search.</p>}
      </fieldset>
    );
  };
  return (
    <div className="column-picker" role="dialog" aria-label="Axes" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="picker-head">
        <input type="search" autoFocus aria-label="Search axes" placeholder="Search params and metrics" value={q} onChange={(e) => setQ(e.target.value)} />
        <button type="button" onClick={() => onChange([])}>
          Clear
        </button>
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
      <div className="picker-body">
        {group('Parameters', fields.params)}
        {group('Metrics', fields.metrics)}
      </div>
    </div>
  );
}
