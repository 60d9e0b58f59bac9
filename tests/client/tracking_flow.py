"""End-to-end tracking scenario run with the REAL, unmodified MLflow Python client.

Usage (see setup.sh for the interpreter and PYTHONPATH to use):

    MLFLOW_TRACKING_URI=http://127.0.0.1:5055 python3 tests/client/tracking_flow.py

Only MLflow's public API is used (mlflow.*, mlflow.MlflowClient, mlflow.entities,
mlflow.exceptions, mlflow.artifacts). Every check is counted; the script prints each failed check,
ends with the plain line 'client-flow: N passed, N failed' and exits 1 if any check failed.

The same script also runs against MLflow's own store (MLFLOW_TRACKING_URI=sqlite:////tmp/x.db),
which is how its expectations were checked against real MLflow behaviour.
"""

import math
import os
import sys
import tempfile
import time
import traceback
import uuid

# Keep a broken server from stalling the run in MLflow's retry/backoff loop, and never phone home.
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "30")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")

import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric, Param, RunStatus, RunTag, ViewType  # noqa: E402
from mlflow.exceptions import MlflowException  # noqa: E402
from flowkit import check, eq, expect_error, main, section  # noqa: E402

MAX_FLOAT = 1.7976931348623157e308


URI = os.environ.get("MLFLOW_TRACKING_URI", "http://127.0.0.1:5055")
IS_HTTP = URI.startswith("http")
SUFFIX = uuid.uuid4().hex[:10]
EXP_NAME = f"sf-client-{SUFFIX}"
OTHER_NAME = f"sf-client-{SUFFIX}-other"

mlflow.set_tracking_uri(URI)
client = MlflowClient()
S = {}  # ids shared between sections


@section
def experiments():
    eq(mlflow.get_tracking_uri(), URI, "get_tracking_uri")
    exp_id = mlflow.create_experiment(EXP_NAME, tags={"team": "ml", "suffix": SUFFIX})
    other_id = client.create_experiment(OTHER_NAME, tags={"team": "infra"})
    check(isinstance(exp_id, str) and exp_id != other_id, "create_experiment returns distinct ids")
    S["exp_id"], S["other_id"] = exp_id, other_id

    exp = client.get_experiment(exp_id)
    eq(exp.name, EXP_NAME, "get_experiment.name")
    eq(exp.lifecycle_stage, "active", "get_experiment.lifecycle_stage")
    eq(exp.tags.get("team"), "ml", "experiment tag team")
    eq(exp.tags.get("suffix"), SUFFIX, "experiment tag suffix")
    check(exp.creation_time and exp.creation_time > 0, "experiment creation_time set", exp.creation_time)
    if IS_HTTP:
        eq(exp.artifact_location, f"mlflow-artifacts:/{exp_id}", "experiment artifact_location")
    eq(mlflow.get_experiment_by_name(EXP_NAME).experiment_id, exp_id, "get_experiment_by_name")
    check(mlflow.get_experiment_by_name(f"nope-{SUFFIX}") is None, "get_experiment_by_name(missing) is None")

    found = mlflow.search_experiments(
        filter_string=f"name LIKE 'sf-client-{SUFFIX}%'", order_by=["name DESC"]
    )
    eq([e.name for e in found], [OTHER_NAME, EXP_NAME], "search_experiments LIKE + order_by name DESC")
    found = client.search_experiments(
        filter_string=f"tags.team = 'ml' AND name LIKE '%{SUFFIX}%'"
    )
    eq([e.experiment_id for e in found], [exp_id], "search_experiments by tag")
    found = mlflow.search_experiments(filter_string=f"name ILIKE 'SF-CLIENT-{SUFFIX}'")
    eq([e.name for e in found], [EXP_NAME], "search_experiments ILIKE")

    # paging through all experiments with a small page size
    page = client.search_experiments(max_results=1, filter_string=f"name LIKE '%{SUFFIX}%'")
    eq(len(page), 1, "search_experiments page 1 size")
    check(page.token, "search_experiments page 1 has next token", page.token)
    page2 = client.search_experiments(
        max_results=1, filter_string=f"name LIKE '%{SUFFIX}%'", page_token=page.token
    )
    eq(len(page2), 1, "search_experiments page 2 size")
    check(page2[0].experiment_id != page[0].experiment_id, "page 2 differs from page 1")

    expect_error("RESOURCE_ALREADY_EXISTS", "duplicate experiment name",
                 mlflow.create_experiment, EXP_NAME)
    expect_error("RESOURCE_DOES_NOT_EXIST", "get_experiment(missing)",
                 client.get_experiment, "987654321")

    client.set_experiment_tag(other_id, "extra", "1")
    eq(client.get_experiment(other_id).tags.get("extra"), "1", "set_experiment_tag")
    renamed = OTHER_NAME + "-renamed"
    client.rename_experiment(other_id, renamed)
    eq(client.get_experiment(other_id).name, renamed, "rename_experiment")
    S["other_name"] = renamed

    exp = mlflow.set_experiment(EXP_NAME)
    eq(exp.experiment_id, exp_id, "set_experiment returns the experiment")


