import { describe, expect, it } from 'vitest';
import { aliasesByVersion, modelsFilter, sourceRunId } from './registry';

describe('registry helpers', () => {
  it('excludes prompts from every models search', () => {
    expect(modelsFilter('')).toBe("tags.`mlflow.prompt.is_prompt` != 'true'");
    expect(modelsFilter('iris')).toBe("name ILIKE '%iris%' AND tags.`mlflow.prompt.is_prompt` != 'true'");
    expect(modelsFilter("tags.team = 'a'")).toBe("tags.team = 'a' AND tags.`mlflow.prompt.is_prompt` != 'true'");
  });
  it('finds the source run and groups aliases by version', () => {
    expect(sourceRunId({ name: 'm', version: '1', run_id: 'abc' })).toBe('abc');
    expect(sourceRunId({ name: 'm', version: '1', source: 'runs:/0123456789abcdef0123456789abcdef/model' })).toBe('0123456789abcdef0123456789abcdef');
    expect(sourceRunId({ name: 'm', version: '1', source: 's3://b/k' })).toBeUndefined();
    const m = aliasesByVersion({ name: 'm', aliases: [{ alias: 'a', version: '1' }, { alias: 'b', version: '1' }, { alias: 'c', version: '2' }] });
    expect(m.get('1')).toEqual(['a', 'b']);
    expect(m.get('2')).toEqual(['c']);
  });
});
