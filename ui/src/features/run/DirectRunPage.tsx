import { Navigate, useParams } from 'react-router';
import { api } from '../../api/client';
import { ErrorBox, Loading } from '../../components/Status';
import { useAsync } from '../../components/useAsync';

/** `/runs/<id>` (MLflow's direct run link, used by model versions): looks up the run's experiment and redirects. */
export function DirectRunPage() {
  const { runId = '' } = useParams();
  const run = useAsync((s) => api.getRun(runId, s), [runId]);
  if (run.error !== undefined)
    return (
      <div className="page">
        <ErrorBox error={run.error} onRetry={run.reload} />
      </div>
    );
  if (!run.data)
    return (
      <div className="page">
        <Loading label="Loading run…" />
      </div>
    );
  return <Navigate to={`/experiments/${run.data.info.experiment_id}/runs/${runId}`} replace />;
}
