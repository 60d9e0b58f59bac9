import { useMemo } from 'react';
import { Link } from 'react-router';
import { loggedModelsApi } from '../../api/loggedModels';
import { ErrorBox, Loading } from '../../components/Status';
import { useAsync } from '../../components/useAsync';
import { ArtifactsBrowser } from '../artifacts/ArtifactsBrowser';
import { loggedModelArtifacts } from '../artifacts/source';
import { modelArtifactsUrl, statusLabel } from './models';

/**
 * A logged model's artifacts, browsed from its run's page: the server lists and serves them from the model's artifact
 * location (logged-models/<id>/artifacts/directories and /files).
 */
export function LoggedModelArtifacts({ modelId, path, runUrl }: { modelId: string; path: string; runUrl: string }) {
  const model = useAsync((s) => loggedModelsApi.get(modelId, s), [modelId]);
  const source = useMemo(() => loggedModelArtifacts(modelId), [modelId]);
  return (
    <div className="model-artifacts">
      <div className="model-artifacts-head">
        <h2>
          Artifacts of logged model {model.data?.info.name ?? modelId} <code className="muted">{modelId}</code>
        </h2>
        <Link to={runUrl}>Back to the run</Link>
      </div>
      {model.error !== undefined ? (
        <ErrorBox error={model.error} onRetry={model.reload} />
      ) : !model.data ? (
        <Loading label="Loading logged model…" />
      ) : (
        <>
          <p className="muted">
            {statusLabel(model.data.info.status)} · location <code>{model.data.info.artifact_uri ?? '—'}</code>
          </p>
          <ArtifactsBrowser key={source.key} source={source} path={path} baseUrl={modelArtifactsUrl(runUrl, modelId)} />
        </>
      )}
    </div>
  );
}
