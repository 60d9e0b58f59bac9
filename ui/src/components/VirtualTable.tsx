import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface TableColumn<T> {
  id: string;
  header: ReactNode;
  title?: string;
  width: number;
  render: (row: T, index: number) => ReactNode;
  /** Sorting: the table only reports clicks; the page decides what sorting means (server order_by). */
  sortable?: boolean;
  align?: 'right';
}

export interface TableProps<T> {
  rows: T[];
  columns: TableColumn<T>[];
  rowKey: (row: T) => string;
  /** Columns kept in view when scrolling sideways (the run name). */
  pinned?: number;
  sort?: { id: string; ascending: boolean };
  onSort?: (id: string) => void;
  onOpen?: (row: T) => void;
  /** Space on the active row (expand a parent run, select a row). */
  onToggle?: (row: T) => void;
  rowClassName?: (row: T) => string | undefined;
  label: string;
  rowHeight?: number;
  empty?: ReactNode;
}

/**
 * A grid virtualised in both directions: only the rows and columns in view exist in the DOM, so 10,000 runs or
 * thousands of metric columns cost what one screenful does. Rows and columns have fixed sizes (no measuring), which
 * keeps scrolling smooth. Keyboard: the grid is one tab stop; arrows, Page Up/Down, Home/End move the active row,
 * Enter opens it, Space toggles it.
 */
