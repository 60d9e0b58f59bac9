import { describe, expect, it } from 'vitest';
import type { LoggedModel, Run } from '../../api/types';
import {
  historyOnly,
  latestMetrics,
  modelArtifactsUrl,
  parseModelHistory,
  parseRunSubpath,
  parseUtcTime,
  roleLabel,
  runArtifactsUrl,
  runModelRefs,
  statusLabel,
} from './models';

const run = (inputs: string[], outputs: { model_id: string; step?: number | string }[]): Run => ({
  info: { run_id: 'r1', experiment_id: '1', status: 'FINISHED', lifecycle_stage: 'active' },
  data: {},
  inputs: { model_inputs: inputs.map((model_id) => ({ model_id })) },
  outputs: { model_outputs: outputs },
});
const model = (id: string, source?: string, metrics: LoggedModel['data'] = {}): LoggedModel => ({ info: { model_id: id, source_run_id: source }, data: metrics });

describe('runModelRefs', () => {
  it('lists each model once: outputs by step, then models logged from the run, then inputs', () => {
    const refs = runModelRefs(run(['m-in', 'm-out2'], [{ model_id: 'm-out2', step: '5' }, { model_id: 'm-out1', step: 1 }]), [
      model('m-src', 'r1'),
      model('m-out1', 'r1'),
      model('m-other', 'r2'),
    ]);
    expect(refs.map((r) => r.modelId)).toEqual(['m-out1', 'm-out2', 'm-src', 'm-in']);
    expect(refs[1]).toEqual({ modelId: 'm-out2', input: true, output: true, step: 5, source: false });
    expect(refs.map(roleLabel)).toEqual(['output (step 1)', 'output (step 5), input', 'logged by this run', 'input']);
  });
  it('copes with a run without inputs or outputs', () => {
    const r = run([], []);
    delete r.inputs;
    delete r.outputs;
    expect(runModelRefs(r, [])).toEqual([]);
  });
});

describe('statusLabel', () => {
  it('names the status, by name or number', () => {
    expect(statusLabel('LOGGED_MODEL_READY')).toBe('Ready');
    expect(statusLabel(3)).toBe('Upload failed');
    expect(statusLabel(undefined)).toBe('Unknown');
    expect(statusLabel('SOMETHING_NEW')).toBe('SOMETHING_NEW');
  });
});

describe('latestMetrics', () => {
  it('keeps the latest step per key and labels dataset metrics', () => {
    const m = model('m', undefined, {
      metrics: [
        { key: 'acc', value: 0.5, timestamp: 1, step: 0 },
        { key: 'acc', value: 0.9, timestamp: 2, step: '2' },
        { key: 'acc', value: 0.7, timestamp: 3, step: 1 },
        { key: 'acc', value: 0.8, timestamp: 1, step: 0, dataset_name: 'eval' },
        { key: 'loss', value: 0.1, timestamp: 1 },
      ],
    });
    expect(latestMetrics(m)).toEqual([
      { key: 'acc', value: 0.9 },
      { key: 'acc (eval)', value: 0.8 },
      { key: 'loss', value: 0.1 },
    ]);
  });
});

describe('mlflow.log-model.history', () => {
  it('reads MLflow’s UTC times to the millisecond', () => {
    expect(parseUtcTime('2024-05-01 10:00:00.123456')).toBe(Date.UTC(2024, 4, 1, 10, 0, 0, 123));
    expect(parseUtcTime('2024-05-01 10:00:00')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(parseUtcTime('yesterday')).toBeUndefined();
    expect(parseUtcTime(42)).toBeUndefined();
  });
  it('lists the models with their flavors, skipping entries without a path', () => {
    const tag = JSON.stringify([
      { artifact_path: 'model', flavors: { python_function: {}, sklearn: { sklearn_version: '1.4' } }, run_id: 'r1', utc_time_created: '2024-05-01 10:00:00.5', model_uuid: 'u1' },
      { flavors: {} },
      'junk',
      { artifact_path: 'm3', model_id: 'm-3' },
    ]);
    expect(parseModelHistory(tag)).toEqual({
      models: [
        { artifactPath: 'model', flavors: ['python_function', 'sklearn'], created: Date.UTC(2024, 4, 1, 10, 0, 0, 500), modelUuid: 'u1', modelId: undefined, runId: 'r1' },
        { artifactPath: 'm3', flavors: [], created: undefined, modelUuid: undefined, modelId: 'm-3', runId: undefined },
      ],
    });
  });
  it('reports a tag that is not a JSON list instead of throwing', () => {
    expect(parseModelHistory(undefined)).toEqual({ models: [] });
    expect(parseModelHistory('{oops').error).toMatch(/not valid JSON/);
    expect(parseModelHistory('{"a": 1}').error).toMatch(/not a JSON list/);
  });
  it('leaves out the entries already listed as logged models', () => {
    const models = parseModelHistory(JSON.stringify([{ artifact_path: 'a', model_id: 'm-1' }, { artifact_path: 'b', model_id: 'm-2' }, { artifact_path: 'c' }])).models;
    expect(historyOnly(models, ['m-1']).map((m) => m.artifactPath)).toEqual(['b', 'c']);
  });
});

describe('run page sub-paths', () => {
  it('parses the views and paths', () => {
    expect(parseRunSubpath('')).toEqual({ view: 'overview', path: '' });
    expect(parseRunSubpath('model-metrics')).toEqual({ view: 'metrics', path: '' });
    expect(parseRunSubpath('artifacts')).toEqual({ view: 'artifacts', path: '' });
    expect(parseRunSubpath('artifacts/data/t.csv')).toEqual({ view: 'artifacts', path: 'data/t.csv' });
    expect(parseRunSubpath('logged-models/m-1')).toEqual({ view: 'model-artifacts', modelId: 'm-1', path: '' });
    expect(parseRunSubpath('logged-models/m-1/artifacts/sub/MLmodel')).toEqual({ view: 'model-artifacts', modelId: 'm-1', path: 'sub/MLmodel' });
  });
  it('builds links that round-trip', () => {
    expect(runArtifactsUrl('/experiments/1/runs/r', 'my model/MLmodel')).toBe('/experiments/1/runs/r/artifacts/my%20model/MLmodel');
    expect(runArtifactsUrl('/experiments/1/runs/r')).toBe('/experiments/1/runs/r/artifacts');
    expect(modelArtifactsUrl('/experiments/1/runs/r', 'm-1', 'a/b')).toBe('/experiments/1/runs/r/logged-models/m-1/artifacts/a/b');
  });
});
