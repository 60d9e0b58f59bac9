import { useMemo, useState } from 'react';
import { toggled } from '../../components/sets';
import { buildDiff, visibleRows, type SectionId } from './diff';
import type { CompareItem } from './ComparePage';

/** Rows shown per section: thousands of metric keys stay responsive, the filter box finds the rest. */
const LIMIT = 500;

/**
 * Attributes, params, latest metrics and tags side by side, one column per run. Cells that differ from the first run
 * are highlighted; identical rows can be hidden; each section folds (the `mlflow.*` tags start folded).
 */
export function DiffTable({ items }: { items: CompareItem[] }) {
  const sections = useMemo(() => buildDiff(items.map((i) => i.run)), [items]);
  const [hideIdentical, setHideIdentical] = useState(false);
  const [q, setQ] = useState('');
  const [folded, setFolded] = useState<ReadonlySet<SectionId>>(new Set(['system']));
  const toggle = (id: SectionId) => setFolded((s) => toggled(s, id));
  const span = items.length + 1;

  return (
    <div className="diff">
      <div className="toolbar">
        <label className="check">
          <input type="checkbox" checked={hideIdentical} onChange={(e) => setHideIdentical(e.target.checked)} />
          Hide identical values
        </label>
        <input type="search" aria-label="Filter keys" placeholder="Filter keys" value={q} onChange={(e) => setQ(e.target.value)} />
        <span className="muted">
          <span className="changed-sample">Highlighted</span>: differs from the first run
        </span>
      </div>
      <div className="diff-scroll">
        <table className="diff-table" aria-label="Run differences">
          <thead>
            <tr>
              <th scope="col">Key</th>
              {items.map((it) => (
                <th scope="col" key={it.run.info.run_id} title={it.run.info.run_id}>
                  <span className="swatch" style={{ background: it.color }} aria-hidden="true" />
                  {it.name}
                </th>
              ))}
            </tr>
          </thead>
          {sections.map((s) => {
            const rows = visibleRows(s, hideIdentical, q);
            const open = !folded.has(s.id);
            const differing = s.rows.filter((r) => !r.same).length;
            return (
              <tbody key={s.id} aria-label={s.title}>
                <tr className="section-row">
                  <th colSpan={span} scope="rowgroup">
                    <button type="button" className="fold" aria-expanded={open} onClick={() => toggle(s.id)}>
                      <span aria-hidden="true">{open ? '▾' : '▸'}</span> {s.title}{' '}
                      <span className="muted">
                        ({s.rows.length}, {differing} differ{rows.length < s.rows.length ? `, ${rows.length} shown` : ''})
                      </span>
                    </button>
                  </th>
                </tr>
                {open &&
                  rows.slice(0, LIMIT).map((r) => (
                    <tr key={r.key} className={r.same ? undefined : 'differs'}>
                      <th scope="row" title={r.key}>
                        {r.key}
                      </th>
                      {r.cells.map((c, i) => (
                        <td key={i} className={r.changed[i] ? 'changed' : undefined} title={c}>
                          {c === undefined ? <span className="muted">—</span> : c}
                        </td>
                      ))}
                    </tr>
                  ))}
                {open && rows.length > LIMIT && (
                  <tr>
                    <td colSpan={span} className="muted">
                      {rows.length - LIMIT} more: filter the keys to narrow.
                    </td>
                  </tr>
                )}
                {open && rows.length === 0 && (
                  <tr>
                    <td colSpan={span} className="muted">
                      {s.rows.length === 0 ? 'None.' : q ? 'No key matches the filter.' : 'Every value is the same.'}
                    </td>
                  </tr>
                )}
              </tbody>
            );
          })}
        </table>
      </div>
    </div>
  );
}
