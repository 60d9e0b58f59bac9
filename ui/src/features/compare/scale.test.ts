import { describe, expect, it } from 'vitest';
import { axisTicks, clip, linePath, makeAxis, niceTicks, position } from './scale';

describe('makeAxis and position', () => {
  it('scales numbers from min to max', () => {
    const a = makeAxis([2, undefined, 6, 4])!;
    expect(a).toEqual({ kind: 'numeric', min: 2, max: 6 });
    expect([2, 4, 6, undefined].map((v) => position(a, v))).toEqual([0, 0.5, 1, undefined]);
  });
  it('puts equal values in the middle', () => {
    expect(position(makeAxis([3, 3])!, 3)).toBe(0.5);
    expect(position(makeAxis(['x'])!, 'x')).toBe(0.5);
  });
  it('spaces categories evenly in natural order; a mix of numbers and text is categorical', () => {
    const a = makeAxis(['b', 10, 2, 'b'])!;
    expect(a).toEqual({ kind: 'category', categories: ['2', '10', 'b'] });
    expect([2, 10, 'b', 'zzz'].map((v) => position(a, v))).toEqual([0, 0.5, 1, undefined]);
  });
  it('has no axis without values', () => {
    expect(makeAxis([undefined])).toBeUndefined();
  });
});

describe('ticks', () => {
  it('are round numbers inside the range', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.013, 0.087)).toEqual([0.02, 0.04, 0.06, 0.08]);
    expect(niceTicks(-7, 23)).toEqual([0, 10, 20]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });
  it('label numeric and categorical axes', () => {
    expect(axisTicks({ kind: 'numeric', min: 0, max: 10 }).map((t) => [t.at, t.label])).toEqual([[0, '0'], [0.2, '2'], [0.4, '4'], [0.6, '6'], [0.8, '8'], [1, '10']]);
    expect(axisTicks({ kind: 'numeric', min: 3, max: 3 })).toEqual([{ at: 0.5, label: '3' }]);
    const many = { kind: 'category' as const, categories: Array.from({ length: 30 }, (_, i) => `c${i}`) };
    expect(axisTicks(many, 10).map((t) => t.label)).toEqual(['c0', 'c3', 'c6', 'c9', 'c12', 'c15', 'c18', 'c21', 'c24', 'c27']);
  });
});

describe('linePath', () => {
  it('breaks the line at missing points', () => {
    expect(linePath([[0, 1], [10, 2.25], undefined, [30, 4], [40, 5]])).toBe('M0,1 L10,2.3 M30,4 L40,5');
    expect(linePath([undefined, [1, 1], undefined])).toBe('M1,1');
    expect(linePath([])).toBe('');
  });
});

describe('clip', () => {
  it('shortens long labels', () => {
    expect(clip('learning_rate_schedule', 8)).toBe('learnin…');
    expect(clip('lr', 8)).toBe('lr');
  });
});
