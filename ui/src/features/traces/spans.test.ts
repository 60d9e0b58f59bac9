import { describe, expect, it } from 'vitest';
import type { OtelSpan } from '../../api/traces';
import { allParents, base64ToHex, buildSpanTree, decodeAnyValue, decodeAttributes, findNext, flattenVisible, formatMs, nanosToMs, parseJsonText, revealed, spanDetail, spanType } from './spans';

const span = (id: string, parent: string | undefined, start: number, end: number, extra: Partial<OtelSpan> = {}): OtelSpan => ({
  span_id: id,
  parent_span_id: parent,
  name: id,
  start_time_unix_nano: String(start * 1e6),
  end_time_unix_nano: String(end * 1e6),
  ...extra,
});

describe('decodeAnyValue', () => {
  it('decodes every AnyValue kind, snake_case and camelCase', () => {
    expect(decodeAnyValue({ string_value: 'hi' })).toBe('hi');
    expect(decodeAnyValue({ stringValue: 'hi' })).toBe('hi');
    expect(decodeAnyValue({ int_value: 5 })).toBe(5);
    expect(decodeAnyValue({ intValue: '42' })).toBe(42);
    expect(decodeAnyValue({ int_value: '9223372036854775807' })).toBe('9223372036854775807');
    expect(decodeAnyValue({ double_value: 1.5 })).toBe(1.5);
    expect(decodeAnyValue({ doubleValue: 'NaN' })).toBeNaN();
    expect(decodeAnyValue({ bool_value: true })).toBe(true);
    expect(decodeAnyValue({ boolValue: false })).toBe(false);
    expect(decodeAnyValue({ bytes_value: 'AAE=' })).toBe('AAE=');
    expect(decodeAnyValue({})).toBeNull();
    expect(decodeAnyValue(undefined)).toBeNull();
    expect(
      decodeAnyValue({
        kvlist_value: { values: [{ key: 'q', value: { string_value: 'hi' } }, { key: 'n', value: { arrayValue: { values: [{ intValue: 1 }, { boolValue: true }] } } }] },
      }),
    ).toEqual({ q: 'hi', n: [1, true] });
    expect(decodeAnyValue({ array_value: {} })).toEqual([]);
  });
  it('decodes attribute lists and MLflow JSON text', () => {
    expect(decodeAttributes([{ key: 'a', value: { int_value: 1 } }, { key: 'b' }])).toEqual({ a: 1, b: null });
    expect(parseJsonText('{"q": 1}')).toEqual({ q: 1 });
    expect(parseJsonText('"LLM"')).toBe('LLM');
    expect(parseJsonText('plain')).toBe('plain');
    expect(parseJsonText('{broken')).toBe('{broken');
    expect(parseJsonText(3)).toBe(3);
  });
  it('reads the span type quoted or not', () => {
    expect(spanType({ span_id: 'a', attributes: [{ key: 'mlflow.spanType', value: { string_value: 'LLM' } }] })).toBe('LLM');
    expect(spanType({ span_id: 'a', attributes: [{ key: 'mlflow.spanType', value: { stringValue: '"TOOL"' } }] })).toBe('TOOL');
    expect(spanType({ span_id: 'a' })).toBe('');
  });
});

describe('ids and times', () => {
  it('turns base64 ids into hex', () => {
    expect(base64ToHex('t61rcWkgMzE=')).toBe('b7ad6b7169203331');
    expect(base64ToHex('CvdlGRbNQ92ESOshHIAxnA==')).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(base64ToHex('b7ad6b7169203331')).toBe('b7ad6b7169203331');
    expect(base64ToHex(undefined)).toBe('');
  });
  it('converts nanoseconds to µs precision', () => {
    expect(nanosToMs('1700000000010000000')).toBe(1700000000010);
    expect(nanosToMs('1700000000000000500') - 1700000000000).toBeCloseTo(0.0005, 3);
    expect(nanosToMs(1_500_000)).toBe(1.5);
    expect(nanosToMs(undefined)).toBeNaN();
  });
  it('formats span durations', () => {
    expect(formatMs(0.25)).toBe('250µs');
    expect(formatMs(12.34)).toBe('12.3ms');
    expect(formatMs(250)).toBe('250ms');
    expect(formatMs(1250)).toBe('1.25s');
    expect(formatMs(125_000)).toBe('2m 5s');
    expect(formatMs(NaN)).toBe('—');
  });
});

