import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { experimentFilter } from '../../api/search';
import type { Experiment, ViewType } from '../../api/types';
import { FormDialog } from '../../components/Dialog';
import { TagChips } from '../../components/Editors';
import { PageHeading } from '../../components/PageHeading';
import { ErrorBox, Loading } from '../../components/Status';
import { formatTime } from '../../components/format';
import { useAsync } from '../../components/useAsync';
import { VirtualTable, type TableColumn } from '../../components/VirtualTable';
import { ExperimentTagsDialog } from './ExperimentTagsDialog';

type DialogState = { kind: 'create' } | { kind: 'rename' | 'tags'; exp: Experiment } | undefined;

/** Experiments: search (names or MLflow filter syntax), create, rename, edit tags, delete and restore. State lives in the URL. */
export function ExperimentsPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const view = (params.get('view') as ViewType) || 'ACTIVE_ONLY';
  const [draft, setDraft] = useState(q);
  const [dialog, setDialog] = useState<DialogState>();
  const [actionError, setActionError] = useState<unknown>();
  const navigate = useNavigate();
  const exps = useAsync((signal) => api.searchExperiments(experimentFilter(q), view, signal), [q, view]);

  const update = (next: Record<string, string>) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) v ? p.set(k, v) : p.delete(k);
    setParams(p, { replace: true });
  };
  const act = async (f: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await f();
      exps.reload();
    } catch (e) {
      setActionError(e);
    }
  };

  const columns = useMemo<TableColumn<Experiment>[]>(
    () => [
      {
        id: 'name',
        header: 'Name',
        width: 320,
        render: (e) => (
          <Link to={`/experiments/${e.experiment_id}`} className={e.lifecycle_stage === 'deleted' ? 'deleted' : undefined}>
            {e.name}
          </Link>
        ),
      },
      { id: 'id', header: 'ID', width: 110, render: (e) => e.experiment_id },
      { id: 'created', header: 'Created', width: 170, render: (e) => formatTime(e.creation_time) },
      { id: 'updated', header: 'Last modified', width: 170, render: (e) => formatTime(e.last_update_time) },
      {
        id: 'tags',
        header: 'Tags',
        width: 260,
        render: (e) => <TagChips tags={e.tags} />,
      },
      {
        id: 'actions',
        header: '',
        width: 250,
        render: (e) =>
          e.lifecycle_stage === 'deleted' ? (
            <button type="button" onClick={() => act(() => api.restoreExperiment(e.experiment_id))}>
              Restore
            </button>
          ) : (
            <span className="row-actions">
              <button type="button" onClick={() => setDialog({ kind: 'rename', exp: e })}>
                Rename
              </button>
              <button type="button" onClick={() => setDialog({ kind: 'tags', exp: e })}>
                Edit tags
              </button>
              <button type="button" onClick={() => confirm(`Delete experiment "${e.name}"?`) && act(() => api.deleteExperiment(e.experiment_id))}>
                Delete
              </button>
            </span>
          ),
      },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );

  return (
    <div className="page">
      <PageHeading title="Experiments">
        <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>
          Create experiment
        </button>
      </PageHeading>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          update({ q: draft });
        }}
      >
        <input
          type="search"
          aria-label="Search experiments"
          placeholder="Search by name, or a filter like tags.team = 'nlp'"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit">Search</button>
        <select aria-label="Show" value={view} onChange={(e) => update({ view: e.target.value === 'ACTIVE_ONLY' ? '' : e.target.value })}>
          <option value="ACTIVE_ONLY">Active</option>
          <option value="DELETED_ONLY">Deleted</option>
          <option value="ALL">All</option>
        </select>
      </form>
      {actionError !== undefined && <ErrorBox error={actionError} />}
      {exps.error !== undefined ? (
        <ErrorBox error={exps.error} onRetry={exps.reload} />
      ) : !exps.data ? (
        <Loading />
      ) : (
        <VirtualTable
          label="experiments"
          rows={exps.data}
          columns={columns}
          pinned={1}
          rowKey={(e) => e.experiment_id}
          onOpen={(e) => navigate(`/experiments/${e.experiment_id}`)}
          empty={q ? 'No experiment matches the search.' : 'No experiments.'}
        />
      )}
      {dialog?.kind === 'create' && (
        <FormDialog
          title="Create experiment"
          submitLabel="Create"
          fields={[
            { name: 'name', label: 'Name', required: true },
            { name: 'artifact_location', label: 'Artifact location (optional)', placeholder: 'default: the server’s artifact root' },
          ]}
          onClose={() => setDialog(undefined)}
          onSubmit={async (v) => {
            const { experiment_id } = await api.createExperiment(v.name, v.artifact_location);
            navigate(`/experiments/${experiment_id}`);
          }}
        />
      )}
      {dialog?.kind === 'tags' && (
        <ExperimentTagsDialog experimentId={dialog.exp.experiment_id} name={dialog.exp.name} onClose={() => setDialog(undefined)} onChanged={exps.reload} />
      )}
      {dialog?.kind === 'rename' && (
        <FormDialog
          title="Rename experiment"
          submitLabel="Rename"
          fields={[{ name: 'name', label: 'New name', required: true, initial: dialog.exp.name }]}
          onClose={() => setDialog(undefined)}
          onSubmit={async (v) => {
            await api.renameExperiment(dialog.exp.experiment_id, v.name);
            exps.reload();
          }}
        />
      )}
    </div>
  );
}
