import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { traces, type Assessment, type Trace } from '../../api/traces';
import { TagEditor } from '../../components/Editors';
import { PageHeading } from '../../components/PageHeading';
import { ErrorBox, Loading } from '../../components/Status';
import { formatTime } from '../../components/format';
import { toggled } from '../../components/sets';
import { useAsync } from '../../components/useAsync';
import { experimentTrail } from '../experiments/crumbs';
import { Assessments } from './Assessments';
import { SpanDetail } from './SpanDetail';
import { SpanTreeView } from './SpanTree';
import { allParents, base64ToHex, buildSpanTree, findNext, flattenVisible, formatMs, revealed, type SpanTree } from './spans';
import { durationMs, requestTimeMs, stateClass, tokenUsage, traceName, userTags } from './traceInfo';
import '../run/run.css';
import './traces.css';

/** A trace: its info, the span tree with a waterfall (virtualised), the selected span's detail, assessments. */
export function TracePage() {
  const { experimentId = '', traceId = '' } = useParams();
  const trace = useAsync((s) => traces.get(traceId, s), [traceId]);
  const experiment = useAsync((s) => api.getExperiment(experimentId, s), [experimentId]);
  const tree = useMemo(() => (trace.data ? buildSpanTree(trace.data.spans ?? []) : undefined), [trace.data]);
  const info = trace.data?.trace_info;
  const name = info ? traceName(info) || (tree?.roots.length ? tree.nodes[tree.roots[0]].name : '') : '';

  return (
    <div className="page trace-page">
      <PageHeading
        trail={[...experimentTrail(experimentId, experiment.data?.name), { to: `/experiments/${experimentId}/traces`, label: 'Traces' }]}
        title={name || traceId}
      />
      {trace.error !== undefined ? (
        <ErrorBox error={trace.error} onRetry={trace.reload} />
      ) : !trace.data || !tree || !info ? (
        <Loading label="Loading trace…" />
      ) : (
        <TraceBody key={info.trace_id} trace={trace.data} tree={tree} experimentId={experimentId} />
      )}
    </div>
  );
}

