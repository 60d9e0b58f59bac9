"""End-to-end tracing scenario run with the REAL, unmodified MLflow Python client.

Usage (see setup.sh for the interpreter and PYTHONPATH to use):

    MLFLOW_TRACKING_URI=http://127.0.0.1:5055 python3 tests/client/tracing_flow.py

Only MLflow's public API is used (mlflow.*, mlflow.MlflowClient, mlflow.entities). Covers: traces made with
@mlflow.trace and mlflow.start_span reaching the server (OTLP spans + StartTraceV3), get_trace, search_traces (list,
and a DataFrame when pandas imports), trace tags, assessments (log_feedback, log_expectation, update_assessment,
override_feedback, delete_assessment, feedback logged inside an active trace) and trace deletion. Every check is
counted; the script ends with 'client-flow: N passed, N failed' and exits 1 if any check failed.

The interpreter needs the real OpenTelemetry API and SDK (opentelemetry-api, opentelemetry-sdk,
opentelemetry-semantic-conventions): with a no-op stand-in MLflow records no trace at all, which the first
section reports as such instead of failing every later check for an unclear reason.
"""

import os
import uuid

# Keep a broken server from stalling the run in MLflow's retry/backoff loop, and never phone home.
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "30")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")

import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import AssessmentError, AssessmentSource, AssessmentSourceType, Feedback  # noqa: E402
from flowkit import check, eq, expect_error, main, section  # noqa: E402

try:
    import pandas  # noqa: E402,F401

    HAVE_PANDAS = True
except Exception:  # noqa: BLE001
    HAVE_PANDAS = False

URI = os.environ.get("MLFLOW_TRACKING_URI", "http://127.0.0.1:5055")
SUFFIX = uuid.uuid4().hex[:10]
mlflow.set_tracking_uri(URI)
client = MlflowClient()
S = {}  # ids shared between sections


def have_traces():
    # Later sections need the first one's traces; without them they would only repeat its failure.
    if not S.get("decorated"):
        print("-- skipped: no traces were recorded", flush=True)
        return False
    return True


def flush():
    # Traces are exported in the background; wait until the server has them.
    mlflow.flush_trace_async_logging()


@mlflow.trace(span_type="TOOL")
def add_one(x):
    return x + 1


@mlflow.trace
def pipeline(x):
    mlflow.update_current_trace(tags={"flow": "alpha"})
    return add_one(x) * 2


@mlflow.trace
def judged(x):
    # Feedback logged while the trace is active travels inside the trace (StartTraceV3's trace_info.assessments).
    mlflow.log_feedback(trace_id=mlflow.get_active_trace_id(), name="inline", value="good",
                        source=AssessmentSource(source_type=AssessmentSourceType.CODE, source_id="inline-check"))
    return x


@section
def traces_appear():
    exp = mlflow.set_experiment(f"sf-tracing-{SUFFIX}")
    S["exp"] = exp.experiment_id
    eq(pipeline(3), 8, "traced function result")
    S["decorated"] = mlflow.get_last_active_trace_id()
    if S["decorated"] is None:
        check(False, "MLflow recorded no trace: this interpreter's OpenTelemetry SDK is missing or a no-op stand-in")
        return
    with mlflow.start_span(name="manual", span_type="CHAIN") as span:
        span.set_inputs({"q": "hi"})
        with mlflow.start_span(name="child") as child:
            child.set_attribute("k", "v")
        span.set_outputs({"a": "hello"})
    S["manual"] = mlflow.get_last_active_trace_id()
    judged(1)
    S["judged"] = mlflow.get_last_active_trace_id()
    flush()

    trace = client.get_trace(S["decorated"])
    eq(trace.info.trace_id, S["decorated"], "get_trace id")
    eq(str(trace.info.state), "OK", "decorated trace state")
    eq(trace.info.experiment_id, S["exp"], "decorated trace experiment")
    eq(sorted(s.name for s in trace.data.spans), ["add_one", "pipeline"], "decorated trace spans")
    eq(trace.info.tags.get("flow"), "alpha", "update_current_trace tag")
    eq(trace.info.tags.get("mlflow.traceName"), "pipeline", "trace name tag")
    root = next(s for s in trace.data.spans if s.parent_id is None)
    eq(root.inputs, {"x": 3}, "root span inputs")
    eq(root.outputs, 8, "root span outputs")
    tool = next(s for s in trace.data.spans if s.name == "add_one")
    eq(tool.span_type, "TOOL", "child span type")
    eq(tool.parent_id, root.span_id, "child span parent")

    manual = client.get_trace(S["manual"])
    eq(sorted(s.name for s in manual.data.spans), ["child", "manual"], "start_span trace spans")
    m_root = next(s for s in manual.data.spans if s.name == "manual")
    eq(m_root.outputs, {"a": "hello"}, "start_span outputs")
    eq(next(s for s in manual.data.spans if s.name == "child").attributes.get("k"), "v", "start_span attribute")
    check(manual.info.execution_duration is not None and manual.info.execution_duration >= 0, "execution duration set",
          manual.info.execution_duration)

    judged_trace = client.get_trace(S["judged"])
    inline = [a for a in judged_trace.info.assessments if a.name == "inline"]
    eq(len(inline), 1, "feedback logged inside the active trace is stored with it")
    if inline:
        eq(inline[0].value, "good", "inline feedback value")
        eq(inline[0].source.source_id, "inline-check", "inline feedback source")


