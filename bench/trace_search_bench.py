#!/usr/bin/env python3
"""traces/search latency over a large SQLite store: 100,000 traces and 1,000,000 spans by default.

The store is seeded with direct SQL (a fresh Sharpflow creates the schema first), shaped like what the MLflow client
and OTLP ingestion write: per trace a trace_info row, 3 tags (mlflow.traceName, flow, the artifact/spans location),
3 metadata rows (mlflow.user, mlflow.sourceRun on some, mlflow.trace_schema.version), N spans with JSON content.
Then a fresh Release server is started on it and each search is timed over HTTP (keep-alive), p50/p95 of --runs calls.

    python3 bench/trace_search_bench.py [--traces 100000] [--spans-per-trace 10] [--runs 30] [--keep DIR]
"""
import argparse
import http.client
import json
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "src/Sharpflow.Cli/bin/Release/net10.0/sharpflow")
T0 = 1700000000000
NAMES = ["outer", "chat", "retrieve", "agent", "summarize"]
SPAN_TYPES = ["CHAIN", "LLM", "TOOL", "RETRIEVER", "AGENT"]


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def start(db, work):
    port = free_port()
    log = open(os.path.join(work, "server.log"), "a")
    proc = subprocess.Popen([BIN, "server", "--backend-store-uri", f"sqlite:///{db}", "--artifacts-destination", f"{work}/artifacts",
                             "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, cwd=work)
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return proc, port
        except Exception:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def seed(db, traces, spans_per_trace):
    rnd = random.Random(42)
    c = sqlite3.connect(db)
    c.execute("PRAGMA journal_mode = OFF")
    c.execute("PRAGMA synchronous = OFF")
    exp = c.execute("INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time) "
                    "VALUES ('bench', 'mlflow-artifacts:/1', 'active', ?, ?)", (T0, T0)).lastrowid
    batch = 5000
    for start_i in range(0, traces, batch):
        infos, tags, meta, spans = [], [], [], []
        for i in range(start_i, min(traces, start_i + batch)):
            tid = "tr-%032x" % rnd.getrandbits(128)
            ts = T0 + i * 1000
            dur = rnd.randint(5, 5000)
            status = "ERROR" if i % 10 == 0 else "OK"
            infos.append((tid, exp, ts, dur, status, f'{{"q": "question {i}"}}', f'{{"a": "answer {i}"}}'))
            name = NAMES[i % len(NAMES)] if i % 1000 else "rare-name"
            tags += [("mlflow.traceName", name, tid), ("flow", "alpha" if i % 3 == 0 else "beta", tid),
                     ("mlflow.trace.spansLocation", "TRACKING_STORE", tid),
                     ("mlflow.artifactLocation", f"mlflow-artifacts:/{exp}/traces/{tid}/artifacts", tid)]
            meta += [("mlflow.user", f"u{i % 50}", tid), ("mlflow.trace_schema.version", "3", tid)]
            if i % 100 == 0:
                meta.append(("mlflow.sourceRun", "%032x" % (i // 100), tid))
            for j in range(spans_per_trace):
                sid = "%016x" % rnd.getrandbits(64)
                stype = SPAN_TYPES[j % len(SPAN_TYPES)]
                sname = "needle_tool" if (i % 5000 == 0 and j == 3) else f"{stype.lower()}_{j}"
                content = json.dumps({"trace_id": tid, "span_id": sid, "name": sname, "start_time_unix_nano": ts * 1000000 + j,
                                      "attributes": {"mlflow.spanType": json.dumps(stype), "model": json.dumps("gpt-4o" if j % 2 else "claude"),
                                                     "mlflow.spanInputs": json.dumps({"x": i * 10 + j})}})
                spans.append((tid, exp, sid, None, sname, stype, "ERROR" if (j == 0 and status == "ERROR") else "OK",
                              ts * 1000000 + j, ts * 1000000 + j + dur * 100000, content))
        c.executemany("INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status, request_preview, "
                      "response_preview) VALUES (?, ?, ?, ?, ?, ?, ?)", infos)
        c.executemany("INSERT INTO trace_tags (key, value, request_id) VALUES (?, ?, ?)", tags)
        c.executemany("INSERT INTO trace_request_metadata (key, value, request_id) VALUES (?, ?, ?)", meta)
        c.executemany("INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status, start_time_unix_nano, "
                      "end_time_unix_nano, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", spans)
        c.commit()
    c.close()
    return str(exp)


def search(conn, exp, filt=None, order_by=None, max_results=100):
    body = {"locations": [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": exp}}], "max_results": max_results}
    if filt:
        body["filter"] = filt
    if order_by:
        body["order_by"] = order_by
    conn.request("POST", "/api/3.0/mlflow/traces/search", json.dumps(body), {"Content-Type": "application/json"})
    res = conn.getresponse()
    data = res.read()
    if res.status != 200:
        raise RuntimeError(f"{filt}: {res.status} {data[:300]}")
    return len(json.loads(data).get("traces", []))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--traces", type=int, default=100000)
    ap.add_argument("--spans-per-trace", type=int, default=10)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--keep", help="reuse/keep the seeded store in this folder")
    args = ap.parse_args()
    work = args.keep or tempfile.mkdtemp(prefix="sf-trace-bench-")
    os.makedirs(work, exist_ok=True)
    db = os.path.join(work, "mlflow.db")
    if not os.path.exists(db):
        proc, _ = start(db, work)
        proc.terminate(); proc.wait()
        t = time.time()
        exp = seed(db, args.traces, args.spans_per_trace)
        print(f"seeded {args.traces} traces / {args.traces * args.spans_per_trace} spans in {time.time() - t:.1f}s ({db})")
    else:
        exp = str(sqlite3.connect(db).execute("SELECT max(experiment_id) FROM experiments").fetchone()[0])
    cases = [
        ("no filter (timestamp DESC)", None, None),
        ("status = 'ERROR'", "trace.status = 'ERROR'", None),
        ("timestamp window", f"trace.timestamp_ms > {T0 + 50_000_000} AND trace.timestamp_ms < {T0 + 60_000_000}", None),
        ("tag =", "tags.flow = 'alpha'", None),
        ("name = (rare, 0.1%)", "trace.name = 'rare-name'", None),
        ("name LIKE", "trace.name LIKE 'sum%'", None),
        ("metadata =", "metadata.`mlflow.user` = 'u7'", None),
        ("run_id =", "trace.run_id = '%032x'" % 123, None),
        ("span.type =", "span.type = 'TOOL'", None),
        ("span.name = (rare)", "span.name = 'needle_tool'", None),
        ("order execution_time DESC", None, ["execution_time_ms DESC"]),
        ("order tags.flow, page 100", None, ["tags.flow ASC"]),
        ("status + tag + time", f"trace.status = 'OK' AND tags.flow = 'beta' AND trace.timestamp_ms < {T0 + 90_000_000}", None),
        ("trace.text LIKE (1M spans scan)", "trace.text LIKE '%needle_tool%'", None),
    ]
    proc, port = start(db, work)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port)
        print(f"{'case':36} {'rows':>5} {'p50 ms':>8} {'p95 ms':>8}")
        for label, filt, order in cases:
            rows = search(conn, exp, filt, order)  # warm-up
            times = []
            runs = args.runs if "1M spans" not in label else max(3, args.runs // 10)
            for _ in range(runs):
                t = time.perf_counter()
                search(conn, exp, filt, order)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            print(f"{label:36} {rows:5d} {statistics.median(times):8.1f} {times[int(len(times) * 0.95) - 1]:8.1f}")
    finally:
        proc.terminate(); proc.wait()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