/** The loaded trace: summary, the span tree and waterfall, the selected span, assessments. */
function TraceBody({ trace, tree, experimentId }: { trace: Trace; tree: SpanTree; experimentId: string }) {
  const info = trace.trace_info;
  const [params, setParams] = useSearchParams();
  const [collapsed, setCollapsed] = useState<ReadonlySet<number>>(new Set());
  // `?span=<hex id>` selects a span, so a link opens the trace at it.
  const [selected, setSelected] = useState(() => {
    const want = params.get('span')?.toLowerCase();
    const i = want ? tree.nodes.findIndex((n) => base64ToHex(n.id) === want) : -1;
    return i >= 0 ? i : (tree.roots[0] ?? -1);
  });
  const [find, setFind] = useState('');
  const [notFound, setNotFound] = useState(false);
  // The URL follows the selection, debounced: holding an arrow key must not flood the history API.
  useEffect(() => {
    const id = selected >= 0 ? base64ToHex(tree.nodes[selected].id) : '';
    if ((params.get('span') ?? '') === id) return;
    const t = setTimeout(() => {
      const p = new URLSearchParams(params);
      if (id && selected !== tree.roots[0]) p.set('span', id);
      else p.delete('span');
      if (p.toString() !== params.toString()) setParams(p, { replace: true });
    }, 400);
    return () => clearTimeout(t);
  }, [selected, tree, params, setParams]);
  const select = useCallback((i: number) => {
    setCollapsed((c) => revealed(tree, c, i));
    setSelected(i);
  }, [tree]);
  const onFind = () => {
    const i = findNext(tree, find, selected);
    setNotFound(i < 0);
    if (i >= 0) select(i);
  };
  const [added, setAdded] = useState<Assessment[]>([]);
  // Tags edited here update locally: refetching a 50,000-span trace for a tag would be wasteful.
  const [tags, setTags] = useState<Record<string, string>>(info.tags ?? {});
  const rows = useMemo(() => flattenVisible(tree, collapsed), [tree, collapsed]);
  const toggle = useCallback((i: number) => setCollapsed((c) => toggled(c, i)), []);
  const tokens = tokenUsage(info);
  const sourceRun = info.trace_metadata?.['mlflow.sourceRun'];
  const assessments = [...(info.assessments ?? []), ...added.filter((a) => !info.assessments?.some((b) => b.assessment_id === a.assessment_id))];
  return (
    <>
      <dl className="details trace-summary">
        <div>
          <dt>Trace ID</dt>
          <dd>
            <code>{info.trace_id}</code>
          </dd>
        </div>
        <div>
          <dt>State</dt>
          <dd className={'status ' + stateClass(info.state)}>{info.state}</dd>
        </div>
        <div>
          <dt>Request time</dt>
          <dd>{formatTime(requestTimeMs(info))}</dd>
        </div>
        <div>
          <dt>Latency</dt>
          <dd>{formatMs(durationMs(info.execution_duration) ?? NaN)}</dd>
        </div>
        <div>
          <dt>Spans</dt>
          <dd>{tree.nodes.length.toLocaleString('en-US')}</dd>
        </div>
        {tokens && (
          <div>
            <dt>Tokens</dt>
            <dd title={`input ${tokens.input_tokens ?? '?'}, output ${tokens.output_tokens ?? '?'}`}>{tokens.total_tokens}</dd>
          </div>
        )}
        {sourceRun && (
          <div>
            <dt>Run</dt>
            <dd>
              <Link to={`/experiments/${experimentId}/runs/${sourceRun}`}>{sourceRun}</Link>
            </dd>
          </div>
        )}
        {userTags(tags).length > 0 && (
          <div>
            <dt>Tags</dt>
            <dd>
              {userTags(tags).map(([k, v]) => (
                <span key={k} className="chip" title={`${k}=${v}`}>
                  {k}: {v}
                </span>
              ))}
            </dd>
          </div>
        )}
      </dl>
      <div className="toolbar">
        <button type="button" onClick={() => setCollapsed(new Set())}>
          Expand all
        </button>
        <button type="button" onClick={() => setCollapsed(allParents(tree))}>
          Collapse all
        </button>
        <form
          className="find-span"
          onSubmit={(e) => {
            e.preventDefault();
            onFind();
          }}
        >
          <input type="search" aria-label="Find span" placeholder="Find span: name, type or id" value={find} onChange={(e) => (setFind(e.target.value), setNotFound(false))} />
          <button type="submit">Next match</button>
        </form>
        {notFound && <span className="muted">No span matches.</span>}
        <span className="muted">
          {rows.length.toLocaleString('en-US')} of {tree.nodes.length.toLocaleString('en-US')} spans shown
        </span>
      </div>
      <div className="trace-body">
        <SpanTreeView tree={tree} rows={rows} collapsed={collapsed} selected={selected} onSelect={select} onToggle={toggle} />
        <div className="trace-side">
          {selected >= 0 && trace.spans?.[selected] ? (
            <SpanDetail span={trace.spans[selected]} node={tree.nodes[selected]} traceStart={tree.start} />
          ) : (
            <p className="muted">Select a span to see its inputs, outputs and attributes.</p>
          )}
          <Assessments traceId={info.trace_id} items={assessments} onAdded={(a) => setAdded((x) => [...x, a])} />
          <TagEditor
            tags={userTags(tags).map(([key, value]) => ({ key, value }))}
            onSet={(k, v) => traces.setTag(info.trace_id, k, v).then(() => setTags((t) => ({ ...t, [k]: v })))}
            onDelete={(k) =>
              traces.deleteTag(info.trace_id, k).then(() =>
                setTags((t) => {
                  const n = { ...t };
                  delete n[k];
                  return n;
                }),
              )
            }
          />
        </div>
      </div>
    </>
  );
}