@section
def fluent_runs():
    t_start = int(time.time() * 1000)
    with mlflow.start_run(run_name="parent", description="parent run") as parent:
        pid = parent.info.run_id
        eq(mlflow.active_run().info.run_id, pid, "active_run inside with")
        eq(mlflow.log_param("lr", 0.01), 0.01, "log_param returns value")
        mlflow.log_params({"batch": 32, "opt": "adam", "long": "x" * 500})
        mlflow.set_tag("stage", "dev")
        mlflow.set_tags({"owner": "sharpflow", "tmp": "gone"})
        mlflow.delete_tag("tmp")
        for step in range(5):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
        mlflow.log_metrics({"acc": 0.5, "f1": 0.25}, step=1)
        mlflow.log_metric("nan_metric", float("nan"))
        mlflow.log_metric("pos_inf", float("inf"))
        mlflow.log_metric("neg_inf", float("-inf"))
        # latest value = highest step, not last logged
        mlflow.log_metric("ooo", 5.0, step=10)
        mlflow.log_metric("ooo", 7.0, step=2)
        # same step: the later timestamp wins
        mlflow.log_metric("same_step", 1.0, step=3, timestamp=t_start + 1)
        mlflow.log_metric("same_step", 2.0, step=3, timestamp=t_start + 2)

        with mlflow.start_run(run_name="child", nested=True) as child:
            cid = child.info.run_id
            mlflow.log_param("lr", 0.1)
            mlflow.log_metric("loss", 0.05, step=0)
            mlflow.set_tag("stage", "dev")
        eq(mlflow.active_run().info.run_id, pid, "active run back to parent after nested")

        with mlflow.start_run(run_name="child2", nested=True) as child2:
            c2id = child2.info.run_id
            mlflow.log_param("lr", 0.001)
            mlflow.log_param("opt", "sgd")
            mlflow.log_metric("loss", 0.9, step=0)
            mlflow.set_tag("stage", "prod")
    check(mlflow.active_run() is None, "no active run after with")
    eq(mlflow.last_active_run().info.run_id, pid, "last_active_run")
    S.update(pid=pid, cid=cid, c2id=c2id, t_start=t_start)

    run = client.get_run(pid)
    info, data = run.info, run.data
    eq(info.status, "FINISHED", "parent status")
    eq(info.lifecycle_stage, "active", "parent lifecycle_stage")
    eq(info.run_name, "parent", "parent run_name")
    eq(info.experiment_id, S["exp_id"], "parent experiment_id")
    check(info.end_time and info.end_time >= info.start_time >= t_start - 5000,
          "start_time <= end_time", (info.start_time, info.end_time))
    if IS_HTTP:
        eq(info.artifact_uri, f"mlflow-artifacts:/{S['exp_id']}/{pid}/artifacts", "artifact_uri")
    eq(data.params, {"lr": "0.01", "batch": "32", "opt": "adam", "long": "x" * 500}, "parent params")
    eq(data.tags.get("stage"), "dev", "tag stage")
    eq(data.tags.get("owner"), "sharpflow", "tag owner")
    check("tmp" not in data.tags, "deleted tag is gone", data.tags.get("tmp"))
    eq(data.tags.get("mlflow.runName"), "parent", "tag mlflow.runName")
    eq(data.tags.get("mlflow.note.content"), "parent run", "description tag")
    check("mlflow.user" in data.tags and "mlflow.source.name" in data.tags,
          "client system tags present", sorted(data.tags))
    m = data.metrics
    eq(m.get("loss"), 0.2, "latest loss (step 4)")
    eq(m.get("acc"), 0.5, "acc")
    eq(m.get("f1"), 0.25, "f1")
    check(math.isnan(m.get("nan_metric", 0.0)), "nan metric read back as NaN", m.get("nan_metric"))
    eq(m.get("pos_inf"), MAX_FLOAT, "+inf stored as max double (as MLflow's SQL store)")
    eq(m.get("neg_inf"), -MAX_FLOAT, "-inf stored as -max double")
    eq(m.get("ooo"), 5.0, "latest metric is the highest step")
    eq(m.get("same_step"), 2.0, "same step: later timestamp wins")

    child = client.get_run(cid)
    eq(child.data.tags.get("mlflow.parentRunId"), pid, "child has mlflow.parentRunId")
    eq(child.info.status, "FINISHED", "child status")
    eq(child.data.params, {"lr": "0.1"}, "child params")


