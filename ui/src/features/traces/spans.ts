// Pure helpers for a trace's spans as `traces/get` returns them (OTel JSON): AnyValue decoding, base64 ids, the span
// tree (parent/child from parent_span_id) and its flattening into the rows a virtualised list shows. Everything here
// is linear in the number of spans and iterative (a 50,000-deep chain must not overflow the stack).
import type { AnyValue, OtelKeyValue, OtelSpan } from '../../api/traces';

const pick = (v: AnyValue, snake: string, camel: string): unknown => (snake in v ? v[snake] : v[camel]);

/**
 * An OTel AnyValue → a plain JS value: string, int (number; a string beyond 2^53 stays a string), double (NaN and
 * infinities as MLflow spells them), bool, kvlist → object, array → array, bytes → their base64 text, empty → null.
 * Accepts protobuf's JSON spellings (`string_value` and `stringValue`).
 */
export function decodeAnyValue(v: AnyValue | undefined | null): unknown {
  if (!v || typeof v !== 'object') return v ?? null;
  let x: unknown;
  if ((x = pick(v, 'string_value', 'stringValue')) !== undefined) return String(x);
  if ((x = pick(v, 'bool_value', 'boolValue')) !== undefined) return x === true || x === 'true';
  if ((x = pick(v, 'int_value', 'intValue')) !== undefined) {
    const n = Number(x);
    return Number.isSafeInteger(n) ? n : String(x);
  }
  if ((x = pick(v, 'double_value', 'doubleValue')) !== undefined) return Number(x);
  if ((x = pick(v, 'kvlist_value', 'kvlistValue')) !== undefined) return decodeAttributes(((x as { values?: OtelKeyValue[] }) ?? {}).values);
  if ((x = pick(v, 'array_value', 'arrayValue')) !== undefined)
    return (((x as { values?: AnyValue[] }) ?? {}).values ?? []).map((e) => decodeAnyValue(e));
  if ((x = pick(v, 'bytes_value', 'bytesValue')) !== undefined) return String(x);
  return null;
}

/** A list of OTel key/values → an object (later keys win, as OTel says duplicates should not exist). */
export function decodeAttributes(kvs: OtelKeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of kvs ?? []) out[kv.key] = decodeAnyValue(kv.value);
  return out;
}

/**
 * MLflow's own spans keep attributes as JSON text (`"\"LLM\""`, `"{\"q\": 1}"`): a string that holds a JSON object,
 * array or string literal is shown parsed; any other string stays as it is.
 */
export function parseJsonText(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!/^[[{"]/.test(t)) return v;
  try {
    return JSON.parse(t);
  } catch {
    return v;
  }
}

/** Protobuf JSON writes bytes (trace and span ids) in base64; people read them in hex, as OTel tools show them. */
export function base64ToHex(b64: string | undefined): string {
  if (!b64) return '';
  if (/^[0-9a-f]{16}$|^[0-9a-f]{32}$/i.test(b64)) return b64.toLowerCase(); // already hex
  try {
    const bin = atob(b64);
    let out = '';
    for (let i = 0; i < bin.length; i++) out += bin.charCodeAt(i).toString(16).padStart(2, '0');
    return out;
  } catch {
    return b64;
  }
}

/** Unix nanoseconds (number or string) → milliseconds since the epoch (a double keeps about a quarter-µs there). */
export function nanosToMs(v: number | string | undefined): number {
  if (v === undefined || v === null || v === '') return NaN;
  // From a string, whole milliseconds stay exact: split the digits instead of dividing a rounded 19-digit number.
  if (typeof v === 'string' && /^\d{7,}$/.test(v)) return Number(v.slice(0, -6)) + Number(v.slice(-6)) / 1e6;
  return Number(v) / 1e6;
}

/** Span durations: `850µs`, `12.3ms`, `1.25s`, `2m 5s` (traces are often sub-millisecond, runs never are). */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms === 0) return '0';
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 100) return `${Number(ms.toFixed(1))}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(2))}s`;
  return `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`;
}

export type SpanStatus = 'OK' | 'ERROR' | 'UNSET';

export function spanStatus(span: OtelSpan): SpanStatus {
  const c = span.status?.code;
  if (c === 'STATUS_CODE_ERROR' || c === 2 || c === '2' || c === 'ERROR') return 'ERROR';
  if (c === 'STATUS_CODE_OK' || c === 1 || c === '1' || c === 'OK') return 'OK';
  return 'UNSET';
}

/** The `mlflow.spanType` attribute (LLM, CHAIN, TOOL, …), JSON-quoted or not; found without decoding the rest. */
export function spanType(span: OtelSpan): string {
  const kv = span.attributes?.find((a) => a.key === 'mlflow.spanType');
  const v = kv ? decodeAnyValue(kv.value) : undefined;
  if (typeof v !== 'string') return '';
  return v.startsWith('"') ? String(parseJsonText(v)) : v;
}

export interface SpanNode {
  index: number;
  id: string;
  name: string;
  type: string;
  status: SpanStatus;
  /** Milliseconds since the epoch. */
  start: number;
  end: number;
  depth: number;
  /** Index of the parent node, -1 for a root (or a span whose parent is not in the trace). */
  parent: number;
  children: number[];
}

export interface SpanTree {
  nodes: SpanNode[];
  roots: number[];
  /** The earliest start and latest end over all spans, in ms: the waterfall's scale. */
  start: number;
  end: number;
}

