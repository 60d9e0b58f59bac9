// The models of a run, from the wire shapes to what the run page lists (tested in models.test.ts):
// - MLflow 3 logged models: the run's model inputs and outputs, and the models whose source run it is;
// - MLflow 2 models: the `mlflow.log-model.history` tag, a JSON list of MLmodel summaries (one per log_model call).
import type { LoggedModel, Run } from '../../api/types';
import { toNumber } from '../../components/format';

export const HISTORY_TAG = 'mlflow.log-model.history';

/** How a logged model relates to the run: used by it, produced by it (at a step), and/or logged from it. */
export interface RunModelRef {
  modelId: string;
  input: boolean;
  output: boolean;
  step?: number;
  /** The model's `source_run_id` is this run. */
  source: boolean;
}

/**
 * The run's logged models, once each: its outputs first (by step), then models it is the source of but did not
 * output, then its inputs. `sourced` are the models a search by `source_run_id` found.
 */
export function runModelRefs(run: Run, sourced: LoggedModel[]): RunModelRef[] {
  const refs = new Map<string, RunModelRef>();
  const ref = (modelId: string) => {
    let r = refs.get(modelId);
    if (!r) refs.set(modelId, (r = { modelId, input: false, output: false, source: false }));
    return r;
  };
  for (const o of run.outputs?.model_outputs ?? []) {
    if (!o.model_id) continue;
    const r = ref(o.model_id);
    r.output = true;
    const step = toNumber(o.step);
    if (step !== undefined && Number.isFinite(step)) r.step = r.step === undefined ? step : Math.max(r.step, step);
  }
  for (const m of sourced) if (m.info.source_run_id === run.info.run_id) ref(m.info.model_id).source = true;
  for (const i of run.inputs?.model_inputs ?? []) if (i.model_id) ref(i.model_id).input = true;
  const rank = (r: RunModelRef) => (r.output ? 0 : r.source ? 1 : 2);
  return [...refs.values()].sort((a, b) => rank(a) - rank(b) || (a.step ?? 0) - (b.step ?? 0));
}

/** `output (step 3)`, `input`, `logged by this run`, or several of them joined. */
export function roleLabel(r: RunModelRef): string {
  const parts: string[] = [];
  if (r.output) parts.push(r.step ? `output (step ${r.step})` : 'output');
  if (r.input) parts.push('input');
  if (!r.output && r.source) parts.push('logged by this run');
  return parts.join(', ');
}

const STATUS: Record<string, string> = {
  LOGGED_MODEL_READY: 'Ready',
  LOGGED_MODEL_PENDING: 'Pending',
  LOGGED_MODEL_UPLOAD_FAILED: 'Upload failed',
  LOGGED_MODEL_STATUS_UNSPECIFIED: 'Unknown',
  '2': 'Ready',
  '1': 'Pending',
  '3': 'Upload failed',
  '0': 'Unknown',
};

/** A logged model's status in words (the enum may arrive by name or number). */
export function statusLabel(status: string | number | undefined): string {
  return status === undefined ? 'Unknown' : (STATUS[String(status)] ?? String(status));
}

/**
 * Each metric key's latest value (highest step, then latest time), by key; a metric logged for a dataset is labelled
 * `key (dataset)`, as the same key may be logged once per evaluation dataset.
 */
export function latestMetrics(model: LoggedModel): { key: string; value: number }[] {
  const best = new Map<string, { value: number; step: number; time: number }>();
  for (const m of model.data?.metrics ?? []) {
    const key = m.dataset_name ? `${m.key} (${m.dataset_name})` : m.key;
    const step = toNumber(m.step) ?? 0;
    const time = toNumber(m.timestamp) ?? 0;
    const cur = best.get(key);
    if (!cur || step > cur.step || (step === cur.step && time >= cur.time)) best.set(key, { value: Number(m.value), step, time });
  }
  return [...best.entries()].map(([key, v]) => ({ key, value: v.value })).sort((a, b) => a.key.localeCompare(b.key));
}

/** An MLflow 2 model, as one entry of the `mlflow.log-model.history` tag. */
export interface HistoryModel {
  artifactPath: string;
  flavors: string[];
  /** Milliseconds since the epoch, from `utc_time_created` (`2024-05-01 10:00:00.123456`, UTC). */
  created?: number;
  modelUuid?: string;
  /** MLflow 3 writes the logged model's id here too. */
  modelId?: string;
  runId?: string;
}

/** `utc_time_created` as MLflow writes it (Python's `str(datetime.utcnow())`), to milliseconds; undefined if unreadable. */
export function parseUtcTime(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!m) return undefined;
  const ms = m[7] ? Math.floor(Number(m[7].padEnd(6, '0')) / 1000) : 0;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], ms);
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/**
 * The models of the `mlflow.log-model.history` tag, newest last as MLflow appends them. Entries without an artifact
 * path are skipped; a tag that is not a JSON list gives an error message instead (shown, never thrown).
 */
export function parseModelHistory(value: string | undefined): { models: HistoryModel[]; error?: string } {
  if (!value) return { models: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { models: [], error: `The ${HISTORY_TAG} tag is not valid JSON.` };
  }
  if (!Array.isArray(parsed)) return { models: [], error: `The ${HISTORY_TAG} tag is not a JSON list.` };
  const models: HistoryModel[] = [];
  for (const e of parsed) {
    if (!e || typeof e !== 'object') continue;
    const o = e as Record<string, unknown>;
    const artifactPath = str(o.artifact_path);
    if (!artifactPath) continue;
    const flavors = o.flavors && typeof o.flavors === 'object' && !Array.isArray(o.flavors) ? Object.keys(o.flavors) : [];
    models.push({
      artifactPath,
      flavors,
      created: parseUtcTime(o.utc_time_created),
      modelUuid: str(o.model_uuid),
      modelId: str(o.model_id),
      runId: str(o.run_id),
    });
  }
  return { models };
}

/** History entries that are not already listed as logged models (MLflow 3 records both for one log_model call). */
export function historyOnly(models: HistoryModel[], loggedModelIds: Iterable<string>): HistoryModel[] {
  const known = new Set(loggedModelIds);
  return models.filter((m) => !m.modelId || !known.has(m.modelId));
}

/** A run page sub-path (the route's `*`): which view, and the artifact path or logged model it names. */
export type RunSubpath =
  | { view: 'overview' | 'metrics'; path: '' }
  | { view: 'artifacts'; path: string }
  | { view: 'model-artifacts'; modelId: string; path: string };

export function parseRunSubpath(rest: string): RunSubpath {
  const model = /^logged-models\/([^/]+)(?:\/artifacts(?:\/(.*))?)?$/.exec(rest);
  if (model) return { view: 'model-artifacts', modelId: model[1], path: model[2] ?? '' };
  if (rest === 'artifacts' || rest.startsWith('artifacts/')) return { view: 'artifacts', path: rest.slice('artifacts/'.length) };
  if (rest.startsWith('model-metrics') || rest.startsWith('metrics')) return { view: 'metrics', path: '' };
  return { view: 'overview', path: '' };
}

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

/** The run's artifact browser opened at `path`. */
export const runArtifactsUrl = (runUrl: string, path = '') => `${runUrl}/artifacts${path ? '/' + encodePath(path) : ''}`;

/** A logged model's artifact browser, under its run's page. */
export const modelArtifactsUrl = (runUrl: string, modelId: string, path = '') =>
  `${runUrl}/logged-models/${encodeURIComponent(modelId)}/artifacts${path ? '/' + encodePath(path) : ''}`;
