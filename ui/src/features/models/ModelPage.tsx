import { useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { aliasesByVersion, registry, sourceRunId, type ModelVersion, type RegisteredModel } from '../../api/registry';
import { FormDialog } from '../../components/Dialog';
import { PageHeading } from '../../components/PageHeading';
import { ErrorBox, Loading } from '../../components/Status';
import { formatTime } from '../../components/format';
import { useAsync } from '../../components/useAsync';
import { VirtualTable, type TableColumn } from '../../components/VirtualTable';
import { DescriptionEditor, TagEditor } from '../../components/Editors';
import { MODELS_CRUMB, modelUrl, versionUrl } from './urls';
import '../run/run.css';

/** A registered model: details, description, aliases, tags, and its versions (stage, aliases, source run). */
export function ModelPage() {
  const { name = '' } = useParams();
  const navigate = useNavigate();
  const model = useAsync((s) => registry.getModel(name, s), [name]);
  const versions = useAsync((s) => registry.searchVersions(name, s), [name]);
  const [renaming, setRenaming] = useState(false);
  const [actionError, setActionError] = useState<unknown>();
  const reload = () => {
    model.reload();
    versions.reload();
  };
  const m = model.data;
  const aliases = useMemo(() => (m ? aliasesByVersion(m) : new Map<string, string[]>()), [m]);

  const columns = useMemo<TableColumn<ModelVersion>[]>(
    () => [
      { id: 'version', header: 'Version', width: 110, render: (v) => <Link to={versionUrl(name, v.version)}>Version {v.version}</Link> },
      { id: 'created', header: 'Registered at', width: 170, render: (v) => formatTime(v.creation_timestamp) },
      { id: 'stage', header: 'Stage', width: 110, render: (v) => v.current_stage ?? 'None' },
      {
        id: 'aliases',
        header: 'Aliases',
        width: 180,
        render: (v) =>
          (aliases.get(v.version) ?? []).map((a) => (
            <span key={a} className="chip">
              @{a}
            </span>
          )),
      },
      { id: 'status', header: 'Status', width: 110, render: (v) => v.status ?? '' },
      {
        id: 'run',
        header: 'Source run',
        width: 280,
        render: (v) => {
          const run = sourceRunId(v);
          return run ? (
            <Link to={`/runs/${run}`}>
              <code>{run}</code>
            </Link>
          ) : (
            <span className="muted">{v.source}</span>
          );
        },
      },
      { id: 'description', header: 'Description', width: 240, render: (v) => <span title={v.description}>{v.description}</span> },
    ],
    [name, aliases],
  );

  const act = async (f: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await f();
      reload();
    } catch (e) {
      setActionError(e);
    }
  };

  return (
    <div className="page model-page">
      <PageHeading trail={[MODELS_CRUMB]} title={name}>
        {m && (
          <span className="row-actions">
            <button type="button" onClick={() => setRenaming(true)}>
              Rename
            </button>
            <button
              type="button"
              onClick={async () => {
                if (!confirm(`Delete model "${name}" and all its versions?`)) return;
                setActionError(undefined);
                try {
                  await registry.deleteModel(name);
                  navigate('/models');
                } catch (e) {
                  setActionError(e);
                }
              }}
            >
              Delete
            </button>
          </span>
        )}
      </PageHeading>
      {actionError !== undefined && <ErrorBox error={actionError} />}
      {model.error !== undefined ? (
        <ErrorBox error={model.error} onRetry={model.reload} />
      ) : !m ? (
        <Loading label="Loading model…" />
      ) : (
        <>
          <dl className="details">
            <div>
              <dt>Created</dt>
              <dd>{formatTime(m.creation_timestamp)}</dd>
            </div>
            <div>
              <dt>Last modified</dt>
              <dd>{formatTime(m.last_updated_timestamp)}</dd>
            </div>
            <div>
              <dt>Versions</dt>
              <dd>{versions.data?.length ?? '…'}</dd>
            </div>
          </dl>
          <DescriptionEditor value={m.description ?? ''} onSave={(t) => registry.updateModel(name, t).then(model.reload)} />
          <AliasEditor model={m} versions={versions.data ?? []} onChange={(f) => act(f)} />
          <TagEditor
            tags={m.tags ?? []}
            onSet={(k, v) => registry.setModelTag(name, k, v).then(model.reload)}
            onDelete={(k) => registry.deleteModelTag(name, k).then(model.reload)}
          />
          <h2>Versions</h2>
          {versions.error !== undefined ? (
            <ErrorBox error={versions.error} onRetry={versions.reload} />
          ) : !versions.data ? (
            <Loading label="Loading versions…" />
          ) : (
            <div className="table-box" style={{ height: Math.min(400, Math.max(3, versions.data.length + 1) * 32 + 4) }}>
              <VirtualTable
                label="versions"
                rows={versions.data}
                columns={columns}
                pinned={1}
                rowKey={(v) => v.version}
                onOpen={(v) => navigate(versionUrl(name, v.version))}
                empty="No versions registered yet."
              />
            </div>
          )}
        </>
      )}
      {renaming && (
        <FormDialog
          title="Rename model"
          submitLabel="Rename"
          fields={[{ name: 'name', label: 'New name', required: true, initial: name }]}
          onClose={() => setRenaming(false)}
          onSubmit={async (v) => {
            await registry.renameModel(name, v.name.trim());
            navigate(modelUrl(v.name.trim()), { replace: true });
          }}
        />
      )}
    </div>
  );
}

/** Aliases (`@champion` → version 3): listed with a remove button, and a form to point an alias at a version. */
function AliasEditor({ model, versions, onChange }: { model: RegisteredModel; versions: ModelVersion[]; onChange: (f: () => Promise<unknown>) => void }) {
  const [alias, setAlias] = useState('');
  const [version, setVersion] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = version || versions[0]?.version;
    if (!v) return;
    onChange(() => registry.setAlias(model.name, alias.trim(), v));
    setAlias('');
  };
  return (
    <section>
      <h2>
        Aliases <span className="muted">({model.aliases?.length ?? 0})</span>
      </h2>
      <div className="toolbar">
        {(model.aliases ?? []).map((a) => (
          <span key={a.alias} className="chip alias">
            <Link to={versionUrl(model.name, a.version)}>
              @{a.alias} → v{a.version}
            </Link>
            <button type="button" className="link" aria-label={`Remove alias ${a.alias}`} onClick={() => onChange(() => registry.deleteAlias(model.name, a.alias))}>
              ✕
            </button>
          </span>
        ))}
      </div>
      {versions.length > 0 && (
        <form className="toolbar inline-form" onSubmit={submit} aria-label="Set alias">
          <input aria-label="Alias" placeholder="alias (e.g. champion)" required value={alias} onChange={(e) => setAlias(e.target.value)} />
          <select aria-label="Alias version" value={version || versions[0].version} onChange={(e) => setVersion(e.target.value)}>
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                Version {v.version}
              </option>
            ))}
          </select>
          <button type="submit">Set alias</button>
        </form>
      )}
    </section>
  );
}
