// MLflow 3's trace routes (`/ajax-api/3.0/mlflow/traces/*`): search an experiment's traces, get one with its spans
// (OTel JSON: base64 ids, AnyValue attributes), log an assessment.
import { request } from './client';

export interface Assessment {
  assessment_id?: string;
  assessment_name: string;
  trace_id?: string;
  span_id?: string;
  source?: { source_type?: string; source_id?: string };
  create_time?: string;
  last_update_time?: string;
  feedback?: { value?: unknown; error?: { error_code?: string; error_message?: string } };
  expectation?: { value?: unknown; serialized_value?: { value?: string } };
  rationale?: string;
  metadata?: Record<string, string>;
  valid?: boolean;
}

export interface TraceInfo {
  trace_id: string;
  trace_location?: { type?: string; mlflow_experiment?: { experiment_id?: string } };
  request_time?: string;
  execution_duration?: string;
  state?: 'OK' | 'ERROR' | 'IN_PROGRESS' | 'STATE_UNSPECIFIED' | string;
  trace_metadata?: Record<string, string>;
  tags?: Record<string, string>;
  assessments?: Assessment[];
  request_preview?: string;
  response_preview?: string;
  client_request_id?: string;
}

/** An OTel AnyValue in protobuf JSON (snake_case from MLflow, lowerCamelCase from OTLP exporters). */
export type AnyValue = Record<string, unknown>;
export interface OtelKeyValue {
  key: string;
  value?: AnyValue;
}

export interface OtelSpan {
  trace_id?: string;
  span_id: string;
  parent_span_id?: string;
  name?: string;
  start_time_unix_nano?: number | string;
  end_time_unix_nano?: number | string;
  attributes?: OtelKeyValue[];
  events?: { time_unix_nano?: number | string; name?: string; attributes?: OtelKeyValue[] }[];
  status?: { code?: string | number; message?: string };
  kind?: string | number;
}

export interface Trace {
  trace_info: TraceInfo;
  spans?: OtelSpan[];
}

export interface TraceSearch {
  experimentId: string;
  filter?: string;
  orderBy?: string[];
  pageToken?: string;
  maxResults?: number;
}

export const traces = {
  search: (q: TraceSearch, signal?: AbortSignal) =>
    request<{ traces?: TraceInfo[]; next_page_token?: string }>(
      '3.0',
      'POST',
      'traces/search',
      {
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: q.experimentId } }],
        filter: q.filter || undefined,
        order_by: q.orderBy?.length ? q.orderBy : undefined,
        page_token: q.pageToken || undefined,
        max_results: q.maxResults ?? 100,
      },
      signal,
    ),
  get: (trace_id: string, signal?: AbortSignal) =>
    request<{ trace: Trace }>('3.0', 'GET', 'traces/get', { trace_id }, signal).then((r) => r.trace),
  setTag: (trace_id: string, key: string, value: string) => request('3.0', 'PATCH', `traces/${encodeURIComponent(trace_id)}/tags`, { key, value }),
  deleteTag: (trace_id: string, key: string) => request('3.0', 'DELETE', `traces/${encodeURIComponent(trace_id)}/tags`, { key }),
  deleteTraces: (experiment_id: string, request_ids: string[]) =>
    request<{ traces_deleted?: number }>('3.0', 'POST', 'traces/delete-traces', { experiment_id, request_ids }),
  /** Feedback from a person in the UI: MLflow's HUMAN source. */
  logFeedback: (trace_id: string, name: string, value: unknown, rationale: string, source_id: string) =>
    request<{ assessment: Assessment }>('3.0', 'POST', `traces/${encodeURIComponent(trace_id)}/assessments`, {
      assessment: {
        assessment_name: name,
        trace_id,
        source: { source_type: 'HUMAN', source_id: source_id || 'ui' },
        feedback: { value },
        rationale: rationale || undefined,
      },
    }).then((r) => r.assessment),
};
