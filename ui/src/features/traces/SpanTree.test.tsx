import { fireEvent, render, screen } from '@testing-library/react';
import { useMemo, useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { OtelSpan } from '../../api/traces';
import { SpanTreeView } from './SpanTree';
import { buildSpanTree, flattenVisible } from './spans';

// A root with 10 children of 5,000 spans each: 50,001 spans.
const spans: OtelSpan[] = [{ span_id: 'root', name: 'root', start_time_unix_nano: '0', end_time_unix_nano: '100000000' }];
for (let c = 0; c < 10; c++) {
  spans.push({ span_id: 'c' + c, parent_span_id: 'root', name: 'child-' + c, start_time_unix_nano: String(c * 1e7), end_time_unix_nano: String((c + 1) * 1e7) });
  for (let k = 0; k < 5000; k++)
    spans.push({ span_id: `c${c}-${k}`, parent_span_id: 'c' + c, name: `leaf-${c}-${k}`, start_time_unix_nano: String(c * 1e7 + k), end_time_unix_nano: String(c * 1e7 + k + 1000), status: { code: k === 0 ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_OK' } });
}

function Harness() {
  const tree = useMemo(() => buildSpanTree(spans), []);
  const [collapsed, setCollapsed] = useState<ReadonlySet<number>>(new Set());
  const [selected, setSelected] = useState(0);
  const rows = useMemo(() => flattenVisible(tree, collapsed), [tree, collapsed]);
  const toggle = (i: number) =>
    setCollapsed((c) => {
      const n = new Set(c);
      if (n.has(i)) n.delete(i);
      else n.add(i);
      return n;
    });
  return (
    <>
      <span data-testid="rows">{rows.length}</span>
      <SpanTreeView tree={tree} rows={rows} collapsed={collapsed} selected={selected} onSelect={setSelected} onToggle={toggle} />
    </>
  );
}

describe('SpanTreeView', () => {
  it('renders a screenful of a 50,001-span trace', () => {
    render(<Harness />);
    expect(screen.getByTestId('rows').textContent).toBe('50011');
    const items = screen.getAllByRole('treeitem');
    expect(items.length).toBeGreaterThan(10);
    expect(items.length).toBeLessThan(80);
    expect(items[0].getAttribute('aria-selected')).toBe('true');
    expect(screen.queryByText('leaf-9-4999')).toBeNull();
  });

  it('moves, collapses and expands from the keyboard', () => {
    render(<Harness />);
    const tree = screen.getByRole('tree');
    fireEvent.keyDown(tree, { key: 'ArrowDown' });
    expect(tree.getAttribute('aria-activedescendant')).toBe('span-row-1');
    fireEvent.keyDown(tree, { key: 'ArrowLeft' }); // collapse child-0
    expect(screen.getByTestId('rows').textContent).toBe('45011');
    fireEvent.keyDown(tree, { key: 'ArrowLeft' }); // to the parent
    expect(tree.getAttribute('aria-activedescendant')).toBe('span-row-0');
    fireEvent.keyDown(tree, { key: 'ArrowLeft' }); // collapse the root
    expect(screen.getByTestId('rows').textContent).toBe('1');
    fireEvent.keyDown(tree, { key: 'ArrowRight' });
    expect(screen.getByTestId('rows').textContent).toBe('45011');
    fireEvent.keyDown(tree, { key: 'ArrowRight' }); // first child
    expect(tree.getAttribute('aria-activedescendant')).toBe('span-row-1');
    fireEvent.keyDown(tree, { key: 'Enter' });
    expect(screen.getByTestId('rows').textContent).toBe('50011');
  });

  it('toggles with the expander and selects on click', () => {
    render(<Harness />);
    fireEvent.click(screen.getByRole('button', { name: 'Collapse root' }));
    expect(screen.getByTestId('rows').textContent).toBe('1');
    fireEvent.click(screen.getByRole('button', { name: 'Expand root' }));
    fireEvent.click(screen.getByRole('treeitem', { name: 'child-0' }));
    expect(screen.getByRole('treeitem', { name: 'child-0' }).getAttribute('aria-selected')).toBe('true');
    expect(screen.getByRole('treeitem', { name: 'leaf-0-0' }).className).toContain('error');
  });
});
