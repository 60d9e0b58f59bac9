import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Line {
  label: string;
  /** A colour, or `var(--name)` for a theme variable (read again when the theme changes). */
  color: string;
  y: (number | undefined)[];
}

export interface LineChartProps {
  /** Sorted x values shared by every line. */
  x: number[];
  lines: Line[];
  /** The x axis label in the legend; `time` formats x as wall-clock seconds. */
  xLabel: string;
  time?: boolean;
  height?: number;
  /** Called with the x range dragged across (the chart does not zoom by itself: the caller re-fetches detail). */
  onZoom?: (from: number, to: number) => void;
  /** Double-click. */
  onReset?: () => void;
  testId?: string;
}

export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

const resolve = (color: string) => (color.startsWith('var(') ? cssVar(color.slice(4, -1)) : color);

/** Re-renders when <html data-theme> changes, so the canvas (which cannot use CSS variables) gets the new colours. */
export function useThemeVersion(): number {
  const [v, setV] = useState(0);
  useEffect(() => {
    const o = new MutationObserver(() => setV((x) => x + 1));
    o.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => o.disconnect();
  }, []);
  return v;
}

/**
 * Lines on a canvas (uPlot): the run page's metric chart and the compare page's overlay. Themed from the CSS
 * variables, resized with its box; what it draws is bounded by the caller (downsampled series).
 */
export function LineChart({ x, lines, xLabel, time = false, height = 220, onZoom, onReset, testId }: LineChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const themeVersion = useThemeVersion();
  // The latest callbacks, so a new closure from the parent does not rebuild the chart.
  const handlers = useRef({ onZoom, onReset });
  handlers.current = { onZoom, onReset };

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const text = cssVar('--fg-muted');
    const grid = cssVar('--border');
    const axisStyle = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height,
        scales: { x: { time } },
        axes: [axisStyle, axisStyle],
        legend: { show: true, live: true },
        cursor: { drag: { x: true, y: false, setScale: false } },
        series: [
          { label: xLabel },
          ...lines.map((l) => {
            let n = 0;
            for (const v of l.y) if (v !== undefined) n++;
            return { label: l.label, stroke: resolve(l.color), width: 1.5, points: { show: n < 60 } };
          }),
        ],
        hooks: {
          setSelect: [
            (u) => {
              if (u.select.width < 4) return;
              const from = u.posToVal(u.select.left, 'x');
              const to = u.posToVal(u.select.left + u.select.width, 'x');
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              handlers.current.onZoom?.(from, to);
            },
          ],
        },
      },
      [x, ...lines.map((l) => l.y)],
      el,
    );
    const onDbl = () => handlers.current.onReset?.();
    el.addEventListener('dblclick', onDbl);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      el.removeEventListener('dblclick', onDbl);
      plot.destroy();
    };
  }, [x, lines, xLabel, time, height, themeVersion]);

  return <div ref={box} className="chart-canvas" data-testid={testId} />;
}
