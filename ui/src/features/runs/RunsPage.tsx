import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { ATTRIBUTES, columnId, orderByFor, parseColumnId, type Column } from '../../api/search';
import type { Run, ViewType } from '../../api/types';
import { PageHeading } from '../../components/PageHeading';
import { ErrorBox, Loading } from '../../components/Status';
import { formatTime } from '../../components/format';
import { toggled } from '../../components/sets';
import { useAsync } from '../../components/useAsync';
import { VirtualTable, type TableColumn } from '../../components/VirtualTable';
import { compareUrl, inTableOrder } from '../compare/query';
import { EXPERIMENTS_CRUMB } from '../experiments/crumbs';
import { ExperimentTags } from '../experiments/ExperimentTags';
import { ColumnPicker } from './ColumnPicker';
import { FilterBox } from './FilterBox';
import { buildRows, cellText, collectKeys, runName, type RunRow } from './rows';
import { useRuns } from './useRuns';

const VIEWS: Record<string, ViewType> = { '': 'ACTIVE_ONLY', deleted: 'DELETED_ONLY', all: 'ALL' };
const DEFAULT_ATTRS = ['start_time', 'duration', 'status', 'user_id', 'source'];
const DEFAULT_PER_KIND = 5;

/**
 * An experiment's runs. The URL holds the view (`filter`, `sort`, `asc`, `view`, `col` once per column), so a link
 * reproduces it. Sorting and filtering happen on the server (the table pages through results); columns are chosen
 * from the keys the loaded runs have, by default the attributes plus the first few metrics and params.
 */
