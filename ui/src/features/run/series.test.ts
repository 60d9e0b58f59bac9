import { describe, expect, it } from 'vitest';
import { alignSeries, downsample, stepRange, stepRangeAll, toSeries } from './series';

const pts = [
  { key: 'm', value: 3, timestamp: 3000, step: 2 },
  { key: 'm', value: 1, timestamp: 1000, step: 0 },
  { key: 'm', value: 2, timestamp: 2000, step: '1' },
];

describe('toSeries', () => {
  it('orders by step, by relative or by wall-clock seconds', () => {
    expect(toSeries(pts, 'step')).toEqual({ x: [0, 1, 2], y: [1, 2, 3], steps: [0, 1, 2] });
    expect(toSeries(pts, 'relative').x).toEqual([0, 1, 2]);
    expect(toSeries(pts, 'wall').x).toEqual([1, 2, 3]);
  });
});

describe('downsample', () => {
  const n = 100000;
  const big = { x: Array.from({ length: n }, (_, i) => i), y: Array.from({ length: n }, (_, i) => (i === 54321 ? 1000 : Math.sin(i / 1000))), steps: Array.from({ length: n }, (_, i) => i) };
  it('bounds the points, keeps both ends and the spikes, stays sorted', () => {
    const s = downsample(big, 2000);
    expect(s.x.length).toBeLessThanOrEqual(2000);
    expect(s.x[0]).toBe(0);
    expect(s.x[s.x.length - 1]).toBe(n - 1);
    expect(s.y).toContain(1000);
    expect(s.x.every((x, i) => i === 0 || x > s.x[i - 1])).toBe(true);
  });
  it('leaves short series alone', () => {
    const s = toSeries(pts, 'step');
    expect(downsample(s, 10)).toBe(s);
  });
});

describe('stepRange', () => {
  it('maps an x range back to steps', () => {
    const s = toSeries(pts, 'wall');
    expect(stepRange(s, 1.5, 3)).toEqual([1, 2]);
    expect(stepRange(s, 10, 20)).toBeUndefined();
  });
});

describe('alignSeries', () => {
  it('puts series on the union of their x, undefined where a series has no point', () => {
    const a = { x: [0, 2, 4], y: [1, 2, 3], steps: [0, 2, 4] };
    const b = { x: [1, 2, 2], y: [5, NaN, 7], steps: [1, 2, 2] };
    expect(alignSeries([a, b])).toEqual({ x: [0, 1, 2, 4], ys: [[1, undefined, 2, 3], [undefined, 5, 7, undefined]] });
    expect(alignSeries([])).toEqual({ x: [], ys: [] });
  });
  it('keeps NaN as a gap', () => {
    const b = { x: [1, 2], y: [NaN, 7], steps: [1, 2] };
    expect(alignSeries([b]).ys[0][0]).toBeNaN();
  });
});

describe('stepRangeAll', () => {
  it('covers every series', () => {
    const a = { x: [0, 1, 2], y: [0, 0, 0], steps: [0, 10, 20] };
    const b = { x: [1, 2, 3], y: [0, 0, 0], steps: [5, 15, 25] };
    expect(stepRangeAll([a, b], 1, 2)).toEqual([5, 20]);
    expect(stepRangeAll([a, b], 7, 9)).toBeUndefined();
  });
});
