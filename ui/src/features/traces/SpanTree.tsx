import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { formatMs, type SpanNode, type SpanTree } from './spans';

const ROW = 26;
const INDENT = 14;
/** Deeper levels stop indenting (a 10,000-deep chain would push names off screen); the level is shown instead. */
const MAX_INDENT_LEVELS = 24;

export interface SpanTreeProps {
  tree: SpanTree;
  /** Node indices in display order (flattenVisible). */
  rows: number[];
  collapsed: ReadonlySet<number>;
  selected: number;
  onSelect: (node: number) => void;
  onToggle: (node: number) => void;
}

/**
 * The span tree with its waterfall: one virtualised list (only the rows in view exist), each row the span's name at
 * its depth and a bar placed on the trace's time scale. Keyboard (WAI-ARIA tree): ↑/↓, Page Up/Down, Home/End move
 * the selection; → expands or goes to the first child; ← collapses or goes to the parent; Enter/Space toggle.
 */
export function SpanTreeView({ tree, rows, collapsed, selected, onSelect, onToggle }: SpanTreeProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const pos = useMemo(() => {
    const p = new Int32Array(tree.nodes.length).fill(-1);
    rows.forEach((n, i) => (p[n] = i));
    return p;
  }, [rows, tree.nodes.length]);
  const list = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 12,
    useFlushSync: false,
    initialRect: { width: 1000, height: 600 },
  });
  const total = Math.max(tree.end - tree.start, 1e-6);
  const at = selected >= 0 ? pos[selected] : -1;
  // A selection made elsewhere (find, a link) scrolls into view; the keyboard's own moves already do.
  useEffect(() => {
    if (at >= 0) list.scrollToIndex(at, { align: 'auto' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selected]);

  const go = (i: number) => {
    if (!rows.length) return;
    const k = Math.max(0, Math.min(rows.length - 1, i));
    onSelect(rows[k]);
    list.scrollToIndex(k, { align: 'auto' });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 600) / ROW) - 1);
    const node = selected >= 0 ? tree.nodes[selected] : undefined;
    const keys: Record<string, () => void> = {
      ArrowDown: () => go(at + 1),
      ArrowUp: () => go(at < 0 ? 0 : at - 1),
      PageDown: () => go(at + page),
      PageUp: () => go(at - page),
      Home: () => go(0),
      End: () => go(rows.length - 1),
      ArrowRight: () => {
        if (!node) return go(0);
        if (!node.children.length) return;
        if (collapsed.has(node.index)) onToggle(node.index);
        else go(at + 1);
      },
      ArrowLeft: () => {
        if (!node) return;
        if (node.children.length && !collapsed.has(node.index)) onToggle(node.index);
        else if (node.parent >= 0) go(pos[node.parent]);
      },
      Enter: () => node && node.children.length > 0 && onToggle(node.index),
      ' ': () => node && node.children.length > 0 && onToggle(node.index),
    };
    if (keys[e.key]) {
      e.preventDefault();
      keys[e.key]();
    }
  };

  return (
    <div className="span-tree-wrap">
      <div className="span-tree-head" aria-hidden="true">
        <span className="span-name-col">Span</span>
        <span className="span-time-col">
          <span>0</span>
          <span>{formatMs(total / 2)}</span>
          <span>{formatMs(total)}</span>
        </span>
      </div>
      <div
        ref={scrollRef}
        className="vtable span-tree"
        role="tree"
        aria-label="Spans"
        tabIndex={0}
        aria-activedescendant={at >= 0 ? `span-row-${selected}` : undefined}
        onKeyDown={onKeyDown}
      >
        <div style={{ height: list.getTotalSize(), position: 'relative' }}>
          {list.getVirtualItems().map((v) => {
            const n = tree.nodes[rows[v.index]];
            return (
              <SpanRow
                key={n.index}
                node={n}
                top={v.start}
                traceStart={tree.start}
                total={total}
                expanded={!collapsed.has(n.index)}
                selected={n.index === selected}
                setSize={n.parent >= 0 ? tree.nodes[n.parent].children.length : tree.roots.length}
                onSelect={onSelect}
                onToggle={onToggle}
              />
            );
          })}
        </div>
        {rows.length === 0 && <div className="empty">This trace has no spans.</div>}
      </div>
    </div>
  );
}

interface RowProps {
  node: SpanNode;
  top: number;
  traceStart: number;
  total: number;
  expanded: boolean;
  selected: boolean;
  setSize: number;
  onSelect: (i: number) => void;
  onToggle: (i: number) => void;
}

/** One span row, memoised on plain props so scrolling renders only the rows that came into view. */
const SpanRow = memo(function SpanRow({ node: n, top, traceStart, total, expanded, selected, setSize, onSelect, onToggle }: RowProps) {
  const dur = n.end - n.start;
  const left = ((n.start - traceStart) / total) * 100;
  const width = Math.max((dur / total) * 100, 0.15);
  const indent = Math.min(n.depth, MAX_INDENT_LEVELS) * INDENT;
  return (
    <div
      id={`span-row-${n.index}`}
      role="treeitem"
      aria-level={n.depth + 1}
      aria-setsize={setSize}
      aria-expanded={n.children.length ? expanded : undefined}
      aria-selected={selected}
      aria-label={n.name}
      className={'row span-row' + (selected ? ' active' : '') + (n.status === 'ERROR' ? ' error' : '')}
      style={{ transform: `translateY(${top}px)`, height: ROW }}
      onClick={() => onSelect(n.index)}
    >
      <span className="span-name-col" style={{ paddingLeft: indent + 4 }}>
        {n.children.length ? (
          <button
            type="button"
            className="expander"
            tabIndex={-1}
            aria-label={`${expanded ? 'Collapse' : 'Expand'} ${n.name}`}
            onClick={(e) => {
              e.stopPropagation();
              onToggle(n.index);
            }}
          >
            {expanded ? '▾' : '▸'}
          </button>
        ) : (
          <span className="expander-space" />
        )}
        {n.depth > MAX_INDENT_LEVELS && <span className="muted depth">L{n.depth + 1}</span>}
        {n.type && <span className={'span-type t-' + n.type.toLowerCase()}>{n.type}</span>}
        <span className="span-label" title={n.name}>
          {n.name || '(unnamed)'}
        </span>
        {n.status === 'ERROR' && (
          <span className="status failed" title="Error">
            ●
          </span>
        )}
      </span>
      <span className="span-time-col">
        <span className={'span-bar' + (n.status === 'ERROR' ? ' error' : '')} style={{ left: `${left}%`, width: `${width}%` }} />
        <span className="span-dur" style={{ left: `min(${left + width}%, calc(100% - 60px))` }}>
          {formatMs(dur)}
        </span>
      </span>
    </div>
  );
});