@section
def metric_history():
    pid = S["pid"]
    hist = sorted(client.get_metric_history(pid, "loss"), key=lambda x: x.step)
    eq([h.step for h in hist], [0, 1, 2, 3, 4], "loss history steps")
    eq([h.value for h in hist], [1.0, 0.5, 1.0 / 3, 0.25, 0.2], "loss history values")
    check(all(h.key == "loss" and h.timestamp > 0 for h in hist), "history keys/timestamps")

    nan_hist = client.get_metric_history(pid, "nan_metric")
    check(len(nan_hist) == 1 and math.isnan(nan_hist[0].value), "NaN history", nan_hist)
    eq(sorted((h.step, h.value) for h in client.get_metric_history(pid, "ooo")),
       [(2, 7.0), (10, 5.0)], "out-of-order history")
    eq(sorted((h.timestamp - S["t_start"], h.value)
              for h in client.get_metric_history(pid, "same_step")),
       [(1, 1.0), (2, 2.0)], "same-step history keeps both points")
    eq(client.get_metric_history(pid, "never_logged"), [], "history of unknown metric is empty")


@section
def batches():
    exp_id = S["exp_id"]
    run = client.create_run(exp_id, run_name="batch-run", tags={"kind": "batch"})
    rid = run.info.run_id
    S["bid"] = rid
    eq(run.info.status, "RUNNING", "create_run status")
    eq(run.data.tags.get("mlflow.runName"), "batch-run", "create_run run name tag")
    ts = int(time.time() * 1000)
    client.log_batch(
        rid,
        metrics=[Metric("m1", 1.5, ts, 0), Metric("m1", 2.5, ts + 1, 1),
                 Metric("m2", float("nan"), ts, 0), Metric("loss", 0.3, ts, 0)],
        params=[Param("p1", "v1"), Param("opt", "adam"), Param("lr", "0.02")],
        tags=[RunTag("stage", "dev"), RunTag("t1", "x")],
    )
    # > 1000 metrics: the client splits these into several LogBatch requests
    big = [Metric("hist", float(i), ts + i, i) for i in range(1500)]
    client.log_batch(rid, metrics=big)
    # logging the same param with the same value again is allowed
    client.log_batch(rid, params=[Param("p1", "v1")])
    expect_error("INVALID_PARAMETER_VALUE", "changing a logged param",
                 client.log_param, rid, "p1", "other")
    expect_error("RESOURCE_DOES_NOT_EXIST", "get_run(missing)", client.get_run, "0" * 32)

    got = client.get_run(rid).data
    eq(got.params, {"p1": "v1", "opt": "adam", "lr": "0.02"}, "batch params")
    eq(got.metrics.get("m1"), 2.5, "batch m1 latest")
    check(math.isnan(got.metrics.get("m2", 0.0)), "batch NaN metric", got.metrics.get("m2"))
    eq(got.metrics.get("hist"), 1499.0, "hist latest")
    eq(got.tags.get("t1"), "x", "batch tag")
    hist = client.get_metric_history(rid, "hist")
    eq(len(hist), 1500, "1500-point history length")
    eq(sorted(h.step for h in hist), list(range(1500)), "1500-point history steps")
    eq(sum(h.value for h in hist), float(sum(range(1500))), "1500-point history values")

    client.update_run(rid, name="batch-run-renamed")
    eq(client.get_run(rid).info.run_name, "batch-run-renamed", "update_run name")
    client.set_terminated(rid, status="FAILED")
    r = client.get_run(rid)
    eq(r.info.status, "FAILED", "set_terminated FAILED")
    check(r.info.end_time and r.info.end_time >= r.info.start_time, "set_terminated end_time",
          r.info.end_time)
    eq(RunStatus.to_string(RunStatus.FAILED), "FAILED", "RunStatus round trip")


