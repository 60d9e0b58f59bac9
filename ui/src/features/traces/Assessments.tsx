import { useState, type FormEvent } from 'react';
import { traces, type Assessment } from '../../api/traces';
import { ErrorBox } from '../../components/Status';
import { assessmentValue, parseFeedbackValue } from './traceInfo';

/** The trace's assessments (feedback and expectations) and a form to add feedback, logged as a HUMAN source. */
export function Assessments({ traceId, items, onAdded }: { traceId: string; items: Assessment[]; onAdded: (a: Assessment) => void }) {
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [rationale, setRationale] = useState('');
  const [source, setSource] = useState(() => localStorage.getItem('sharpflow.assessor') ?? '');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const a = await traces.logFeedback(traceId, name.trim(), parseFeedbackValue(value), rationale.trim(), source.trim());
      if (source.trim()) localStorage.setItem('sharpflow.assessor', source.trim());
      onAdded(a);
      setName('');
      setValue('');
      setRationale('');
    } catch (err) {
      setError(err);
    }
    setBusy(false);
  };

  return (
    <section className="assessments" aria-label="Assessments">
      <h2>
        Assessments <span className="muted">({items.length})</span>
      </h2>
      {items.length === 0 ? (
        <p className="muted">No assessments yet.</p>
      ) : (
        <table aria-label="Assessment list" className="assessment-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Value</th>
              <th>Source</th>
              <th>Rationale</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a, i) => (
              <tr key={a.assessment_id ?? i} className={a.valid === false ? 'deleted' : undefined}>
                <th scope="row">
                  {a.assessment_name}
                  {a.expectation && <span className="chip">expectation</span>}
                </th>
                <td>{assessmentValue(a)}</td>
                <td className="muted">
                  {a.source?.source_type}
                  {a.source?.source_id ? ` · ${a.source.source_id}` : ''}
                </td>
                <td>{a.rationale}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="feedback-form" onSubmit={submit} aria-label="Add feedback">
        <h3>Add feedback</h3>
        <label>
          Name
          <input required value={name} onChange={(e) => setName(e.target.value)} placeholder="correctness" />
        </label>
        <label>
          Value
          <input required value={value} onChange={(e) => setValue(e.target.value)} placeholder="true, 0.8, or text" />
        </label>
        <label>
          Rationale
          <textarea rows={2} value={rationale} onChange={(e) => setRationale(e.target.value)} />
        </label>
        <label>
          Your name (source)
          <input value={source} onChange={(e) => setSource(e.target.value)} placeholder="ui" />
        </label>
        {error !== undefined && <ErrorBox error={error} />}
        <div className="dialog-buttons">
          <button type="submit" className="primary" disabled={busy}>
            Add feedback
          </button>
        </div>
      </form>
    </section>
  );
}
