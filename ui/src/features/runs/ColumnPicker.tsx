import { useState } from 'react';
import { ATTRIBUTES, columnId, type Column, type ColumnKind } from '../../api/search';
import type { RunKeys } from './rows';

const SHOWN = 200;

/**
 * Chooses the table's columns. With thousands of metric keys only the first matches of the search are rendered
 * (refine to find more), so opening the picker never freezes the page.
 */
export function ColumnPicker({ keys, selected, onChange, onClose }: { keys: RunKeys; selected: Column[]; onChange: (cols: Column[]) => void; onClose: () => void }) {
  const [q, setQ] = useState('');
  const chosen = new Set(selected.map(columnId));
  const toggle = (c: Column) => onChange(chosen.has(columnId(c)) ? selected.filter((s) => columnId(s) !== columnId(c)) : [...selected, c]);
  const group = (title: string, kind: ColumnKind, all: { key: string; label: string }[]) => {
    const matches = all.filter((k) => k.label.toLowerCase().includes(q.toLowerCase()));
    if (!matches.length) return null;
    const cols = matches.map((m) => ({ kind, key: m.key }));
    return (
      <fieldset>
        <legend>
          {title} ({matches.length})
          <button type="button" className="link" onClick={() => onChange([...selected, ...cols.slice(0, SHOWN).filter((c) => !chosen.has(columnId(c)))])}>
            add shown
          </button>
          <button type="button" className="link" onClick={() => onChange(selected.filter((s) => s.kind !== kind || !matches.some((m) => m.key === s.key)))}>
            remove
          </button>
        </legend>
        {matches.slice(0, SHOWN).map((m) => (
          <label key={m.key} className="check">
            <input type="checkbox" checked={chosen.has(columnId({ kind, key: m.key }))} onChange={() => toggle({ kind, key: m.key })} />
            {m.label}
          </label>
        ))}
        {matches.length > SHOWN && <p className="muted">{matches.length - SHOWN} more: refine the search.</p>}
      </fieldset>
    );
  };
  const plain = (ks: string[]) => ks.map((k) => ({ key: k, label: k }));
  return (
    <div className="column-picker" role="dialog" aria-label="Columns" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="picker-head">
        <input type="search" autoFocus aria-label="Search columns" placeholder="Search columns" value={q} onChange={(e) => setQ(e.target.value)} />
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
      <div className="picker-body">
        {group('Attributes', 'attr', ATTRIBUTES)}
        {group('Metrics', 'metric', plain(keys.metrics))}
        {group('Parameters', 'param', plain(keys.params))}
        {group('Tags', 'tag', plain(keys.tags))}
      </div>
    </div>
  );
}