@section
def search_runs_pandas():
    exp_id = S["exp_id"]
    df = mlflow.search_runs(
        experiment_ids=[exp_id],
        filter_string="metrics.loss < 0.5 and params.opt = 'adam'",
        order_by=["metrics.loss ASC"],
    )
    eq(list(df["run_id"]), [S["pid"], S["bid"]], "pandas: loss<0.5 & opt=adam, loss ASC")
    eq(list(df["metrics.loss"]), [0.2, 0.3], "pandas: metrics.loss column")
    eq(list(df["params.opt"]), ["adam", "adam"], "pandas: params.opt column")
    eq(list(df["status"]), ["FINISHED", "FAILED"], "pandas: status column")
    eq(list(df["tags.mlflow.runName"]), ["parent", "batch-run-renamed"], "pandas: runName column")
    for col in ("experiment_id", "artifact_uri", "start_time", "end_time", "params.lr",
                "metrics.acc", "tags.stage"):
        check(col in df.columns, f"pandas: column {col} present", sorted(df.columns))
    check(str(df["start_time"].dtype).startswith("datetime64"), "pandas: start_time is datetime",
          str(df["start_time"].dtype))
    check(math.isnan(df["metrics.acc"].iloc[1]), "pandas: missing metric is NaN",
          df["metrics.acc"].iloc[1])

    df = mlflow.search_runs(experiment_ids=[exp_id], order_by=["params.lr DESC"])
    eq(list(df["params.lr"]), ["0.1", "0.02", "0.01", "0.001"], "pandas: params.lr DESC (string order)")

    df = mlflow.search_runs(experiment_names=[EXP_NAME], filter_string="tags.stage = 'dev'",
                            order_by=["attributes.start_time ASC"])
    eq(list(df["run_id"]), [S["pid"], S["cid"], S["bid"]], "pandas: by experiment name, tag filter")

    df = mlflow.search_runs(experiment_ids=[exp_id], filter_string="metrics.nope > 0")
    eq(len(df), 0, "pandas: empty result")