@section
def search():
    if not have_traces():
        return
    ids = {S["decorated"], S["manual"], S["judged"]}
    found = mlflow.search_traces(locations=[S["exp"]], return_type="list")
    eq({t.info.trace_id for t in found}, ids, "search_traces list: all traces of the experiment")
    tagged = mlflow.search_traces(locations=[S["exp"]], filter_string="tags.flow = 'alpha'", return_type="list")
    eq([t.info.trace_id for t in tagged], [S["decorated"]], "search_traces by tag")
    named = mlflow.search_traces(locations=[S["exp"]], filter_string="name = 'manual'", return_type="list")
    eq([t.info.trace_id for t in named], [S["manual"]], "search_traces by name")
    ok = client.search_traces(locations=[S["exp"]], filter_string="status = 'OK'", max_results=2)
    eq(len(ok), 2, "client.search_traces page size")
    check(ok.token, "client.search_traces next page token", ok.token)
    rest = client.search_traces(locations=[S["exp"]], filter_string="status = 'OK'", max_results=2, page_token=ok.token)
    eq({t.info.trace_id for t in list(ok) + list(rest)}, ids, "pages cover every trace")
    if HAVE_PANDAS:
        df = mlflow.search_traces(locations=[S["exp"]])
        eq(len(df), 3, "search_traces DataFrame rows")
        check("trace_id" in df.columns, "DataFrame has trace_id", list(df.columns))
        eq(set(df["trace_id"]), ids, "DataFrame trace ids")
    else:
        print("-- search: pandas not importable, DataFrame checks skipped", flush=True)


@section
def tags():
    if not have_traces():
        return
    tid = S["manual"]
    client.set_trace_tag(tid, "reviewed", "yes")
    client.set_trace_tag(tid, "reviewed", "twice")
    eq(client.get_trace(tid).info.tags.get("reviewed"), "twice", "set_trace_tag overwrite")
    client.delete_trace_tag(tid, "reviewed")
    check("reviewed" not in client.get_trace(tid).info.tags, "delete_trace_tag")
    expect_error("RESOURCE_DOES_NOT_EXIST", "delete missing trace tag", client.delete_trace_tag, tid, "never")


