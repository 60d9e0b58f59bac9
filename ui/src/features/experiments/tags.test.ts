import { describe, expect, it } from 'vitest';
import { tagKeyProblem, userTags } from './tags';

describe('experiment tags', () => {
  it('keeps MLflow’s own tags out of the editor', () => {
    expect(
      userTags([
        { key: 'mlflow.note.content', value: 'd' },
        { key: 'team', value: 'cv' },
        { key: 'mlflow.experimentKind', value: 'x' },
        { key: 'mlflowish', value: 'y' },
      ]),
    ).toEqual([
      { key: 'team', value: 'cv' },
      { key: 'mlflowish', value: 'y' },
    ]);
    expect(userTags(undefined)).toEqual([]);
  });
  it('refuses reserved and empty keys with a message', () => {
    expect(tagKeyProblem('team')).toBeUndefined();
    expect(tagKeyProblem('mlflow.note.content')).toMatch(/reserved/);
    expect(tagKeyProblem('  ')).toMatch(/needs a key/);
  });
});
