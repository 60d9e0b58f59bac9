import { describe, expect, it } from 'vitest';
import type { Run } from '../../api/types';
import { allFields, defaultAxes, defaultMetric, defaultScatter, differs, fieldId, fieldValue, parseFieldId, parseValue, runColor } from './values';

function run(id: string, params: Record<string, string>, metrics: Record<string, number>): Run {
  return {
    info: { run_id: id, experiment_id: '1', status: 'FINISHED', lifecycle_stage: 'active' },
    data: {
      params: Object.entries(params).map(([key, value]) => ({ key, value })),
      metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 0 })),
    },
  };
}

describe('parseValue', () => {
  it('reads decimal numbers, leaves the rest as categories', () => {
    expect(parseValue('0.1')).toBe(0.1);
    expect(parseValue(' -3 ')).toBe(-3);
    expect(parseValue('1e-3')).toBe(0.001);
    expect(parseValue('.5')).toBe(0.5);
    for (const s of ['', ' ', 'adam', '0x10', 'Infinity', 'NaN', '1,000', 'True']) expect(parseValue(s)).toBe(s);
  });
});

describe('fields', () => {
  const runs = [run('a', { lr: '0.1', opt: 'adam', seed: '1' }, { loss: 0.5, acc: NaN }), run('b', { lr: '0.2', opt: 'adam' }, { loss: 0.4, f1: 1 })];
  it('ids round-trip', () => {
    expect(parseFieldId(fieldId({ kind: 'param', key: 'a:b' }))).toEqual({ kind: 'param', key: 'a:b' });
    expect(parseFieldId('m:loss')).toEqual({ kind: 'metric', key: 'loss' });
    expect(parseFieldId('x:loss')).toBeUndefined();
  });
  it('values: numbers, categories, missing, non-finite metrics missing', () => {
    expect(fieldValue(runs[0], { kind: 'param', key: 'lr' })).toBe(0.1);
    expect(fieldValue(runs[0], { kind: 'param', key: 'opt' })).toBe('adam');
    expect(fieldValue(runs[1], { kind: 'param', key: 'seed' })).toBeUndefined();
    expect(fieldValue(runs[0], { kind: 'metric', key: 'acc' })).toBeUndefined();
    expect(fieldValue(runs[1], { kind: 'metric', key: 'loss' })).toBe(0.4);
  });
  it('keys, differences and defaults', () => {
    expect(allFields(runs).params.map((f) => f.key)).toEqual(['lr', 'opt', 'seed']);
    expect(differs(runs, { kind: 'param', key: 'opt' })).toBe(false);
    expect(differs(runs, { kind: 'param', key: 'seed' })).toBe(true);
    expect(defaultAxes(runs).map(fieldId)).toEqual(['p:lr', 'p:seed', 'm:acc', 'm:f1', 'm:loss']);
    expect(defaultMetric(runs)).toBe('loss');
    expect(defaultMetric([run('x', {}, {})])).toBeUndefined();
    expect(defaultScatter(runs)).toEqual({ x: { kind: 'param', key: 'lr' }, y: { kind: 'metric', key: 'acc' } });
    expect(defaultScatter([run('x', {}, { a: 1, b: 2 })])).toEqual({ x: { kind: 'metric', key: 'a' }, y: { kind: 'metric', key: 'b' } });
  });
  it('shares the axes between params and metrics', () => {
    const many = (prefix: string, n: number, v: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, v]));
    const wide = [run('a', many('p', 10, 1) as unknown as Record<string, string>, many('m', 10, 1)), run('b', many('p', 10, 2) as unknown as Record<string, string>, many('m', 1, 2))];
    // Every param differs (10), every metric differs (10, missing in b counts): 3 + 3.
    expect(defaultAxes(wide).map((f) => f.kind)).toEqual(['param', 'param', 'param', 'metric', 'metric', 'metric']);
    const fewMetrics = [run('a', many('p', 10, 1) as unknown as Record<string, string>, { m: 1 }), run('b', many('p', 10, 2) as unknown as Record<string, string>, { m: 2 })];
    expect(defaultAxes(fewMetrics).filter((f) => f.kind === 'param')).toHaveLength(5);
  });
  it('gives every run its own colour', () => {
    const colours = Array.from({ length: 30 }, (_, i) => runColor(i));
    expect(new Set(colours).size).toBe(30);
  });
});
