import { useMemo } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { loggedModelsApi, sourceRunFilter } from '../../api/loggedModels';
import type { LoggedModel, Run } from '../../api/types';
import { ErrorBox, errorMessage, Loading } from '../../components/Status';
import { formatMetric, formatTime, tagValue } from '../../components/format';
import { useAsync } from '../../components/useAsync';
import {
  HISTORY_TAG,
  historyOnly,
  latestMetrics,
  modelArtifactsUrl,
  parseModelHistory,
  roleLabel,
  runArtifactsUrl,
  runModelRefs,
  statusLabel,
  type HistoryModel,
  type RunModelRef,
} from './models';

export interface ModelEntry {
  ref: RunModelRef;
  model?: LoggedModel;
  /** The model could not be read (deleted, or in an experiment the user cannot see). */
  error?: unknown;
}

/**
 * The run's logged models: those whose source run it is (logged-models/search), plus its model inputs and outputs
 * (each read with logged-models/get unless the search found it). A model that cannot be read stays listed, with the
 * server's message.
 */
export async function loadRunModels(run: Run, signal: AbortSignal): Promise<ModelEntry[]> {
  const sourced = await loggedModelsApi.search([run.info.experiment_id], sourceRunFilter(run.info.run_id), signal);
  const found = new Map(sourced.map((m) => [m.info.model_id, m]));
  return Promise.all(
    runModelRefs(run, sourced).map(async (ref): Promise<ModelEntry> => {
      const known = found.get(ref.modelId);
      if (known) return { ref, model: known };
      try {
        return { ref, model: await loggedModelsApi.get(ref.modelId, signal) };
      } catch (error) {
        if (signal.aborted) throw error;
        return { ref, error };
      }
    }),
  );
}

/** The run's models: MLflow 3 logged models (loaded here) and MLflow 2 models from the `mlflow.log-model.history` tag. */
export function LoggedModelsSection({ run }: { run: Run }) {
  const runUrl = `/experiments/${run.info.experiment_id}/runs/${run.info.run_id}`;
  // Reloaded when the run's model inputs or outputs change, not on every reload of the run (a description edit).
  const modelKey = JSON.stringify([run.info.run_id, run.inputs?.model_inputs, run.outputs?.model_outputs]);
  const entries = useAsync((s) => loadRunModels(run, s), [modelKey]);
  const history = useMemo(() => parseModelHistory(tagValue(run.data.tags, HISTORY_TAG)), [run]);
  const legacy = useMemo(() => historyOnly(history.models, (entries.data ?? []).map((e) => e.ref.modelId)), [history, entries.data]);
  const count = (entries.data?.length ?? 0) + legacy.length;
  return (
    <section className="run-section">
      <h2>
        Logged models {entries.data && <span className="muted">({count})</span>}
      </h2>
      {entries.error !== undefined ? (
        <ErrorBox error={entries.error} onRetry={entries.reload} />
      ) : !entries.data ? (
        <Loading label="Loading logged models…" />
      ) : entries.data.length > 0 ? (
        <LoggedModelsTable entries={entries.data} runUrl={runUrl} />
      ) : (
        legacy.length === 0 && !history.error && <p className="muted">None.</p>
      )}
      {history.error && <ErrorBox error={new Error(history.error)} />}
      {legacy.length > 0 && <HistoryModelsTable models={legacy} runUrl={runUrl} />}
    </section>
  );
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

export function LoggedModelsTable({ entries, runUrl }: { entries: ModelEntry[]; runUrl: string }) {
  return (
    <table className="data-table" aria-label="Logged models">
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col">Role</th>
          <th scope="col">Status</th>
          <th scope="col">Created</th>
          <th scope="col">Params and metrics</th>
          <th scope="col">Artifacts</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(({ ref, model, error }) => {
          const name = model?.info.name || ref.modelId;
          const metrics = model ? latestMetrics(model) : [];
          return (
            <tr key={ref.modelId}>
              <th scope="row">
                {name}
                <code className="model-id muted">{ref.modelId}</code>
              </th>
              <td className="nowrap">{roleLabel(ref)}</td>
              {!model ? (
                <td colSpan={4} className="error-text">
                  {error instanceof ApiError ? `${error.code}: ` : ''}
                  {errorMessage(error)}
                </td>
              ) : (
                <>
                  <td className="nowrap">{statusLabel(model.info.status)}</td>
                  <td className="nowrap">{formatTime(model.info.creation_timestamp_ms)}</td>
                  <td>
                    <span className="muted">
                      {plural(model.data?.params?.length ?? 0, 'param')}, {plural(metrics.length, 'metric')}
                    </span>{' '}
                    {metrics.slice(0, 3).map((m) => (
                      <span key={m.key} className="chip" title={`${m.key} = ${m.value}`}>
                        {m.key}: {formatMetric(m.value)}
                      </span>
                    ))}
                    {metrics.length > 3 && <span className="muted"> +{metrics.length - 3}</span>}
                  </td>
                  <td>
                    <Link to={modelArtifactsUrl(runUrl, ref.modelId)} aria-label={`Artifacts of ${name}`} title={model.info.artifact_uri}>
                      Artifacts
                    </Link>
                    {model.info.artifact_uri && <code className="location muted">{model.info.artifact_uri}</code>}
                  </td>
                </>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function HistoryModelsTable({ models, runUrl }: { models: HistoryModel[]; runUrl: string }) {
  return (
    <>
      <h3>
        Models recorded in the <code>{HISTORY_TAG}</code> tag
      </h3>
      <table className="data-table" aria-label="Models in the run's history">
        <thead>
          <tr>
            <th scope="col">Artifact path</th>
            <th scope="col">Flavors</th>
            <th scope="col">Created</th>
            <th scope="col">Model UUID</th>
          </tr>
        </thead>
        <tbody>
          {models.map((m, i) => (
            <tr key={`${i}:${m.artifactPath}`}>
              <th scope="row">
                <Link to={runArtifactsUrl(runUrl, m.artifactPath)}>{m.artifactPath}</Link>
              </th>
              <td>
                {m.flavors.map((f) => (
                  <span key={f} className="chip">
                    {f}
                  </span>
                ))}
              </td>
              <td className="nowrap">{formatTime(m.created)}</td>
              <td>{m.modelUuid ? <code>{m.modelUuid}</code> : <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
