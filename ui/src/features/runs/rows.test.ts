import { describe, expect, it } from 'vitest';
import type { Run } from '../../api/types';
import { buildRows, cellText, collectKeys, runName } from './rows';

function run(id: string, parent?: string, extra: Partial<Run['data']> = {}): Run {
  return {
    info: { run_id: id, run_name: 'run ' + id, experiment_id: '1', status: 'FINISHED', lifecycle_stage: 'active', start_time: 1000, end_time: 62000 },
    data: { tags: parent ? [{ key: 'mlflow.parentRunId', value: parent }] : [], ...extra },
  };
}

describe('buildRows', () => {
  const runs = [run('a'), run('a1', 'a'), run('b'), run('a2', 'a'), run('orphan', 'missing'), run('a1x', 'a1')];
  it('hides children of collapsed parents and counts them', () => {
    const rows = buildRows(runs, new Set());
    expect(rows.map((r) => r.run.info.run_id)).toEqual(['a', 'b', 'orphan']);
    expect(rows[0].childCount).toBe(2);
  });
  it('puts expanded children after their parent, keeping server order, nested', () => {
    const rows = buildRows(runs, new Set(['a', 'a1']));
    expect(rows.map((r) => [r.run.info.run_id, r.depth])).toEqual([
      ['a', 0],
      ['a1', 1],
      ['a1x', 2],
      ['a2', 1],
      ['b', 0],
      ['orphan', 0],
    ]);
  });
  it('survives parent cycles', () => {
    const rows = buildRows([run('x', 'y'), run('y', 'x')], new Set(['x', 'y']));
    expect(rows.length).toBeLessThanOrEqual(2);
  });
  it('handles 10,000 runs quickly', () => {
    const many = Array.from({ length: 10000 }, (_, i) => run('r' + i, i % 10 ? 'r' + (i - (i % 10)) : undefined));
    const t = performance.now();
    const rows = buildRows(many, new Set());
    expect(rows.length).toBe(1000);
    expect(performance.now() - t).toBeLessThan(500);
  });
});

describe('cells', () => {
  const r = run('a', undefined, {
    metrics: [{ key: 'acc', value: 0.123456789, timestamp: 1, step: 1 }],
    params: [{ key: 'lr', value: '0.1' }],
    tags: [{ key: 'mlflow.source.name', value: '/home/me/train.py' }, { key: 'mlflow.user', value: 'bob' }],
  });
  it('shows latest metrics, params, tags and derived attributes', () => {
    expect(cellText(r, { kind: 'metric', key: 'acc' })).toBe('0.123457');
    expect(cellText(r, { kind: 'metric', key: 'missing' })).toBe('');
    expect(cellText(r, { kind: 'param', key: 'lr' })).toBe('0.1');
    expect(cellText(r, { kind: 'attr', key: 'source' })).toBe('train.py');
    expect(cellText(r, { kind: 'attr', key: 'user_id' })).toBe('bob');
    expect(cellText(r, { kind: 'attr', key: 'duration' })).toBe('1m 1s');
    expect(cellText(r, { kind: 'attr', key: 'status' })).toBe('FINISHED');
    expect(runName(r)).toBe('run a');
  });
  it('collects sorted keys', () => {
    expect(collectKeys([r, run('b', undefined, { metrics: [{ key: 'zeta', value: 1, timestamp: 1 }] })]).metrics).toEqual(['acc', 'zeta']);
  });
});
