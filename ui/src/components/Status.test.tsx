import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import { ErrorBox, Loading } from './Status';

describe('status components', () => {
  it('shows the server message and code, and retries', () => {
    const retry = vi.fn();
    render(<ErrorBox error={new ApiError('Run with id=x not found', 404, 'RESOURCE_DOES_NOT_EXIST')} onRetry={retry} />);
    expect(screen.getByRole('alert').textContent).toContain('RESOURCE_DOES_NOT_EXIST');
    expect(screen.getByText('Run with id=x not found')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(retry).toHaveBeenCalled();
  });
  it('explains a network failure', () => {
    render(<ErrorBox error={new TypeError('Failed to fetch')} />);
    expect(screen.getByText('Cannot reach the server.')).toBeTruthy();
  });
  it('announces loading', () => {
    render(<Loading label="Loading runs…" />);
    expect(screen.getByRole('status').textContent).toBe('Loading runs…');
  });
});
