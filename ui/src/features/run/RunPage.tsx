import { useMemo } from 'react';
import { NavLink, useParams } from 'react-router';
import { api } from '../../api/client';
import { PageHeading } from '../../components/PageHeading';
import { ErrorBox, Loading } from '../../components/Status';
import { useAsync } from '../../components/useAsync';
import { ArtifactsBrowser } from '../artifacts/ArtifactsBrowser';
import { runArtifacts } from '../artifacts/source';
import { experimentTrail } from '../experiments/crumbs';
import { runName } from '../runs/rows';
import { LoggedModelArtifacts } from './LoggedModelArtifacts';
import { parseRunSubpath } from './models';
import { MetricsTab } from './MetricsTab';
import { Overview } from './Overview';
import './run.css';

/**
 * A run: overview, metric charts and artifacts, on MLflow's URLs (`.../runs/<id>`, `/model-metrics`, `/artifacts/<path>`),
 * plus the artifacts of a logged model of the run (`.../runs/<id>/logged-models/<model id>/artifacts/<path>`).
 */
export function RunPage() {
  const { experimentId = '', runId = '', '*': rest = '' } = useParams();
  const run = useAsync((s) => api.getRun(runId, s), [runId]);
  const experiment = useAsync((s) => api.getExperiment(experimentId, s), [experimentId]);
  const base = `/experiments/${experimentId}/runs/${runId}`;
  const sub = parseRunSubpath(rest);
  const tab = sub.view;
  const source = useMemo(() => runArtifacts(runId), [runId]);

  return (
    <div className="page run-page">
      <PageHeading trail={experimentTrail(experimentId, experiment.data?.name)} title={run.data ? runName(run.data) : runId} />
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
      {sub.view === 'model-artifacts' ? (
        <LoggedModelArtifacts modelId={sub.modelId} path={sub.path} runUrl={base} />
      ) : run.error !== undefined ? (
        <ErrorBox error={run.error} onRetry={run.reload} />
      ) : !run.data ? (
        <Loading label="Loading run…" />
      ) : sub.view === 'overview' ? (
        <Overview run={run.data} onChanged={run.reload} />
      ) : sub.view === 'metrics' ? (
        <MetricsTab run={run.data} />
      ) : (
        <ArtifactsBrowser key={source.key} source={source} path={sub.path} baseUrl={`${base}/artifacts`} />
      )}
    </div>
  );
}
