import { describe, expect, it } from 'vitest';
import { parseCsv, prettyJson, previewKind } from './preview';

describe('previewKind', () => {
  it('chooses by extension and by MLflow file names', () => {
    expect(previewKind('plots/a.PNG')).toBe('image');
    expect(previewKind('model/MLmodel')).toBe('text');
    expect(previewKind('model/conda.yaml')).toBe('text');
    expect(previewKind('r.html')).toBe('html');
    expect(previewKind('x.json')).toBe('json');
    expect(previewKind('t.csv')).toBe('csv');
    expect(previewKind('t.tsv')).toBe('tsv');
    expect(previewKind('model.pkl')).toBe('none');
    expect(previewKind('.hidden')).toBe('none');
  });
});

describe('parseCsv', () => {
  it('reads quotes, doubled quotes, embedded delimiters and newlines, CRLF', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n"multi\nline",2')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['multi\nline', '2'],
    ]);
  });
  it('handles a trailing newline, empty fields, tabs and a row limit', () => {
    expect(parseCsv('a,,c\n')).toEqual([['a', '', 'c']]);
    expect(parseCsv('a\tb\n1\t2', '\t')).toEqual([['a', 'b'], ['1', '2']]);
    expect(parseCsv('1\n2\n3\n4\n', ',', 2)).toEqual([['1'], ['2']]);
  });
});

describe('prettyJson', () => {
  it('indents valid JSON and returns other text unchanged', () => {
    expect(prettyJson('{"a":[1]}')).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(prettyJson('{"a":1}\n{"a":2}')).toBe('{"a":1}\n{"a":2}');
  });
});
