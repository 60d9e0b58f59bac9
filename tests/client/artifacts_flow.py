"""Artifact scenario run with the REAL, unmodified MLflow 3.11 Python client (public API only).

    MLFLOW_TRACKING_URI=http://127.0.0.1:5055 python3 tests/client/artifacts_flow.py

It logs a file, a nested folder, a 100 MB file, log_dict/log_text, reads them back with load_text/load_dict,
list_artifacts and mlflow.artifacts.download_artifacts, and checks that every byte comes back identical. The same
script runs for every store behind the server: the store only changes where the bytes live, so the expectations do
not change. `artifact_stores.sh` starts one server per store (local, S3, GCS, Azure, and S3 written by the client
itself with --no-serve-artifacts) and runs it against each.

Env (all optional):
  EXPECT_ARTIFACT_URI_PREFIX  what every run's artifact_uri must start with (default "mlflow-artifacts:/";
                              "s3://bucket/..." with --no-serve-artifacts)
  ARTIFACTS_BIG_MB            size of the big file (default 100)
"""

import filecmp
import hashlib
import json
import os
import tempfile
import uuid

# A broken server must not stall the run in MLflow's retry loop.
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "300")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

import mlflow  # noqa: E402
import yaml  # noqa: E402  (an MLflow dependency)
from mlflow import MlflowClient  # noqa: E402
from flowkit import check, eq, main, section  # noqa: E402

URI = os.environ.get("MLFLOW_TRACKING_URI", "http://127.0.0.1:5055")
PREFIX = os.environ.get("EXPECT_ARTIFACT_URI_PREFIX", "mlflow-artifacts:/")
BIG_MB = int(os.environ.get("ARTIFACTS_BIG_MB", "100"))
mlflow.set_tracking_uri(URI)
client = MlflowClient()
S = {}


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_random(path, size, seed):
    """Deterministic pseudo-random bytes (sha256 counter stream): incompressible, reproducible, cheap."""
    h = hashlib.sha256()
    with open(path, "wb") as f:
        written, counter = 0, 0
        while written < size:
            block = b"".join(hashlib.sha256(f"{seed}-{counter}-{i}".encode()).digest() for i in range(32768))
            counter += 1
            block = block[: size - written]
            f.write(block)
            h.update(block)
            written += len(block)
    return h.hexdigest()


def tree(root):
    """{relative path: sha256} of every file under root."""
    out = {}
    for d, _, files in os.walk(root):
        for name in files:
            p = os.path.join(d, name)
            out[os.path.relpath(p, root)] = sha256_file(p)
    return out


@section
def setup():
    S["exp_id"] = mlflow.create_experiment(f"artifacts-flow-{uuid.uuid4().hex[:10]}")
    run = client.create_run(S["exp_id"], run_name="artifacts")
    S["run_id"] = run.info.run_id
    S["artifact_uri"] = run.info.artifact_uri
    check(run.info.artifact_uri.startswith(PREFIX), f"artifact_uri starts with {PREFIX!r}", run.info.artifact_uri)
    check(run.info.artifact_uri.endswith(f"/{run.info.run_id}/artifacts"), "artifact_uri ends with <run_id>/artifacts",
          run.info.artifact_uri)


@section
def single_file():
    rid = S["run_id"]
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "weights.bin")
        with open(p, "wb") as f:
            f.write(bytes(range(256)) * 1000 + b"\x00tail")
        client.log_artifact(rid, p)
        # An empty file is a file too.
        empty = os.path.join(d, "empty.txt")
        open(empty, "wb").close()
        client.log_artifact(rid, empty, artifact_path="misc")
        out = os.path.join(d, "out")
        local = mlflow.artifacts.download_artifacts(run_id=rid, artifact_path="weights.bin", dst_path=out)
        check(filecmp.cmp(p, local, shallow=False), "single file downloads identical", local)
        local = mlflow.artifacts.download_artifacts(run_id=rid, artifact_path="misc/empty.txt", dst_path=out)
        eq(os.path.getsize(local), 0, "empty file size after download")
    files = {a.path: (a.is_dir, a.file_size) for a in client.list_artifacts(rid)}
    eq(files.get("weights.bin"), (False, 256 * 1000 + 5), "list_artifacts: the file and its size")
    eq(files.get("misc"), (True, None), "list_artifacts: folder")


@section
def nested_directory():
    rid = S["run_id"]
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "model")
        for rel, data in [
            ("MLmodel", b"flavors:\n  python_function: {}\n"),
            ("data/model.pkl", os.urandom(70_000)),
            ("data/deeper/still/leaf.txt", b"leaf\n"),
            ("code/\u00fcnicode n\u00e4me.py", "print('\u00e9t\u00e9')\n".encode()),
            ("code/with space & plus+.txt", b"odd names\n"),
        ]:
            p = os.path.join(src, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb") as f:
                f.write(data)
        mlflow.MlflowClient().log_artifacts(rid, src, artifact_path="model")
        out = mlflow.artifacts.download_artifacts(run_id=rid, artifact_path="model", dst_path=os.path.join(d, "out"))
        eq(tree(out), tree(src), "nested folder downloads identical (every file, every byte)")
        # The same through the run's artifact_uri, which is what `mlflow.artifacts.download_artifacts(uri)` users pass.
        out2 = mlflow.artifacts.download_artifacts(artifact_uri=f"{S['artifact_uri']}/model/data",
                                                   dst_path=os.path.join(d, "out2"))
        eq(tree(out2), tree(os.path.join(src, "data")), "download by artifact_uri")
    eq(sorted((a.path, a.is_dir) for a in client.list_artifacts(rid, "model")),
       [("model/MLmodel", False), ("model/code", True), ("model/data", True)], "list_artifacts model/")
    eq(sorted(a.path for a in client.list_artifacts(rid, "model/code")),
       ["model/code/with space & plus+.txt", "model/code/\u00fcnicode n\u00e4me.py"], "list_artifacts odd names")


@section
def big_file():
    rid = S["run_id"]
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "big.bin")
        digest = write_random(p, BIG_MB * 1024 * 1024 + 12345, "big")
        client.log_artifact(rid, p, artifact_path="big")
        files = client.list_artifacts(rid, "big")
        eq([(a.path, a.file_size) for a in files], [("big/big.bin", os.path.getsize(p))], "big file listed with its size")
        os.remove(p)  # keep the disk use to one copy
        local = mlflow.artifacts.download_artifacts(run_id=rid, artifact_path="big/big.bin", dst_path=os.path.join(d, "out"))
        eq(sha256_file(local), digest, f"{BIG_MB} MB file downloads identical (sha256)")


