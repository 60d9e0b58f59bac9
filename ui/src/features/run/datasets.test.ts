import { describe, expect, it } from 'vitest';
import { datasetRows, parseJsonField, profileSummary, schemaSummary } from './datasets';

describe('parseJsonField', () => {
  it('parses JSON, keeps other text, and drops empty fields', () => {
    expect(parseJsonField('{"a": 1}')).toEqual({ json: { a: 1 } });
    expect(parseJsonField('s3://bucket/x.csv')).toEqual({ text: 's3://bucket/x.csv' });
    expect(parseJsonField('')).toBeUndefined();
    expect(parseJsonField(undefined)).toBeUndefined();
  });
});

describe('datasetRows', () => {
  it('takes the context tag apart from the other input tags', () => {
    const rows = datasetRows([
      {
        tags: [
          { key: 'mlflow.data.context', value: 'training' },
          { key: 'split', value: 'a' },
        ],
        dataset: { name: 'wine', digest: 'abc', source_type: 'local', source: '{"uri": "/data/wine.csv"}', schema: '{"mlflow_colspec": []}' },
      },
      { dataset: { name: 'wine', digest: 'abc' } },
    ]);
    expect(rows[0]).toMatchObject({ name: 'wine', digest: 'abc', sourceType: 'local', context: 'training', tags: [{ key: 'split', value: 'a' }] });
    expect(rows[0].source).toEqual({ json: { uri: '/data/wine.csv' } });
    expect(rows[1]).toMatchObject({ context: undefined, tags: [], sourceType: '', profile: undefined });
    expect(rows[0].id).not.toBe(rows[1].id);
  });
});

describe('summaries', () => {
  it('counts schema columns and tensors', () => {
    expect(schemaSummary(parseJsonField('{"mlflow_colspec": [{"name": "a", "type": "double"}, {"name": "b", "type": "long"}]}'))).toBe('2 columns');
    expect(schemaSummary(parseJsonField('{"mlflow_colspec": [{"name": "a"}]}'))).toBe('1 column');
    expect(schemaSummary(parseJsonField('{"mlflow_tensorspec": {"features": "[{\\"type\\": \\"tensor\\"}]", "targets": null}}'))).toBe('1 tensor');
    expect(schemaSummary(parseJsonField('not json'))).toBeUndefined();
    expect(schemaSummary(undefined)).toBeUndefined();
  });
  it('reads the row or element count from the profile', () => {
    expect(profileSummary(parseJsonField('{"num_rows": 1500, "num_elements": 6000}'))).toBe('1,500 rows');
    expect(profileSummary(parseJsonField('{"num_elements": 12}'))).toBe('12 elements');
    expect(profileSummary(parseJsonField('{"other": 1}'))).toBeUndefined();
  });
});
