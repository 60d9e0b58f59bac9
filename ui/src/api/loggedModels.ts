// MLflow 3's logged models (`/ajax-api/2.0/mlflow/logged-models/...`): search, get, and their artifacts, which the
// server lists and serves wherever the model's artifact location is (proxied or not), as MLflow's server does.
import { apiUrl, request } from './client';
import { quoteValue } from './search';
import type { FileInfo, LoggedModel } from './types';

/** The filter for the models a run logged (MLflow's grammar takes one comparison here, so nothing else is added). */
export const sourceRunFilter = (runId: string) => `source_run_id = ${quoteValue(runId)}`;

export const loggedModelsApi = {
  /** Every page of logged-models/search. */
  async search(experiment_ids: string[], filter: string, signal?: AbortSignal): Promise<LoggedModel[]> {
    const out: LoggedModel[] = [];
    let page_token: string | undefined;
    do {
      const r = await request<{ models?: LoggedModel[]; next_page_token?: string }>(
        '2.0',
        'POST',
        'logged-models/search',
        { experiment_ids, filter, max_results: 100, page_token },
        signal,
      );
      out.push(...(r.models ?? []));
      page_token = r.next_page_token;
    } while (page_token);
    return out;
  },
  get: (model_id: string, signal?: AbortSignal) =>
    request<{ model: LoggedModel }>('2.0', 'GET', `logged-models/${encodeURIComponent(model_id)}`, undefined, signal).then((r) => r.model),
  listArtifacts: (model_id: string, path: string, signal?: AbortSignal) =>
    request<{ files?: FileInfo[] }>(
      '2.0',
      'GET',
      `logged-models/${encodeURIComponent(model_id)}/artifacts/directories`,
      path ? { artifact_directory_path: path } : undefined,
      signal,
    ).then((r) => r.files ?? []),
  artifactUrl: (model_id: string, path: string) =>
    apiUrl(`ajax-api/2.0/mlflow/logged-models/${encodeURIComponent(model_id)}/artifacts/files`, { artifact_file_path: path }),
};
