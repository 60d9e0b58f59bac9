// End-to-end for the run page's extras and experiment tags: editing an experiment's tags from the experiments list,
// the run's Datasets section, its MLflow 3 logged models (with their artifacts) and its MLflow 2 models (the
// `mlflow.log-model.history` tag). A real Release `sharpflow server`, seeded here through the REST API.
// Run: `node --test e2e/runextras.e2e.mjs` (after `npx vite build`; SHARPFLOW_BIN and SHARPFLOW_UI_DIR as for ui.e2e.mjs).
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { eventually, launchBrowser, makeUiTest, text } from './harness.mjs';
import { client, startServer } from './server.mjs';

let browser, server, data;

/** A PATCH on /api/2.0/mlflow (the shared client only POSTs). */
async function patch(url, path, body) {
  const res = await fetch(`${url}/api/2.0/mlflow/${path}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`PATCH ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * An experiment with a `team` tag and a run that used two datasets (training and eval contexts), produced an MLflow 3
 * logged model (with a param, a metric and an MLmodel artifact), and logged an MLflow 2 model (log-model, which
 * writes the `mlflow.log-model.history` tag, plus its files under the run's artifacts).
 */
async function seedExtras(url) {
  const c = client(url);
  const { experiment_id } = await c.post('experiments/create', { name: 'extras-exp', tags: [{ key: 'team', value: 'vision' }] });
  const t0 = Date.UTC(2026, 0, 1);
  const run = (await c.post('runs/create', { experiment_id, run_name: 'extras-run', start_time: t0 })).run;
  const run_id = run.info.run_id;
  const colspec = (cols) => JSON.stringify({ mlflow_colspec: cols.map((name) => ({ type: 'double', name, required: true })) });
  const dataset = (name, digest, context, cols, rows) => ({
    tags: [{ key: 'mlflow.data.context', value: context }],
    dataset: { name, digest, source_type: 'local', source: JSON.stringify({ uri: `/data/${name}.csv` }), schema: colspec(cols), profile: JSON.stringify({ num_rows: rows, num_elements: rows * cols.length }) },
  });
  await c.post('runs/log-inputs', {
    run_id,
    datasets: [dataset('train-set', 'a1b2c3d4', 'training', ['alcohol', 'acidity'], 120), dataset('eval-set', 'e5f6a7b8', 'eval', ['alcohol', 'acidity'], 30)],
  });

  const { model } = await c.post('logged-models', { experiment_id, name: 'extras-model', source_run_id: run_id, model_type: 'classifier', params: [{ key: 'alpha', value: '0.5' }] });
  const model_id = model.info.model_id;
  await c.post('runs/log-batch', { run_id, metrics: [{ key: 'accuracy', value: 0.93, timestamp: t0, step: 3, model_id }] });
  await c.upload({ info: { artifact_uri: model.info.artifact_uri } }, 'MLmodel', 'artifact_path: extras-model\nflavors:\n  sklearn:\n    sklearn_version: 1.5.0\n');
  await patch(url, `logged-models/${model_id}`, { model_id, status: 'LOGGED_MODEL_READY' });
  await c.post('runs/outputs', { run_id, models: [{ model_id, step: 3 }] });

  const model_json = JSON.stringify({
    artifact_path: 'legacy_model',
    flavors: { python_function: { loader_module: 'mlflow.sklearn' }, sklearn: { sklearn_version: '1.3.0' } },
    run_id,
    utc_time_created: '2025-06-01 12:00:00.000000',
    model_uuid: 'legacy-uuid-1',
  });
  await c.post('runs/log-model', { run_id, model_json });
  await c.upload(run, 'legacy_model/MLmodel', 'artifact_path: legacy_model\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n');
  await c.upload(run, 'legacy_model/model.pkl', 'not really a pickle');
  await c.post('runs/update', { run_id, status: 'FINISHED', end_time: t0 + 60_000 });
  return { experimentId: experiment_id, runId: run_id, modelId: model_id };
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  data = await seedExtras(server.url);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const uiTest = makeUiTest(() => browser, () => server.url);

describe('experiment tags', () => {
  uiTest('experiments list: add, change and delete tags; they persist', async (page, url) => {
    await page.goto(`${url}/#/experiments`);
    const row = page.getByRole('row').filter({ hasText: 'extras-exp' });
    await row.getByText('team: vision').waitFor();
    await row.getByRole('button', { name: 'Edit tags' }).click();
    const dialog = page.getByRole('dialog', { name: 'Tags of extras-exp' });
    const tags = dialog.getByRole('table', { name: 'Tags' });
    await tags.getByRole('row', { name: /team/ }).waitFor();

    const setTag = async (key, value) => {
      await dialog.getByLabel('Tag key').fill(key);
      await dialog.getByLabel('Tag value').fill(value);
      await dialog.getByRole('button', { name: 'Add tag' }).click();
    };
    await setTag('owner', 'ann'); // add
    await tags.getByRole('row', { name: /owner/ }).waitFor();
    await setTag('stage', 'beta');
    await tags.getByRole('row', { name: /stage/ }).waitFor();
    await setTag('team', 'nlp'); // change
    await tags.getByRole('row', { name: /team/ }).getByText('nlp').waitFor();
    await dialog.getByRole('button', { name: 'Remove tag stage' }).click(); // delete
    await tags.getByRole('row', { name: /stage/ }).waitFor({ state: 'detached' });
    // A reserved key is refused with a message, not sent.
    await setTag('mlflow.user', 'x');
    assert.match(await text(dialog.getByRole('alert')), /reserved/);

    // Escape closes the dialog and gives focus back to the button that opened it; the row shows the new tags.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Edit tags');
    await row.getByText('team: nlp').waitFor();
    await row.getByText('owner: ann').waitFor();

    await page.reload();
    await row.getByText('team: nlp').waitFor();
    await row.getByText('owner: ann').waitFor();
    assert.equal(await row.getByText('stage: beta').count(), 0);
    const res = await fetch(`${url}/api/2.0/mlflow/experiments/get?experiment_id=${data.experimentId}`);
    const stored = Object.fromEntries((await res.json()).experiment.tags.map((t) => [t.key, t.value]));
    assert.deepEqual(stored, { team: 'nlp', owner: 'ann' });
  });

  uiTest('experiment page: description and tags edited in place', async (page, url) => {
    await page.goto(`${url}/#/experiments/${data.experimentId}`);
    const section = page.getByRole('region', { name: 'Experiment description and tags' });
    await section.getByRole('button', { name: 'Edit description and tags' }).click();
    await section.getByRole('button', { name: 'Edit', exact: true }).click();
    await section.getByLabel('Description').fill('Wine quality baselines');
    await section.getByRole('button', { name: 'Save' }).click();
    await section.getByLabel('Tag key').fill('dataset');
    await section.getByLabel('Tag value').fill('wine');
    await section.getByRole('button', { name: 'Add tag' }).click();
    await section.getByRole('table', { name: 'Tags' }).getByRole('row', { name: /dataset/ }).waitFor();
    await section.getByRole('button', { name: 'Done' }).click();

    await page.reload();
    await section.getByText('Wine quality baselines').waitFor();
    await section.getByText('dataset: wine').waitFor();
    const res = await fetch(`${url}/api/2.0/mlflow/experiments/get?experiment_id=${data.experimentId}`);
    const stored = Object.fromEntries((await res.json()).experiment.tags.map((t) => [t.key, t.value]));
    assert.equal(stored['mlflow.note.content'], 'Wine quality baselines');
    assert.equal(stored.dataset, 'wine');
  });
});

describe('run page extras', () => {
  uiTest('datasets: both inputs with their contexts; a row opens to its schema', async (page, url) => {
    await page.goto(`${url}/#/experiments/${data.experimentId}/runs/${data.runId}`);
    const table = page.getByRole('table', { name: 'Datasets' });
    const train = table.getByRole('row', { name: /train-set/ });
    const evalRow = table.getByRole('row', { name: /eval-set/ });
    assert.match(await text(train), /training.*a1b2c3d4.*local.*2 columns, 120 rows/);
    assert.match(await text(evalRow), /eval.*e5f6a7b8/);

    const toggle = evalRow.getByRole('button', { name: /eval-set/ });
    await toggle.focus();
    await page.keyboard.press('Enter');
    await eventually(() => toggle.getAttribute('aria-expanded'), 'true');
    const schema = page.getByLabel('Schema of eval-set');
    assert.match(await text(schema), /mlflow_colspec.*alcohol.*acidity/s);
    assert.match(await text(page.getByLabel('Source of eval-set')), /\/data\/eval-set\.csv/);
    assert.match(await text(page.getByLabel('Profile of eval-set')), /num_rows.*30/s);
  });

  uiTest('logged models: the run’s output model, its metrics and its artifacts', async (page, url) => {
    await page.goto(`${url}/#/experiments/${data.experimentId}/runs/${data.runId}`);
    const row = page.getByRole('table', { name: 'Logged models' }).getByRole('row', { name: /extras-model/ });
    await row.waitFor();
    const rowText = await text(row);
    for (const t of [data.modelId, 'output (step 3)', 'Ready', '1 param, 1 metric', 'accuracy: 0.93', 'mlflow-artifacts:/']) assert.ok(rowText.includes(t), `${t} in ${rowText}`);

    await row.getByRole('link', { name: 'Artifacts of extras-model' }).click();
    await page.waitForURL(new RegExp(`runs/${data.runId}/logged-models/${data.modelId}/artifacts$`));
    await page.getByRole('heading', { name: /Artifacts of logged model extras-model/ }).waitFor();
    await page.getByRole('tree', { name: 'Artifacts' }).getByRole('treeitem', { name: /MLmodel/ }).click();
    await page.waitForURL(/artifacts\/MLmodel$/);
    assert.match(await text(page.locator('pre.preview-text')), /sklearn_version: 1\.5\.0/);
    const href = await page.getByRole('link', { name: 'Download' }).getAttribute('href');
    assert.match(href, /logged-models\/.+\/artifacts\/files\?artifact_file_path=MLmodel/);
    const res = await page.request.get(href);
    assert.equal(res.status(), 200);
    assert.match(await res.text(), /extras-model/);

    await page.getByRole('link', { name: 'Back to the run' }).click();
    await page.getByRole('table', { name: 'Logged models' }).waitFor();
  });

  uiTest('MLflow 2 models: the log-model history links into the run’s artifact browser', async (page, url) => {
    await page.goto(`${url}/#/experiments/${data.experimentId}/runs/${data.runId}`);
    const history = page.getByRole('table', { name: "Models in the run's history" });
    const row = history.getByRole('row', { name: /legacy_model/ });
    assert.match(await text(row), /python_function.*sklearn.*legacy-uuid-1/);
    await row.getByRole('link', { name: 'legacy_model' }).click();
    await page.waitForURL(new RegExp(`runs/${data.runId}/artifacts/legacy_model$`));
    const tree = page.getByRole('tree', { name: 'Artifacts' });
    await eventually(() => tree.getByRole('treeitem', { name: /legacy_model/ }).getAttribute('aria-expanded'), 'true');
    await tree.getByRole('treeitem', { name: /model\.pkl/ }).waitFor();
    assert.match(await text(page.locator('pre.preview-text')), /loader_module: mlflow\.sklearn/);
  });
});
