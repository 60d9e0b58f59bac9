import { useEffect, useRef, useState } from 'react';

/** A box's width in pixels, followed as it resizes (`fallback` until measured, and where nothing is laid out). */
export function useWidth<T extends HTMLElement>(fallback = 640) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => el.clientWidth > 0 && setWidth(el.clientWidth);
    update();
    if (typeof ResizeObserver === 'undefined') return;
    const o = new ResizeObserver(update);
    o.observe(el);
    return () => o.disconnect();
  }, []);
  return [ref, width] as const;
}
