import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { modelsFilter, registry, type RegisteredModel } from '../../api/registry';
import { FormDialog } from '../../components/Dialog';
import { TagChips } from '../../components/Editors';
import { PageHeading } from '../../components/PageHeading';
import { ErrorBox, Loading } from '../../components/Status';
import { formatTime } from '../../components/format';
import { useAsync } from '../../components/useAsync';
import { VirtualTable, type TableColumn } from '../../components/VirtualTable';
import { modelUrl, versionUrl } from './urls';

/** Registered models (prompts excluded, as MLflow's UI does): search by name or MLflow filter, create. */
export function ModelsPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [draft, setDraft] = useState(q);
  const [creating, setCreating] = useState(false);
  const navigate = useNavigate();
  // Sorting is the server's (order_by); the URL holds it: `sort=name|updated`, `asc=1`.
  const sort = params.get('sort') === 'updated' ? 'updated' : 'name';
  const ascending = params.has('asc') ? params.get('asc') === '1' : sort === 'name';
  const orderBy = `${sort === 'name' ? 'name' : 'last_updated_timestamp'} ${ascending ? 'ASC' : 'DESC'}`;
  const models = useAsync((signal) => registry.searchModels(modelsFilter(q), orderBy, signal), [q, orderBy]);
  const onSort = (id: string) => {
    const p = new URLSearchParams(params);
    if (id === sort) p.set('asc', ascending ? '0' : '1');
    else {
      p.set('sort', id);
      p.delete('asc');
    }
    setParams(p, { replace: true });
  };

  const columns = useMemo<TableColumn<RegisteredModel>[]>(
    () => [
      { id: 'name', header: 'Name', width: 280, sortable: true, render: (m) => <Link to={modelUrl(m.name)}>{m.name}</Link> },
      {
        id: 'latest',
        header: 'Latest version',
        width: 130,
        render: (m) => {
          const v = [...(m.latest_versions ?? [])].sort((a, b) => Number(b.version) - Number(a.version))[0];
          return v ? <Link to={versionUrl(m.name, v.version)}>Version {v.version}</Link> : '—';
        },
      },
      {
        id: 'aliases',
        header: 'Aliases',
        width: 200,
        render: (m) =>
          (m.aliases ?? []).map((a) => (
            <span key={a.alias} className="chip" title={`@${a.alias} → version ${a.version}`}>
              @{a.alias}: v{a.version}
            </span>
          )),
      },
      {
        id: 'stages',
        header: 'Stages',
        width: 200,
        render: (m) =>
          (m.latest_versions ?? [])
            .filter((v) => v.current_stage && v.current_stage !== 'None')
            .map((v) => (
              <span key={v.version} className="chip">
                {v.current_stage}: v{v.version}
              </span>
            )),
      },
      { id: 'updated', header: 'Last modified', width: 170, sortable: true, render: (m) => formatTime(m.last_updated_timestamp) },
      {
        id: 'tags',
        header: 'Tags',
        width: 240,
        render: (m) => <TagChips tags={m.tags} />,
      },
      { id: 'description', header: 'Description', width: 260, render: (m) => <span title={m.description}>{m.description}</span> },
    ],
    [],
  );

  return (
    <div className="page">
      <PageHeading title="Registered models">
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          Create model
        </button>
      </PageHeading>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          const p = new URLSearchParams(params);
          if (draft.trim()) p.set('q', draft.trim());
          else p.delete('q');
          setParams(p, { replace: true });
        }}
      >
        <input
          type="search"
          aria-label="Search models"
          placeholder="Search by name, or a filter like tags.team = 'nlp'"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit">Search</button>
        {models.data && <span className="muted run-count">{models.data.length.toLocaleString('en-US')} models</span>}
      </form>
      {models.error !== undefined ? (
        <ErrorBox error={models.error} onRetry={models.reload} />
      ) : !models.data ? (
        <Loading label="Loading models…" />
      ) : (
        <VirtualTable
          label="models"
          rows={models.data}
          columns={columns}
          pinned={1}
          rowKey={(m) => m.name}
          sort={{ id: sort, ascending }}
          onSort={onSort}
          onOpen={(m) => navigate(modelUrl(m.name))}
          empty={q ? 'No model matches the search.' : 'No registered models yet.'}
        />
      )}
      {creating && (
        <FormDialog
          title="Create model"
          submitLabel="Create"
          fields={[
            { name: 'name', label: 'Name', required: true },
            { name: 'description', label: 'Description (optional)' },
          ]}
          onClose={() => setCreating(false)}
          onSubmit={async (v) => {
            const r = await registry.createModel(v.name.trim(), v.description);
            navigate(modelUrl(r.registered_model.name));
          }}
        />
      )}
    </div>
  );
}