export function VirtualTable<T>(p: TableProps<T>) {
  const rowHeight = p.rowHeight ?? 32;
  const pinned = p.pinned ?? 0;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(-1);
  const { pinnedCols, freeCols, pinnedLefts, pinnedWidth, totalWidth } = useMemo(() => {
    const pinnedCols = p.columns.slice(0, pinned);
    const pinnedLefts = pinnedCols.map((_, i) => pinnedCols.slice(0, i).reduce((s, c) => s + c.width, 0));
    return {
      pinnedCols,
      freeCols: p.columns.slice(pinned),
      pinnedLefts,
      pinnedWidth: pinnedCols.reduce((s, c) => s + c.width, 0),
      totalWidth: p.columns.reduce((s, c) => s + c.width, 0),
    };
  }, [p.columns, pinned]);

  const rows = useVirtualizer({
    count: p.rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    // Let React batch scroll updates instead of flushing synchronously on every scroll event.
    useFlushSync: false,
    // Without a measured container (tests, first paint) still render a screenful.
    initialRect: { width: 1200, height: 600 },
  });
  const cols = useVirtualizer({
    horizontal: true,
    count: freeCols.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => freeCols[i].width,
    overscan: 4,
    paddingStart: pinnedWidth,
    useFlushSync: false,
    initialRect: { width: 1200, height: 600 },
  });
  // Column widths change when the user adds columns: re-measure.
  useEffect(() => cols.measure(), [cols, p.columns]);
  useEffect(() => setActive((a) => Math.min(a, p.rows.length - 1)), [p.rows.length]);

  const visibleCols = cols.getVirtualItems();
  const leftPad = visibleCols.length ? visibleCols[0].start - pinnedWidth : 0;

  const move = (to: number) => {
    const i = Math.max(0, Math.min(p.rows.length - 1, to));
    setActive(i);
    rows.scrollToIndex(i, { align: 'auto' });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.target !== e.currentTarget) return; // keys typed in a cell's input or link are theirs
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 600) / rowHeight) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(active + 1),
      ArrowUp: () => move(active - 1),
      PageDown: () => move(active + page),
      PageUp: () => move(active - page),
      Home: () => move(0),
      End: () => move(p.rows.length - 1),
      Enter: () => active >= 0 && p.onOpen?.(p.rows[active]),
      ' ': () => active >= 0 && p.onToggle?.(p.rows[active]),
    };
    if (keys[e.key]) {
      e.preventDefault();
      keys[e.key]();
    }
  };

  const header = (c: TableColumn<T>, sticky: boolean, left = 0) => {
    const sorted = p.sort?.id === c.id;
    return (
      <div
        key={c.id}
        role="columnheader"
        aria-sort={sorted ? (p.sort!.ascending ? 'ascending' : 'descending') : undefined}
        className={'cell head' + (sticky ? ' pinned' : '') + (c.align === 'right' ? ' right' : '')}
        style={{ width: c.width, left: sticky ? left : undefined }}
        title={c.title}
      >
        {c.sortable && p.onSort ? (
          <button type="button" className="sort" onClick={() => p.onSort!(c.id)}>
            {c.header}
            <span className="sort-mark">{sorted ? (p.sort!.ascending ? ' ▲' : ' ▼') : ''}</span>
          </button>
        ) : (
          c.header
        )}
      </div>
    );
  };

  return (
    <div
      className="vtable"
      ref={scrollRef}
      role="grid"
      aria-label={p.label}
      aria-rowcount={p.rows.length}
      aria-activedescendant={active >= 0 ? `${p.label}-row-${active}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div style={{ width: totalWidth, height: rows.getTotalSize() + rowHeight, position: 'relative' }}>
        <div className="row header" role="row" style={{ width: totalWidth, height: rowHeight }}>
          {pinnedCols.map((c, i) => header(c, true, pinnedLefts[i]))}
          <div style={{ width: leftPad, flex: 'none' }} />
          {visibleCols.map((v) => header(freeCols[v.index], false))}
        </div>
        {rows.getVirtualItems().map((v) => (
          <Row
            key={p.rowKey(p.rows[v.index])}
            id={`${p.label}-row-${v.index}`}
            row={p.rows[v.index]}
            index={v.index}
            top={v.start + rowHeight}
            height={rowHeight}
            width={totalWidth}
            active={v.index === active}
            className={p.rowClassName?.(p.rows[v.index])}
            pinnedCols={pinnedCols}
            pinnedLefts={pinnedLefts}
            freeCols={freeCols}
            colFrom={visibleCols.length ? visibleCols[0].index : 0}
            colTo={visibleCols.length ? visibleCols[visibleCols.length - 1].index + 1 : 0}
            leftPad={leftPad}
            setActive={setActive}
            onOpen={p.onOpen}
          />
        ))}
      </div>
      {p.rows.length === 0 && <div className="empty">{p.empty ?? 'Nothing to show.'}</div>}
    </div>
  );
}

interface RowProps<T> {
  id: string;
  row: T;
  index: number;
  top: number;
  height: number;
  width: number;
  active: boolean;
  className?: string;
  pinnedCols: TableColumn<T>[];
  pinnedLefts: number[];
  freeCols: TableColumn<T>[];
  colFrom: number;
  colTo: number;
  leftPad: number;
  setActive: (i: number) => void;
  onOpen?: (row: T) => void;
}

/**
 * One row; memoised on plain props (numbers, the row object, the column arrays), so scrolling by a few rows renders
 * only the rows that came into view, not the whole screenful.
 */
const Row = memo(function Row<T>(r: RowProps<T>) {
  const cell = (c: TableColumn<T>, sticky: boolean, left = 0) => (
    <div
      key={c.id}
      role="gridcell"
      className={'cell' + (c.align === 'right' ? ' right' : '') + (sticky ? ' pinned' : '')}
      style={{ width: c.width, left: sticky ? left : undefined }}
    >
      {c.render(r.row, r.index)}
    </div>
  );
  return (
    <div
      id={r.id}
      role="row"
      aria-rowindex={r.index + 2}
      aria-selected={r.active}
      className={'row' + (r.active ? ' active' : '') + (r.className ? ' ' + r.className : '')}
      style={{ width: r.width, height: r.height, transform: `translateY(${r.top}px)` }}
      onMouseDown={() => r.setActive(r.index)}
      onDoubleClick={() => r.onOpen?.(r.row)}
    >
      {r.pinnedCols.map((c, i) => cell(c, true, r.pinnedLefts[i]))}
      <div style={{ width: r.leftPad, flex: 'none' }} />
      {r.freeCols.slice(r.colFrom, r.colTo).map((c) => cell(c, false))}
    </div>
  );
}) as <T>(r: RowProps<T>) => React.ReactElement;
