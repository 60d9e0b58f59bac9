// Experiment tags as the UI edits them (tested in tags.test.ts). MLflow's own tags (`mlflow.*`) are system tags: its
// UI never offers them for editing, and neither does this one; the description is one of them (`mlflow.note.content`)
// and has its own editor.
import type { KeyValue } from '../../api/types';

export const DESCRIPTION_TAG = 'mlflow.note.content';

export const isSystemTag = (key: string) => key.startsWith('mlflow.');

/** The tags a user edits, in the server's order. */
export function userTags(tags: KeyValue[] | undefined): KeyValue[] {
  return (tags ?? []).filter((t) => !isSystemTag(t.key));
}

/**
 * Why a key cannot be set from the tag editor, or undefined if it can: a system key would vanish from the editor once
 * set (the server itself accepts it), so it is refused here with a message rather than silently hidden.
 */
export function tagKeyProblem(key: string): string | undefined {
  if (!key.trim()) return 'A tag needs a key.';
  if (isSystemTag(key.trim())) return 'Keys starting with "mlflow." are reserved for MLflow\'s own tags.';
  return undefined;
}
