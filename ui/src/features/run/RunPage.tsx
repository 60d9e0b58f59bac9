import { NavLink, useParams } from 'react-router';
import { api } from '../../api/client';
import { ErrorBox, Loading } from '../../components/Status';
import { useAsync } from '../../components/useAsync';
import { ArtifactsBrowser } from '../artifacts/ArtifactsBrowser';
import { runName } from '../runs/rows';
import { MetricsTab } from './MetricsTab';
import { Overview } from './Overview';
import { Link } from 'react-router';
import './run.css';

/** A run: overview, metric charts and artifacts, on MLflow's URLs (`.../runs/<id>`, `/model-metrics`, `/artifacts/<path>`). */
export function RunPage() {
  const { experimentId = '', runId = '', '*': rest = '' } = useParams();
  const run = useAsync((s) => api.getRun(runId, s), [runId]);
  const experiment = useAsync((s) => api.getExperiment(experimentId, s), [experimentId]);
  const base = `/experiments/${experimentId}/runs/${runId}`;
  const tab = rest.startsWith('artifacts') ? 'artifacts' : rest.startsWith('model-metrics') || rest.startsWith('metrics') ? 'metrics' : 'overview';
  const artifactPath = rest.startsWith('artifacts/') ? rest.slice('artifacts/'.length) : '';

  return (
    <div className="page run-page">
      <div className="page-head">
        <h1>
          <Link to="/experiments" className="muted">
            Experiments
          </Link>{' '}
          /{' '}
          <Link to={`/experiments/${experimentId}`} className="muted">
            {experiment.data?.name ?? experimentId}
          </Link>{' '}
          / {run.data ? runName(run.data) : runId}
        </h1>
      </div>
      <nav className="tabs" aria-label="Run sections">
        <NavLink to={base} end className={() => (tab === 'overview' ? 'active' : '')}>
          Overview
        </NavLink>
        <NavLink to={`${base}/model-metrics`} className={() => (tab === 'metrics' ? 'active' : '')}>
          Metrics
        </NavLink>
        <NavLink to={`${base}/artifacts`} className={() => (tab === 'artifacts' ? 'active' : '')}>
          Artifacts
        </NavLink>
      </nav>
      {run.error !== undefined ? (
        <ErrorBox error={run.error} onRetry={run.reload} />
      ) : !run.data ? (
        <Loading label="Loading run…" />
      ) : tab === 'overview' ? (
        <Overview run={run.data} onChanged={run.reload} />
      ) : tab === 'metrics' ? (
        <MetricsTab run={run.data} />
      ) : (
        <ArtifactsBrowser runId={runId} path={artifactPath} baseUrl={`${base}/artifacts`} />
      )}
    </div>
  );
}
