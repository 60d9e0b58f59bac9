import { fireEvent, render, screen, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DatasetInput, Run } from '../../api/types';
import { DatasetsSection } from './DatasetsSection';
import { LoggedModelsSection } from './LoggedModelsSection';
import { RunPage } from './RunPage';

afterEach(() => vi.unstubAllGlobals());

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });

function renderRouted(element: React.ReactNode, path = '/', url = '/') {
  const router = createMemoryRouter([{ path, element }], { initialEntries: [url] });
  return render(<RouterProvider router={router} />);
}

const inputs: DatasetInput[] = [
  {
    tags: [{ key: 'mlflow.data.context', value: 'training' }],
    dataset: {
      name: 'wine-train',
      digest: 'd1g3st',
      source_type: 'local',
      source: '{"uri": "/data/train.csv"}',
      schema: '{"mlflow_colspec": [{"type": "double", "name": "alcohol"}, {"type": "long", "name": "quality"}]}',
      profile: '{"num_rows": 120}',
    },
  },
  { tags: [{ key: 'mlflow.data.context', value: 'eval' }], dataset: { name: 'wine-eval', digest: 'e5a1', source_type: 'http', source: 'not json' } },
];

describe('DatasetsSection', () => {
  it('lists each input with its context and summary; a row opens to its source, schema and profile', () => {
    render(<DatasetsSection inputs={inputs} />);
    const table = screen.getByRole('table', { name: 'Datasets' });
    const train = within(table).getByRole('row', { name: /wine-train/ });
    for (const t of ['training', 'd1g3st', 'local', '2 columns, 120 rows']) expect(within(train).getByText(t)).toBeTruthy();
    expect(within(table).getByRole('row', { name: /wine-eval/ }).textContent).toContain('eval');

    const toggle = within(train).getByRole('button', { name: /wine-train/ });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const schema = screen.getByLabelText('Schema of wine-train');
    expect(schema.textContent).toContain('alcohol');
    expect(screen.getByLabelText('Source of wine-train').textContent).toContain('/data/train.csv');
    expect(screen.getByLabelText('Profile of wine-train').textContent).toContain('120');

    fireEvent.click(within(table).getByRole('button', { name: /wine-eval/ }));
    expect(screen.getByLabelText('Source of wine-eval').textContent).toBe('not json');
  });
  it('says when there are none', () => {
    render(<DatasetsSection inputs={undefined} />);
    expect(screen.getByText('None.')).toBeTruthy();
  });
});

const run: Run = {
  info: { run_id: 'r1', experiment_id: '4', status: 'FINISHED', lifecycle_stage: 'active' },
  data: {
    tags: [
      {
        key: 'mlflow.log-model.history',
        value: JSON.stringify([
          { artifact_path: 'legacy model', flavors: { sklearn: {}, python_function: {} }, run_id: 'r1', utc_time_created: '2024-05-01 10:00:00.000000', model_uuid: 'u-1' },
          { artifact_path: 'dup', flavors: {}, model_id: 'm-out' },
        ]),
      },
    ],
  },
  inputs: { model_inputs: [{ model_id: 'm-gone' }] },
  outputs: { model_outputs: [{ model_id: 'm-out', step: '2' }] },
};
const loggedModel = {
  info: {
    model_id: 'm-out',
    name: 'classifier',
    status: 'LOGGED_MODEL_READY',
    creation_timestamp_ms: 1700000000000,
    artifact_uri: 'mlflow-artifacts:/4/models/m-out/artifacts',
    source_run_id: 'r1',
  },
  data: { params: [{ key: 'alpha', value: '1' }], metrics: [{ key: 'acc', value: 0.91, timestamp: 1, step: 0 }] },
};