@section
def search_runs_list():
    exp_id = S["exp_id"]
    runs = mlflow.search_runs(
        experiment_ids=[exp_id],
        filter_string=f"tags.`mlflow.parentRunId` = '{S['pid']}'",
        order_by=["attributes.run_name DESC"],
        output_format="list",
    )
    eq([r.info.run_id for r in runs], [S["c2id"], S["cid"]], "list: children by parentRunId")
    check(all(type(r).__name__ == "Run" for r in runs), "list: Run entities")

    runs = client.search_runs([exp_id], "attributes.status = 'FAILED'")
    eq([r.info.run_id for r in runs], [S["bid"]], "client: status = FAILED")
    runs = client.search_runs([exp_id], "run_name LIKE 'child%'", order_by=["run_name ASC"])
    eq([r.info.run_name for r in runs], ["child", "child2"], "client: run_name LIKE")
    runs = client.search_runs([exp_id], "metrics.loss >= 0.2", order_by=["metrics.loss DESC"])
    eq([r.info.run_id for r in runs], [S["c2id"], S["bid"], S["pid"]], "client: metrics.loss DESC")
    runs = client.search_runs([exp_id], f"attributes.run_id IN ('{S['cid']}', '{S['c2id']}')",
                              order_by=["params.lr ASC"])
    eq([r.info.run_id for r in runs], [S["c2id"], S["cid"]], "client: run_id IN, params.lr ASC")
    runs = client.search_runs([exp_id], "metrics.pos_inf > 1e300")
    eq([r.info.run_id for r in runs], [S["pid"]], "client: filter on +inf metric")
    runs = client.search_runs([exp_id], f"attributes.run_id = '{S['cid']}'")
    eq([r.info.run_id for r in runs], [S["cid"]], "client: run_id =")

    # pagination
    seen, token = [], None
    for _ in range(10):
        page = client.search_runs([exp_id], max_results=3, order_by=["attributes.start_time ASC"],
                                  page_token=token)
        seen += [r.info.run_id for r in page]
        token = page.token
        if not token:
            break
    eq(seen, [S["pid"], S["cid"], S["c2id"], S["bid"]], "client: paged search_runs")


@section
def delete_restore():
    exp_id, cid = S["exp_id"], S["cid"]
    client.delete_run(cid)
    eq(client.get_run(cid).info.lifecycle_stage, "deleted", "deleted run lifecycle_stage")
    active = {r.info.run_id for r in client.search_runs([exp_id])}
    check(cid not in active and S["pid"] in active, "ACTIVE_ONLY excludes deleted run")
    deleted = [r.info.run_id for r in client.search_runs([exp_id], run_view_type=ViewType.DELETED_ONLY)]
    eq(deleted, [cid], "DELETED_ONLY")
    eq(len(client.search_runs([exp_id], run_view_type=ViewType.ALL)), 4, "ALL")
    df = mlflow.search_runs([exp_id], run_view_type=ViewType.DELETED_ONLY)
    eq(list(df["run_id"]), [cid], "pandas DELETED_ONLY")
    client.restore_run(cid)
    eq(client.get_run(cid).info.lifecycle_stage, "active", "restored run")

    other = S["other_id"]
    client.delete_experiment(other)
    eq(client.get_experiment(other).lifecycle_stage, "deleted", "deleted experiment")
    names = [e.name for e in mlflow.search_experiments(filter_string=f"name LIKE '%{SUFFIX}%'")]
    eq(names, [EXP_NAME], "deleted experiment hidden from ACTIVE_ONLY")
    names = [e.name for e in mlflow.search_experiments(
        view_type=ViewType.DELETED_ONLY, filter_string=f"name LIKE '%{SUFFIX}%'")]
    eq(names, [S["other_name"]], "DELETED_ONLY experiments")
    expect_error("INVALID_PARAMETER_VALUE", "create_run in a deleted experiment",
                 client.create_run, other)
    client.restore_experiment(other)
    eq(client.get_experiment(other).lifecycle_stage, "active", "restored experiment")


