import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
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
  it('edits a row’s tags in a dialog, which reloads the experiment and the list', async () => {
    let tags = [{ key: 'team', value: 'cv' }];
    const f = vi.fn(async (url: string, init?: RequestInit) => {
      if (url.includes('set-experiment-tag')) tags = [{ key: 'team', value: JSON.parse(String(init!.body)).value }];
      const exp = { experiment_id: '7', name: 'vision', lifecycle_stage: 'active', tags };
      return new Response(JSON.stringify(url.includes('experiments/get') ? { experiment: exp } : url.includes('search') ? { experiments: [exp] } : {}));
    });
    vi.stubGlobal('fetch', f);
    renderAt('/experiments');
    fireEvent.click(await screen.findByRole('button', { name: 'Edit tags' }));
    const dialog = await screen.findByRole('dialog', { name: 'Tags of vision' });
    await within(dialog).findByRole('table', { name: 'Tags' });
    fireEvent.change(within(dialog).getByLabelText('Tag key'), { target: { value: 'team' } });
    fireEvent.change(within(dialog).getByLabelText('Tag value'), { target: { value: 'nlp' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add tag' }));
    await waitFor(() => expect(screen.getAllByText('team: nlp').length).toBe(1));
    await within(dialog).findByText('nlp');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
