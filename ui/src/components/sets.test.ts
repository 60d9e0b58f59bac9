import { describe, expect, it } from 'vitest';
import { toggled } from './sets';

describe('toggled', () => {
  it('flips an item in a copy, leaving the original alone', () => {
    const s = new Set(['a', 'b']);
    expect([...toggled(s, 'a')]).toEqual(['b']);
    expect([...toggled(s, 'c')]).toEqual(['a', 'b', 'c']);
    expect([...s]).toEqual(['a', 'b']);
  });
  it('adds or removes as told', () => {
    const s = new Set([1]);
    expect([...toggled(s, 1, true)]).toEqual([1]);
    expect([...toggled(s, 2, false)]).toEqual([1]);
    expect([...toggled(s, 1, false)]).toEqual([]);
  });
});
