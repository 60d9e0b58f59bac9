// Starts a real `sharpflow server` (the Release build) on a free port with a throwaway SQLite database and artifact
// folder, and seeds it through the REST API exactly as a client would.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';

const ROOT = resolve(import.meta.dirname, '../..');
export const SERVER_BIN = process.env.SHARPFLOW_BIN ?? join(ROOT, 'src/Sharpflow.Cli/bin/Release/net10.0/sharpflow');

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });
}

/** Starts the server; `stop()` kills it by its PID and removes its folder. */
export async function startServer(extraArgs = []) {
  if (!existsSync(SERVER_BIN)) throw new Error(`${SERVER_BIN} is missing: dotnet build src/Sharpflow.Cli -c Release first`);
  const dir = mkdtempSync(join(tmpdir(), 'sharpflow-e2e-'));
  const port = await freePort();
  const args = ['server', '--host', '127.0.0.1', '--port', String(port), '--backend-store-uri', `sqlite:///${join(dir, 'mlflow.db')}`,
    '--artifacts-destination', join(dir, 'artifacts'), ...extraArgs];
  const proc = spawn(SERVER_BIN, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  // A test run that dies (a timeout, Ctrl-C) must not leave the server behind.
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  const prefix = extraArgs.includes('--static-prefix') ? extraArgs[extraArgs.indexOf('--static-prefix') + 1] : '';
  const url = `http://127.0.0.1:${port}${prefix}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited (${proc.exitCode}):\n${log}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    log: () => log,
    async stop() {
      process.off('exit', killOnExit);
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A REST client for seeding: POST/GET on /api/2.0/mlflow, PUT on the artifact proxy. */
export function client(url) {
  const call = async (method, path, body) => {
    const res = await fetch(`${url}/api/2.0/mlflow/${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text || '{}');
  };
  return {
    post: (path, body) => call('POST', path, body),
    async upload(run, path, content) {
      // mlflow-artifacts:/<exp>/<run>/artifacts → the proxy path under /api/2.0/mlflow-artifacts/artifacts/
      const rel = run.info.artifact_uri.replace(/^mlflow-artifacts:\//, '');
      const res = await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/${rel}/${path}`, { method: 'PUT', body: content });
      if (!res.ok) throw new Error(`upload ${path}: ${res.status} ${await res.text()}`);
    },
  };
}

/** A valid PNG of w×h pixels in one colour, made here so the tests ship no binary files. */
export function png(w, h, [r, g, b]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const x of buf) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'ascii');
    data.copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set([r, g, b], y * (w * 3 + 1) + 1 + x * 3);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * The demo experiment: a parent run with params, a 5,000-step `loss` history, a description and artifacts of every
 * previewed kind, and three child runs.
 */
export async function seed(url) {
  const c = client(url);
  const { experiment_id } = await c.post('experiments/create', { name: 'e2e-demo', tags: [{ key: 'team', value: 'vision' }] });
  const t0 = Date.UTC(2026, 0, 1);
  const create = (name, tags = []) => c.post('runs/create', { experiment_id, run_name: name, start_time: t0, tags }).then((r) => r.run);
  const parent = await create('parent-run', [{ key: 'mlflow.note.content', value: 'First description' }, { key: 'mlflow.user', value: 'alice' }]);
  const id = parent.info.run_id;
  await c.post('runs/log-batch', { run_id: id, params: [{ key: 'lr', value: '0.1' }, { key: 'model', value: 'tree' }] });
  for (let start = 0; start < 5000; start += 1000) {
    const metrics = Array.from({ length: 1000 }, (_, i) => ({ key: 'loss', value: 1 / (start + i + 1), timestamp: t0 + (start + i) * 1000, step: start + i }));
    await c.post('runs/log-batch', { run_id: id, metrics });
  }
  await c.post('runs/log-batch', { run_id: id, metrics: [0.5, 0.7, 0.9].map((v, i) => ({ key: 'accuracy', value: v, timestamp: t0 + i, step: i })) });
  await c.post('runs/update', { run_id: id, status: 'FINISHED', end_time: t0 + 5_000_000 });
  for (let i = 0; i < 3; i++) {
    const child = await create(`child-${i}`, [{ key: 'mlflow.parentRunId', value: id }]);
    await c.post('runs/log-batch', { run_id: child.info.run_id, metrics: [{ key: 'loss', value: 0.1 * (i + 1), timestamp: t0, step: 0 }], params: [{ key: 'lr', value: String(0.01 * (i + 1)) }] });
  }
  const other = await create('other-run');
  await c.post('runs/log-batch', { run_id: other.info.run_id, metrics: [{ key: 'loss', value: 2, timestamp: t0, step: 0 }] });
  await c.upload(parent, 'plot.png', png(40, 20, [200, 40, 40]));
  await c.upload(parent, 'config.json', JSON.stringify({ lr: 0.1, layers: [64, 32] }));
  await c.upload(parent, 'data/table.csv', 'name,score\nalpha,1\n"beta, gamma",2\n');
  await c.upload(parent, 'model/MLmodel', 'artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n');
  await c.upload(parent, 'report.html', '<html><body><h1 id="r">Report heading</h1></body></html>');
  return { experimentId: experiment_id, parentId: id, childCount: 3 };
}

/** POST an OTLP/JSON export request to /v1/traces for an experiment. */
export async function postOtlp(url, experimentId, spans) {
  const res = await fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'x-mlflow-experiment-id': experimentId },
    body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }),
  });
  if (!res.ok) throw new Error(`/v1/traces: ${res.status} ${await res.text()}`);
}

const hexId = (n, len) => n.toString(16).padStart(len, '0');
const attr = (key, json) => ({ key, value: { stringValue: JSON.stringify(json) } });

/**
 * The registry and tracing demo: a registered model with two versions from the parent run (an alias, a tag, a
 * description), a prompt (which the models list must hide), and two traces sent as OTLP/JSON: `chat` (a CHAIN root
 * with inputs/outputs and token usage, an LLM child that failed with an exception event, a TOOL grandchild) and a
 * failed `lookup`.
 */
export async function seedRegistryAndTraces(url, { experimentId, parentId }) {
  const c = client(url);
  await c.post('registered-models/create', { name: 'e2e-model', description: 'Classifies things', tags: [{ key: 'team', value: 'vision' }] });
  for (let i = 0; i < 2; i++) await c.post('model-versions/create', { name: 'e2e-model', source: `runs:/${parentId}/model`, run_id: parentId });
  await c.post('registered-models/alias', { name: 'e2e-model', alias: 'champion', version: '1' });
  await c.post('registered-models/create', { name: 'e2e-prompt', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] });

  const t0 = 1_767_225_600_000_000_000n; // 2026-01-01
  const chat = hexId(0xc4a7n, 32);
  const span = (trace, id, parent, name, from, to, attributes, status = { code: 1 }, events) => ({
    traceId: trace, spanId: hexId(BigInt(id), 16), parentSpanId: parent ? hexId(BigInt(parent), 16) : undefined, name,
    startTimeUnixNano: String(t0 + from), endTimeUnixNano: String(t0 + to), attributes, status, events,
  });
  await postOtlp(url, experimentId, [
    span(chat, 1, 0, 'chat', 0n, 1_500_000_000n, [
      attr('mlflow.spanType', 'CHAIN'), attr('mlflow.spanInputs', { question: 'What is Sharpflow?' }),
      attr('mlflow.spanOutputs', { answer: 'A tracking server' }), attr('mlflow.chat.tokenUsage', { input_tokens: 30, output_tokens: 12, total_tokens: 42 }),
    ]),
    span(chat, 2, 1, 'llm-call', 100_000_000n, 900_000_000n, [attr('mlflow.spanType', 'LLM'), attr('model', 'gpt-test'), { key: 'temperature', value: { doubleValue: 0.2 } }],
      { code: 2, message: 'rate limited' }, [{ timeUnixNano: String(t0 + 800_000_000n), name: 'exception', attributes: [{ key: 'exception.message', value: { stringValue: 'rate limited' } }] }]),
    span(chat, 3, 2, 'search-tool', 200_000_000n, 300_000_000n, [attr('mlflow.spanType', 'TOOL'), attr('mlflow.spanInputs', { query: 'sharpflow' })]),
  ]);
  const lookup = hexId(0x100c0n, 32);
  await postOtlp(url, experimentId, [span(lookup, 9, 0, 'lookup', 2_000_000_000n, 2_050_000_000n, [attr('mlflow.spanType', 'RETRIEVER')], { code: 2, message: 'not found' })]);
  for (const [id, name] of [[chat, 'chat'], [lookup, 'lookup']]) {
    const res = await fetch(`${url}/api/2.0/mlflow/traces/tr-${id}/tags`, { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ key: 'mlflow.traceName', value: name }) });
    if (!res.ok) throw new Error(`trace tag: ${res.status} ${await res.text()}`);
  }
  return { chatTraceId: `tr-${chat}`, lookupTraceId: `tr-${lookup}` };
}

/**
 * A trace of `n` spans in a few large OTLP requests: a root, 100 `step-i` spans, and the rest spread as their
 * children (alternating LLM and TOOL, each with inputs). Returns the trace id.
 */
export async function seedBigTrace(url, experimentId, n = 50_000) {
  const trace = hexId(0xb16n, 32);
  const t0 = 1_767_225_600_000_000_000n;
  const id = (i) => hexId(BigInt(i + 1), 16);
  const spans = [{ traceId: trace, spanId: id(0), name: 'big-root', startTimeUnixNano: String(t0), endTimeUnixNano: String(t0 + 60_000_000_000n),
    attributes: [attr('mlflow.spanType', 'CHAIN'), attr('mlflow.spanInputs', { q: 'big' })], status: { code: 1 } }];
  const groups = 100;
  const per = Math.ceil((n - 1 - groups) / groups);
  for (let g = 0, next = 1; g < groups; g++) {
    const gid = next++;
    const gs = t0 + BigInt(g) * 600_000_000n;
    spans.push({ traceId: trace, spanId: id(gid), parentSpanId: id(0), name: `step-${g}`, startTimeUnixNano: String(gs), endTimeUnixNano: String(gs + 590_000_000n),
      attributes: [attr('mlflow.spanType', 'CHAIN')], status: { code: 1 } });
    for (let k = 0; k < per && spans.length < n; k++) {
      const s = gs + BigInt(k) * 1_000_000n;
      spans.push({ traceId: trace, spanId: id(next++), parentSpanId: id(gid), name: `call-${g}-${k}`, startTimeUnixNano: String(s), endTimeUnixNano: String(s + 900_000n),
        attributes: [attr('mlflow.spanType', k % 2 ? 'TOOL' : 'LLM'), attr('mlflow.spanInputs', { i: k })], status: { code: 1 } });
    }
  }
  for (let i = 0; i < spans.length; i += 10_000) await postOtlp(url, experimentId, spans.slice(i, i + 10_000));
  return { traceId: `tr-${trace}`, spans: spans.length, lastName: spans[spans.length - 1].name };
}
