// Typed client for the REST routes MLflow's own UI calls (`/ajax-api/2.0/mlflow/...`, `/get-artifact`): the same public
// API the Python client uses, nothing private. URLs are relative to the document's base, which the server sets to
// `<static-prefix>/`, so the app works under any prefix without knowing it.
import type { Experiment, FileInfo, MetricPoint, Run, ViewType } from './types';

/** An error the server answered with: MLflow's `{error_code, message}` body, shown to the user as is. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function apiUrl(path: string, query?: Record<string, string | number | string[] | undefined>): string {
  const url = new URL(path.replace(/^\//, ''), document.baseURI);
  url.hash = '';
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(item));
  }
  return url.toString();
}

/** Reads an error response: MLflow's JSON when present, else the status line (a proxy's HTML page is not shown). */
export async function toApiError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error_code?: string; message?: string };
    if (body.message) return new ApiError(body.message, res.status, body.error_code ?? 'UNKNOWN');
  } catch {
    /* not JSON */
  }
  return new ApiError(`${res.status} ${res.statusText || 'error'}`.trim(), res.status, 'HTTP_' + res.status);
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

function call<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  return request<T>('2.0', method, path, body, signal);
}

/**
 * One REST call under `ajax-api/<version>/mlflow/`: GET sends `body` as the query string, the other methods as JSON.
 * Answers are parsed leniently (NaN and infinities as MLflow writes them); errors become {@link ApiError}.
 */
export async function request<T>(version: '2.0' | '3.0', method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const isGet = method === 'GET';
  const res = await fetch(apiUrl(`ajax-api/${version}/mlflow/` + path, isGet ? (body as Record<string, string | string[]>) : undefined), {
    method,
    signal,
    headers: isGet ? undefined : { 'Content-Type': 'application/json' },
    body: isGet ? undefined : JSON.stringify(body ?? {}),
  });
  if (!res.ok) throw await toApiError(res);
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    /* below */
  }
  // MLflow writes NaN and Infinity as bare words, which JSON.parse refuses; turn them into strings, then numbers.
  return JSON.parse(text.replace(/(?<=[:,[]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g, '"$1"'), (_k, v) =>
    v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? Number(v) : v,
  ) as T;
}

/** Sampled histories of one metric for several runs in one request (the server takes at most 100); each point carries its `run_id`. */
function metricHistoriesSampled(run_ids: string[], metric_key: string, max_results: number, start_step?: number, end_step?: number, signal?: AbortSignal) {
  const range = start_step !== undefined && end_step !== undefined ? { start_step: String(start_step), end_step: String(end_step) } : {};
  return call<{ metrics?: MetricPoint[] }>('GET', 'metrics/get-history-bulk-interval', { run_ids, metric_key, max_results: String(max_results), ...range }, signal).then(
    (r) => r.metrics ?? [],
  );
}

export const api = {
  async searchExperiments(filter: string, viewType: ViewType, signal?: AbortSignal): Promise<Experiment[]> {
    const out: Experiment[] = [];
    let page_token: string | undefined;
    do {
      const r = await call<{ experiments?: Experiment[]; next_page_token?: string }>(
        'POST',
        'experiments/search',
        { filter: filter || undefined, view_type: viewType, max_results: 1000, page_token, order_by: ['last_update_time DESC'] },
        signal,
      );
      out.push(...(r.experiments ?? []));
      page_token = r.next_page_token;
    } while (page_token);
    return out;
  },
  getExperiment: (id: string, signal?: AbortSignal) =>
    call<{ experiment: Experiment }>('GET', 'experiments/get', { experiment_id: id }, signal).then((r) => r.experiment),
  createExperiment: (name: string, artifact_location?: string) =>
    call<{ experiment_id: string }>('POST', 'experiments/create', { name, artifact_location: artifact_location || undefined }),
  renameExperiment: (experiment_id: string, new_name: string) => call('POST', 'experiments/update', { experiment_id, new_name }),
  deleteExperiment: (experiment_id: string) => call('POST', 'experiments/delete', { experiment_id }),
  restoreExperiment: (experiment_id: string) => call('POST', 'experiments/restore', { experiment_id }),
  setExperimentTag: (experiment_id: string, key: string, value: string) => call('POST', 'experiments/set-experiment-tag', { experiment_id, key, value }),
  deleteExperimentTag: (experiment_id: string, key: string) => call('POST', 'experiments/delete-experiment-tag', { experiment_id, key }),

  /** One page of runs/search; the runs table pages through with the returned token. */
  searchRuns: (
    req: { experiment_ids: string[]; filter?: string; run_view_type?: ViewType; order_by?: string[]; max_results?: number; page_token?: string },
    signal?: AbortSignal,
  ) => call<{ runs?: Run[]; next_page_token?: string }>('POST', 'runs/search', req, signal),
  getRun: (run_id: string, signal?: AbortSignal) => call<{ run: Run }>('GET', 'runs/get', { run_id }, signal).then((r) => r.run),
  setRunTag: (run_id: string, key: string, value: string) => call('POST', 'runs/set-tag', { run_id, key, value }),
  deleteRun: (run_id: string) => call('POST', 'runs/delete', { run_id }),
  restoreRun: (run_id: string) => call('POST', 'runs/restore', { run_id }),

  /** A metric's history sampled by the server (MLflow's bulk-interval route keeps the ends and spreads the rest). */
  metricHistorySampled: (run_id: string, metric_key: string, max_results: number, start_step?: number, end_step?: number, signal?: AbortSignal) =>
    metricHistoriesSampled([run_id], metric_key, max_results, start_step, end_step, signal),
  metricHistoriesSampled,

  listArtifacts: (run_id: string, path: string, signal?: AbortSignal) =>
    call<{ files?: FileInfo[]; root_uri?: string }>('GET', 'artifacts/list', path ? { run_id, path } : { run_id }, signal).then((r) => r.files ?? []),
  artifactUrl: (run_id: string, path: string) => apiUrl('get-artifact', { path, run_uuid: run_id }),
};