describe('span tree', () => {
  const spans = [span('c2', 'r', 50, 60), span('r', undefined, 0, 100), span('c1', 'r', 10, 40), span('g', 'c1', 20, 30), span('orphan', 'missing', 5, 6)];
  it('links parents and children, orders by start, finds the time range', () => {
    const t = buildSpanTree(spans);
    expect(t.roots.map((i) => t.nodes[i].id)).toEqual(['r', 'orphan']);
    const r = t.nodes[1];
    expect(r.children.map((i) => t.nodes[i].id)).toEqual(['c1', 'c2']);
    expect(t.nodes[3].depth).toBe(2);
    expect(t.nodes[3].parent).toBe(2);
    expect(t.start).toBe(0);
    expect(t.end).toBe(100);
  });
  it('flattens depth-first, skipping collapsed children', () => {
    const t = buildSpanTree(spans);
    const ids = (c: Set<number>) => flattenVisible(t, c).map((i) => t.nodes[i].id);
    expect(ids(new Set())).toEqual(['r', 'c1', 'g', 'c2', 'orphan']);
    expect(ids(new Set([2]))).toEqual(['r', 'c1', 'c2', 'orphan']);
    expect(ids(allParents(t))).toEqual(['r', 'orphan']);
    expect([...revealed(t, allParents(t), 3)]).toEqual([]);
  });
  it('finds the next span by name, type or hex id, wrapping', () => {
    const t = buildSpanTree([...spans.slice(0, 4), span('AAAAAAAAAAE=', 'c2', 55, 56, { name: 'tool', attributes: [{ key: 'mlflow.spanType', value: { string_value: 'TOOL' } }] })]);
    const id = (i: number) => (i < 0 ? undefined : t.nodes[i].id);
    expect(id(findNext(t, 'c', 1))).toBe('c1');
    expect(id(findNext(t, 'C', 2))).toBe('c2');
    expect(id(findNext(t, 'c', 0))).toBe('c1'); // wraps past the end
    expect(id(findNext(t, 'tool', 1))).toBe('AAAAAAAAAAE=');
    expect(id(findNext(t, '000000000000', 1))).toBe('AAAAAAAAAAE=');
    expect(findNext(t, 'nothing', 1)).toBe(-1);
    expect(findNext(t, ' ', 1)).toBe(-1);
  });
  it('keeps spans on a parent cycle as roots', () => {
    const t = buildSpanTree([span('a', 'b', 0, 1), span('b', 'a', 1, 2), span('self', 'self', 0, 1)]);
    expect(flattenVisible(t, new Set()).length).toBe(3);
  });
  it('handles a 50,000-deep chain without recursion', () => {
    const chain = Array.from({ length: 50_000 }, (_, i) => span('s' + i, i ? 's' + (i - 1) : undefined, i, 100_000 - i));
    const t = buildSpanTree(chain);
    expect(t.nodes[49_999].depth).toBe(49_999);
    expect(flattenVisible(t, new Set()).length).toBe(50_000);
    expect(flattenVisible(t, new Set([0])).length).toBe(1);
  });
  it('decodes the selected span for the detail panel', () => {
    const d = spanDetail({
      span_id: 'x',
      attributes: [
        { key: 'mlflow.spanInputs', value: { kvlist_value: { values: [{ key: 'q', value: { string_value: 'hi' } }] } } },
        { key: 'mlflow.spanOutputs', value: { string_value: '{"a": 1}' } },
        { key: 'custom', value: { int_value: 7 } },
      ],
      events: [{ name: 'exception', time_unix_nano: '1000000', attributes: [{ key: 'exception.message', value: { string_value: 'boom' } }] }],
    });
    expect(d.inputs).toEqual({ q: 'hi' });
    expect(d.outputs).toEqual({ a: 1 });
    expect(d.attributes).toEqual({ custom: 7 });
    expect(d.events).toEqual([{ name: 'exception', time: 1, attributes: { 'exception.message': 'boom' } }]);
  });
});
