import { describe, expect, it } from 'vitest';
import type { TraceInfo } from '../../api/traces';
import { assessmentValue, durationMs, parseFeedbackValue, preview, requestTimeMs, tokenUsage, traceFilter, traceOrderBy, userTags } from './traceInfo';

const info = (x: Partial<TraceInfo>): TraceInfo => ({ trace_id: 'tr-1', ...x });

describe('trace list helpers', () => {
  it('sends grammar as is and turns words into a name search', () => {
    expect(traceFilter("trace.status = 'ERROR'")).toBe("trace.status = 'ERROR'");
    expect(traceFilter('tags.flow LIKE "a%"')).toBe('tags.flow LIKE "a%"');
    expect(traceFilter('  chat bot ')).toBe("trace.name LIKE '%chat bot%'");
    expect(traceFilter("it's")).toBe(`trace.name LIKE "%it's%"`);
    expect(traceFilter('')).toBe('');
  });
  it('maps sort columns to order_by', () => {
    expect(traceOrderBy('latency', true)).toEqual(['execution_time_ms ASC']);
    expect(traceOrderBy(null, false)).toEqual(['timestamp_ms DESC']);
  });
  it('reads durations, times, tokens, tags and previews', () => {
    expect(durationMs('0.250s')).toBe(250);
    expect(durationMs('3s')).toBe(3000);
    expect(durationMs(undefined)).toBeUndefined();
    expect(durationMs('bad')).toBeUndefined();
    expect(requestTimeMs(info({ request_time: '2023-11-14T22:13:20Z' }))).toBe(1700000000000);
    expect(tokenUsage(info({ trace_metadata: { 'mlflow.trace.tokenUsage': '{"input_tokens": 5, "output_tokens": 7, "total_tokens": 12}' } }))?.total_tokens).toBe(12);
    expect(tokenUsage(info({ trace_metadata: { 'mlflow.trace.tokenUsage': '{"input_tokens": 5, "output_tokens": 7}' } }))?.total_tokens).toBe(12);
    expect(tokenUsage(info({ trace_metadata: { 'mlflow.trace.tokenUsage': 'nope' } }))).toBeUndefined();
    expect(tokenUsage(info({}))).toBeUndefined();
    expect(userTags({ 'mlflow.traceName': 'x', flow: 'a' })).toEqual([['flow', 'a']]);
    expect(preview('a\n  b', 10)).toBe('a b');
    expect(preview('x'.repeat(20), 10)).toBe('x'.repeat(9) + '…');
  });
  it('parses feedback values and shows assessments', () => {
    expect(parseFeedbackValue('true')).toBe(true);
    expect(parseFeedbackValue('0.8')).toBe(0.8);
    expect(parseFeedbackValue('{"a": 1}')).toEqual({ a: 1 });
    expect(parseFeedbackValue('good answer')).toBe('good answer');
    expect(assessmentValue({ assessment_name: 'q', feedback: { value: 0.8 } })).toBe('0.8');
    expect(assessmentValue({ assessment_name: 'q', feedback: { value: 'ok' } })).toBe('ok');
    expect(assessmentValue({ assessment_name: 'q', feedback: { error: { error_message: 'judge failed' } } })).toBe('error: judge failed');
    expect(assessmentValue({ assessment_name: 'q', expectation: { value: { a: 1 } } })).toBe('{"a":1}');
  });
});