@section
def dict_and_text():
    rid = S["run_id"]
    payload = {"lr": 0.01, "layers": [64, 32], "name": "r\u00e9seau", "nested": {"ok": True}}
    with mlflow.start_run(run_id=rid):
        mlflow.log_dict(payload, "config/params.json")
        mlflow.log_dict(payload, "config/params.yaml")
        mlflow.log_text("first line\nsecond \u2713\n", "notes/readme.txt")
        mlflow.log_text("<html><body>hi</body></html>", "notes/page.html")
    eq(mlflow.artifacts.load_text(f"runs:/{rid}/notes/readme.txt"), "first line\nsecond \u2713\n", "load_text")
    eq(mlflow.artifacts.load_text(f"{S['artifact_uri']}/notes/page.html"), "<html><body>hi</body></html>",
       "load_text by artifact_uri")
    eq(mlflow.artifacts.load_dict(f"runs:/{rid}/config/params.json"), payload, "load_dict json")
    # load_dict reads JSON only; the YAML file log_dict wrote must parse back to the same dict.
    eq(yaml.safe_load(mlflow.artifacts.load_text(f"runs:/{rid}/config/params.yaml")), payload, "log_dict yaml content")
    with tempfile.TemporaryDirectory() as d:
        local = mlflow.artifacts.download_artifacts(run_id=rid, artifact_path="config/params.json", dst_path=d)
        with open(local, encoding="utf-8") as f:
            eq(json.load(f), payload, "log_dict file content")


@section
def overwrite_and_whole_run():
    rid = S["run_id"]
    with mlflow.start_run(run_id=rid):
        mlflow.log_text("v1", "notes/version.txt")
        mlflow.log_text("version two", "notes/version.txt")
    eq(mlflow.artifacts.load_text(f"runs:/{rid}/notes/version.txt"), "version two", "overwrite replaces the file")
    with tempfile.TemporaryDirectory() as d:
        out = mlflow.artifacts.download_artifacts(run_id=rid, dst_path=d)
        got = set(tree(out))
        for want in ["weights.bin", "misc/empty.txt", "model/MLmodel", "model/data/deeper/still/leaf.txt",
                     "big/big.bin", "config/params.json", "notes/version.txt"]:
            check(want in got, f"whole-run download has {want}", sorted(got))


@section
def proxy_multipart_paths():
    """MLflow's opt-in transfers: multipart upload (signed part URLs) and presigned multipart download. Stores that
    cannot sign answer NOT_IMPLEMENTED and the client falls back to the proxy; the bytes must match either way."""
    if not PREFIX.startswith("mlflow-artifacts:"):
        return  # direct store access: the proxy is off
    rid = S["run_id"]
    saved = {k: os.environ.get(k) for k in ("MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD", "MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE",
                                            "MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE", "MLFLOW_ENABLE_PROXY_MULTIPART_DOWNLOAD",
                                            "MLFLOW_MULTIPART_DOWNLOAD_CHUNK_SIZE")}
    os.environ.update({
        "MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD": "true", "MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE": str(5 * 1024 * 1024),
        "MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE": str(5 * 1024 * 1024), "MLFLOW_ENABLE_PROXY_MULTIPART_DOWNLOAD": "true",
        "MLFLOW_MULTIPART_DOWNLOAD_CHUNK_SIZE": str(4 * 1024 * 1024),
    })
    try:
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "parts.bin")
            digest = write_random(p, 12 * 1024 * 1024 + 7, "parts")
            client.log_artifact(rid, p, artifact_path="mpu")
            eq([(a.path, a.file_size) for a in client.list_artifacts(rid, "mpu")], [("mpu/parts.bin", os.path.getsize(p))],
               "multipart-uploaded file listed")
            local = mlflow.artifacts.download_artifacts(run_id=rid, artifact_path="mpu/parts.bin", dst_path=os.path.join(d, "o"))
            eq(sha256_file(local), digest, "multipart upload + presigned download identical")
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@section
def direct_store_holds_the_files():
    """With --no-serve-artifacts the client wrote to the bucket itself: the objects are there, under artifact_uri."""
    if not PREFIX.startswith("s3://"):
        return
    import boto3  # what MLflow's S3 repository uses; only needed here

    bucket, _, key = S["artifact_uri"][len("s3://"):].partition("/")
    s3 = boto3.client("s3", endpoint_url=os.environ.get("MLFLOW_S3_ENDPOINT_URL"))
    keys = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key + "/"):
        keys |= {o["Key"][len(key) + 1:] for o in page.get("Contents", [])}
    for want in ["weights.bin", "model/data/model.pkl", "big/big.bin", "config/params.json"]:
        check(want in keys, f"bucket holds {want} under the run's artifact_uri", sorted(keys))


if __name__ == "__main__":
    main(f"mlflow {mlflow.__version__} artifacts against {URI} (artifact_uri prefix {PREFIX})")
