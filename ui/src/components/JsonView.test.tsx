import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { JsonView } from './JsonView';

describe('JsonView', () => {
  it('opens the first levels and renders collapsed children only when opened', () => {
    render(<JsonView label="v" openDepth={3} value={{ messages: [{ role: 'user', content: { deep: 'hidden' } }], n: 1, ok: true, none: null }} />);
    expect(screen.getByText('"user"')).toBeTruthy();
    expect(screen.queryByText('"hidden"')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: /content/ }));
    expect(screen.getByText('"hidden"')).toBeTruthy();
    expect(screen.getByText('true')).toBeTruthy();
    expect(screen.getByText('null')).toBeTruthy();
    fireEvent.click(screen.getAllByRole('button', { expanded: true })[0]);
    expect(screen.queryByText('"user"')).toBeNull();
  });
  it('pages long lists', () => {
    render(<JsonView value={Array.from({ length: 450 }, (_, i) => i)} />);
    expect(screen.queryByText('449')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: /Show 200 more of 250/ }));
    fireEvent.click(screen.getByRole('button', { name: /Show 50 more of 50/ }));
    expect(screen.getByText('449')).toBeTruthy();
  });
  it('shows scalars', () => {
    render(<JsonView value="plain" />);
    expect(screen.getByText('"plain"')).toBeTruthy();
  });
});
