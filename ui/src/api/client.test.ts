import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, apiUrl } from './client';

function mockFetch(status: number, body: string) {
  const f = vi.fn(async () => new Response(body, { status, statusText: status === 200 ? 'OK' : 'Bad Request' }));
  vi.stubGlobal('fetch', f);
  return f;
}
afterEach(() => vi.unstubAllGlobals());

describe('api client', () => {
  it('resolves URLs against the document base (the static prefix)', () => {
    const base = document.createElement('base');
    base.href = 'http://h/prefix/';
    document.head.append(base);
    try {
      expect(apiUrl('get-artifact', { path: 'a b/c.txt', run_uuid: 'r1' })).toBe('http://h/prefix/get-artifact?path=a+b%2Fc.txt&run_uuid=r1');
    } finally {
      base.remove();
    }
  });

  it('turns MLflow error bodies into ApiError with the server message', async () => {
    mockFetch(400, JSON.stringify({ error_code: 'INVALID_PARAMETER_VALUE', message: "Invalid clause(s) in filter string: 'metrics.x >> 1'" }));
    const err = await api.searchRuns({ experiment_ids: ['1'], filter: 'metrics.x >> 1' }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toBe("Invalid clause(s) in filter string: 'metrics.x >> 1'");
    expect(err.code).toBe('INVALID_PARAMETER_VALUE');
    expect(err.status).toBe(400);
  });

  it('falls back to the status line when the body is not MLflow JSON', async () => {
    mockFetch(502, '<html>bad gateway</html>');
    const err = await api.getRun('x').catch((e) => e);
    expect(err.message).toMatch(/^502/);
  });

  it('reads NaN and Infinity as MLflow writes them', async () => {
    mockFetch(200, '{"metrics": [{"key": "a", "value": NaN, "timestamp": 1}, {"key": "b", "value": -Infinity, "timestamp": 2}]}');
    const pts = await api.metricHistorySampled('r', 'a', 10);
    expect(Number.isNaN(pts[0].value)).toBe(true);
    expect(pts[1].value).toBe(-Infinity);
  });

  it('sends GET parameters in the query and pages through experiments', async () => {
    const f = vi.fn(async (_url: string, init: RequestInit) => {
      const body = JSON.parse(String(init.body));
      return new Response(JSON.stringify(body.page_token ? { experiments: [{ experiment_id: '2' }] } : { experiments: [{ experiment_id: '1' }], next_page_token: 't' }));
    });
    vi.stubGlobal('fetch', f);
    expect((await api.searchExperiments('', 'ACTIVE_ONLY')).map((e) => e.experiment_id)).toEqual(['1', '2']);
    mockFetch(200, '{"files": []}');
    await api.listArtifacts('r1', 'dir');
    expect(String((fetch as unknown as { mock: { calls: string[][] } }).mock.calls[0][0])).toContain('ajax-api/2.0/mlflow/artifacts/list?run_id=r1&path=dir');
  });

  it('asks for several runs\' sampled histories in one request, run_ids repeated', async () => {
    const f = mockFetch(200, '{"metrics": [{"key": "loss", "value": 1, "timestamp": 1, "step": 0, "run_id": "a"}]}');
    expect((await api.metricHistoriesSampled(['a', 'b'], 'loss', 500, 10, 20))[0].run_id).toBe('a');
    const url = new URL(String((f.mock.calls[0] as unknown[])[0]));
    expect(url.pathname).toContain('ajax-api/2.0/mlflow/metrics/get-history-bulk-interval');
    expect(url.searchParams.getAll('run_ids')).toEqual(['a', 'b']);
    expect([url.searchParams.get('metric_key'), url.searchParams.get('max_results'), url.searchParams.get('start_step'), url.searchParams.get('end_step')]).toEqual(['loss', '500', '10', '20']);
  });
});
