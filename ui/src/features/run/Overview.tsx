import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import type { KeyValue, Run } from '../../api/types';
import { DescriptionEditor } from '../../components/Editors';
import { formatDuration, formatMetric, formatTime, runDuration, tagValue } from '../../components/format';
import { DatasetsSection } from './DatasetsSection';
import { LoggedModelsSection } from './LoggedModelsSection';

export const NOTE_TAG = 'mlflow.note.content';

/**
 * Overview: the run's attributes, its description (the `mlflow.note.content` tag, editable), datasets, logged models,
 * params, metrics, tags.
 */
export function Overview({ run, onChanged }: { run: Run; onChanged: () => void }) {
  const tags = run.data.tags ?? [];
  const t = (k: string) => tagValue(tags, k);
  const parent = t('mlflow.parentRunId');
  const source = t('mlflow.source.name');
  const commit = t('mlflow.source.git.commit');
  const base = `/experiments/${run.info.experiment_id}/runs`;
  const rows: [string, React.ReactNode][] = [
    ['Run ID', <code key="id">{run.info.run_id}</code>],
    ['Status', <span key="s" className={'status ' + run.info.status.toLowerCase()}>{run.info.status}</span>],
    ['Started', formatTime(run.info.start_time)],
    ['Ended', formatTime(run.info.end_time)],
    ['Duration', formatDuration(runDuration(run.info.start_time, run.info.end_time, run.info.status))],
    ['User', run.info.user_id || t('mlflow.user') || '—'],
    ['Source', source ? `${source}${t('mlflow.source.type') ? ` (${t('mlflow.source.type')})` : ''}` : '—'],
    ...(commit ? ([['Git commit', <code key="c">{commit}</code>]] as [string, React.ReactNode][]) : []),
    ['Parent run', parent ? <Link to={`${base}/${parent}`}>{parent}</Link> : '—'],
    ['Lifecycle', run.info.lifecycle_stage],
    [
      'Traces',
      <Link key="tr" to={`/experiments/${run.info.experiment_id}/traces?filter=${encodeURIComponent(`trace.run_id = '${run.info.run_id}'`)}`}>
        Traces of this run
      </Link>,
    ],
    ['Artifact URI', <code key="a">{run.info.artifact_uri}</code>],
  ];
  return (
    <div className="overview">
      <dl className="details">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <Description run={run} onChanged={onChanged} />
      <DatasetsSection inputs={run.inputs?.dataset_inputs} />
      <LoggedModelsSection run={run} />
      <div className="columns">
        <KeyValueTable title="Parameters" items={run.data.params ?? []} />
        <KeyValueTable
          title="Metrics"
          items={(run.data.metrics ?? []).map((m) => ({ key: m.key, value: formatMetric(Number(m.value)) }))}
          link={(k) => `${base}/${run.info.run_id}/model-metrics?metric=${encodeURIComponent(k)}`}
        />
      </div>
      <KeyValueTable title="Tags" items={tags.filter((x) => x.key !== NOTE_TAG)} />
    </div>
  );
}

function Description({ run, onChanged }: { run: Run; onChanged: () => void }) {
  return (
    <DescriptionEditor
      value={tagValue(run.data.tags, NOTE_TAG) ?? ''}
      onSave={async (text) => {
        await api.setRunTag(run.info.run_id, NOTE_TAG, text);
        onChanged();
      }}
    />
  );
}

function KeyValueTable({ title, items, link }: { title: string; items: KeyValue[]; link?: (key: string) => string }) {
  const [q, setQ] = useState('');
  const shown = q ? items.filter((i) => (i.key + ' ' + i.value).toLowerCase().includes(q.toLowerCase())) : items;
  const LIMIT = 500; // a run with thousands of params stays responsive: search narrows the rest
  return (
    <section className="kv">
      <h2>
        {title} <span className="muted">({items.length})</span>
      </h2>
      {items.length > 10 && <input type="search" aria-label={`Search ${title.toLowerCase()}`} placeholder="Search" value={q} onChange={(e) => setQ(e.target.value)} />}
      {items.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <table aria-label={title}>
          <tbody>
            {shown.slice(0, LIMIT).map((i) => (
              <tr key={i.key}>
                <th scope="row">{link ? <Link to={link(i.key)}>{i.key}</Link> : i.key}</th>
                <td>{i.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown.length > LIMIT && <p className="muted">{shown.length - LIMIT} more: search to narrow.</p>}
    </section>
  );
}