@section
def assessments():
    if not have_traces():
        return
    tid = S["decorated"]
    human = AssessmentSource(source_type=AssessmentSourceType.HUMAN, source_id="alice")
    fb = mlflow.log_feedback(trace_id=tid, name="quality", value=0.8, source=human, rationale="looks fine",
                             metadata={"k": "v"})
    check(fb.assessment_id and fb.assessment_id.startswith("a-"), "log_feedback id", fb.assessment_id)
    eq(fb.value, 0.8, "log_feedback value")
    eq(fb.rationale, "looks fine", "log_feedback rationale")
    eq(fb.metadata, {"k": "v"}, "log_feedback metadata")
    eq(fb.source.source_type, "HUMAN", "log_feedback source type")
    eq(fb.valid, True, "new feedback valid")

    err = mlflow.log_feedback(trace_id=tid, name="judge", source=AssessmentSource(source_type="LLM_JUDGE", source_id="j"),
                              error=AssessmentError(error_code="RATE_LIMIT", error_message="slow down"))
    got_err = mlflow.get_assessment(tid, err.assessment_id)
    eq(got_err.error.error_code if got_err.error else None, "RATE_LIMIT", "feedback error code")
    eq(got_err.value, None, "feedback with error has no value")

    exp_dict = mlflow.log_expectation(trace_id=tid, name="expected", value={"answer": "Paris", "score": 1})
    eq(mlflow.get_assessment(tid, exp_dict.assessment_id).value, {"answer": "Paris", "score": 1}, "expectation dict round trip")
    exp_str = mlflow.log_expectation(trace_id=tid, name="expected_text", value="Paris")
    eq(mlflow.get_assessment(tid, exp_str.assessment_id).value, "Paris", "expectation string round trip")

    got = mlflow.get_assessment(tid, fb.assessment_id)
    eq((got.name, got.value, got.trace_id), ("quality", 0.8, tid), "get_assessment")

    upd = mlflow.update_assessment(tid, fb.assessment_id, Feedback(name="quality", value=0.95, rationale="revised"))
    eq((upd.value, upd.rationale), (0.95, "revised"), "update_assessment value and rationale")
    eq(upd.source.source_id, "alice", "update keeps the source")
    eq(upd.metadata, {"k": "v"}, "update keeps metadata")
    new_exp = mlflow.update_assessment(tid, exp_str.assessment_id, mlflow.entities.Expectation(name="expected_text", value="Lyon"))
    eq(new_exp.value, "Lyon", "update expectation")

    over = mlflow.override_feedback(trace_id=tid, assessment_id=fb.assessment_id, value=0.1, rationale="actually bad",
                                    source=AssessmentSource(source_type="HUMAN", source_id="bob"))
    eq(over.overrides, fb.assessment_id, "override_feedback overrides")
    eq(over.valid, True, "override valid")
    eq(mlflow.get_assessment(tid, fb.assessment_id).valid, False, "overridden feedback invalid")
    info = client.get_trace(tid).info
    by_id = {a.assessment_id: a for a in info.assessments}
    check({fb.assessment_id, over.assessment_id, exp_dict.assessment_id} <= set(by_id), "trace info lists the assessments",
          sorted(by_id))
    if fb.assessment_id in by_id:
        eq(by_id[fb.assessment_id].valid, False, "trace info shows the overridden one invalid")

    mlflow.delete_assessment(tid, over.assessment_id)
    eq(mlflow.get_assessment(tid, fb.assessment_id).valid, True, "deleting the override restores validity")
    mlflow.delete_assessment(tid, exp_dict.assessment_id)
    expect_error("RESOURCE_DOES_NOT_EXIST", "get deleted assessment", mlflow.get_assessment, tid, exp_dict.assessment_id)
    mlflow.delete_assessment(tid, exp_dict.assessment_id)  # idempotent
    check(True, "deleting twice is fine")
    missing = "tr-" + uuid.uuid4().hex
    expect_error("BAD_REQUEST", "log_feedback on an unknown trace", mlflow.log_feedback, trace_id=missing, name="q", value=1.0)
    expect_error("RESOURCE_DOES_NOT_EXIST", "get_assessment on an unknown trace", mlflow.get_assessment, missing, "a-x")


@section
def delete_traces():
    if not have_traces():
        return
    n = client.delete_traces(experiment_id=S["exp"], trace_ids=[S["manual"]])
    eq(n, 1, "delete_traces by id count")
    expect_error("RESOURCE_DOES_NOT_EXIST", "get deleted trace", client.get_trace, S["manual"])
    left = mlflow.search_traces(locations=[S["exp"]], return_type="list")
    eq({t.info.trace_id for t in left}, {S["decorated"], S["judged"]}, "search after delete")
    n = client.delete_traces(experiment_id=S["exp"], max_timestamp_millis=2**62)
    eq(n, 2, "delete_traces by timestamp count")
    eq(mlflow.search_traces(locations=[S["exp"]], return_type="list"), [], "no traces left")


if __name__ == "__main__":
    main(f"tracing client scenario against {URI} (mlflow {mlflow.__version__})")
