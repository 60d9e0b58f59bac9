import { describe, expect, it } from 'vitest';
import { addClause, clauseFor, columnId, experimentFilter, expressionFor, orderByFor, parseColumnId, quoteKey, quoteValue, suggest } from './search';

describe('quoting', () => {
  it('leaves plain identifiers bare and backticks the rest', () => {
    expect(quoteKey('rmse')).toBe('rmse');
    expect(quoteKey('val loss')).toBe('`val loss`');
    expect(quoteKey('a.b-c')).toBe('`a.b-c`');
    expect(quoteKey('9lives')).toBe('`9lives`');
    expect(quoteKey('we`ird')).toBe('"we`ird"');
  });
  it('quotes values with the quote they do not contain', () => {
    expect(quoteValue('tree')).toBe("'tree'");
    expect(quoteValue("it's")).toBe('"it\'s"');
  });
});

describe('expressions and order_by', () => {
  it('writes entity-prefixed expressions', () => {
    expect(expressionFor({ kind: 'metric', key: 'val loss' })).toBe('metrics.`val loss`');
    expect(expressionFor({ kind: 'param', key: 'lr' })).toBe('params.lr');
    expect(expressionFor({ kind: 'tag', key: 'mlflow.user' })).toBe('tags.`mlflow.user`');
    expect(expressionFor({ kind: 'attr', key: 'start_time' })).toBe('attributes.start_time');
    expect(expressionFor({ kind: 'attr', key: 'run_name' })).toBe('attributes.run_name');
  });
  it('sorts where the server can and refuses where it cannot', () => {
    expect(orderByFor({ kind: 'metric', key: 'acc' }, false)).toBe('metrics.acc DESC');
    expect(orderByFor({ kind: 'attr', key: 'status' }, true)).toBe('attributes.status ASC');
    expect(orderByFor({ kind: 'attr', key: 'duration' }, true)).toBeUndefined();
  });
  it('builds clauses and joins them with and', () => {
    expect(clauseFor({ kind: 'metric', key: 'acc' }, '0.5')).toBe('metrics.acc = 0.5');
    expect(clauseFor({ kind: 'param', key: 'model' }, 'tree')).toBe("params.model = 'tree'");
    expect(addClause('', 'a = 1')).toBe('a = 1');
    expect(addClause(' metrics.x > 1 ', "params.y = 'z'")).toBe("metrics.x > 1 and params.y = 'z'");
  });
});

describe('column ids', () => {
  it('round-trips through the URL form, keys with dots included', () => {
    for (const col of [
      { kind: 'metric', key: 'val.loss' },
      { kind: 'param', key: 'a b' },
      { kind: 'tag', key: 'mlflow.source.name' },
      { kind: 'attr', key: 'status' },
    ] as const) {
      expect(parseColumnId(columnId(col))).toEqual(col);
    }
    expect(columnId({ kind: 'metric', key: 'acc' })).toBe('m.acc');
    expect(parseColumnId('x.acc')).toBeUndefined();
    expect(parseColumnId('m.')).toBeUndefined();
  });
});

describe('experimentFilter', () => {
  it('searches names for plain words and passes filters through', () => {
    expect(experimentFilter('')).toBe('');
    expect(experimentFilter(' vision ')).toBe("name ILIKE '%vision%'");
    expect(experimentFilter("tags.team = 'nlp'")).toBe("tags.team = 'nlp'");
    expect(experimentFilter("name like 'a%'")).toBe("name like 'a%'");
  });
});

describe('suggest', () => {
  const keys = { metrics: ['accuracy', 'val loss', 'loss'], params: ['lr'], tags: ['mlflow.user'] };
  it('offers entity prefixes for a bare word', () => {
    expect(suggest('me', 2, keys).items).toEqual(['metrics.']);
    expect(suggest('x > 1 and pa', 12, keys)).toEqual({ from: 10, items: ['params.'] });
  });
  it('offers keys of the entity, quoted, prefix matches first', () => {
    expect(suggest('metrics.lo', 10, keys).items).toEqual(['metrics.loss', 'metrics.`val loss`']);
    expect(suggest('tags.us', 7, keys).items).toEqual(['tags.`mlflow.user`']);
    expect(suggest('attributes.st', 13, keys).items).toEqual(['attributes.status', 'attributes.start_time']);
  });
  it('treats an open backtick as part of the word', () => {
    const s = suggest('metrics.`val l', 14, keys);
    expect(s).toEqual({ from: 0, items: ['metrics.`val loss`'] });
  });
});
