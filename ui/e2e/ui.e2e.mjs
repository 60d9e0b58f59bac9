// End-to-end: Debian's Chromium (through playwright-core, never `playwright install`) against a real Release
// `sharpflow server` seeded through the REST API. Every test fails on a browser console error or page exception,
// and saves a screenshot to ui/test-results/ when it fails. Run: `node --test e2e/ui.e2e.mjs` (after a Release build).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, makeUiTest, saveScreenshot, text } from './harness.mjs';
import { client, seed, seedBigTrace, seedRegistryAndTraces, startServer } from './server.mjs';

let browser, server, data, traceData;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  data = await seed(server.url);
  traceData = await seedRegistryAndTraces(server.url, data);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const uiTest = makeUiTest(() => browser, () => server.url);

describe('tracking pages', () => {
  uiTest('experiments list: search, create, rename, delete and restore', async (page, url) => {
    await page.goto(`${url}/`);
    await page.getByRole('link', { name: 'e2e-demo' }).waitFor();
    assert.match(page.url(), /#\/experiments$/);

    await page.getByLabel('Search experiments').fill('demo');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=demo/);
    await page.getByRole('link', { name: 'Default' }).waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Create experiment' }).click();
    await page.getByLabel('Name', { exact: true }).fill('made-in-browser');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL(/#\/experiments\/\d+$/);
    await page.getByRole('heading', { name: /made-in-browser/ }).waitFor();

    await page.goto(`${url}/#/experiments`);
    const row = page.getByRole('row').filter({ hasText: 'made-in-browser' });
    await row.getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('New name').fill('renamed-in-browser');
    await page.getByRole('button', { name: 'Rename', exact: true }).last().click();
    const renamed = page.getByRole('row').filter({ hasText: 'renamed-in-browser' });
    await renamed.waitFor();

    page.once('dialog', (d) => d.accept());
    await renamed.getByRole('button', { name: 'Delete' }).click();
    await renamed.waitFor({ state: 'detached' });
    await page.getByLabel('Show').selectOption('DELETED_ONLY');
    await page.getByRole('row').filter({ hasText: 'renamed-in-browser' }).getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('row').filter({ hasText: 'renamed-in-browser' }).waitFor({ state: 'detached' });
    await page.getByLabel('Show').selectOption('ACTIVE_ONLY');
    await page.getByRole('row').filter({ hasText: 'renamed-in-browser' }).waitFor();
  });

  uiTest('a duplicate name shows the server message in the dialog', async (page, url) => {
    await page.goto(`${url}/#/experiments`);
    await page.getByRole('button', { name: 'Create experiment' }).click();
    await page.getByLabel('Name', { exact: true }).fill('e2e-demo');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    assert.match(await text(page.getByRole('dialog').getByRole('alert')), /already exists/);
  }, { allowed: ['status of 400'] });

  uiTest('runs table: nesting, sorting, columns in the URL, keyboard', async (page, url) => {
    await page.goto(`${url}/#/experiments/${data.experimentId}`);
    const parent = page.getByRole('row').filter({ hasText: 'parent-run' });
    await parent.waitFor();
    assert.equal(await page.getByRole('link', { name: 'child-0' }).count(), 0, 'children start collapsed');
    await parent.getByRole('button', { name: /Expand 3 child runs/ }).click();
    await page.getByRole('link', { name: 'child-2' }).waitFor();

    // Sorting by loss asks the server (order_by) and lands in the URL; the smallest loss first on the second click.
    await page.getByRole('columnheader', { name: /loss/ }).getByRole('button').click();
    await page.waitForURL(/sort=m\.loss/);
    await page.getByRole('columnheader', { name: /loss/ }).getByRole('button').click();
    await page.waitForURL(/asc=1/);
    await page.waitForFunction(() => document.querySelectorAll('[role=row]')[1]?.textContent?.includes('parent-run'));

    // A link reproduces the view.
    const link = page.url();
    const other = await browser.newPage();
    await other.goto(link);
    await other.getByRole('columnheader', { name: /loss/ }).and(other.locator('[aria-sort=ascending]')).waitFor();
    await other.close();

    // Columns: add the `mlflow.user` tag (the defaults are the attributes, first metrics and first params).
    await page.getByRole('button', { name: /Columns/ }).click();
    await page.getByLabel('Search columns').fill('mlflow.user');
    await page.getByRole('checkbox', { name: 'mlflow.user' }).check();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.waitForURL(/col=t\.mlflow\.user/);
    await page.getByRole('columnheader', { name: 'tag: mlflow.user' }).waitFor();

    // Keyboard: focus the grid, move to the parent run, open it.
    await page.getByRole('grid').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`runs/${data.parentId}$`));
  });

  uiTest('runs filter: search syntax applies, errors show the server message', async (page, url) => {
    await page.goto(`${url}/#/experiments/${data.experimentId}`);
    await page.getByRole('link', { name: 'other-run' }).waitFor();
    const box = page.getByLabel('Filter runs');
    await box.fill('metrics.loss >> 1');
    await box.press('Enter');
    assert.match(await text(page.getByRole('alert')), /INVALID_PARAMETER_VALUE/);
    await box.fill("params.model = 'tree'");
    await box.press('Enter');
    await page.getByRole('link', { name: 'parent-run' }).waitFor();
    await page.getByRole('link', { name: 'other-run' }).waitFor({ state: 'detached' });
    assert.equal(new URLSearchParams(new URL(page.url()).hash.split('?')[1]).get('filter'), "params.model = 'tree'");
  }, { allowed: ['status of 400'] });

  uiTest('run page: overview and editable description', async (page, url) => {
    await page.goto(`${url}/#/experiments/${data.experimentId}/runs/${data.parentId}`);
    await page.getByText('First description').waitFor();
    assert.equal(await text(page.getByRole('table', { name: 'Parameters' }).getByRole('row', { name: /lr/ }).getByRole('cell')), '0.1');
    await page.getByText('FINISHED').first().waitFor();
    await page.getByText('alice').first().waitFor();
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Description').fill('Edited in the browser');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Edited in the browser').waitFor();
    await page.reload();
    await page.getByText('Edited in the browser').waitFor();
    // The child's parent link leads back here.
    await page.goto(`${url}/#/experiments/${data.experimentId}?filter=${encodeURIComponent("attributes.run_name = 'child-1'")}`);
    await page.getByRole('link', { name: 'child-1' }).click();
    await page.getByRole('link', { name: data.parentId }).click();
    await page.getByText('Edited in the browser').waitFor();
  });

  uiTest('metric chart: sampled history, zoom re-fetches detail', async (page, url) => {
    await page.goto(`${url}/#/experiments/${data.experimentId}/runs/${data.parentId}`);
    await page.getByRole('link', { name: 'Metrics', exact: true }).click();
    const chart = page.getByRole('figure', { name: 'Chart of loss' });
    await chart.locator('canvas').waitFor();
    const caption = await text(chart.locator('figcaption'));
    const points = Number(caption.match(/([\d,]+) points/)[1].replace(/,/g, ''));
    assert.ok(points > 100 && points <= 1001, `sampled points: ${caption}`);
    // Drag across the left part of the chart: the server is asked for that step range.
    const box = await chart.locator('.u-over').boundingBox();
    const zoomed = page.waitForRequest((r) => r.url().includes('get-history-bulk-interval') && r.url().includes('start_step'));
    await page.mouse.move(box.x + 5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 4, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await zoomed;
    await chart.getByText(/in steps \d+–\d+/).waitFor();
    await chart.getByRole('button', { name: 'Reset zoom' }).click();
    await chart.getByText(/in steps/).waitFor({ state: 'detached' });
    await page.getByLabel('X axis').selectOption('wall');
    await page.waitForURL(/x=wall/);
    await chart.locator('canvas').waitFor();
  });

  uiTest('artifacts: browse and preview every kind, download link', async (page, url) => {
    await page.goto(`${url}/#/experiments/${data.experimentId}/runs/${data.parentId}/artifacts`);
    const tree = page.getByRole('tree', { name: 'Artifacts' });
    await tree.getByRole('treeitem', { name: /config\.json/ }).click();
    await page.waitForURL(/artifacts\/config\.json$/);
    assert.match(await text(page.locator('pre.preview-text')), /"layers": \[\n\s+64/);

    await tree.getByRole('treeitem', { name: /data/ }).click();
    await tree.getByRole('treeitem', { name: /table\.csv/ }).click();
    const csv = page.getByRole('table', { name: 'CSV preview' });
    await csv.getByRole('cell', { name: 'beta, gamma' }).waitFor();

    await tree.getByRole('treeitem', { name: /model/ }).click();
    await tree.getByRole('treeitem', { name: /MLmodel/ }).click();
    assert.match(await text(page.locator('pre.preview-text')), /loader_module: mlflow.sklearn/);

    await tree.getByRole('treeitem', { name: /plot\.png/ }).click();
    const img = page.getByRole('img', { name: 'plot.png' });
    await img.waitFor();
    await page.waitForFunction(() => document.querySelector('img.preview-image')?.naturalWidth === 40);

    await tree.getByRole('treeitem', { name: /report\.html/ }).click();
    const frame = page.locator('iframe.preview-html');
    assert.equal(await frame.getAttribute('sandbox'), '');
    assert.equal(await text(page.frameLocator('iframe.preview-html').locator('#r')), 'Report heading');

    const href = await page.getByRole('link', { name: 'Download' }).getAttribute('href');
    const res = await page.request.get(href);
    assert.equal(res.status(), 200);
    assert.match(await res.text(), /Report heading/);

    // Deep link to a file opens its folder and preview.
    await page.goto(`${url}/#/experiments/${data.experimentId}/runs/${data.parentId}/artifacts/data/table.csv`);
    await page.getByRole('table', { name: 'CSV preview' }).getByRole('cell', { name: 'alpha' }).waitFor();
  });

  uiTest('errors: a missing run shows MLflow\'s message', async (page, url) => {
    await page.goto(`${url}/#/experiments/${data.experimentId}/runs/0123456789abcdef0123456789abcdef`);
    assert.match(await text(page.getByRole('alert')), /RESOURCE_DOES_NOT_EXIST.*0123456789abcdef0123456789abcdef/s);
  }, { allowed: ['status of 404'] });

  uiTest('theme: dark and light, remembered', async (page, url) => {
    await page.goto(`${url}/#/experiments`);
    await page.getByRole('link', { name: 'e2e-demo' }).waitFor();
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const first = await theme();
    await page.getByRole('button', { name: 'Toggle dark theme' }).click();
    assert.notEqual(await theme(), first);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.reload();
    await page.getByRole('link', { name: 'e2e-demo' }).waitFor();
    assert.notEqual(await theme(), first);
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), bg);
  });
});

