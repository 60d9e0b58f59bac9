import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Experiment } from '../../api/types';
import { ExperimentTags } from './ExperimentTags';

afterEach(() => vi.unstubAllGlobals());

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });
const exp: Experiment = {
  experiment_id: '7',
  name: 'vision',
  lifecycle_stage: 'active',
  tags: [
    { key: 'mlflow.note.content', value: 'Image models' },
    { key: 'team', value: 'cv' },
    { key: 'mlflow.experimentKind', value: 'custom' },
  ],
};

describe('ExperimentTags', () => {
  it('shows the description and user tags, and edits them through the experiment tag routes', async () => {
    const f = vi.fn(async (_url: string, _init?: RequestInit) => json({}));
    vi.stubGlobal('fetch', f);
    const onChanged = vi.fn();
    render(<ExperimentTags experiment={exp} onChanged={onChanged} />);
    expect(screen.getByText('Image models')).toBeTruthy();
    expect(screen.getByText('team: cv')).toBeTruthy();
    expect(screen.queryByText(/experimentKind/)).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Edit description and tags' }));
    const table = screen.getByRole('table', { name: 'Tags' });
    expect(within(table).getAllByRole('row').map((r) => r.textContent)).toEqual(['teamcv✕']);

    fireEvent.change(screen.getByLabelText('Tag key'), { target: { value: 'stage' } });
    fireEvent.change(screen.getByLabelText('Tag value'), { target: { value: 'beta' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add tag' }));
    await waitFor(() => expect(onChanged).toHaveBeenCalledTimes(1));
    const [url, init] = f.mock.calls[0];
    expect(url).toContain('ajax-api/2.0/mlflow/experiments/set-experiment-tag');
    expect(JSON.parse(String(init!.body))).toEqual({ experiment_id: '7', key: 'stage', value: 'beta' });

    fireEvent.click(screen.getByRole('button', { name: 'Remove tag team' }));
    await waitFor(() => expect(onChanged).toHaveBeenCalledTimes(2));
    expect(f.mock.calls[1][0]).toContain('experiments/delete-experiment-tag');
    expect(JSON.parse(String(f.mock.calls[1][1]!.body))).toEqual({ experiment_id: '7', key: 'team' });
  });

  it('refuses mlflow.* keys and shows server errors', async () => {
    vi.stubGlobal('fetch', async () => json({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Tag value too long' }, 400));
    render(<ExperimentTags experiment={exp} />);
    fireEvent.click(screen.getByRole('button', { name: 'Edit description and tags' }));
    fireEvent.change(screen.getByLabelText('Tag key'), { target: { value: 'mlflow.user' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add tag' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/reserved/);
    fireEvent.change(screen.getByLabelText('Tag key'), { target: { value: 'k' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add tag' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Tag value too long'));
  });

  it('loads the experiment itself when given only its id', async () => {
    const f = vi.fn(async (_url: string) => json({ experiment: exp }));
    vi.stubGlobal('fetch', f);
    render(<ExperimentTags experimentId="7" />);
    await screen.findByText('team: cv');
    expect(f.mock.calls[0][0]).toContain('experiments/get?experiment_id=7');
  });
});