export function RunsPage() {
  const { experimentId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const filter = params.get('filter') ?? '';
  const view = VIEWS[params.get('view') ?? ''] ?? 'ACTIVE_ONLY';
  const sortCol = params.get('sort') ? parseColumnId(params.get('sort')!) : undefined;
  const ascending = params.get('asc') === '1';
  const orderBy = sortCol && orderByFor(sortCol, ascending);
  const [reloadKey, setReloadKey] = useState(0);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [picking, setPicking] = useState(false);
  const [actionError, setActionError] = useState<unknown>();

  const experiment = useAsync((s) => api.getExperiment(experimentId, s), [experimentId]);
  const { runs, done, error } = useRuns(experimentId, filter, orderBy, view, reloadKey);
  const keys = useMemo(() => collectKeys(runs), [runs]);
  const rows = useMemo(() => buildRows(runs, expanded), [runs, expanded]);

  const urlCols = params.getAll('col');
  const columns: Column[] = useMemo(
    () =>
      urlCols.length
        ? urlCols.map(parseColumnId).filter((c): c is Column => !!c)
        : [
            ...DEFAULT_ATTRS.map((key) => ({ kind: 'attr' as const, key })),
            ...keys.metrics.slice(0, DEFAULT_PER_KIND).map((key) => ({ kind: 'metric' as const, key })),
            ...keys.params.slice(0, DEFAULT_PER_KIND).map((key) => ({ kind: 'param' as const, key })),
          ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [urlCols.join('\n'), keys],
  );

  const update = (edit: (p: URLSearchParams) => void) => {
    const p = new URLSearchParams(params);
    edit(p);
    // Synchronously: checkboxes here are controlled by the URL, and the router's default (a transition) would
    // show a ticked box as unticked until the transition commits.
    setParams(p, { replace: true, flushSync: true });
  };
  const setColumns = (cols: Column[]) =>
    update((p) => {
      p.delete('col');
      for (const c of cols) p.append('col', columnId(c));
    });
  const onSort = (id: string) =>
    update((p) => {
      // First click sorts descending (best metrics first), the next ascending, the next back to descending.
      const same = p.get('sort') === id;
      p.set('sort', id);
      if (same && p.get('asc') !== '1') p.set('asc', '1');
      else p.delete('asc');
    });
  const toggleExpanded = (id: string) => setExpanded((s) => toggled(s, id));
  const toggleSelected = (id: string) => setSelected((s) => toggled(s, id));
  const bulk = async (f: (id: string) => Promise<unknown>) => {
    setActionError(undefined);
    try {
      for (const id of selected) await f(id);
      setSelected(new Set());
    } catch (e) {
      setActionError(e);
    }
    setReloadKey((k) => k + 1);
  };
  const runUrl = (r: Run) => `/experiments/${experimentId}/runs/${r.info.run_id}`;

  const tableColumns = useMemo<TableColumn<RunRow>[]>(() => {
    const head: TableColumn<RunRow>[] = [
      {
        id: 'select',
        header: '',
        width: 36,
        render: (r) => (
          <input
            type="checkbox"
            aria-label={`Select ${runName(r.run)}`}
            checked={selected.has(r.run.info.run_id)}
            onChange={() => toggleSelected(r.run.info.run_id)}
          />
        ),
      },
      {
        id: 'a.run_name',
        header: 'Run name',
        width: 260,
        sortable: true,
        render: (r) => (
          <span className="run-name" style={{ paddingLeft: r.depth * 18 }}>
            {r.childCount > 0 ? (
              <button
                type="button"
                className="expander"
                aria-expanded={expanded.has(r.run.info.run_id)}
                aria-label={`${expanded.has(r.run.info.run_id) ? 'Collapse' : 'Expand'} ${r.childCount} child runs`}
                onClick={() => toggleExpanded(r.run.info.run_id)}
              >
                {expanded.has(r.run.info.run_id) ? '▾' : '▸'}
              </button>
            ) : (
              <span className="expander-space" />
            )}
            <Link to={runUrl(r.run)} className={r.run.info.lifecycle_stage === 'deleted' ? 'deleted' : undefined}>
              {runName(r.run)}
            </Link>
            {r.childCount > 0 && <span className="muted"> ({r.childCount})</span>}
          </span>
        ),
      },
    ];
    const body = columns.map((c): TableColumn<RunRow> => {
      const attr = c.kind === 'attr' ? ATTRIBUTES.find((a) => a.key === c.key) : undefined;
      const prefix = { attr: '', metric: '', param: 'param: ', tag: 'tag: ' }[c.kind];
      return {
        id: columnId(c),
        header: (
          <span className={'col-' + c.kind}>
            {prefix}
            {attr?.label ?? c.key}
          </span>
        ),
        title: `${c.kind}: ${c.key}`,
        width: c.kind === 'attr' ? (c.key === 'start_time' ? 170 : c.key === 'run_id' ? 280 : 120) : 140,
        sortable: !!orderByFor(c, true),
        align: c.kind === 'metric' ? 'right' : undefined,
        render: (r) =>
          c.kind === 'attr' && c.key === 'start_time' ? (
            formatTime(r.run.info.start_time)
          ) : c.kind === 'attr' && c.key === 'status' ? (
            <span className={'status ' + r.run.info.status.toLowerCase()}>{r.run.info.status}</span>
          ) : (
            cellText(r.run, c)
          ),
      };
    });
    return [...head, ...body];
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [columns, expanded, selected, experimentId]);

  return (
    <div className="page runs-page">
      <PageHeading trail={[EXPERIMENTS_CRUMB]} title={experiment.data?.name ?? (experiment.error ? experimentId : '…')} />
      {experiment.data && <ExperimentTags experiment={experiment.data} onChanged={experiment.reload} />}
      <nav className="tabs" aria-label="Experiment sections">
        <Link to={`/experiments/${experimentId}`} className="active" aria-current="page">
          Runs
        </Link>
        <Link to={`/experiments/${experimentId}/traces`}>Traces</Link>
      </nav>
      {experiment.error !== undefined && <ErrorBox error={experiment.error} onRetry={experiment.reload} />}
      <div className="toolbar">
        <FilterBox key={filter} value={filter} keys={keys} onApply={(f) => update((p) => (f ? p.set('filter', f) : p.delete('filter')))} />
        <select aria-label="Show runs" value={params.get('view') ?? ''} onChange={(e) => update((p) => (e.target.value ? p.set('view', e.target.value) : p.delete('view')))}>
          <option value="">Active</option>
          <option value="deleted">Deleted</option>
          <option value="all">All</option>
        </select>
        <button type="button" onClick={() => setPicking((v) => !v)} aria-expanded={picking}>
          Columns ({columns.length})
        </button>
        <button type="button" onClick={() => setExpanded(new Set(runs.map((r) => r.info.run_id)))}>
          Expand all
        </button>
        <button type="button" onClick={() => setExpanded(new Set())}>
          Collapse all
        </button>
        {selected.size > 0 && (
          <>
            <span className="muted">{selected.size} selected</span>
            <button
              type="button"
              disabled={selected.size < 2}
              title={selected.size < 2 ? 'Select two or more runs to compare' : undefined}
              onClick={() => navigate(compareUrl(inTableOrder(selected, runs.map((r) => r.info.run_id)), [experimentId]))}
            >
              Compare
            </button>
            {view !== 'DELETED_ONLY' && (
              <button type="button" onClick={() => confirm(`Delete ${selected.size} run(s)?`) && bulk(api.deleteRun)}>
                Delete
              </button>
            )}
            {view !== 'ACTIVE_ONLY' && (
              <button type="button" onClick={() => bulk(api.restoreRun)}>
                Restore
              </button>
            )}
          </>
        )}
        <span className="muted run-count" aria-live="polite">
          {runs.length.toLocaleString('en-US')} runs{done ? '' : ', loading more…'}
        </span>
      </div>
      {picking && <ColumnPicker keys={keys} selected={columns} onChange={setColumns} onClose={() => setPicking(false)} />}
      {actionError !== undefined && <ErrorBox error={actionError} />}
      {error !== undefined ? (
        <ErrorBox error={error} onRetry={() => setReloadKey((k) => k + 1)} />
      ) : !done && runs.length === 0 ? (
        <Loading label="Loading runs…" />
      ) : (
        <VirtualTable
          label="runs"
          rows={rows}
          columns={tableColumns}
          pinned={2}
          rowKey={(r) => r.run.info.run_id}
          sort={sortCol ? { id: columnId(sortCol), ascending } : undefined}
          onSort={onSort}
          onOpen={(r) => navigate(runUrl(r.run))}
          onToggle={(r) => (r.childCount > 0 ? toggleExpanded(r.run.info.run_id) : toggleSelected(r.run.info.run_id))}
          rowClassName={(r) => (r.depth > 0 ? 'child' : undefined)}
          empty={filter ? 'No run matches the filter.' : 'No runs in this experiment yet.'}
        />
      )}
    </div>
  );
}
