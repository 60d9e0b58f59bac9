// Helpers for the traces list: the search box's filter, sort orders, and reading a TraceInfo's fields (latency from
// the protobuf Duration, tokens from metadata, previews, user tags, assessments).
import { quoteValue } from '../../api/search';
import type { Assessment, TraceInfo } from '../../api/traces';

/**
 * The traces search box: MLflow's trace grammar (`trace.status = 'ERROR'`, `tags.flow = 'a'`,
 * ``metadata.`mlflow.user` = 'x'``, `trace.execution_time_ms > 100`) is sent as is; plain words search trace names.
 */
export function traceFilter(text: string): string {
  const t = text.trim();
  if (!t) return '';
  if (/[=<>]|\b(i?like|in)\b/i.test(t)) return t;
  return `trace.name LIKE ${quoteValue(`%${t}%`)}`;
}

/** Sortable columns of the list → the server's order_by keys. */
export const TRACE_ORDER: Record<string, string> = {
  request_time: 'timestamp_ms',
  latency: 'execution_time_ms',
};

export function traceOrderBy(sort: string | null, ascending: boolean): string[] {
  const key = TRACE_ORDER[sort ?? ''] ?? 'timestamp_ms';
  return [`${key} ${ascending ? 'ASC' : 'DESC'}`];
}

/** A protobuf Duration in JSON (`"0.250s"`, `"3s"`, `"1.000000001s"`) → milliseconds. */
export function durationMs(d: string | number | undefined): number | undefined {
  if (d === undefined || d === null || d === '') return undefined;
  if (typeof d === 'number') return d;
  const m = /^(-?\d+(?:\.\d+)?)s$/.exec(d.trim());
  return m ? Number(m[1]) * 1000 : undefined;
}

export function requestTimeMs(info: TraceInfo): number | undefined {
  const t = info.request_time;
  if (!t) return undefined;
  const n = /^\d+$/.test(t) ? Number(t) : Date.parse(t);
  return Number.isFinite(n) ? n : undefined;
}

export interface TokenUsage {
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
}

/** `mlflow.trace.tokenUsage` metadata (JSON text); the total is the sum when the writer left it out. */
export function tokenUsage(info: TraceInfo): TokenUsage | undefined {
  const raw = info.trace_metadata?.['mlflow.trace.tokenUsage'];
  if (!raw) return undefined;
  try {
    const u = JSON.parse(raw) as TokenUsage;
    if (!u || typeof u !== 'object') return undefined;
    const total = u.total_tokens ?? (u.input_tokens !== undefined || u.output_tokens !== undefined ? (u.input_tokens ?? 0) + (u.output_tokens ?? 0) : undefined);
    return { ...u, total_tokens: total };
  } catch {
    return undefined;
  }
}

export function traceName(info: TraceInfo): string {
  return info.tags?.['mlflow.traceName'] ?? '';
}

/** One line for a table cell: whitespace collapsed, cut at `max` characters. */
export function preview(text: string | undefined, max = 200): string {
  if (!text) return '';
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

/** The tags people set (MLflow's own `mlflow.*` bookkeeping tags left out). */
export function userTags(tags: Record<string, string> | undefined): [string, string][] {
  return Object.entries(tags ?? {}).filter(([k]) => !k.startsWith('mlflow.'));
}

/** An assessment's value for display: feedback or expectation, JSON for structured values, the error if it failed. */
export function assessmentValue(a: Assessment): string {
  if (a.feedback) {
    if (a.feedback.error) return `error: ${a.feedback.error.error_message ?? a.feedback.error.error_code ?? ''}`;
    return show(a.feedback.value);
  }
  if (a.expectation) return a.expectation.serialized_value?.value ?? show(a.expectation.value);
  return '';
}

function show(v: unknown): string {
  if (v === undefined || v === null) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The feedback form's value: `true`/`false` → bool, a number → number, JSON object/array → parsed, else text. */
export function parseFeedbackValue(text: string): unknown {
  const t = text.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  if (/^[[{]/.test(t)) {
    try {
      return JSON.parse(t);
    } catch {
      /* plain text */
    }
  }
  return text;
}

/** A trace state → the status colour classes the runs use. */
export function stateClass(state: string | undefined): string {
  return state === 'OK' ? 'finished' : state === 'ERROR' ? 'failed' : state === 'IN_PROGRESS' ? 'running' : '';
}
