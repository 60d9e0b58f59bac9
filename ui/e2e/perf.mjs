// UI performance, measured in Debian's Chromium against a fresh Release server (not part of the test suite: seeding
// takes a while). `node e2e/perf.mjs [runs=10000] [params=20] [metrics=20] [points=100000] [spans=50000]`.
// Prints: for the runs table, time from navigation to the first rows (interactive), to all runs loaded, and frame
// times while scrolling; for a metric of `points` steps, time from navigation to its chart drawn; for a trace of
// `spans` spans, time from navigation to the span tree shown and to the last span's detail (End key), collapse/expand
// all, and frame times while scrolling the tree. 0 skips a part.
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { client, seedBigTrace, startServer } from './server.mjs';

const [runs = 10000, nParams = 20, nMetrics = 20, points = 100000, nSpans = 50000] = process.argv.slice(2).map(Number);
const CHROMIUM = process.env.CHROMIUM_PATH || execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();

/** Frame times while scrolling the `selector` box: 60 jumps across it (a scrollbar drag) or 300 wheel notches. */
const measure = (page, mode, selector = '[role=grid]') =>
  page.evaluate(async ([mode, selector]) => {
    const grid = document.querySelector(selector);
    grid.scrollTop = 0;
    const times = [];
    let last = performance.now();
    let on = true;
    const tick = (t) => {
      times.push(t - last);
      last = t;
      if (on) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const steps = mode === 'jump' ? 60 : 300;
    for (let i = 1; i <= steps; i++) {
      if (mode === 'jump') grid.scrollTop = (grid.scrollHeight * i) / steps;
      else grid.scrollTop += 120;
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 16)));
    }
    on = false;
    times.sort((a, b) => a - b);
    const r = (x) => Math.round(x * 10) / 10;
    return { frames: times.length, median: r(times[times.length >> 1]), p95: r(times[Math.floor(times.length * 0.95)]), max: r(times[times.length - 1]) };
  }, [mode, selector]);

const server = await startServer();
try {
  const c = client(server.url);
  const { experiment_id } = await c.post('experiments/create', { name: 'perf' });
  const t0 = Date.now();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'] });
  const result = { runs, points };
  const errors = [];
  let next = 0;
  // Eight clients in parallel, like a sweep logging into one experiment.
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < runs; i = next++) {
        const { run } = await c.post('runs/create', { experiment_id, run_name: `run-${i}`, start_time: t0 + i });
        await c.post('runs/log-batch', {
          run_id: run.info.run_id,
          params: Array.from({ length: nParams }, (_, k) => ({ key: `param_${k}`, value: String((i * 7 + k) % 13) })),
          metrics: Array.from({ length: nMetrics }, (_, k) => ({ key: `metric_${k}`, value: Math.sin(i + k), timestamp: t0, step: 0 })),
        });
      }
    }),
  );
  if (runs > 0) {
  console.log(`seeded ${runs} runs × ${nParams} params × ${nMetrics} metrics in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const nav = Date.now();
  await page.goto(`${server.url}/#/experiments/${experiment_id}`);
  await page.getByRole('link', { name: /^run-\d+$/ }).first().waitFor({ timeout: 60_000 });
  const interactive = Date.now() - nav;
  await page.getByText(`${runs.toLocaleString('en-US')} runs`, { exact: true }).waitFor({ timeout: 120_000 });
  const loaded = Date.now() - nav;

  // Frame times while scrolling; long frames are what a user feels as jank. Two ways: jumps across the whole table
  // (dragging the scrollbar: every step shows all-new rows) and wheel scrolling (120 px a notch).
  const frames = { wheel: await measure(page, 'wheel'), jump: await measure(page, 'jump') };
  Object.assign(result, { interactiveMs: interactive, allLoadedMs: loaded, scrollFrameMs: frames });
  await page.close();
  }

  if (points > 0) {
    const { run } = await c.post('runs/create', { experiment_id, run_name: 'long-history', start_time: t0 });
    for (let start = 0; start < points; start += 1000) {
      const n = Math.min(1000, points - start);
      await c.post('runs/log-batch', {
        run_id: run.info.run_id,
        metrics: Array.from({ length: n }, (_, i) => ({ key: 'long', value: Math.sin((start + i) / 500) + Math.random() * 0.1, timestamp: t0 + start + i, step: start + i })),
      });
    }
    const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const nav = Date.now();
    await page.goto(`${server.url}/#/experiments/${experiment_id}/runs/${run.info.run_id}/model-metrics`);
    const chart = page.getByRole('figure', { name: 'Chart of long' });
    await chart.locator('canvas').waitFor({ timeout: 60_000 });
    await chart.getByText(/points/).waitFor();
    result.chartMs = Date.now() - nav;
    result.chartCaption = await chart.locator('figcaption').textContent();
    await page.close();
  }
  if (nSpans > 0) {
    const exp = await c.post('experiments/create', { name: 'perf-trace' });
    const big = await seedBigTrace(server.url, exp.experiment_id, nSpans);
    const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const nav = Date.now();
    await page.goto(`${server.url}/#/experiments/${exp.experiment_id}/traces/${big.traceId}`);
    const tree = page.getByRole('tree', { name: 'Spans' });
    await tree.getByRole('treeitem', { name: 'big-root' }).waitFor({ timeout: 60_000 });
    const shown = Date.now() - nav;
    await tree.focus();
    await page.keyboard.press('End');
    await page.getByRole('region', { name: 'Span detail' }).getByRole('heading', { name: big.lastName }).waitFor();
    const interactive = Date.now() - nav;
    const timed = async (f) => {
      const t = Date.now();
      await f();
      return Date.now() - t;
    };
    const all = big.spans.toLocaleString('en-US');
    const collapseMs = await timed(async () => {
      await page.getByRole('button', { name: 'Collapse all' }).click();
      await page.getByText(`1 of ${all} spans shown`).waitFor();
    });
    const expandMs = await timed(async () => {
      await page.getByRole('button', { name: 'Expand all' }).click();
      await page.getByText(`${all} of ${all} spans shown`).waitFor();
    });
    const scroll = { wheel: await measure(page, 'wheel', '[role=tree]'), jump: await measure(page, 'jump', '[role=tree]') };
    result.trace = { spans: big.spans, treeShownMs: shown, interactiveMs: interactive, collapseAllMs: collapseMs, expandAllMs: expandMs, scrollFrameMs: scroll };
    await page.close();
  }
  result.consoleErrors = errors;
  console.log(JSON.stringify(result, null, 1));
  await browser.close();
} finally {
  await server.stop();
}
