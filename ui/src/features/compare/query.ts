// The compare page's URL, in MLflow's form: `/compare-runs?runs=["id1","id2"]&experiments=["1"]`, each value a
// URL-encoded JSON array of strings (tested in query.test.ts).

export interface CompareQuery {
  runIds: string[];
  experimentIds: string[];
}

function stringList(raw: string | null, name: string, required: boolean): string[] {
  if (raw === null || raw.trim() === '') {
    if (required) throw new Error(`The link names no runs: it needs ${name}=["<run id>", …].`);
    return [];
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error(`"${name}" is not a JSON list: ${raw}`);
  }
  if (!Array.isArray(value) || !value.every((v) => (typeof v === 'string' && v.trim() !== '') || typeof v === 'number'))
    throw new Error(`"${name}" must be a JSON list of ids: ${raw}`);
  return [...new Set(value.map((v) => String(v).trim()))];
}

/** Reads the query; throws an Error whose message says what is wrong with it. Duplicate ids are dropped. */
export function parseCompareQuery(params: URLSearchParams): CompareQuery {
  const runIds = stringList(params.get('runs'), 'runs', true);
  if (!runIds.length) throw new Error('The link names no runs: it needs runs=["<run id>", …].');
  return { runIds, experimentIds: stringList(params.get('experiments'), 'experiments', false) };
}

/** The route to compare these runs (for `navigate`/`Link`, without the `#`). */
export function compareUrl(runIds: string[], experimentIds: string[]): string {
  return `/compare-runs?runs=${encodeURIComponent(JSON.stringify(runIds))}&experiments=${encodeURIComponent(JSON.stringify(experimentIds))}`;
}

/** Selected run ids in the table's order; ids no longer in the table (selected before a filter changed) come last. */
export function inTableOrder(selected: Iterable<string>, tableIds: string[]): string[] {
  const order = new Map(tableIds.map((id, i) => [id, i]));
  return [...selected].sort((a, b) => (order.get(a) ?? tableIds.length) - (order.get(b) ?? tableIds.length));
}
