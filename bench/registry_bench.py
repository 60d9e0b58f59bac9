#!/usr/bin/env python3
"""Model registry search benchmark (issue 4: "Registry search over 10,000 model versions answers in under 50 ms p50").

Standard library only; talks HTTP to a running MLflow-compatible server (Sharpflow or MLflow).

  python3 bench/registry_bench.py --url http://127.0.0.1:5077 [--models 100] [--versions 100]
                                  [--threads 6] [--reps 50] [--out result.json] [--no-seed]

Seeding: --models registered models "m-000".. each with --versions versions (default 100 x 100 = 10,000), created
by --threads worker threads (one model per task, its versions in order). Every version gets tags
{"stage": "prod"|"staging"|"dev" (version % 10 == 0 / % 10 == 1 / else), "team": "t<model % 5>"}; every model gets
a tag {"owner": ...} and aliases "champion" -> its last version and "challenger" -> its first. The version source is
"mlflow-artifacts:/0/<hex>/artifacts/model"; if the server rejects that, one run is created and
"runs:/<run_id>/model" with run_id is used instead (the script reports which).

Timing: each query is sent --reps times (after 3 warm-up requests), sequentially on one keep-alive connection;
latency is the wall time from sending the request to reading the whole body. p50/p95 per query and over all.
"""
import argparse, http.client, json, os, statistics, sys, threading, time, urllib.error, urllib.parse, urllib.request, uuid
from concurrent.futures import ThreadPoolExecutor

API = "/api/2.0/mlflow"


def post(url, path, body, method="POST"):
    req = urllib.request.Request(url + API + path, data=json.dumps(body).encode(), method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw or b"{}")
        except ValueError:
            return e.code, {"raw": raw[:300].decode(errors="replace")}


def must(res, what):
    code, body = res
    if code != 200:
        raise SystemExit(f"{what} failed: HTTP {code} {body}")
    return body


def choose_source(url):
    """Find a version source the server accepts; returns (source_fn, run_id, kind)."""
    probe = "zz-registry-bench-probe-" + uuid.uuid4().hex[:8]
    must(post(url, "/registered-models/create", {"name": probe}), "create probe model")
    code, body = post(url, "/model-versions/create",
                      {"name": probe, "source": f"mlflow-artifacts:/0/{uuid.uuid4().hex}/artifacts/model"})
    if code == 200:
        kind, run_id = "mlflow-artifacts:/0/<hex>/artifacts/model (no run)", None
        src = lambda: f"mlflow-artifacts:/0/{uuid.uuid4().hex}/artifacts/model"
    else:
        print(f"[seed] mlflow-artifacts source without a run rejected (HTTP {code} {body}); using runs:/", file=sys.stderr)
        run = must(post(url, "/runs/create", {"experiment_id": "0", "start_time": int(time.time() * 1000)}), "create run")
        run_id = run["run"]["info"]["run_id"]
        kind = "runs:/<run_id>/model with run_id"
        src = lambda: f"runs:/{run_id}/model"
    print("[seed] probe delete:", post(url, "/registered-models/delete", {"name": probe}, method="DELETE"), file=sys.stderr)
    return src, run_id, kind


