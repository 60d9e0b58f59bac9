import { useEffect, useRef } from 'react';
import { api } from '../../api/client';
import { ErrorBox, Loading } from '../../components/Status';
import { useAsync } from '../../components/useAsync';
import { ExperimentTagsEditor } from './ExperimentTags';

/**
 * A modal to add, change (add the key again) and remove an experiment's tags from the experiments list. It reads the
 * experiment afresh, and reloads it (and, through `onChanged`, the list) after each change. Escape or Close closes it
 * and gives focus back to the button that opened it.
 */
export function ExperimentTagsDialog({ experimentId, name, onClose, onChanged }: { experimentId: string; name: string; onClose: () => void; onChanged: () => void }) {
  const exp = useAsync((s) => api.getExperiment(experimentId, s), [experimentId]);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    box.current?.focus();
    return () => opener?.focus?.();
  }, []);
  const title = `Tags of ${name}`;
  return (
    <div className="overlay" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="dialog tags-dialog" role="dialog" aria-modal="true" aria-label={title} tabIndex={-1} ref={box}>
        <h2>Experiment {name}</h2>
        {exp.error !== undefined ? (
          <ErrorBox error={exp.error} onRetry={exp.reload} />
        ) : !exp.data ? (
          <Loading label="Loading tags…" />
        ) : (
          <ExperimentTagsEditor
            experiment={exp.data}
            onChanged={() => {
              exp.reload();
              onChanged();
            }}
          />
        )}
        <p className="muted hint">Adding a key that exists changes its value. MLflow's own tags (mlflow.*) are not listed.</p>
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
