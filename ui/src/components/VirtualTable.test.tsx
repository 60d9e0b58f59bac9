import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { VirtualTable, type TableColumn } from './VirtualTable';

interface Row {
  id: string;
}
const rows: Row[] = Array.from({ length: 10000 }, (_, i) => ({ id: 'r' + i }));
const columns: TableColumn<Row>[] = [
  { id: 'name', header: 'Name', width: 200, render: (r) => r.id, sortable: true },
  ...Array.from({ length: 500 }, (_, i) => ({ id: 'c' + i, header: 'col ' + i, width: 100, render: (r: Row) => `${r.id}/${i}` })),
];

describe('VirtualTable', () => {
  it('renders only the rows and columns in view', () => {
    render(<VirtualTable label="t" rows={rows} columns={columns} pinned={1} rowKey={(r) => r.id} />);
    const rendered = screen.getAllByRole('row').length - 1;
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(100);
    expect(screen.getAllByRole('columnheader').length).toBeLessThan(40);
    expect(screen.getByText('r0')).toBeTruthy();
    expect(screen.queryByText('r9999')).toBeNull();
  });

  it('moves the active row with the keyboard and opens it with Enter', () => {
    const onOpen = vi.fn();
    const onToggle = vi.fn();
    render(<VirtualTable label="t" rows={rows} columns={columns.slice(0, 3)} rowKey={(r) => r.id} onOpen={onOpen} onToggle={onToggle} />);
    const grid = screen.getByRole('grid');
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    fireEvent.keyDown(grid, { key: 'ArrowUp' });
    expect(grid.getAttribute('aria-activedescendant')).toBe('t-row-0');
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    fireEvent.keyDown(grid, { key: 'Enter' });
    expect(onOpen).toHaveBeenCalledWith(rows[1]);
    fireEvent.keyDown(grid, { key: ' ' });
    expect(onToggle).toHaveBeenCalledWith(rows[1]);
    fireEvent.keyDown(grid, { key: 'End' });
    expect(grid.getAttribute('aria-activedescendant')).toBe('t-row-9999');
  });

  it('reports sort clicks and marks the sorted column', () => {
    const onSort = vi.fn();
    render(<VirtualTable label="t" rows={rows.slice(0, 3)} columns={columns.slice(0, 2)} rowKey={(r) => r.id} sort={{ id: 'name', ascending: false }} onSort={onSort} />);
    fireEvent.click(screen.getByRole('button', { name: /Name/ }));
    expect(onSort).toHaveBeenCalledWith('name');
    expect(screen.getAllByRole('columnheader')[0].getAttribute('aria-sort')).toBe('descending');
  });

  it('says so when there is nothing to show', () => {
    render(<VirtualTable label="t" rows={[]} columns={columns.slice(0, 2)} rowKey={(r) => r.id} empty="No runs." />);
    expect(screen.getByText('No runs.')).toBeTruthy();
  });
});
