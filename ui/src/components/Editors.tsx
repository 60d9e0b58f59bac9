import { useState, type FormEvent } from 'react';
import type { KeyValue } from '../api/types';
import { ErrorBox } from './Status';

/** A description shown as text with an Edit button; saving calls `onSave` and shows the server's error if it fails. */
export function DescriptionEditor({ value, onSave }: { value: string; onSave: (text: string) => Promise<unknown> }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(value);
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const save = async () => {
    setSaving(true);
    setError(undefined);
    try {
      await onSave(text);
      setEditing(false);
    } catch (e) {
      setError(e);
    }
    setSaving(false);
  };
  return (
    <section className="description">
      <h2>
        Description
        {!editing && (
          <button type="button" className="link" onClick={() => (setText(value), setEditing(true))}>
            Edit
          </button>
        )}
      </h2>
      {editing ? (
        <>
          <textarea aria-label="Description" value={text} rows={4} onChange={(e) => setText(e.target.value)} autoFocus />
          {error !== undefined && <ErrorBox error={error} />}
          <div className="dialog-buttons">
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <button type="button" className="primary" disabled={saving} onClick={save}>
              Save
            </button>
          </div>
        </>
      ) : value ? (
        <p className="note">{value}</p>
      ) : (
        <p className="muted">No description.</p>
      )}
    </section>
  );
}

/** Tags as a table with a remove button per tag and a form to add or overwrite one. */
export function TagEditor({
  tags,
  onSet,
  onDelete,
}: {
  tags: KeyValue[];
  onSet: (key: string, value: string) => Promise<unknown>;
  onDelete: (key: string) => Promise<unknown>;
}) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [error, setError] = useState<unknown>();
  const run = async (f: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await f();
      return true;
    } catch (e) {
      setError(e);
      return false;
    }
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await run(() => onSet(key.trim(), value))) {
      setKey('');
      setValue('');
    }
  };
  return (
    <section className="kv">
      <h2>
        Tags <span className="muted">({tags.length})</span>
      </h2>
      {tags.length > 0 && (
        <table aria-label="Tags">
          <tbody>
            {tags.map((t) => (
              <tr key={t.key}>
                <th scope="row">{t.key}</th>
                <td>{t.value}</td>
                <td className="tag-remove">
                  <button type="button" aria-label={`Remove tag ${t.key}`} onClick={() => run(() => onDelete(t.key))}>
                    ✕
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="toolbar inline-form" onSubmit={add} aria-label="Add tag">
        <input aria-label="Tag key" placeholder="key" required value={key} onChange={(e) => setKey(e.target.value)} />
        <input aria-label="Tag value" placeholder="value" value={value} onChange={(e) => setValue(e.target.value)} />
        <button type="submit">Add tag</button>
      </form>
      {error !== undefined && <ErrorBox error={error} />}
    </section>
  );
}

/** A row's user tags as chips (MLflow's own `mlflow.*` tags are left out, as MLflow's UI does in lists). */
export function TagChips({ tags }: { tags: KeyValue[] | undefined }) {
  return (
    <>
      {(tags ?? [])
        .filter((t) => !t.key.startsWith('mlflow.'))
        .map((t) => (
          <span key={t.key} className="chip" title={`${t.key}=${t.value}`}>
            {t.key}: {t.value}
          </span>
        ))}
    </>
  );
}
