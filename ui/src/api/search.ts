// Helpers for MLflow's run search syntax (`metrics.acc > 0.9 and params.lr = '0.1'`) and for the runs table's
// columns. The server parses and validates filters (its error messages are shown as they are); these helpers only
// write correct expressions: quoting keys and values, order_by clauses, autocompletion of keys.

export type ColumnKind = 'attr' | 'metric' | 'param' | 'tag';

export interface Column {
  kind: ColumnKind;
  key: string;
}

/** Attribute columns: the label shown, the run field, and the attribute name the server sorts by (if it can). */
export const ATTRIBUTES: { key: string; label: string; orderBy?: string }[] = [
  { key: 'start_time', label: 'Created', orderBy: 'attributes.start_time' },
  { key: 'duration', label: 'Duration' },
  { key: 'status', label: 'Status', orderBy: 'attributes.status' },
  { key: 'user_id', label: 'User', orderBy: 'attributes.user_id' },
  { key: 'source', label: 'Source', orderBy: 'tags.`mlflow.source.name`' },
  { key: 'run_id', label: 'Run ID', orderBy: 'attributes.run_id' },
];

const PREFIX: Record<ColumnKind, string> = { attr: 'attributes', metric: 'metrics', param: 'params', tag: 'tags' };
const URL_PREFIX: Record<ColumnKind, string> = { attr: 'a', metric: 'm', param: 'p', tag: 't' };

/** A key as the search grammar wants it: bare when it is a plain identifier, else in backticks (or double quotes). */
export function quoteKey(key: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return key;
  if (!key.includes('`')) return '`' + key + '`';
  return '"' + key.replace(/"/g, '\\"') + '"';
}

/** A string literal: single quotes unless the value holds one. */
export function quoteValue(value: string): string {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  return `'${value.replace(/'/g, "\\'")}'`;
}

/** `metrics.\`val loss\`` for a column; undefined for attribute columns the grammar does not know. */
export function expressionFor(col: Column): string | undefined {
  if (col.kind === 'attr') return col.key === 'run_name' ? 'attributes.run_name' : ATTRIBUTES.find((a) => a.key === col.key)?.orderBy;
  return `${PREFIX[col.kind]}.${quoteKey(col.key)}`;
}

/** The order_by clause for sorting by a column, or undefined when the server cannot sort by it. */
export function orderByFor(col: Column, ascending: boolean): string | undefined {
  const expr = expressionFor(col);
  return expr && `${expr} ${ascending ? 'ASC' : 'DESC'}`;
}

/** A filter clause selecting runs whose column equals a value (metrics compare as numbers). */
export function clauseFor(col: Column, value: string): string | undefined {
  const expr = expressionFor(col);
  if (!expr) return undefined;
  return col.kind === 'metric' && value.trim() !== '' && !Number.isNaN(Number(value)) ? `${expr} = ${Number(value)}` : `${expr} = ${quoteValue(value)}`;
}

/** Adds a clause to a filter with `and`. */
export function addClause(filter: string, clause: string): string {
  const f = filter.trim();
  return f ? `${f} and ${clause}` : clause;
}

/** Column ids as kept in the URL: one letter for the kind, a dot, the key (`m.val loss`). */
export function columnId(col: Column): string {
  return `${URL_PREFIX[col.kind]}.${col.key}`;
}

export function parseColumnId(id: string): Column | undefined {
  const dot = id.indexOf('.');
  const kind = (Object.keys(URL_PREFIX) as ColumnKind[]).find((k) => URL_PREFIX[k] === id.slice(0, dot));
  return kind && dot > 0 && id.length > dot + 1 ? { kind, key: id.slice(dot + 1) } : undefined;
}

const ENTITY_WORDS = ['metrics.', 'params.', 'tags.', 'attributes.'];
const ATTRIBUTE_KEYS = ['run_name', 'status', 'start_time', 'end_time', 'user_id', 'run_id', 'artifact_uri'];

/**
 * Completions for the word being typed at `cursor`: entity prefixes, then the keys known for that entity (quoted when
 * needed). Returns the start of the word (to replace up to the cursor) and up to `limit` candidates.
 */
export function suggest(
  text: string,
  cursor: number,
  keys: { metrics: string[]; params: string[]; tags: string[] },
  limit = 20,
): { from: number; items: string[] } {
  const before = text.slice(0, cursor);
  // A word runs back to the last space or bracket, unless we are inside an open backtick.
  const tick = before.lastIndexOf('`');
  const inTick = (before.match(/`/g)?.length ?? 0) % 2 === 1;
  const head = inTick ? before.slice(0, tick) : before;
  const from = Math.max(head.lastIndexOf(' '), head.lastIndexOf('(')) + 1;
  const word = before.slice(from);
  const dot = word.indexOf('.');
  if (dot < 0) {
    const lower = word.toLowerCase();
    return { from, items: word ? ENTITY_WORDS.filter((w) => w.startsWith(lower)).slice(0, limit) : ENTITY_WORDS };
  }
  const entity = word.slice(0, dot).toLowerCase();
  const partial = word.slice(dot + 1).replace(/^[`"]/, '').toLowerCase();
  const pool =
    entity === 'metrics' || entity === 'metric'
      ? keys.metrics
      : entity.startsWith('param')
        ? keys.params
        : entity.startsWith('tag')
          ? keys.tags
          : entity.startsWith('attr')
            ? ATTRIBUTE_KEYS
            : [];
  const items = pool
    .filter((k) => k.toLowerCase().includes(partial))
    .sort((a, b) => Number(!a.toLowerCase().startsWith(partial)) - Number(!b.toLowerCase().startsWith(partial)))
    .slice(0, limit)
    .map((k) => `${word.slice(0, dot)}.${quoteKey(k)}`);
  return { from, items };
}

/**
 * The experiments search box: plain words search names (`name ILIKE '%words%'`); anything that looks like a filter
 * (a comparison or LIKE) is sent as MLflow search syntax, so `tags.team = 'nlp'` works too.
 */
export function experimentFilter(text: string): string {
  const t = text.trim();
  if (!t) return '';
  if (/[=<>]|\b(i?like|in)\b/i.test(t)) return t;
  return `name ILIKE ${quoteValue(`%${t}%`)}`;
}