/**
 * Builds the tree: parents from `parent_span_id` (a parent missing from the trace makes the span a root), children
 * ordered by start time, depths by an iterative walk. Spans on a parent cycle (a corrupt trace) are shown as roots
 * rather than lost.
 */
export function buildSpanTree(spans: OtelSpan[]): SpanTree {
  const byId = new Map<string, number>();
  const nodes: SpanNode[] = spans.map((s, index) => {
    byId.set(s.span_id, index);
    const start = nanosToMs(s.start_time_unix_nano);
    const endRaw = nanosToMs(s.end_time_unix_nano);
    return {
      index,
      id: s.span_id,
      name: s.name ?? '',
      type: spanType(s),
      status: spanStatus(s),
      start,
      end: Number.isFinite(endRaw) && endRaw >= start ? endRaw : start,
      depth: 0,
      parent: -1,
      children: [],
    };
  });
  let roots: number[] = [];
  spans.forEach((s, i) => {
    const p = s.parent_span_id ? byId.get(s.parent_span_id) : undefined;
    if (p === undefined || p === i) roots.push(i);
    else {
      nodes[i].parent = p;
      nodes[p].children.push(i);
    }
  });
  const byStart = (a: number, b: number) => nodes[a].start - nodes[b].start || a - b;
  for (const n of nodes) if (n.children.length > 1) n.children.sort(byStart);
  roots.sort(byStart);

  const seen = new Uint8Array(nodes.length);
  const walk = (from: number[]) => {
    const stack = from.map((r) => [r, 0] as [number, number]);
    while (stack.length) {
      const [i, depth] = stack.pop()!;
      if (seen[i]) continue;
      seen[i] = 1;
      nodes[i].depth = depth;
      for (const c of nodes[i].children) stack.push([c, depth + 1]);
    }
  };
  walk(roots);
  const cyclic = nodes.filter((n) => !seen[n.index]).map((n) => n.index);
  if (cyclic.length) {
    for (const i of cyclic) {
      const p = nodes[i].parent;
      if (p >= 0) nodes[p].children = nodes[p].children.filter((c) => c !== i);
      nodes[i].parent = -1;
    }
    roots = [...roots, ...cyclic].sort(byStart);
    walk(cyclic);
  }

  let start = Infinity;
  let end = -Infinity;
  for (const n of nodes) {
    if (Number.isFinite(n.start) && n.start < start) start = n.start;
    if (Number.isFinite(n.end) && n.end > end) end = n.end;
  }
  if (!Number.isFinite(start)) start = end = 0;
  return { nodes, roots, start, end };
}

/** The rows a tree shows: a depth-first walk that skips the children of collapsed nodes. */
export function flattenVisible(tree: SpanTree, collapsed: ReadonlySet<number>): number[] {
  const out: number[] = [];
  const stack = [...tree.roots].reverse();
  while (stack.length) {
    const i = stack.pop()!;
    out.push(i);
    if (collapsed.has(i)) continue;
    const ch = tree.nodes[i].children;
    for (let k = ch.length - 1; k >= 0; k--) stack.push(ch[k]);
  }
  return out;
}

/** Every node with children: "collapse all". */
export function allParents(tree: SpanTree): Set<number> {
  return new Set(tree.nodes.filter((n) => n.children.length > 0).map((n) => n.index));
}

/** Collapsed set with every ancestor of `i` expanded, so a selected span is visible. */
export function revealed(tree: SpanTree, collapsed: ReadonlySet<number>, i: number): ReadonlySet<number> {
  let out: Set<number> | undefined;
  for (let p = tree.nodes[i]?.parent ?? -1; p >= 0; p = tree.nodes[p].parent) {
    if (collapsed.has(p)) (out ??= new Set(collapsed)).delete(p);
  }
  return out ?? collapsed;
}

/**
 * The next span after `from` (in tree order, wrapping) whose name or type contains `query` (any case), or whose id
 * (hex) starts with it; -1 when none does. Collapsed spans are searched too: the caller reveals the one found.
 */
export function findNext(tree: SpanTree, query: string, from: number): number {
  const q = query.trim().toLowerCase();
  if (!q) return -1;
  const order = flattenVisible(tree, new Set());
  const start = Math.max(0, order.indexOf(from));
  const hexQuery = /^[0-9a-f]+$/.test(q);
  for (let k = 1; k <= order.length; k++) {
    const n = tree.nodes[order[(start + k) % order.length]];
    if (n.name.toLowerCase().includes(q) || n.type.toLowerCase() === q || (hexQuery && q.length >= 4 && base64ToHex(n.id).startsWith(q))) return n.index;
  }
  return -1;
}

/** Decoded, display-ready parts of one span: inputs, outputs, the other attributes, events. */
export function spanDetail(span: OtelSpan) {
  const attrs = decodeAttributes(span.attributes);
  const inputs = parseJsonText(attrs['mlflow.spanInputs']);
  const outputs = parseJsonText(attrs['mlflow.spanOutputs']);
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'mlflow.spanInputs' || k === 'mlflow.spanOutputs') continue;
    rest[k] = parseJsonText(v);
  }
  const events = (span.events ?? []).map((e) => ({
    name: e.name ?? '',
    time: nanosToMs(e.time_unix_nano),
    attributes: Object.fromEntries(Object.entries(decodeAttributes(e.attributes)).map(([k, v]) => [k, parseJsonText(v)])),
  }));
  return { inputs, outputs, attributes: rest, events, hasInputs: 'mlflow.spanInputs' in attrs, hasOutputs: 'mlflow.spanOutputs' in attrs };
}
