import { render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExperimentsPage } from './ExperimentsPage';

afterEach(() => vi.unstubAllGlobals());

function renderAt(url: string) {
  const router = createMemoryRouter([{ path: '/experiments', element: <ExperimentsPage /> }], { initialEntries: [url] });
  return render(<RouterProvider router={router} />);
}

describe('ExperimentsPage', () => {
  it('lists experiments with links to their runs, searching by name', async () => {
    const f = vi.fn(async (_url: string, _init: RequestInit) =>
      new Response(JSON.stringify({ experiments: [{ experiment_id: '7', name: 'vision', lifecycle_stage: 'active', tags: [{ key: 'team', value: 'cv' }] }] })),
    );
    vi.stubGlobal('fetch', f);
    renderAt('/experiments?q=vis');
    const link = await screen.findByRole('link', { name: 'vision' });
    expect(link.getAttribute('href')).toBe('/experiments/7');
    expect(screen.getByText('team: cv')).toBeTruthy();
    expect(JSON.parse(String(f.mock.calls[0][1].body)).filter).toBe("name ILIKE '%vis%'");
  });
  it('shows the server error', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid filter' }), { status: 400 }));
    renderAt('/experiments?q=' + encodeURIComponent('name >'));
    expect((await screen.findByRole('alert')).textContent).toContain('Invalid filter');
  });
  it('offers restore for deleted experiments', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ experiments: [{ experiment_id: '3', name: 'old', lifecycle_stage: 'deleted' }] })));
    renderAt('/experiments?view=DELETED_ONLY');
    expect(await screen.findByRole('button', { name: 'Restore' })).toBeTruthy();
  });
});
