// The shared Playwright harness: Debian's Chromium (through playwright-core, never `playwright install`), a fresh
// context per test, and failure on any browser console error or page exception, with a screenshot in ui/test-results/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';

const RESULTS = resolve(import.meta.dirname, '../test-results');
const CHROMIUM = process.env.CHROMIUM_PATH || execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
// The flags that work on this kind of machine (../shared/test-infra/README.md).
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Playwright gives the browser a fresh temporary profile of its own (it refuses --user-data-dir in `launch`).
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/**
 * Declares a test on a fresh page of `getBrowser()`. `allowed` lists console errors a test provokes on purpose
 * (Chromium logs every HTTP error response as one); any other console error or uncaught exception fails the test.
 * `getBase` gives the server URL passed to the test body.
 */
export function makeUiTest(getBrowser, getBase) {
  return function uiTest(name, fn, { allowed = [], base } = {}) {
    test(name, async () => {
      const context = await getBrowser().newContext({ viewport: { width: 1366, height: 800 } });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const errors = [];
      page.on('console', (m) => m.type() === 'error' && !allowed.some((a) => m.text().includes(a)) && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
      try {
        await fn(page, base ?? getBase());
        assert.deepEqual(errors, [], 'browser console errors');
      } catch (e) {
        await saveScreenshot(page, name);
        if (errors.length) e.message += `\nconsole errors: ${errors.join('\n')}`;
        throw e;
      } finally {
        await context.close();
      }
    });
  };
}

/** Saves a full-page screenshot of a failed test in ui/test-results/. */
export async function saveScreenshot(page, name) {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, name.replace(/[^a-z0-9]+/gi, '-') + '.png'), fullPage: true }).catch(() => {});
}

/**
 * Polls `read` until it gives `expected` (deep equality) or `timeout` ms pass, then asserts on the last value. For
 * values Playwright does not wait for by itself (counts, attributes) right after an action that re-renders.
 */
export async function eventually(read, expected, message, timeout = 10_000) {
  const end = Date.now() + timeout;
  let value = await read();
  while (!isDeepStrictEqual(value, expected) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  assert.deepEqual(value, expected, message);
}

export const text = (locator) => locator.textContent().then((t) => t ?? '');
