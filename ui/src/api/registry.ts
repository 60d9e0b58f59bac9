// The model registry's REST routes (`/ajax-api/2.0/mlflow/registered-models/*`, `/model-versions/*`), as MLflow's UI
// calls them: GET with a query string for reads, POST/PATCH/DELETE with a JSON body for writes.
import { request } from './client';
import { quoteValue } from './search';
import type { KeyValue } from './types';

export interface ModelVersion {
  name: string;
  version: string;
  creation_timestamp?: number | string;
  last_updated_timestamp?: number | string;
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  run_link?: string;
  status?: string;
  status_message?: string;
  user_id?: string;
  tags?: KeyValue[];
  aliases?: string[];
  model_id?: string;
}

export interface RegisteredModel {
  name: string;
  creation_timestamp?: number | string;
  last_updated_timestamp?: number | string;
  description?: string;
  latest_versions?: ModelVersion[];
  tags?: KeyValue[];
  aliases?: { alias: string; version: string }[];
}

/** MLflow's legacy stages, in the order its UI offers them. */
export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;

/** Prompts are registered models with this tag; the models list hides them, as MLflow's UI does. */
export const PROMPT_TAG = 'mlflow.prompt.is_prompt';

/**
 * The models search box: plain words search names (`name ILIKE '%words%'`), anything that looks like a filter is sent
 * as is; either way prompts are excluded with `tags.\`mlflow.prompt.is_prompt\` != 'true'` (the grammar has no
 * parentheses, so the clauses are joined with AND, which is what MLflow's UI sends too).
 */
export function modelsFilter(text: string): string {
  const t = text.trim();
  const exclude = "tags.`" + PROMPT_TAG + "` != 'true'";
  if (!t) return exclude;
  const user = /[=<>]|\b(i?like|in)\b/i.test(t) ? t : `name ILIKE ${quoteValue(`%${t}%`)}`;
  return `${user} AND ${exclude}`;
}

/** Each version's aliases, by version. */
export function aliasesByVersion(model: RegisteredModel): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const a of model.aliases ?? []) out.set(a.version, [...(out.get(a.version) ?? []), a.alias]);
  return out;
}

/** `runs:/<id>/path` or a run id field → the run id, if any. */
export function sourceRunId(v: ModelVersion): string | undefined {
  if (v.run_id) return v.run_id;
  return /^runs:\/([0-9a-f]{32})\b/i.exec(v.source ?? '')?.[1];
}

const r2 = <T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, signal?: AbortSignal) =>
  request<T>('2.0', method, path, body, signal);

export const registry = {
  async searchModels(filter: string, orderBy = 'name ASC', signal?: AbortSignal): Promise<RegisteredModel[]> {
    const out: RegisteredModel[] = [];
    let page_token: string | undefined;
    do {
      const query: Record<string, string> = { filter, max_results: '1000', order_by: orderBy };
      if (page_token) query.page_token = page_token;
      const r = await r2<{ registered_models?: RegisteredModel[]; next_page_token?: string }>('GET', 'registered-models/search', query, signal);
      out.push(...(r.registered_models ?? []));
      page_token = r.next_page_token;
    } while (page_token && out.length < 100_000);
    return out;
  },
  getModel: (name: string, signal?: AbortSignal) =>
    r2<{ registered_model: RegisteredModel }>('GET', 'registered-models/get', { name }, signal).then((r) => r.registered_model),
  createModel: (name: string, description?: string) =>
    r2<{ registered_model: RegisteredModel }>('POST', 'registered-models/create', { name, description: description || undefined }),
  renameModel: (name: string, new_name: string) => r2('POST', 'registered-models/rename', { name, new_name }),
  updateModel: (name: string, description: string) => r2('PATCH', 'registered-models/update', { name, description }),
  deleteModel: (name: string) => r2('DELETE', 'registered-models/delete', { name }),
  setModelTag: (name: string, key: string, value: string) => r2('POST', 'registered-models/set-tag', { name, key, value }),
  deleteModelTag: (name: string, key: string) => r2('DELETE', 'registered-models/delete-tag', { name, key }),
  setAlias: (name: string, alias: string, version: string) => r2('POST', 'registered-models/alias', { name, alias, version }),
  deleteAlias: (name: string, alias: string) => r2('DELETE', 'registered-models/alias', { name, alias }),

  async searchVersions(name: string, signal?: AbortSignal): Promise<ModelVersion[]> {
    const out: ModelVersion[] = [];
    let page_token: string | undefined;
    do {
      const query: Record<string, string> = { filter: `name = ${quoteValue(name)}`, max_results: '10000' };
      if (page_token) query.page_token = page_token;
      const r = await r2<{ model_versions?: ModelVersion[]; next_page_token?: string }>('GET', 'model-versions/search', query, signal);
      out.push(...(r.model_versions ?? []));
      page_token = r.next_page_token;
    } while (page_token);
    return out.sort((a, b) => Number(b.version) - Number(a.version));
  },
  getVersion: (name: string, version: string, signal?: AbortSignal) =>
    r2<{ model_version: ModelVersion }>('GET', 'model-versions/get', { name, version }, signal).then((r) => r.model_version),
  updateVersion: (name: string, version: string, description: string) => r2('PATCH', 'model-versions/update', { name, version, description }),
  transitionStage: (name: string, version: string, stage: string, archive_existing_versions: boolean) =>
    r2('POST', 'model-versions/transition-stage', { name, version, stage, archive_existing_versions }),
  deleteVersion: (name: string, version: string) => r2('DELETE', 'model-versions/delete', { name, version }),
  setVersionTag: (name: string, version: string, key: string, value: string) => r2('POST', 'model-versions/set-tag', { name, version, key, value }),
  deleteVersionTag: (name: string, version: string, key: string) => r2('DELETE', 'model-versions/delete-tag', { name, version, key }),
};
