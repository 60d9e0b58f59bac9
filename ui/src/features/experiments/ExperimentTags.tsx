import { useState } from 'react';
import { api } from '../../api/client';
import type { Experiment } from '../../api/types';
import { DescriptionEditor, TagChips, TagEditor } from '../../components/Editors';
import { ErrorBox, Loading } from '../../components/Status';
import { tagValue } from '../../components/format';
import { useAsync } from '../../components/useAsync';
import { DESCRIPTION_TAG, tagKeyProblem, userTags } from './tags';
import './experiments.css';

/** The tag table and add form for an experiment's user tags (set-experiment-tag, delete-experiment-tag). */
export function ExperimentTagsEditor({ experiment, onChanged }: { experiment: Experiment; onChanged: () => void }) {
  const id = experiment.experiment_id;
  return (
    <TagEditor
      tags={userTags(experiment.tags)}
      onSet={async (key, value) => {
        const problem = tagKeyProblem(key);
        if (problem) throw new Error(problem);
        await api.setExperimentTag(id, key, value);
        onChanged();
      }}
      onDelete={async (key) => {
        await api.deleteExperimentTag(id, key);
        onChanged();
      }}
    />
  );
}

type Props = { onChanged?: () => void } & ({ experiment: Experiment; experimentId?: undefined } | { experimentId: string; experiment?: undefined });

/**
 * An experiment's description (`mlflow.note.content`) and user tags for the experiment's page header, with an editor
 * that opens in place. Give it the experiment the page loaded (and the page's reload as `onChanged`), or only its id
 * (it then loads the experiment itself).
 */
export function ExperimentTags(props: Props) {
  const own = !props.experiment;
  const fetched = useAsync((s) => (own ? api.getExperiment(props.experimentId!, s) : Promise.resolve(undefined)), [own ? props.experimentId : '']);
  const [editing, setEditing] = useState(false);
  const exp = props.experiment ?? fetched.data;
  if (!exp) return fetched.error !== undefined ? <ErrorBox error={fetched.error} onRetry={fetched.reload} /> : <Loading label="Loading tags…" />;

  const changed = () => {
    if (own) fetched.reload();
    props.onChanged?.();
  };
  const description = tagValue(exp.tags, DESCRIPTION_TAG) ?? '';
  const tags = userTags(exp.tags);
  const toggle = (
    <button type="button" className="link" aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
      {editing ? 'Done' : 'Edit description and tags'}
    </button>
  );
  return (
    <section className="experiment-tags" aria-label="Experiment description and tags">
      {editing ? (
        <>
          <DescriptionEditor
            value={description}
            onSave={async (text) => {
              await api.setExperimentTag(exp.experiment_id, DESCRIPTION_TAG, text);
              changed();
            }}
          />
          <ExperimentTagsEditor experiment={exp} onChanged={changed} />
          <div>{toggle}</div>
        </>
      ) : (
        <>
          {description && <p className="note">{description}</p>}
          <div className="experiment-tags-line">
            {tags.length ? <TagChips tags={tags} /> : <span className="muted">No tags.</span>}
            {toggle}
          </div>
        </>
      )}
    </section>
  );
}
