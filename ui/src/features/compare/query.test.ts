import { describe, expect, it } from 'vitest';
import { compareUrl, inTableOrder, parseCompareQuery } from './query';

const q = (s: string) => new URLSearchParams(s);

describe('parseCompareQuery', () => {
  it("reads MLflow's URL-encoded JSON lists, dropping duplicates", () => {
    const url = compareUrl(['a', 'b', 'a'], ['1']);
    expect(url).toBe('/compare-runs?runs=%5B%22a%22%2C%22b%22%2C%22a%22%5D&experiments=%5B%221%22%5D');
    expect(parseCompareQuery(q(url.split('?')[1]))).toEqual({ runIds: ['a', 'b'], experimentIds: ['1'] });
  });
  it('takes numbers as ids and a missing experiments list as empty', () => {
    expect(parseCompareQuery(q('runs=' + encodeURIComponent('["a", 7]')))).toEqual({ runIds: ['a', '7'], experimentIds: [] });
  });
  it('says what is wrong with a malformed query', () => {
    expect(() => parseCompareQuery(q(''))).toThrow(/names no runs/);
    expect(() => parseCompareQuery(q('runs=[]'))).toThrow(/names no runs/);
    expect(() => parseCompareQuery(q('runs=abc'))).toThrow(/"runs" is not a JSON list: abc/);
    expect(() => parseCompareQuery(q('runs=' + encodeURIComponent('{"a":1}')))).toThrow(/must be a JSON list of ids/);
    expect(() => parseCompareQuery(q('runs=' + encodeURIComponent('["a", null]')))).toThrow(/must be a JSON list/);
    expect(() => parseCompareQuery(q('runs=' + encodeURIComponent('["a"]') + '&experiments=1,2'))).toThrow(/"experiments" is not a JSON list/);
  });
});

describe('inTableOrder', () => {
  it("orders a selection as the table does, keeping ids the table no longer shows", () => {
    expect(inTableOrder(new Set(['c', 'gone', 'a']), ['a', 'b', 'c'])).toEqual(['a', 'c', 'gone']);
  });
});
