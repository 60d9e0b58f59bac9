// A run's dataset inputs as the run page lists them (tested in datasets.test.ts). MLflow sends a dataset's source,
// schema and profile as JSON strings; they are parsed here once, and kept as text when they are not JSON.
import type { DatasetInput, KeyValue } from '../../api/types';
import { tagValue } from '../../components/format';

/** The input tag saying how the run used the dataset: `training`, `eval`, ... */
export const CONTEXT_TAG = 'mlflow.data.context';

/** A JSON document from the wire: its value when it parses, else its text; undefined when absent or empty. */
export type JsonField = { json: unknown } | { text: string } | undefined;

export function parseJsonField(text: string | undefined | null): JsonField {
  if (text === undefined || text === null || text.trim() === '') return undefined;
  try {
    return { json: JSON.parse(text) };
  } catch {
    return { text };
  }
}

export interface DatasetRow {
  /** Unique among the rows (a dataset may be logged twice with different contexts). */
  id: string;
  name: string;
  digest: string;
  sourceType: string;
  context?: string;
  /** The input's other tags. */
  tags: KeyValue[];
  source: JsonField;
  schema: JsonField;
  profile: JsonField;
}

export function datasetRows(inputs: DatasetInput[] | undefined): DatasetRow[] {
  return (inputs ?? []).map((d, i) => {
    const ds = d.dataset ?? { name: '', digest: '' };
    return {
      id: `${i}:${ds.name}:${ds.digest}`,
      name: ds.name ?? '',
      digest: ds.digest ?? '',
      sourceType: ds.source_type ?? '',
      context: tagValue(d.tags, CONTEXT_TAG) || undefined,
      tags: (d.tags ?? []).filter((t) => t.key !== CONTEXT_TAG),
      source: parseJsonField(ds.source),
      schema: parseJsonField(ds.schema),
      profile: parseJsonField(ds.profile),
    };
  });
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * A one-line summary of a schema: `3 columns` for MLflow's column spec (`{"mlflow_colspec": [...]}`), `2 tensors` for
 * its tensor spec; undefined for other shapes.
 */
export function schemaSummary(schema: JsonField): string | undefined {
  if (!schema || !('json' in schema) || !isObject(schema.json)) return undefined;
  const plural = (n: number, one: string) => `${n.toLocaleString('en-US')} ${one}${n === 1 ? '' : 's'}`;
  const cols = schema.json.mlflow_colspec;
  if (Array.isArray(cols)) return plural(cols.length, 'column');
  const tensors = schema.json.mlflow_tensorspec;
  if (isObject(tensors) && typeof tensors.features === 'string') {
    try {
      const f = JSON.parse(tensors.features);
      if (Array.isArray(f)) return plural(f.length, 'tensor');
    } catch {
      /* not a list */
    }
  }
  return undefined;
}

/** `1,000 rows` from a profile with `num_rows` (MLflow's pandas datasets), `12 elements` with `num_elements` (numpy). */
export function profileSummary(profile: JsonField): string | undefined {
  if (!profile || !('json' in profile) || !isObject(profile.json)) return undefined;
  for (const [field, one, many] of [
    ['num_rows', 'row', 'rows'],
    ['num_elements', 'element', 'elements'],
  ]) {
    const v = profile.json[field];
    if (v === undefined || v === null || v === '') continue;
    const n = Number(v);
    if (Number.isFinite(n)) return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
  }
  return undefined;
}
