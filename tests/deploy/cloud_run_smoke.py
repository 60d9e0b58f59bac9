#!/usr/bin/env python3
"""The container's server, started the way Cloud Run starts the seed deployment, serving an MLflow-style client.

No Docker engine runs here, so this publishes the app with the Dockerfile's own script (scripts/publish.sh) and runs the
result from an empty folder with Cloud Run's environment (PORT, K_SERVICE, K_REVISION) and the seed's command and
arguments:

    mlflow server --backend-store-uri postgresql://user@/db?host=<socket dir> --artifacts-destination gs://<bucket>
                  --host 0.0.0.0 --port 5000 --disable-security-middleware

against PostgreSQL reached only through its Unix socket (as Cloud SQL is under /cloudsql/) and the GCS emulator. It then
checks what Cloud Run relies on: the server listens on PORT, logs JSON, serves runs, metrics and proxied artifacts (the
bytes land in the bucket), and on SIGTERM finishes an upload that is still streaming, refuses new connections and exits 0.

Needs SHARPFLOW_TEST_PG (an admin URI of a local server) and STORAGE_EMULATOR_HOST (scripts/test.sh provides both).
With MLFLOW_CLIENT_PYTHON (a Python where the real mlflow 3.11 client imports, see tests/client/README.md) it also runs
the real client's tracking and artifact scenarios (tests/client/*_flow.py) against the published server; CI machines
have no PyPI, so there it is skipped and the HTTP checks above stand in for the client.
    tests/deploy/cloud_run_smoke.py [--publish-dir DIR]   (publishes into a temporary folder unless DIR is given)
"""
import argparse, http.client, json, os, random, shutil, signal, socket, subprocess, sys, tempfile, threading, time, urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def fail(msg):
    print(f"cloud_run_smoke: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def psql(admin, sql):
    return subprocess.run(["psql", admin, "-tAc", sql], check=True, capture_output=True, text=True).stdout.strip()


def request(port, method, path, body=None, headers=None, host="127.0.0.1"):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
    hdrs = dict(headers or {})
    if isinstance(body, (dict, list)): hdrs["Content-Type"] = "application/json"
    conn.request(method, path, data, hdrs)
    r = conn.getresponse(); payload = r.read(); conn.close()
    return r.status, payload


def api(port, method, path, body=None):
    status, payload = request(port, method, path, body)
    if status != 200: fail(f"{method} {path} -> {status} {payload[:300]!r}")
    return json.loads(payload) if payload else {}


def gcs(emulator, method, path, body=None):
    host, port = emulator.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request(method, path, json.dumps(body) if body is not None else None, {"Content-Type": "application/json"})
    r = conn.getresponse(); payload = r.read(); conn.close()
    return r.status, payload


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--publish-dir")
    args = ap.parse_args()
    admin = os.environ.get("SHARPFLOW_TEST_PG") or fail("SHARPFLOW_TEST_PG is not set")
    emulator = os.environ.get("STORAGE_EMULATOR_HOST") or fail("STORAGE_EMULATOR_HOST is not set")
    emulator = emulator.replace("http://", "").rstrip("/")

    work = tempfile.mkdtemp(prefix="sharpflow-cloudrun-")
    try:
        app = args.publish_dir
        if not app:
            app = os.path.join(work, "app")
            subprocess.run(["bash", os.path.join(ROOT, "scripts", "publish.sh"), app], check=True)
        mlflow = os.path.join(app, "mlflow")
        if not os.path.islink(mlflow): fail("the published app has no `mlflow` entry point")

        db = f"cloudrun_{os.getpid()}_{random.randrange(1 << 30)}"
        psql(admin, f"CREATE DATABASE {db}")
        socket_dir = psql(admin, "SHOW unix_socket_directories").split(",")[0].strip()
        pg_port = urllib.parse.urlparse(admin).port or 5432
        user = urllib.parse.urlparse(admin).username or "postgres"
        bucket = f"sharpflow-cloudrun-{random.randrange(1 << 30)}"
        st, body = gcs(emulator, "POST", "/storage/v1/b?project=test", {"name": bucket})
        if st != 200: fail(f"could not create bucket in the GCS emulator: {st} {body[:200]!r}")

        clean = os.path.join(work, "cwd"); os.makedirs(clean)
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
        env.update(PORT=str(port), K_SERVICE="sharpflow", K_REVISION="sharpflow-00001-abc", K_CONFIGURATION="sharpflow",
                   STORAGE_EMULATOR_HOST=emulator, GOOGLE_CLOUD_PROJECT="test-project")
        # The socket form Cloud SQL users write; the throwaway cluster's socket file is named after its port.
        uri = f"postgresql://{user}@/{db}?host={socket_dir}&port={pg_port}"
        argv = [mlflow, "server", "--backend-store-uri", uri, "--artifacts-destination", f"gs://{bucket}",
                "--host", "0.0.0.0", "--port", "5000", "--disable-security-middleware"]
        out = open(os.path.join(work, "stdout.log"), "wb"); err = open(os.path.join(work, "stderr.log"), "wb")
        started = time.time()
        proc = subprocess.Popen(argv, cwd=clean, env=env, stdout=out, stderr=err)
        try:
            while True:
                if proc.poll() is not None: fail("server exited during start-up: " + open(err.name).read())
                try:
                    if request(port, "GET", "/health")[0] == 200: break
                except OSError:
                    pass
                if time.time() - started > 30: fail("no /health on PORT within 30 s")
                time.sleep(0.05)
        except SystemExit:
            proc.kill(); raise
        ready_ms = (time.time() - started) * 1000
        try:
            run_client_flow(port, emulator, bucket)
            client = run_real_client(port)
            check_graceful_shutdown(proc, port, emulator, bucket)
        finally:
            if proc.poll() is None: proc.kill()
        out.close(); err.close()
        if os.listdir(clean): fail(f"the server wrote into its working directory: {os.listdir(clean)}")
        lines = [l for l in open(out.name, encoding="utf-8").read().splitlines() if l.strip()]
        if not lines: fail("no log lines on stdout (JSON logs are on by default on Cloud Run)")
        for l in lines:
            entry = json.loads(l)
            if "severity" not in entry or "message" not in entry: fail(f"log line without severity/message: {l}")
        print(f"cloud_run_smoke: OK (ready in {ready_ms:.0f} ms on PORT={port}; runs, metrics, gs:// artifacts, JSON logs, SIGTERM drain{client})")
    finally:
        if os.environ.get("KEEP"): print("kept", work)
        else: shutil.rmtree(work, ignore_errors=True)


def run_client_flow(port, emulator, bucket):
    exp = api(port, "POST", "/api/2.0/mlflow/experiments/create", {"name": "cloud-run-smoke"})["experiment_id"]
    run = api(port, "POST", "/api/2.0/mlflow/runs/create", {"experiment_id": exp, "start_time": 1})["run"]["info"]
    if run["artifact_uri"] != f"mlflow-artifacts:/{exp}/{run['run_id']}/artifacts": fail(f"artifact_uri {run['artifact_uri']}")
    api(port, "POST", "/api/2.0/mlflow/runs/log-batch", {"run_id": run["run_id"],
        "metrics": [{"key": "loss", "value": 1.0 / (s + 1), "timestamp": 1000 + s, "step": s} for s in range(50)],
        "params": [{"key": "lr", "value": "0.01"}], "tags": [{"key": "where", "value": "cloud-run"}]})
    hist = api(port, "GET", f"/api/2.0/mlflow/metrics/get-history?run_id={run['run_id']}&metric_key=loss")["metrics"]
    if len(hist) != 50: fail(f"metric history has {len(hist)} points")
    blob = os.urandom(3 * 1024 * 1024 + 7)
    path = f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{run['run_id']}/artifacts/model/weights.bin"
    st, _ = request(port, "PUT", path, blob, {"Content-Type": "application/octet-stream"})
    if st != 200: fail(f"artifact upload -> {st}")
    st, got = request(port, "GET", path)
    if st != 200 or got != blob: fail("artifact download differs from the upload")
    key = urllib.parse.quote(f"{exp}/{run['run_id']}/artifacts/model/weights.bin", safe="")
    st, meta = gcs(emulator, "GET", f"/storage/v1/b/{bucket}/o/{key}")
    if st != 200 or int(json.loads(meta)["size"]) != len(blob): fail(f"the artifact is not in the bucket: {st} {meta[:200]!r}")
    listing = api(port, "GET", f"/api/2.0/mlflow/artifacts/list?run_uuid={run['run_id']}&path=model")
    if [f["path"] for f in listing.get("files", [])] != ["model/weights.bin"]: fail(f"artifact list {listing}")


def run_real_client(port):
    """The unmodified MLflow client's own scenarios, when an interpreter with it is given; returns a note for the log."""
    py = os.environ.get("MLFLOW_CLIENT_PYTHON")
    if not py: return ""
    here = os.path.join(ROOT, "tests", "client")
    env = dict(os.environ, MLFLOW_TRACKING_URI=f"http://127.0.0.1:{port}", ARTIFACTS_BIG_MB=os.environ.get("ARTIFACTS_BIG_MB", "20"))
    results = []
    for flow in ("tracking_flow.py", "artifacts_flow.py"):
        r = subprocess.run([py, flow], cwd=here, env=env, capture_output=True, text=True, timeout=900)
        last = (r.stdout.strip().splitlines() or ["(no output)"])[-1]
        if r.returncode != 0: fail(f"the real MLflow client's {flow} failed: {last}\n{r.stdout[-3000:]}{r.stderr[-3000:]}")
        results.append(f"{flow}: {last}")
    return "; real MLflow client: " + "; ".join(results)


def check_graceful_shutdown(proc, port, emulator, bucket):
    """SIGTERM while an upload is still streaming: the upload completes, new connections are refused, exit code 0."""
    exp = api(port, "POST", "/api/2.0/mlflow/experiments/create", {"name": "drain"})["experiment_id"]
    path = f"/api/2.0/mlflow-artifacts/artifacts/{exp}/drain/slow.bin"
    chunks, chunk = 20, b"x" * 65536
    result = {}

    def slow_upload():
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.putrequest("PUT", path)
            conn.putheader("Content-Type", "application/octet-stream")
            conn.putheader("Content-Length", str(chunks * len(chunk)))
            conn.endheaders()
            for i in range(chunks):
                conn.send(chunk)
                if i == 2: result["sent_some"] = time.time()
                time.sleep(0.1)
            r = conn.getresponse(); r.read(); result["status"] = r.status
        except Exception as e:  # noqa: BLE001 - reported below
            result["error"] = repr(e)

    t = threading.Thread(target=slow_upload); t.start()
    while "sent_some" not in result and t.is_alive(): time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        refused = False
    except OSError:
        refused = True
    t.join(30)
    try:
        code = proc.wait(15)
    except subprocess.TimeoutExpired:
        fail("the server did not exit within 15 s of SIGTERM")
    if result.get("status") != 200: fail(f"the in-flight upload was lost on SIGTERM: {result}")
    if not refused: fail("the server still accepted new connections after SIGTERM")
    if code != 0: fail(f"exit code {code} after SIGTERM")
    key = urllib.parse.quote(f"{exp}/drain/slow.bin", safe="")
    st, meta = gcs(emulator, "GET", f"/storage/v1/b/{bucket}/o/{key}")
    if st != 200 or int(json.loads(meta)["size"]) != chunks * len(chunk): fail(f"the drained upload is not whole in the bucket: {st}")


if __name__ == "__main__":
    main()
