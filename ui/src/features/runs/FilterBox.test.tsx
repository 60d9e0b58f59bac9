import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { FilterBox } from './FilterBox';

const keys = { metrics: ['val loss', 'accuracy'], params: ['lr'], tags: [] };

describe('FilterBox', () => {
  it('applies the filter on Enter', () => {
    const onApply = vi.fn();
    render(<FilterBox value="" keys={keys} onApply={onApply} />);
    const input = screen.getByLabelText('Filter runs');
    fireEvent.change(input, { target: { value: ' metrics.accuracy > 0.5 ' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onApply).toHaveBeenCalledWith('metrics.accuracy > 0.5');
  });
  it('completes keys, quoted, with Tab', () => {
    render(<FilterBox value="" keys={keys} onApply={() => {}} />);
    const input = screen.getByLabelText('Filter runs') as HTMLInputElement;
    fireEvent.change(input, { target: { value: 'metrics.val', selectionStart: 11 } });
    expect(screen.getByRole('option').textContent).toBe('metrics.`val loss`');
    fireEvent.keyDown(input, { key: 'Tab' });
    expect(input.value).toBe('metrics.`val loss`');
  });
});