describe('registry pages', () => {
  uiTest('registered model → version → source run; prompts hidden; search errors shown', async (page, url) => {
    await page.goto(`${url}/`);
    await page.getByRole('link', { name: 'Models', exact: true }).click();
    await page.waitForURL(/#\/models$/);
    await page.getByRole('link', { name: 'e2e-model' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'e2e-prompt' }).count(), 0, 'prompts are not models');
    await page.getByText('@champion: v1').waitFor();

    const box = page.getByLabel('Search models');
    await box.fill('name = ');
    await box.press('Enter');
    assert.match(await text(page.getByRole('alert')), /INVALID_PARAMETER_VALUE/);
    await box.fill('e2e');
    await box.press('Enter');
    // Sorting is the server's order_by, kept in the URL.
    await page.getByRole('columnheader', { name: /Last modified/ }).getByRole('button').click();
    await page.waitForURL(/sort=updated/);
    await page.getByRole('columnheader', { name: /Last modified/ }).and(page.locator('[aria-sort=descending]')).waitFor();
    await page.getByRole('link', { name: 'e2e-model' }).click();

    await page.waitForURL(/#\/models\/e2e-model$/);
    await page.getByText('Classifies things').waitFor();
    await page.getByRole('link', { name: '@champion → v1' }).waitFor();
    assert.equal(await text(page.getByRole('table', { name: 'Tags' }).getByRole('row', { name: /team/ }).getByRole('cell').first()), 'vision');
    // Keyboard in the versions table: the newest version first, Enter opens it.
    await page.getByRole('grid', { name: 'versions' }).focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await page.waitForURL(/versions\/2$/);
    await page.goBack();
    await page.getByRole('link', { name: 'Version 1', exact: true }).click();

    await page.waitForURL(/#\/models\/e2e-model\/versions\/1$/);
    await page.getByLabel('New stage').selectOption('Staging');
    await page.getByRole('button', { name: 'Transition' }).click();
    await page.locator('dd', { hasText: /^Staging$/ }).waitFor();
    await page.getByLabel('Tag key').fill('approved');
    await page.getByLabel('Tag value').fill('yes');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByRole('table', { name: 'Tags' }).getByText('approved').waitFor();

    await page.getByRole('link', { name: data.parentId }).click();
    await page.waitForURL(new RegExp(`#/experiments/${data.experimentId}/runs/${data.parentId}$`));
    await page.getByRole('heading', { name: /parent-run/ }).waitFor();
    // The run's traces: the traces list filtered by trace.run_id (none are linked to this run).
    await page.getByRole('link', { name: 'Traces of this run' }).click();
    await page.getByText('No trace matches the search.').waitFor();
    assert.equal(await page.getByLabel('Search traces').inputValue(), `trace.run_id = '${data.parentId}'`);
  }, { allowed: ['status of 400'] });
});

describe('trace pages', () => {
  uiTest('experiment → traces list → trace page → span tree → span detail → add feedback', async (page, url) => {
    await page.goto(`${url}/#/experiments/${data.experimentId}`);
    await page.getByRole('navigation', { name: 'Experiment sections' }).getByRole('link', { name: 'Traces' }).click();
    await page.waitForURL(/traces$/);
    const chat = page.getByRole('row').filter({ hasText: traceData.chatTraceId });
    await chat.waitFor();
    for (const t of ['chat', '1.5s', '42', 'What is Sharpflow?']) assert.ok((await text(chat)).includes(t), `row shows ${t}: ${await text(chat)}`);
    await page.getByRole('row').filter({ hasText: traceData.lookupTraceId }).getByText('ERROR').waitFor();

    const box = page.getByLabel('Search traces');
    await box.fill('trace.status = ');
    await box.press('Enter');
    assert.match(await text(page.getByRole('alert')), /INVALID_PARAMETER_VALUE.*Invalid clause/s);
    await box.fill("trace.status = 'ERROR'");
    await box.press('Enter');
    await page.getByRole('link', { name: traceData.lookupTraceId }).waitFor();
    await page.getByRole('link', { name: traceData.chatTraceId }).waitFor({ state: 'detached' });
    await box.fill('');
    await box.press('Enter');
    await page.getByRole('link', { name: traceData.chatTraceId }).click();

    await page.waitForURL(new RegExp(`traces/${traceData.chatTraceId}$`));
    const tree = page.getByRole('tree', { name: 'Spans' });
    await tree.getByRole('treeitem', { name: 'chat' }).and(page.locator('[aria-selected=true]')).waitFor();
    const detail = page.getByRole('region', { name: 'Span detail' });
    assert.match(await text(detail.getByLabel('Inputs')), /question.*What is Sharpflow\?/s);
    assert.match(await text(detail.getByLabel('Outputs')), /A tracking server/);

    // Keyboard: down to the LLM span, which failed; its attributes and its exception event.
    await tree.focus();
    await page.keyboard.press('ArrowDown');
    await detail.getByRole('heading', { name: /llm-call/ }).waitFor();
    assert.match(await text(detail), /ERROR: rate limited/);
    await detail.getByRole('tab', { name: /Attributes/ }).click();
    assert.match(await text(detail.getByLabel('Attributes')), /model.*gpt-test.*temperature.*0\.2/s);
    await detail.getByRole('tab', { name: /Events/ }).click();
    assert.match(await text(detail), /exception.*rate limited/s);
    // Collapse the LLM span with ←: its tool child disappears; → brings it back.
    await tree.getByRole('treeitem', { name: 'search-tool' }).waitFor();
    await tree.focus();
    await page.keyboard.press('ArrowLeft');
    await tree.getByRole('treeitem', { name: 'search-tool' }).waitFor({ state: 'detached' });
    await page.keyboard.press('ArrowRight');
    await tree.getByRole('treeitem', { name: 'search-tool' }).click();
    await detail.getByRole('heading', { name: /search-tool/ }).waitFor();
    // The selected span is in the URL: a link opens the trace at it.
    await page.waitForURL(/\?span=0000000000000003$/);

    const form = page.getByRole('form', { name: 'Add feedback' });
    await form.getByLabel('Name', { exact: true }).fill('helpful');
    await form.getByLabel('Value', { exact: true }).fill('true');
    await form.getByLabel('Rationale').fill('Answers the question');
    await form.getByRole('button', { name: 'Add feedback' }).click();
    const list = page.getByRole('table', { name: 'Assessment list' });
    await list.getByRole('row', { name: /helpful/ }).waitFor();
    await page.reload();
    assert.match(await text(page.getByRole('table', { name: 'Assessment list' }).getByRole('row', { name: /helpful/ })), /true.*HUMAN.*Answers the question/s);
    // Tags: set on the trace page, shown in the list.
    await page.getByLabel('Tag key').fill('reviewed');
    await page.getByLabel('Tag value').fill('yes');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.locator('.trace-summary').getByText('reviewed: yes').waitFor();
    // The list counts the assessment and shows the tag.
    await page.getByRole('link', { name: 'Traces', exact: true }).click();
    const row = page.getByRole('row').filter({ hasText: traceData.chatTraceId });
    await row.getByText('reviewed: yes').waitFor();
    assert.match(await text(row), /1$/);
    // Delete a trace: select it (Space on the active row works too), confirm.
    await page.getByRole('checkbox', { name: `Select ${traceData.lookupTraceId}` }).check();
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('link', { name: traceData.lookupTraceId }).waitFor({ state: 'detached' });
  }, { allowed: ['status of 400'] });

  uiTest('a 50,000-span trace opens and responds', async (page, url) => {
    const { experiment_id } = await client(url).post('experiments/create', { name: 'e2e-big-trace' });
    const big = await seedBigTrace(url, experiment_id, 50_000);
    const t0 = Date.now();
    await page.goto(`${url}/#/experiments/${experiment_id}/traces/${big.traceId}`);
    const tree = page.getByRole('tree', { name: 'Spans' });
    await tree.getByRole('treeitem', { name: 'big-root' }).waitFor({ timeout: 30_000 });
    const shown = Date.now() - t0;
    // Interactive: the keyboard reaches the last of 50,000 rows and its detail shows.
    await tree.focus();
    await page.keyboard.press('End');
    await page.getByRole('region', { name: 'Span detail' }).getByRole('heading', { name: big.lastName }).waitFor();
    const interactive = Date.now() - t0;
    // Find a span deep in a collapsed branch: the branch opens and the row scrolls into view.
    await page.getByRole('button', { name: 'Collapse all' }).click();
    await page.getByLabel('Find span').fill('call-57-300');
    await page.getByRole('button', { name: 'Next match' }).click();
    await tree.getByRole('treeitem', { name: 'call-57-300' }).and(page.locator('[aria-selected=true]')).waitFor();
    await page.waitForURL(/span=[0-9a-f]{16}$/);
    await page.getByRole('button', { name: 'Collapse all' }).click();
    await page.getByText(`1 of ${big.spans.toLocaleString('en-US')} spans shown`).waitFor();
    const rendered = await page.getByRole('treeitem').count();
    console.log(`[perf] ${big.spans}-span trace: tree shown ${shown} ms, interactive (End → last span's detail) ${interactive} ms after navigation`);
    assert.ok(interactive < 10_000, `50k-span trace took ${interactive} ms`);
    assert.ok(rendered < 100, `rows in the DOM: ${rendered}`);
  });
});

describe('serving', () => {
  uiTest('a path link becomes the hash route', async (page, url) => {
    await page.goto(`${url}/experiments/${data.experimentId}`);
    await page.getByRole('link', { name: 'parent-run' }).waitFor();
    assert.match(page.url(), new RegExp(`/#/experiments/${data.experimentId}$`));
  });

  test('under --static-prefix the UI and its API calls live below the prefix', async () => {
    const prefixed = await startServer(['--static-prefix', '/mlflow']);
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    const requests = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    try {
      await page.goto(`${prefixed.url}/`);
      await page.getByRole('link', { name: 'Default' }).click();
      await page.getByText('No runs in this experiment yet.').waitFor();
      assert.deepEqual(errors, []);
      assert.ok(requests.length > 3 && requests.every((p) => p.startsWith('/mlflow/')), requests.join(' '));
    } catch (e) {
      await saveScreenshot(page, 'static-prefix');
      throw e;
    } finally {
      await context.close();
      await prefixed.stop();
    }
  });
});
