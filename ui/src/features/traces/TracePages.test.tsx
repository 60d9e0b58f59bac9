import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TracePage } from './TracePage';
import { TracesPage } from './TracesPage';

afterEach(() => vi.unstubAllGlobals());

const info = {
  trace_id: 'tr-0af7651916cd43dd8448eb211c80319c',
  request_time: '2023-11-14T22:13:20Z',
  execution_duration: '0.250s',
  state: 'OK',
  trace_metadata: { 'mlflow.trace.tokenUsage': '{"input_tokens": 5, "output_tokens": 7, "total_tokens": 12}' },
  tags: { 'mlflow.traceName': 'chat', flow: 'alpha' },
  request_preview: '{"q": "hi"}',
  response_preview: '"hello"',
  assessments: [{ assessment_id: 'a-1', assessment_name: 'quality', feedback: { value: 0.9 }, source: { source_type: 'HUMAN', source_id: 'bob' } }],
};
const spans = [
  {
    span_id: 't61rcWkgMzE=',
    name: 'root',
    start_time_unix_nano: 1700000000000000000,
    end_time_unix_nano: 1700000000250000000,
    attributes: [
      { key: 'mlflow.spanType', value: { string_value: 'CHAIN' } },
      { key: 'mlflow.spanInputs', value: { kvlist_value: { values: [{ key: 'q', value: { string_value: 'hi' } }] } } },
    ],
    status: { code: 'STATUS_CODE_OK' },
  },
  { span_id: 'APBnqgupArc=', parent_span_id: 't61rcWkgMzE=', name: 'llm-call', start_time_unix_nano: 1700000000010000000, end_time_unix_nano: 1700000000200000000, status: { code: 'STATUS_CODE_ERROR', message: 'boom' } },
];

function renderAt(url: string) {
  const router = createMemoryRouter(
    [
      { path: '/experiments/:experimentId/traces', element: <TracesPage /> },
      { path: '/experiments/:experimentId/traces/:traceId', element: <TracePage /> },
    ],
    { initialEntries: [url] },
  );
  return render(<RouterProvider router={router} />);
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });

describe('TracesPage', () => {
  it('lists traces with latency, tokens, previews, tags and assessments; searches with the grammar', async () => {
    const f = vi.fn(async (url: string, _init?: RequestInit) =>
      url.includes('experiments/get') ? json({ experiment: { experiment_id: '1', name: 'exp', lifecycle_stage: 'active' } }) : json({ traces: [info], next_page_token: 'tok' }),
    );
    vi.stubGlobal('fetch', f);
    renderAt("/experiments/1/traces?filter=" + encodeURIComponent("trace.status = 'OK'"));
    const link = await screen.findByRole('link', { name: info.trace_id });
    expect(link.getAttribute('href')).toBe(`/experiments/1/traces/${info.trace_id}`);
    for (const t of ['chat', '250ms', '12', '{"q": "hi"}', 'flow: alpha']) expect(screen.getByText(t)).toBeTruthy();
    const search = f.mock.calls.find(([u]) => String(u).includes('traces/search'))!;
    const body = JSON.parse(String(search[1]!.body));
    expect(body).toMatchObject({ filter: "trace.status = 'OK'", order_by: ['timestamp_ms DESC'], locations: [{ mlflow_experiment: { experiment_id: '1' } }] });
    fireEvent.click(screen.getByRole('button', { name: 'Next →' }));
    await waitFor(() => expect(f.mock.calls.some(([u, i]) => String(u).includes('traces/search') && String(i?.body).includes('"page_token":"tok"'))).toBe(true));
  });
  it('deletes the selected traces', async () => {
    const f = vi.fn(async (url: string, _init?: RequestInit) =>
      url.includes('delete-traces') ? json({ traces_deleted: 1 }) : url.includes('experiments/get') ? json({ experiment: { experiment_id: '1', name: 'e' } }) : json({ traces: [info] }),
    );
    vi.stubGlobal('fetch', f);
    vi.stubGlobal('confirm', () => true);
    renderAt('/experiments/1/traces');
    fireEvent.click(await screen.findByRole('checkbox', { name: `Select ${info.trace_id}` }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(f.mock.calls.some(([u]) => u.includes('delete-traces'))).toBe(true));
    const call = f.mock.calls.find(([u]) => u.includes('delete-traces'))!;
    expect(call[0]).toContain('ajax-api/3.0/mlflow/traces/delete-traces');
    expect(JSON.parse(String(call[1]!.body))).toEqual({ experiment_id: '1', request_ids: [info.trace_id] });
    await waitFor(() => expect(f.mock.calls.filter(([u]) => u.includes('traces/search')).length).toBe(2)); // reloaded
  });
  it('shows the server error for a bad filter', async () => {
    vi.stubGlobal('fetch', async (url: string) =>
      url.includes('traces/search') ? json({ error_code: 'INVALID_PARAMETER_VALUE', message: "Invalid clause(s) in filter string: 'trace.status', '='" }, 400) : json({ experiment: { experiment_id: '1', name: 'e' } }),
    );
    renderAt('/experiments/1/traces?filter=' + encodeURIComponent('trace.status ='));
    expect((await screen.findByRole('alert')).textContent).toContain('Invalid clause');
  });
});

describe('TracePage', () => {
  it('shows the span tree, the selected span, assessments, and logs feedback', async () => {
    const f = vi.fn(async (url: string, init?: RequestInit) => {
      if (url.includes('experiments/get')) return json({ experiment: { experiment_id: '1', name: 'exp' } });
      if (url.includes('/tags')) return json({});
      if (url.includes('/assessments'))
        return json({ assessment: { ...JSON.parse(String(init!.body)).assessment, assessment_id: 'a-2' } });
      return json({ trace: { trace_info: info, spans } });
    });
    vi.stubGlobal('fetch', f);
    renderAt(`/experiments/1/traces/${info.trace_id}`);
    await screen.findByRole('tree', { name: 'Spans' });
    expect(screen.getByRole('treeitem', { name: 'root' }).getAttribute('aria-selected')).toBe('true');
    expect(screen.getByRole('region', { name: 'Span detail' }).textContent).toContain('b7ad6b7169203331');
    expect(screen.getByLabelText('Inputs').textContent).toContain('"hi"');
    fireEvent.click(screen.getByRole('treeitem', { name: 'llm-call' }));
    expect(screen.getByRole('region', { name: 'Span detail' }).textContent).toContain('ERROR: boom');
    expect(screen.getByRole('table', { name: 'Assessment list' }).textContent).toContain('quality');

    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'helpful' } });
    fireEvent.change(screen.getByLabelText('Value'), { target: { value: 'true' } });
    fireEvent.change(screen.getByLabelText('Rationale'), { target: { value: 'clear' } });
    fireEvent.submit(screen.getByRole('form', { name: 'Add feedback' }));
    await waitFor(() => expect(screen.getByRole('table', { name: 'Assessment list' }).textContent).toContain('helpful'));
    // Tags: added through PATCH traces/<id>/tags, shown at once.
    fireEvent.change(screen.getByLabelText('Tag key'), { target: { value: 'reviewed' } });
    fireEvent.change(screen.getByLabelText('Tag value'), { target: { value: 'yes' } });
    fireEvent.submit(screen.getByRole('form', { name: 'Add tag' }));
    await screen.findByText('reviewed: yes');
    const patch = f.mock.calls.find(([, i]) => i?.method === 'PATCH')!;
    expect(String(patch[0])).toContain(`ajax-api/3.0/mlflow/traces/${info.trace_id}/tags`);
    const post = f.mock.calls.find(([u]) => String(u).includes('/assessments'))!;
    expect(String(post[0])).toContain(`ajax-api/3.0/mlflow/traces/${info.trace_id}/assessments`);
    expect(JSON.parse(String(post[1]!.body)).assessment).toMatchObject({ assessment_name: 'helpful', feedback: { value: true }, rationale: 'clear', source: { source_type: 'HUMAN' } });
  });
  it('opens at the span a link names, and finds spans by name', async () => {
    vi.stubGlobal('fetch', async (url: string) => (url.includes('experiments/get') ? json({ experiment: { experiment_id: '1', name: 'exp' } }) : json({ trace: { trace_info: info, spans } })));
    renderAt(`/experiments/1/traces/${info.trace_id}?span=00f067aa0ba902b7`);
    await screen.findByRole('tree', { name: 'Spans' });
    expect(screen.getByRole('treeitem', { name: 'llm-call' }).getAttribute('aria-selected')).toBe('true');
    fireEvent.change(screen.getByLabelText('Find span'), { target: { value: 'ROOT' } });
    fireEvent.click(screen.getByRole('button', { name: 'Next match' }));
    expect(screen.getByRole('treeitem', { name: 'root' }).getAttribute('aria-selected')).toBe('true');
    fireEvent.change(screen.getByLabelText('Find span'), { target: { value: 'nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Next match' }));
    expect(screen.getByText('No span matches.')).toBeTruthy();
  });
  it('shows MLflow\'s message for a missing trace', async () => {
    vi.stubGlobal('fetch', async (url: string) =>
      url.includes('traces/get') ? json({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Trace with ID tr-x is not found.' }, 404) : json({ experiment: { experiment_id: '1', name: 'e' } }),
    );
    renderAt('/experiments/1/traces/tr-x');
    expect((await screen.findByRole('alert')).textContent).toContain('tr-x is not found');
  });
});
