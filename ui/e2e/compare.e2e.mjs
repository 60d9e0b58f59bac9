// End-to-end: the compare-runs page, from the runs table's selection to every view, against a real server seeded
// through the REST API. Run: `node --test e2e/compare.e2e.mjs` (after a Release build and `npx vite build`).
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { eventually, launchBrowser, makeUiTest, text } from './harness.mjs';
import { client, startServer } from './server.mjs';

let browser, server, data;

/**
 * An experiment of three runs: `batch` the same everywhere, `lr` and `optimizer` different; a 500-step `loss`
 * history and a final `accuracy` each; a tag that differs and the `mlflow.user` system tag.
 */
async function seedCompare(url) {
  const c = client(url);
  const { experiment_id } = await c.post('experiments/create', { name: 'e2e-compare' });
  const t0 = Date.UTC(2026, 0, 1);
  const runs = [
    { name: 'cmp-a', lr: '0.1', optimizer: 'adam', rate: 1, accuracy: 0.81, stage: 'dev' },
    { name: 'cmp-b', lr: '0.01', optimizer: 'sgd', rate: 2, accuracy: 0.86, stage: 'dev' },
    { name: 'cmp-c', lr: '0.001', optimizer: 'adam', rate: 3, accuracy: 0.9, stage: 'prod' },
  ];
  const ids = [];
  for (const [k, r] of runs.entries()) {
    const { run } = await c.post('runs/create', { experiment_id, run_name: r.name, start_time: t0 + k * 60_000, tags: [{ key: 'mlflow.user', value: 'alice' }, { key: 'stage', value: r.stage }] });
    const id = run.info.run_id;
    ids.push(id);
    const loss = Array.from({ length: 500 }, (_, s) => ({ key: 'loss', value: 1 / (1 + r.rate * s * 0.01), timestamp: t0 + k * 60_000 + s * 100, step: s }));
    await c.post('runs/log-batch', {
      run_id: id,
      params: [{ key: 'lr', value: r.lr }, { key: 'optimizer', value: r.optimizer }, { key: 'batch', value: '32' }],
      metrics: [...loss, { key: 'accuracy', value: r.accuracy, timestamp: t0, step: 0 }],
    });
    await c.post('runs/update', { run_id: id, status: 'FINISHED', end_time: t0 + k * 60_000 + 50_000 });
  }
  return { experimentId: experiment_id, ids };
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  data = await seedCompare(server.url);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const uiTest = makeUiTest(() => browser, () => server.url);

describe('compare runs', () => {
  uiTest('runs table → select 3 runs → Compare → diff table, overlay, scatter, parallel coordinates', async (page, url) => {
    await page.goto(`${url}/#/experiments/${data.experimentId}`);
    await page.getByRole('link', { name: 'cmp-a' }).waitFor();
    await page.getByRole('checkbox', { name: 'Select cmp-a' }).check();
    const compare = page.getByRole('button', { name: 'Compare', exact: true });
    assert.equal(await compare.isDisabled(), true, 'one run is not a comparison');
    await page.getByRole('checkbox', { name: 'Select cmp-b' }).check();
    await page.getByRole('checkbox', { name: 'Select cmp-c' }).check();
    await compare.click();

    // MLflow's URL: runs and experiments as URL-encoded JSON lists.
    await page.waitForURL(/#\/compare-runs\?runs=/);
    const query = new URLSearchParams(new URL(page.url()).hash.split('?')[1]);
    assert.deepEqual(JSON.parse(query.get('runs')).sort(), [...data.ids].sort());
    assert.deepEqual(JSON.parse(query.get('experiments')), [data.experimentId]);
    await page.getByRole('heading', { name: /e2e-compare.*Comparing 3 runs/ }).waitFor();
    const legend = page.getByRole('list', { name: 'Compared runs' });
    assert.ok((await legend.getByRole('link', { name: 'cmp-b' }).getAttribute('href')).endsWith(`#/experiments/${data.experimentId}/runs/${data.ids[1]}`));

    // Diff table: lr and optimizer differ, batch does not; hiding identical values removes batch only.
    const table = page.getByRole('table', { name: 'Run differences' });
    const lr = table.getByRole('row', { name: /^lr/ });
    // Columns in the table's order (newest first).
    assert.equal(await text(lr), 'lr0.0010.010.1');
    await eventually(() => lr.locator('td.changed').count(), 2, 'cells differing from the first run are highlighted');
    await table.getByRole('row', { name: /^batch/ }).waitFor();
    await page.getByRole('checkbox', { name: 'Hide identical values' }).check();
    await table.getByRole('row', { name: /^batch/ }).waitFor({ state: 'detached' });
    await table.getByRole('row', { name: /^optimizer/ }).waitFor();
    await table.getByRole('row', { name: /^stage/ }).waitFor();
    await table.getByRole('row', { name: /^Start time/ }).waitFor();
    assert.equal(await table.getByRole('row', { name: /^Status/ }).count(), 0, 'every run FINISHED');
    // The mlflow.* tags sit in a folded section.
    assert.equal(await table.getByRole('row', { name: /^mlflow\.user/ }).count(), 0);
    await page.getByRole('checkbox', { name: 'Hide identical values' }).uncheck();
    await table.getByRole('button', { name: /System tags/ }).click();
    await table.getByRole('row', { name: /^mlflow\.user/ }).waitFor();

    // Overlay: the default metric is the first every run has (accuracy), one bulk request; then loss.
    const overlayAcc = page.getByRole('figure', { name: 'Overlay of accuracy' });
    await overlayAcc.locator('canvas').waitFor();
    const bulk = page.waitForRequest((r) => r.url().includes('get-history-bulk-interval') && r.url().includes('metric_key=loss'));
    await page.getByLabel('Overlay metric').selectOption('loss');
    const req = new URL((await bulk).url());
    assert.deepEqual(req.searchParams.getAll('run_ids').sort(), [...data.ids].sort());
    const overlay = page.getByRole('figure', { name: 'Overlay of loss' });
    await overlay.locator('canvas').waitFor();
    await overlay.getByText(/1,500 points from 3 runs/).waitFor();
    // One legend entry per run in uPlot's legend.
    for (const name of ['cmp-a', 'cmp-b', 'cmp-c']) await overlay.locator('.u-legend').getByText(name).waitFor();
    // Dragging across the left of the chart asks the server for that step range, for all three runs at once.
    await overlay.locator('.u-over').scrollIntoViewIfNeeded();
    const box = await overlay.locator('.u-over').boundingBox();
    const zoomed = page.waitForRequest((r) => r.url().includes('get-history-bulk-interval') && r.url().includes('start_step'));
    await page.mouse.move(box.x + 5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 4, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    assert.equal(new URL((await zoomed).url()).searchParams.getAll('run_ids').length, 3);
    await overlay.getByText(/in steps \d+–\d+/).waitFor();
    await overlay.getByRole('button', { name: 'Reset zoom' }).click();
    await overlay.getByText(/in steps/).waitFor({ state: 'detached' });
    await page.getByLabel('X axis').selectOption('relative');
    await page.waitForURL(/x=relative/);
    await overlay.locator('canvas').waitFor();

    // Scatter: lr against loss, three points named after the runs.
    await page.getByLabel('Scatter X').selectOption('p:lr');
    await page.getByLabel('Scatter Y').selectOption('m:loss');
    const scatter = page.getByRole('img', { name: 'Scatter of loss against param: lr' });
    await eventually(() => scatter.locator('.scatter-point').count(), 3);
    assert.deepEqual((await scatter.locator('.point-label').allTextContents()).sort(), ['cmp-a', 'cmp-b', 'cmp-c']);
    // A non-numeric param is a categorical axis: still three points.
    await page.getByLabel('Scatter X').selectOption('p:optimizer');
    await eventually(() => page.getByRole('img', { name: 'Scatter of loss against param: optimizer' }).locator('.scatter-point').count(), 3);

    // Parallel coordinates: a path per run, the differing fields as axes; adding an axis adds it.
    const pc = page.getByRole('img', { name: 'Parallel coordinates' });
    await eventually(() => pc.locator('path.pc-line').count(), 3);
    for (const d of await pc.locator('path.pc-line').evaluateAll((ps) => ps.map((p) => p.getAttribute('d')))) assert.match(d, /^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+)+$/);
    const axesBefore = await pc.locator('.pc-axis').count();
    await page.getByRole('button', { name: /^Axes/ }).click();
    await page.getByRole('dialog', { name: 'Axes' }).getByRole('checkbox', { name: 'batch' }).check();
    await eventually(() => pc.locator('.pc-axis').count(), axesBefore + 1);
    await page.waitForURL(/pc=p%3Abatch/);

    // The dark theme redraws the charts without errors.
    await page.getByRole('button', { name: 'Toggle dark theme' }).click();
    await overlay.locator('canvas').waitFor();
    await eventually(() => pc.locator('path.pc-line').count(), 3);

    // A link reproduces the view.
    await page.reload();
    await page.getByRole('figure', { name: 'Overlay of loss' }).locator('canvas').waitFor();
    assert.equal(await page.getByLabel('Scatter X').inputValue(), 'p:optimizer');
  });

  uiTest('a malformed link shows an error, not a blank page', async (page, url) => {
    await page.goto(`${url}/#/compare-runs?runs=oops`);
    assert.match(await text(page.getByRole('alert')), /"runs" is not a JSON list: oops/);
    await page.goto(`${url}/#/compare-runs`);
    assert.match(await text(page.getByRole('alert')), /names no runs/);
  });

  uiTest("a missing run shows MLflow's message beside the others", async (page, url) => {
    const missing = '0123456789abcdef0123456789abcdef';
    await page.goto(`${url}/#/compare-runs?runs=${encodeURIComponent(JSON.stringify([data.ids[0], missing, data.ids[2]]))}`);
    assert.match(await text(page.getByRole('alert')), new RegExp(`RESOURCE_DOES_NOT_EXIST.*${missing}`, 's'));
    await page.getByRole('list', { name: 'Compared runs' }).getByRole('link', { name: 'cmp-c' }).waitFor();
    await eventually(() => page.getByRole('img', { name: 'Parallel coordinates' }).locator('path.pc-line').count(), 2);
  }, { allowed: ['status of 404'] });
});
