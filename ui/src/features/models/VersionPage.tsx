import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { registry, sourceRunId, STAGES } from '../../api/registry';
import { PageHeading } from '../../components/PageHeading';
import { ErrorBox, Loading } from '../../components/Status';
import { formatTime } from '../../components/format';
import { useAsync } from '../../components/useAsync';
import { DescriptionEditor, TagEditor } from '../../components/Editors';
import { MODELS_CRUMB, modelUrl } from './urls';
import '../run/run.css';

/** A model version: status, stage (with transition), aliases, source and source run, description, tags. */
export function VersionPage() {
  const { name = '', version = '' } = useParams();
  const navigate = useNavigate();
  const mv = useAsync((s) => registry.getVersion(name, version, s), [name, version]);
  const [stage, setStage] = useState('');
  const [archive, setArchive] = useState(false);
  const [actionError, setActionError] = useState<unknown>();
  const v = mv.data;
  const run = v && sourceRunId(v);

  const act = async (f: () => Promise<unknown>, after?: () => void) => {
    setActionError(undefined);
    try {
      await f();
      (after ?? mv.reload)();
    } catch (e) {
      setActionError(e);
    }
  };

  return (
    <div className="page version-page">
      <PageHeading trail={[MODELS_CRUMB, { to: modelUrl(name), label: name }]} title={<>Version {version}</>}>
        {v && (
          <button
            type="button"
            onClick={() => confirm(`Delete version ${version} of "${name}"?`) && act(() => registry.deleteVersion(name, version), () => navigate(modelUrl(name)))}
          >
            Delete version
          </button>
        )}
      </PageHeading>
      {actionError !== undefined && <ErrorBox error={actionError} />}
      {mv.error !== undefined ? (
        <ErrorBox error={mv.error} onRetry={mv.reload} />
      ) : !v ? (
        <Loading label="Loading version…" />
      ) : (
        <>
          <dl className="details">
            <div>
              <dt>Status</dt>
              <dd>
                {v.status}
                {v.status_message ? ` (${v.status_message})` : ''}
              </dd>
            </div>
            <div>
              <dt>Stage</dt>
              <dd>{v.current_stage ?? 'None'}</dd>
            </div>
            <div>
              <dt>Registered</dt>
              <dd>{formatTime(v.creation_timestamp)}</dd>
            </div>
            <div>
              <dt>Last modified</dt>
              <dd>{formatTime(v.last_updated_timestamp)}</dd>
            </div>
            {v.user_id && (
              <div>
                <dt>User</dt>
                <dd>{v.user_id}</dd>
              </div>
            )}
            <div className="wide">
              <dt>Source run</dt>
              <dd>
                {run ? (
                  <Link to={`/runs/${run}`}>
                    <code>{run}</code>
                  </Link>
                ) : (
                  '—'
                )}
              </dd>
            </div>
            <div className="wide">
              <dt>Source</dt>
              <dd title={v.source}>
                <code>{v.source}</code>
              </dd>
            </div>
            <div>
              <dt>Aliases</dt>
              <dd>
                {(v.aliases ?? []).length
                  ? v.aliases!.map((a) => (
                      <span key={a} className="chip">
                        @{a}
                      </span>
                    ))
                  : '—'}
              </dd>
            </div>
          </dl>
          <section>
            <h2>Stage</h2>
            <div className="toolbar">
              <select aria-label="New stage" value={stage || v.current_stage || 'None'} onChange={(e) => setStage(e.target.value)}>
                {STAGES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
              <label className="check">
                <input type="checkbox" checked={archive} onChange={(e) => setArchive(e.target.checked)} /> Archive other versions in this stage
              </label>
              <button
                type="button"
                disabled={!stage || stage === v.current_stage}
                onClick={() => act(() => registry.transitionStage(name, version, stage, archive), () => (setStage(''), mv.reload()))}
              >
                Transition
              </button>
            </div>
          </section>
          <DescriptionEditor value={v.description ?? ''} onSave={(t) => registry.updateVersion(name, version, t).then(mv.reload)} />
          <TagEditor
            tags={v.tags ?? []}
            onSet={(k, val) => registry.setVersionTag(name, version, k, val).then(mv.reload)}
            onDelete={(k) => registry.deleteVersionTag(name, version, k).then(mv.reload)}
          />
        </>
      )}
    </div>
  );
}
