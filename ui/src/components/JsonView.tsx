import { useState } from 'react';
import './JsonView.css';

const PAGE = 200;

/**
 * Collapsible JSON: objects and arrays open to `openDepth` levels and render their children only when open, so a
 * megabyte of span inputs costs what is shown. Long lists show 200 entries at a time.
 */
export function JsonView({ value, label, openDepth = 2 }: { value: unknown; label?: string; openDepth?: number }) {
  return (
    <div className="json-view" aria-label={label}>
      <Node value={value} depth={0} openDepth={openDepth} />
    </div>
  );
}

function Node({ name, value, depth, openDepth }: { name?: string; value: unknown; depth: number; openDepth: number }) {
  const isObj = value !== null && typeof value === 'object';
  const [open, setOpen] = useState(depth < openDepth);
  const [limit, setLimit] = useState(PAGE);
  const key = name !== undefined ? <span className="json-key">{name}: </span> : null;
  if (!isObj) {
    return (
      <div className="json-line">
        {key}
        <Scalar value={value} />
      </div>
    );
  }
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value as object);
  const [lb, rb] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0)
    return (
      <div className="json-line">
        {key}
        <span className="json-punct">{lb + rb}</span>
      </div>
    );
  return (
    <div className="json-node">
      <button type="button" className="json-toggle" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        <span aria-hidden="true">{open ? '▾' : '▸'}</span> {key}
        <span className="json-punct">{lb}</span>
        {!open && (
          <span className="muted">
            {' '}
            {entries.length} {Array.isArray(value) ? 'items' : 'keys'} {rb}
          </span>
        )}
      </button>
      {open && (
        <div className="json-children">
          {entries.slice(0, limit).map(([k, v]) => (
            <Node key={k} name={Array.isArray(value) ? undefined : k} value={v} depth={depth + 1} openDepth={openDepth} />
          ))}
          {entries.length > limit && (
            <button type="button" className="link" onClick={() => setLimit((l) => l + PAGE)}>
              Show {Math.min(PAGE, entries.length - limit)} more of {entries.length - limit}
            </button>
          )}
          <span className="json-punct">{rb}</span>
        </div>
      )}
    </div>
  );
}

function Scalar({ value }: { value: unknown }) {
  if (typeof value === 'string') return <span className="json-string">{JSON.stringify(value)}</span>;
  if (typeof value === 'number') return <span className="json-number">{String(value)}</span>;
  if (typeof value === 'boolean') return <span className="json-bool">{String(value)}</span>;
  return <span className="json-null">null</span>;
}
