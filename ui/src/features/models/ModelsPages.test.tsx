import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ModelPage } from './ModelPage';
import { ModelsPage } from './ModelsPage';
import { VersionPage } from './VersionPage';

afterEach(() => vi.unstubAllGlobals());

const version = { name: 'iris', version: '2', current_stage: 'Staging', run_id: '0123456789abcdef0123456789abcdef', source: 'runs:/0123456789abcdef0123456789abcdef/model', status: 'READY', aliases: ['champ'] };
const model = { name: 'iris', description: 'flowers', latest_versions: [version], tags: [{ key: 'team', value: 'cv' }], aliases: [{ alias: 'champ', version: '2' }] };
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });

function renderAt(url: string) {
  const router = createMemoryRouter(
    [
      { path: '/models', element: <ModelsPage /> },
      { path: '/models/:name', element: <ModelPage /> },
      { path: '/models/:name/versions/:version', element: <VersionPage /> },
    ],
    { initialEntries: [url] },
  );
  return render(<RouterProvider router={router} />);
}

describe('registry pages', () => {
  it('lists models without prompts, with aliases and stages', async () => {
    const f = vi.fn(async () => json({ registered_models: [model] }));
    vi.stubGlobal('fetch', f);
    renderAt('/models?q=ir');
    expect((await screen.findByRole('link', { name: 'iris' })).getAttribute('href')).toBe('/models/iris');
    expect(screen.getByText('@champ: v2')).toBeTruthy();
    expect(screen.getByText('Staging: v2')).toBeTruthy();
    const url = new URL(String((f.mock.calls[0] as unknown[])[0]));
    expect(url.pathname).toContain('ajax-api/2.0/mlflow/registered-models/search');
    expect(url.searchParams.get('filter')).toBe("name ILIKE '%ir%' AND tags.`mlflow.prompt.is_prompt` != 'true'");
  });
  it('shows the server error for a bad search', async () => {
    vi.stubGlobal('fetch', async () => json({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid clause(s) in filter string' }, 400));
    renderAt('/models?q=' + encodeURIComponent('bad ='));
    expect((await screen.findByRole('alert')).textContent).toContain('Invalid clause');
  });
  it('model page: versions with source run links, aliases, tags', async () => {
    vi.stubGlobal('fetch', async (url: string) => (url.includes('model-versions/search') ? json({ model_versions: [version, { ...version, version: '1', aliases: [] }] }) : json({ registered_model: model })));
    renderAt('/models/iris');
    expect((await screen.findByRole('link', { name: 'Version 2' })).getAttribute('href')).toBe('/models/iris/versions/2');
    expect(screen.getAllByRole('link', { name: version.run_id })[0].getAttribute('href')).toBe(`/runs/${version.run_id}`);
    expect(screen.getByText('flowers')).toBeTruthy();
    expect(screen.getByRole('link', { name: '@champ → v2' })).toBeTruthy();
    expect(screen.getByRole('table', { name: 'Tags' }).textContent).toContain('cv');
  });
  it('version page: transitions the stage', async () => {
    const f = vi.fn(async (url: string, _init?: RequestInit) => (url.includes('transition-stage') ? json({ model_version: version }) : json({ model_version: version })));
    vi.stubGlobal('fetch', f);
    renderAt('/models/iris/versions/2');
    expect((await screen.findByRole('link', { name: version.run_id })).getAttribute('href')).toBe(`/runs/${version.run_id}`);
    fireEvent.change(screen.getByLabelText('New stage'), { target: { value: 'Production' } });
    fireEvent.click(screen.getByRole('button', { name: 'Transition' }));
    await waitFor(() => expect(f.mock.calls.some(([u]) => String(u).includes('transition-stage'))).toBe(true));
    const call = f.mock.calls.find(([u]) => String(u).includes('transition-stage'))!;
    expect(JSON.parse(String(call[1]!.body))).toEqual({ name: 'iris', version: '2', stage: 'Production', archive_existing_versions: false });
    await waitFor(() => expect(f.mock.calls.filter(([u]) => String(u).includes('model-versions/get')).length).toBe(2)); // reloaded
  });
});
