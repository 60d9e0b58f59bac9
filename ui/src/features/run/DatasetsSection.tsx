import { Fragment, useId, useMemo, useState } from 'react';
import type { DatasetInput } from '../../api/types';
import { JsonView } from '../../components/JsonView';
import { toggled } from '../../components/sets';
import { datasetRows, profileSummary, schemaSummary, type DatasetRow, type JsonField } from './datasets';

/**
 * The run's dataset inputs: one row each (name, context, digest, source type, a schema and profile summary); a row
 * opens to show the dataset's source, schema and profile as JSON, and the input's other tags.
 */
export function DatasetsSection({ inputs }: { inputs: DatasetInput[] | undefined }) {
  const rows = useMemo(() => datasetRows(inputs), [inputs]);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const idBase = useId();
  const toggle = (id: string) => setOpen((o) => toggled(o, id));
  return (
    <section className="run-section">
      <h2>
        Datasets <span className="muted">({rows.length})</span>
      </h2>
      {rows.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <table className="data-table" aria-label="Datasets">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Context</th>
              <th scope="col">Digest</th>
              <th scope="col">Source type</th>
              <th scope="col">Summary</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => {
              const isOpen = open.has(r.id);
              const detailId = `${idBase}-${i}`;
              return (
                <Fragment key={r.id}>
                  <tr>
                    <th scope="row">
                      <button
                        type="button"
                        className="row-toggle"
                        aria-expanded={isOpen}
                        aria-controls={isOpen ? detailId : undefined}
                        onClick={() => toggle(r.id)}
                      >
                        <span aria-hidden="true">{isOpen ? '▾' : '▸'}</span> {r.name || '(unnamed)'}
                      </button>
                    </th>
                    <td>{r.context ? <span className="chip">{r.context}</span> : <span className="muted">—</span>}</td>
                    <td>
                      <code>{r.digest}</code>
                    </td>
                    <td>{r.sourceType || <span className="muted">—</span>}</td>
                    <td className="muted">{[schemaSummary(r.schema), profileSummary(r.profile)].filter(Boolean).join(', ')}</td>
                  </tr>
                  {isOpen && (
                    <tr id={detailId} className="detail-row">
                      <td colSpan={5}>
                        <DatasetDetail row={r} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function DatasetDetail({ row }: { row: DatasetRow }) {
  return (
    <div className="dataset-detail">
      <Field title="Source" name={row.name} value={row.source} />
      <Field title="Schema" name={row.name} value={row.schema} openDepth={3} />
      <Field title="Profile" name={row.name} value={row.profile} />
      {row.tags.length > 0 && (
        <div>
          <h3>Input tags</h3>
          {row.tags.map((t) => (
            <span key={t.key} className="chip" title={`${t.key}=${t.value}`}>
              {t.key}: {t.value}
            </span>
          ))}
        </div>
      )}
    </div>
  );
}

function Field({ title, name, value, openDepth }: { title: string; name: string; value: JsonField; openDepth?: number }) {
  const label = `${title} of ${name || 'dataset'}`;
  return (
    <div>
      <h3>{title}</h3>
      {value === undefined ? (
        <p className="muted">None.</p>
      ) : 'json' in value ? (
        <JsonView value={value.json} label={label} openDepth={openDepth} />
      ) : (
        <pre className="raw-field" aria-label={label}>
          {value.text}
        </pre>
      )}
    </div>
  );
}