describe('LoggedModelsSection', () => {
  it('shows the run’s logged models with their role and artifacts link, unreadable ones with the server message, and MLflow 2 models', async () => {
    const f = vi.fn(async (url: string, _init?: RequestInit) =>
      url.includes('logged-models/search')
        ? json({ models: [loggedModel] })
        : json({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Logged model with ID 'm-gone' not found." }, 404),
    );
    vi.stubGlobal('fetch', f);
    renderRouted(<LoggedModelsSection run={run} />);
    const table = await screen.findByRole('table', { name: 'Logged models' });
    const row = within(table).getByRole('row', { name: /classifier/ });
    for (const t of ['output (step 2)', 'Ready', '1 param, 1 metric', 'acc: 0.91']) expect(within(row).getByText(t)).toBeTruthy();
    expect(within(row).getByRole('link', { name: 'Artifacts of classifier' }).getAttribute('href')).toBe('/experiments/4/runs/r1/logged-models/m-out/artifacts');
    expect(within(table).getByRole('row', { name: /m-gone/ }).textContent).toContain("RESOURCE_DOES_NOT_EXIST: Logged model with ID 'm-gone' not found.");

    const search = f.mock.calls.find(([u]) => u.includes('logged-models/search'))!;
    expect(JSON.parse(String(search[1]!.body))).toMatchObject({ experiment_ids: ['4'], filter: "source_run_id = 'r1'" });
    expect(f.mock.calls.some(([u]) => u.endsWith('/logged-models/m-gone'))).toBe(true);
    expect(f.mock.calls.some(([u]) => u.endsWith('/logged-models/m-out'))).toBe(false);

    const history = screen.getByRole('table', { name: "Models in the run's history" });
    expect(within(history).getByRole('link', { name: 'legacy model' }).getAttribute('href')).toBe('/experiments/4/runs/r1/artifacts/legacy%20model');
    expect(within(history).queryByText('dup')).toBeNull();
    expect(within(history).getByText('sklearn')).toBeTruthy();
  });
  it('shows a failed search with the server message and a retry', async () => {
    vi.stubGlobal('fetch', async () => json({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid filter string' }, 400));
    renderRouted(<LoggedModelsSection run={{ ...run, data: {} }} />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Invalid filter string');
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeTruthy();
  });
});

describe('RunPage: a logged model’s artifacts', () => {
  it('browses the model’s artifacts through the logged-models routes, showing a model folder’s MLmodel', async () => {
    const f = vi.fn(async (url: string) => {
      if (url.includes('runs/get')) return json({ run: { ...run, data: {} } });
      if (url.includes('experiments/get')) return json({ experiment: { experiment_id: '4', name: 'exp', lifecycle_stage: 'active' } });
      if (url.includes('artifacts/directories')) {
        const dir = new URL(url).searchParams.get('artifact_directory_path');
        return json(dir === 'sub' ? { files: [{ path: 'sub/MLmodel', is_dir: false, file_size: 10 }] } : { files: [{ path: 'sub', is_dir: true }] });
      }
      if (url.includes('artifacts/files')) return new Response('flavors: {}\n');
      if (url.includes('logged-models/m-out')) return json({ model: loggedModel });
      return json({}, 404);
    });
    vi.stubGlobal('fetch', f);
    renderRouted(<RunPage />, '/experiments/:experimentId/runs/:runId/*', '/experiments/4/runs/r1/logged-models/m-out/artifacts/sub');
    await screen.findByRole('heading', { name: /Artifacts of logged model classifier/ });
    expect((await screen.findByText('flavors: {}', { exact: false })).tagName).toBe('PRE');
    expect(await screen.findByRole('treeitem', { name: /MLmodel/ })).toBeTruthy();
    const file = f.mock.calls.map(([u]) => u).find((u) => u.includes('artifacts/files'))!;
    expect(new URL(file).searchParams.get('artifact_file_path')).toBe('sub/MLmodel');
    expect(screen.getByRole('link', { name: 'Back to the run' }).getAttribute('href')).toBe('/experiments/4/runs/r1');
  });
});
