import { describe, expect, it } from 'vitest';
import type { Run } from '../../api/types';
import { buildDiff, diffRow, visibleRows } from './diff';

function run(id: string, data: Run['data'], info: Partial<Run['info']> = {}): Run {
  return { info: { run_id: id, experiment_id: '1', status: 'FINISHED', lifecycle_stage: 'active', start_time: 1000, end_time: 61000, ...info }, data };
}

const runs = [
  run('a', {
    params: [{ key: 'lr', value: '0.1' }, { key: 'opt', value: 'adam' }],
    metrics: [{ key: 'loss', value: 0.1234567, timestamp: 0 }],
    tags: [{ key: 'team', value: 'cv' }, { key: 'mlflow.user', value: 'ann' }],
  }),
  run('b', {
    params: [{ key: 'lr', value: '0.2' }, { key: 'opt', value: 'adam' }, { key: 'seed', value: '3' }],
    metrics: [{ key: 'loss', value: 0.1234568, timestamp: 0 }],
    tags: [{ key: 'team', value: 'cv' }, { key: 'mlflow.user', value: 'bob' }],
  }, { status: 'FAILED' }),
];

describe('diffRow', () => {
  it('marks cells that differ from the first run; a missing value differs', () => {
    expect(diffRow('k', ['1', '1', '2', undefined])).toEqual({ key: 'k', cells: ['1', '1', '2', undefined], same: false, changed: [false, false, true, true] });
    expect(diffRow('k', [undefined, undefined]).same).toBe(true);
  });
});

describe('buildDiff', () => {
  const sections = buildDiff(runs);
  const section = (id: string) => sections.find((s) => s.id === id)!;
  const row = (id: string, key: string) => section(id).rows.find((r) => r.key === key)!;
  it('has a row per attribute, param, metric and tag, one cell per run', () => {
    expect(sections.map((s) => s.id)).toEqual(['attributes', 'params', 'metrics', 'tags', 'system']);
    expect(section('attributes').rows.map((r) => r.key)).toEqual(['Start time', 'Duration', 'Status', 'User']);
    expect(row('attributes', 'Status')).toMatchObject({ cells: ['FINISHED', 'FAILED'], same: false });
    expect(row('attributes', 'Duration')).toMatchObject({ cells: ['1m 0s', '1m 0s'], same: true });
    expect(row('attributes', 'User').cells).toEqual(['ann', 'bob']);
    expect(section('params').rows.map((r) => [r.key, r.same])).toEqual([['lr', false], ['opt', true], ['seed', false]]);
    expect(row('params', 'seed').cells).toEqual([undefined, '3']);
  });
  it('compares metrics by value, shows them rounded', () => {
    expect(row('metrics', 'loss')).toMatchObject({ cells: ['0.123457', '0.123457'], same: false });
  });
  it('puts mlflow.* tags in their own section', () => {
    expect(section('tags').rows.map((r) => r.key)).toEqual(['team']);
    expect(section('system').rows.map((r) => r.key)).toEqual(['mlflow.user']);
  });
  it('hides identical rows and filters keys', () => {
    expect(visibleRows(section('params'), true, '').map((r) => r.key)).toEqual(['lr', 'seed']);
    expect(visibleRows(section('params'), false, 'SE').map((r) => r.key)).toEqual(['seed']);
  });
});