@section
def datasets_and_async():
    import pandas as pd

    df = pd.DataFrame({"x": [1, 2, 3], "y": [0.5, 1.5, 2.5]})
    ds = mlflow.data.from_pandas(df, name="train-set", targets="y")
    with mlflow.start_run(experiment_id=S["exp_id"], run_name="with-data") as run:
        mlflow.log_input(ds, context="training", tags={"split": "train"})
        ops = [mlflow.log_metric("async_m", float(i), step=i, synchronous=False) for i in range(3)]
        ops.append(mlflow.log_param("async_p", "v", synchronous=False))
        ops.append(mlflow.set_tag("async_t", "w", synchronous=False))
        for op in ops:
            op.wait()
    rid = run.info.run_id
    S["did"] = rid
    r = client.get_run(rid)
    inputs = r.inputs.dataset_inputs
    eq(len(inputs), 1, "one dataset input")
    if inputs:
        d = inputs[0]
        eq(d.dataset.name, "train-set", "dataset name")
        eq(d.dataset.digest, ds.digest, "dataset digest")
        eq(d.dataset.source_type, "code", "dataset source_type")
        eq({t.key: t.value for t in d.tags}, {"mlflow.data.context": "training", "split": "train"},
           "dataset input tags")
    eq(sorted((h.step, h.value) for h in client.get_metric_history(rid, "async_m")),
       [(0, 0.0), (1, 1.0), (2, 2.0)], "async metrics logged")
    eq(r.data.params.get("async_p"), "v", "async param logged")
    eq(r.data.tags.get("async_t"), "w", "async tag logged")

    runs = client.search_runs([S["exp_id"]], "datasets.name = 'train-set'")
    eq([x.info.run_id for x in runs], [rid], "search by datasets.name")
    runs = client.search_runs([S["exp_id"]], "datasets.context = 'training'")
    eq([x.info.run_id for x in runs], [rid], "search by datasets.context")
    runs = client.search_runs([S["exp_id"]], f"datasets.digest IN ('{ds.digest}', 'zzz')")
    eq([x.info.run_id for x in runs], [rid], "search by datasets.digest IN")
    df_all = mlflow.search_runs(search_all_experiments=True,
                                filter_string=f"attributes.run_id = '{rid}'")
    eq(list(df_all["run_id"]), [rid], "search_all_experiments")


@section
def artifacts():
    with mlflow.start_run(experiment_id=S["exp_id"], run_name="artifacts") as run:
        mlflow.log_text("hello sharpflow\n", "notes/hello.txt")
        mlflow.log_dict({"a": 1, "b": [1, 2]}, "config.json")
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "data.bin")
            with open(p, "wb") as f:
                f.write(bytes(range(256)) * 64)
            mlflow.log_artifact(p, artifact_path="blobs")
    rid = run.info.run_id
    eq(sorted(a.path for a in client.list_artifacts(rid)), ["blobs", "config.json", "notes"],
       "list_artifacts root")
    files = client.list_artifacts(rid, "blobs")
    eq([(a.path, a.is_dir, a.file_size) for a in files], [("blobs/data.bin", False, 16384)],
       "list_artifacts blobs")
    eq(mlflow.artifacts.load_text(f"runs:/{rid}/notes/hello.txt"), "hello sharpflow\n", "load_text")
    eq(mlflow.artifacts.load_dict(f"runs:/{rid}/config.json"), {"a": 1, "b": [1, 2]}, "load_dict")
    with tempfile.TemporaryDirectory() as d:
        local = mlflow.artifacts.download_artifacts(run_id=rid, artifact_path="blobs", dst_path=d)
        with open(os.path.join(local, "data.bin"), "rb") as f:
            eq(f.read(), bytes(range(256)) * 64, "downloaded binary artifact")


if __name__ == "__main__":
    main(f"mlflow {mlflow.__version__} against {URI}")
