// Vitest setup: React Testing Library unmounts after each test; the DOM has no layout, so give the virtual grid's
// scroll box the size of a laptop screen (the virtualiser reads it to decide which rows exist).
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => cleanup());

const rect = Element.prototype.getBoundingClientRect;
Element.prototype.getBoundingClientRect = function (this: Element) {
  if (this.classList.contains('vtable')) return { x: 0, y: 0, top: 0, left: 0, width: 1200, height: 600, right: 1200, bottom: 600, toJSON: () => ({}) } as DOMRect;
  return rect.call(this);
};
for (const prop of ['offsetWidth', 'clientWidth'] as const)
  Object.defineProperty(HTMLElement.prototype, prop, { configurable: true, get() { return this.classList?.contains('vtable') ? 1200 : 0; } });
for (const prop of ['offsetHeight', 'clientHeight'] as const)
  Object.defineProperty(HTMLElement.prototype, prop, { configurable: true, get() { return this.classList?.contains('vtable') ? 600 : 0; } });
