import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { traces, type TraceInfo } from '../../api/traces';
import { PageHeading } from '../../components/PageHeading';
import { ErrorBox, Loading } from '../../components/Status';
import { formatTime } from '../../components/format';
import { toggled } from '../../components/sets';
import { useAsync } from '../../components/useAsync';
import { VirtualTable, type TableColumn } from '../../components/VirtualTable';
import { experimentTrail } from '../experiments/crumbs';
import { formatMs } from './spans';
import { durationMs, preview, requestTimeMs, stateClass, tokenUsage, traceFilter, traceName, traceOrderBy, userTags } from './traceInfo';
import '../run/run.css';
import './traces.css';

const PAGE_SIZE = 100;

/**
 * An experiment's traces: MLflow's trace search grammar (the server's errors shown as they are), sort by request time
 * or latency, pages of 100 with the server's page tokens. Filter and sort live in the URL.
 */
export function TracesPage() {
  const { experimentId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const q = params.get('filter') ?? '';
  const sort = params.get('sort') ?? 'request_time';
  const ascending = params.get('asc') === '1';
  const [draft, setDraft] = useState(q);
  // Page tokens: tokens[i] fetches page i (page 0 needs none). Reset when the query changes.
  const [pages, setPages] = useState<{ key: string; tokens: (string | undefined)[] }>({ key: '', tokens: [undefined] });
  const queryKey = `${experimentId}\n${q}\n${sort}\n${ascending}`;
  const tokens = pages.key === queryKey ? pages.tokens : [undefined];
  const page = tokens.length - 1;

  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [actionError, setActionError] = useState<unknown>();
  const experiment = useAsync((s) => api.getExperiment(experimentId, s), [experimentId]);
  const result = useAsync(
    (s) => traces.search({ experimentId, filter: traceFilter(q), orderBy: traceOrderBy(sort, ascending), pageToken: tokens[page], maxResults: PAGE_SIZE }, s),
    [queryKey, tokens[page]],
  );

  const update = (edit: (p: URLSearchParams) => void) => {
    const p = new URLSearchParams(params);
    edit(p);
    setParams(p, { replace: true });
  };
  const onSort = (id: string) =>
    update((p) => {
      const same = (p.get('sort') ?? 'request_time') === id;
      p.set('sort', id);
      if (same && p.get('asc') !== '1') p.set('asc', '1');
      else p.delete('asc');
    });
  const toggleSelected = (id: string) => setSelected((s) => toggled(s, id));
  const deleteSelected = async () => {
    if (!confirm(`Delete ${selected.size} trace(s)?`)) return;
    setActionError(undefined);
    try {
      await traces.deleteTraces(experimentId, [...selected]);
      setSelected(new Set());
    } catch (e) {
      setActionError(e);
    }
    result.reload();
  };
  const traceUrl = (t: TraceInfo) => `/experiments/${experimentId}/traces/${encodeURIComponent(t.trace_id)}`;

  const columns = useMemo<TableColumn<TraceInfo>[]>(
    () => [
      {
        id: 'select',
        header: '',
        width: 36,
        render: (t) => <input type="checkbox" aria-label={`Select ${t.trace_id}`} checked={selected.has(t.trace_id)} onChange={() => toggleSelected(t.trace_id)} />,
      },
      {
        id: 'trace_id',
        header: 'Trace ID',
        width: 300,
        render: (t) => (
          <Link to={traceUrl(t)}>
            <code>{t.trace_id}</code>
          </Link>
        ),
      },
      { id: 'name', header: 'Name', width: 160, render: (t) => traceName(t) },
      { id: 'state', header: 'State', width: 90, render: (t) => <span className={'status ' + stateClass(t.state)}>{t.state}</span> },
      { id: 'request_time', header: 'Request time', width: 170, sortable: true, render: (t) => formatTime(requestTimeMs(t)) },
      { id: 'latency', header: 'Latency', width: 100, sortable: true, align: 'right', render: (t) => formatMs(durationMs(t.execution_duration) ?? NaN) },
      { id: 'tokens', header: 'Tokens', width: 80, align: 'right', render: (t) => tokenUsage(t)?.total_tokens ?? '' },
      { id: 'request', header: 'Request', width: 240, render: (t) => <span title={preview(t.request_preview, 1000)}>{preview(t.request_preview)}</span> },
      { id: 'response', header: 'Response', width: 240, render: (t) => <span title={preview(t.response_preview, 1000)}>{preview(t.response_preview)}</span> },
      {
        id: 'tags',
        header: 'Tags',
        width: 200,
        render: (t) =>
          userTags(t.tags).map(([k, v]) => (
            <span key={k} className="chip" title={`${k}=${v}`}>
              {k}: {v}
            </span>
          )),
      },
      { id: 'assessments', header: 'Assessments', width: 110, align: 'right', render: (t) => t.assessments?.length || '' },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [experimentId, selected],
  );

  const rows = result.data?.traces ?? [];
  const next = result.data?.next_page_token;
  return (
    <div className="page traces-page">
      <PageHeading trail={experimentTrail(experimentId, experiment.data?.name)} title="Traces" />
      <nav className="tabs" aria-label="Experiment sections">
        <Link to={`/experiments/${experimentId}`}>Runs</Link>
        <Link to={`/experiments/${experimentId}/traces`} className="active" aria-current="page">
          Traces
        </Link>
      </nav>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          update((p) => (draft.trim() ? p.set('filter', draft.trim()) : p.delete('filter')));
        }}
      >
        <input
          type="search"
          className="mono"
          aria-label="Search traces"
          placeholder="trace.status = 'ERROR' and tags.flow = 'a', or words of a trace name"
          value={draft}
          spellCheck={false}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit">Search</button>
        {selected.size > 0 && (
          <>
            <span className="muted">{selected.size} selected</span>
            <button type="button" onClick={deleteSelected}>
              Delete
            </button>
          </>
        )}
        <span className="muted run-count" aria-live="polite">
          {result.loading ? 'Loading…' : `${rows.length} traces on page ${page + 1}`}
        </span>
        <button type="button" disabled={page === 0} onClick={() => setPages({ key: queryKey, tokens: tokens.slice(0, -1) })}>
          ← Previous
        </button>
        <button type="button" disabled={!next || result.loading} onClick={() => setPages({ key: queryKey, tokens: [...tokens, next] })}>
          Next →
        </button>
      </form>
      {experiment.error !== undefined && <ErrorBox error={experiment.error} onRetry={experiment.reload} />}
      {actionError !== undefined && <ErrorBox error={actionError} />}
      {result.error !== undefined ? (
        <ErrorBox error={result.error} onRetry={result.reload} />
      ) : !result.data ? (
        <Loading label="Loading traces…" />
      ) : (
        <VirtualTable
          label="traces"
          rows={rows}
          columns={columns}
          pinned={2}
          rowKey={(t) => t.trace_id}
          onToggle={(t) => toggleSelected(t.trace_id)}
          sort={{ id: sort, ascending }}
          onSort={onSort}
          onOpen={(t) => navigate(traceUrl(t))}
          empty={q ? 'No trace matches the search.' : 'No traces in this experiment yet.'}
        />
      )}
    </div>
  );
}
