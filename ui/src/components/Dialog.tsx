import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ErrorBox } from './Status';

export interface Field {
  name: string;
  label: string;
  initial?: string;
  required?: boolean;
  placeholder?: string;
}

/**
 * A modal form (create, rename): Escape or Cancel closes it, Enter submits; the submit's error (MLflow's message)
 * is shown inside the dialog so the user can correct the input.
 */
export function FormDialog(props: {
  title: string;
  fields: Field[];
  submitLabel: string;
  onSubmit: (values: Record<string, string>) => Promise<void>;
  onClose: () => void;
  children?: ReactNode;
}) {
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(props.fields.map((f) => [f.name, f.initial ?? ''])));
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.select(), []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await props.onSubmit(values);
      props.onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <div className="overlay" onKeyDown={(e) => e.key === 'Escape' && props.onClose()}>
      <form className="dialog" role="dialog" aria-modal="true" aria-label={props.title} onSubmit={submit}>
        <h2>{props.title}</h2>
        {props.children}
        {props.fields.map((f, i) => (
          <label key={f.name}>
            {f.label}
            <input
              ref={i === 0 ? first : undefined}
              name={f.name}
              value={values[f.name]}
              required={f.required}
              placeholder={f.placeholder}
              onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
            />
          </label>
        ))}
        {error !== undefined && <ErrorBox error={error} />}
        <div className="dialog-buttons">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {props.submitLabel}
          </button>
        </div>
      </form>
    </div>
  );
}
