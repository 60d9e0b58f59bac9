import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LineChartProps } from '../../components/LineChart';
import { ComparePage } from './ComparePage';
import { compareUrl } from './query';

// The DOM here has no canvas: the chart reports what it was given instead of drawing it.
vi.mock('../../components/LineChart', () => ({
  LineChart: (p: LineChartProps) => <div data-testid="line-chart" data-lines={p.lines.map((l) => `${l.label}:${l.color}`).join(',')} data-x={p.x.join(',')} />,
}));

afterEach(() => vi.unstubAllGlobals());

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });
const run = (id: string, lr: string, loss: number, user: string) => ({
  info: { run_id: id, run_name: `run-${id}`, experiment_id: '1', status: 'FINISHED', lifecycle_stage: 'active', start_time: 1000, end_time: 2000 },
  data: {
    params: [{ key: 'lr', value: lr }, { key: 'opt', value: 'adam' }],
    metrics: [{ key: 'loss', value: loss, timestamp: 5, step: 2 }],
    tags: [{ key: 'mlflow.user', value: user }],
  },
});
const runs: Record<string, ReturnType<typeof run>> = { a: run('a', '0.1', 0.5, 'ann'), b: run('b', '0.2', 0.4, 'bob'), c: run('c', '0.3', 0.3, 'cy') };

function stubServer() {
  const f = vi.fn(async (url: string) => {
    const u = new URL(url);
    if (u.pathname.endsWith('runs/get')) {
      const r = runs[u.searchParams.get('run_id')!];
      return r ? json({ run: r }) : json({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Run '${u.searchParams.get('run_id')}' not found` }, 404);
    }
    if (u.pathname.endsWith('experiments/get')) return json({ experiment: { experiment_id: '1', name: 'vision', lifecycle_stage: 'active' } });
    if (u.pathname.endsWith('get-history-bulk-interval'))
      return json({ metrics: u.searchParams.getAll('run_ids').flatMap((id, i) => [0, 1, 2].map((step) => ({ key: 'loss', value: 1 / (step + i + 1), timestamp: step, step, run_id: id }))) });
    return json({ error_code: 'ENDPOINT_NOT_FOUND', message: 'no' }, 404);
  });
  vi.stubGlobal('fetch', f);
  return f;
}

function renderAt(url: string) {
  const router = createMemoryRouter([{ path: '/compare-runs', element: <ComparePage /> }], { initialEntries: [url] });
  render(<RouterProvider router={router} />);
  return router;
}

describe('ComparePage', () => {
  it('explains a malformed link instead of failing', async () => {
    const f = stubServer();
    renderAt('/compare-runs?runs=not-json');
    expect((await screen.findByRole('alert')).textContent).toContain('"runs" is not a JSON list: not-json');
    expect(f).not.toHaveBeenCalled();
  });

  it('shows the runs with their colours, the diff table, the overlay, the scatter and the parallel coordinates', async () => {
    const f = stubServer();
    const router = renderAt(compareUrl(['a', 'b', 'c'], ['1']));
    expect((await screen.findByRole('link', { name: 'run-a' })).getAttribute('href')).toBe('/experiments/1/runs/a');
    expect((await screen.findByRole('link', { name: 'vision' })).getAttribute('href')).toBe('/experiments/1');

    // Diff table: lr differs, opt is identical and hides on demand; mlflow.* tags start folded.
    const table = screen.getByRole('table', { name: 'Run differences' });
    const lr = within(table).getByRole('row', { name: /^lr/ });
    expect(lr.querySelectorAll('td.changed')).toHaveLength(2);
    expect(within(table).getByRole('row', { name: /^opt/ })).toBeTruthy();
    expect(within(table).queryByRole('row', { name: /^mlflow\.user/ })).toBeNull();
    fireEvent.click(within(table).getByRole('button', { name: /System tags/ }));
    expect(within(table).getByRole('row', { name: /^mlflow\.user/ }).textContent).toContain('bob');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Hide identical values' }));
    expect(within(table).queryByRole('row', { name: /^opt/ })).toBeNull();
    expect(within(table).getByRole('row', { name: /^lr/ })).toBeTruthy();

    // Overlay: one bulk request for the three runs, a line per run in its colour.
    const chart = await screen.findByTestId('line-chart');
    expect(chart.dataset.lines).toBe('run-a:#2f7ed8,run-b:#e8590c,run-c:#2b9348');
    expect(chart.dataset.x).toBe('0,1,2');
    const bulk = f.mock.calls.map(([u]) => new URL(u)).filter((u) => u.pathname.endsWith('get-history-bulk-interval'));
    expect(bulk).toHaveLength(1);
    expect(bulk[0].searchParams.getAll('run_ids')).toEqual(['a', 'b', 'c']);
    expect(bulk[0].searchParams.get('metric_key')).toBe('loss');

    // Scatter: lr against loss, one point per run; parallel coordinates: a line per run.
    expect(screen.getByRole('img', { name: 'Scatter of loss against param: lr' }).querySelectorAll('.scatter-point')).toHaveLength(3);
    const pc = screen.getByRole('img', { name: 'Parallel coordinates' });
    expect(pc.querySelectorAll('path.pc-line')).toHaveLength(3);
    // The default axes: what differs (lr and loss; opt is the same everywhere).
    expect([...pc.querySelectorAll('.pc-axis .axis-title title')].map((t) => t.textContent)).toEqual(['param: lr', 'loss']);

    // Choosing another scatter axis lands in the URL.
    fireEvent.change(screen.getByLabelText('Scatter X'), { target: { value: 'p:opt' } });
    await waitFor(() => expect(router.state.location.search).toContain('sx=p%3Aopt'));
    expect(screen.getByRole('img', { name: 'Scatter of loss against param: opt' }).querySelectorAll('.scatter-point')).toHaveLength(3);
  });

  it('compares the runs it found and reports the missing one with the server message', async () => {
    stubServer();
    renderAt(compareUrl(['a', 'zzz', 'b'], ['1']));
    expect((await screen.findByRole('alert')).textContent).toContain("Run 'zzz' not found");
    expect(screen.getByRole('link', { name: 'run-b' })).toBeTruthy();
    expect(screen.getByRole('img', { name: 'Parallel coordinates' }).querySelectorAll('path.pc-line')).toHaveLength(2);
  });

  it('shows the server error when no run loads', async () => {
    stubServer();
    renderAt(compareUrl(['x', 'y'], []));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('RESOURCE_DOES_NOT_EXIST');
    expect(alert.textContent).toContain("Run 'x' not found");
  });
});