def seed(url, n_models, n_versions, threads):
    src, run_id, kind = choose_source(url)

    def one_model(i):
        name = f"m-{i:03d}"
        must(post(url, "/registered-models/create",
                  {"name": name, "description": f"bench model {i}", "tags": [{"key": "owner", "value": f"o{i % 7}"}]}),
             f"create {name}")
        for v in range(1, n_versions + 1):
            stage = "prod" if v % 10 == 0 else "staging" if v % 10 == 1 else "dev"
            body = {"name": name, "source": src(), "description": f"v{v}",
                    "tags": [{"key": "stage", "value": stage}, {"key": "team", "value": f"t{i % 5}"}]}
            if run_id:
                body["run_id"] = run_id
            must(post(url, "/model-versions/create", body), f"create {name} v{v}")
        must(post(url, "/registered-models/alias", {"name": name, "alias": "champion", "version": str(n_versions)}), "alias")
        must(post(url, "/registered-models/alias", {"name": name, "alias": "challenger", "version": "1"}), "alias")

    t0 = time.perf_counter()
    done = 0
    with ThreadPoolExecutor(threads) as ex:
        for _ in ex.map(one_model, range(n_models)):
            done += 1
            if done % 10 == 0:
                print(f"[seed] {done}/{n_models} models, {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    secs = time.perf_counter() - t0
    return {"models": n_models, "versions_per_model": n_versions, "versions": n_models * n_versions,
            "threads": threads, "seconds": round(secs, 2),
            "versions_per_s": round(n_models * n_versions / secs, 1), "source": kind}


def pct(xs, p):
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100
    f = int(k)
    c = min(f + 1, len(xs) - 1)
    return xs[f] + (xs[c] - xs[f]) * (k - f)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="http://127.0.0.1:5077")
    ap.add_argument("--models", type=int, default=100)
    ap.add_argument("--versions", type=int, default=100)
    ap.add_argument("--threads", type=int, default=6)
    ap.add_argument("--reps", type=int, default=50)
    ap.add_argument("--out")
    ap.add_argument("--label", default="")
    ap.add_argument("--no-seed", action="store_true", help="the data is already there")
    a = ap.parse_args()
    url = a.url.rstrip("/")

    result = {"url": url, "label": a.label, "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
              "loadavg_before": open("/proc/loadavg").read().split()[:3], "cpus": os.cpu_count()}
    if not a.no_seed:
        result["seed"] = seed(url, a.models, a.versions, a.threads)
        print(f"[seed] {result['seed']}", file=sys.stderr)

    target = f"m-{min(42, a.models - 1):03d}"
    queries = [
        ("mv_name_eq", "/model-versions/search", {"filter": f"name = '{target}'"}),
        ("mv_name_like_100", "/model-versions/search", {"filter": "name LIKE 'm-0%'", "max_results": 100}),
        ("mv_tag_filter", "/model-versions/search", {"filter": "tags.stage = 'prod'", "max_results": 100}),
        ("mv_all_1000", "/model-versions/search", {"max_results": 1000}),
        ("rm_search_default", "/registered-models/search", {}),
    ]
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=60)
    all_ms, per = [], {}
    for key, path, params in queries:
        full = API + path + ("?" + urllib.parse.urlencode(params) if params else "")
        lat, count, size = [], None, 0
        for i in range(3 + a.reps):
            t = time.perf_counter()
            conn.request("GET", full)
            r = conn.getresponse()
            body = r.read()
            ms = (time.perf_counter() - t) * 1000
            if r.status != 200:
                raise SystemExit(f"{key}: HTTP {r.status} {body[:300]!r}")
            if i >= 3:
                lat.append(ms)
            if count is None:
                d = json.loads(body)
                count = len(d.get("model_versions", d.get("registered_models", [])))
                size = len(body)
        per[key] = {"request": full, "returned": count, "body_bytes": size, "n": len(lat),
                    "p50_ms": round(statistics.median(lat), 2), "p95_ms": round(pct(lat, 95), 2),
                    "mean_ms": round(statistics.fmean(lat), 2), "max_ms": round(max(lat), 2)}
        all_ms += lat
        print(f"{key:20s} returned={count:5d} bytes={size:8d}  p50={per[key]['p50_ms']:8.2f} ms  "
              f"p95={per[key]['p95_ms']:8.2f} ms")
    conn.close()
    result["queries"] = per
    result["total"] = {"n": len(all_ms), "p50_ms": round(statistics.median(all_ms), 2),
                       "p95_ms": round(pct(all_ms, 95), 2)}
    result["loadavg_after"] = open("/proc/loadavg").read().split()[:3]
    print(f"{'total':20s} n={len(all_ms)}  p50={result['total']['p50_ms']:8.2f} ms  p95={result['total']['p95_ms']:8.2f} ms"
          f"  (loadavg {' '.join(result['loadavg_before'])} -> {' '.join(result['loadavg_after'])})")
    if a.out:
        with open(a.out, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
