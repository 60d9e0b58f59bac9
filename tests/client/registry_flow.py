"""End-to-end model registry + prompt scenario run with the REAL, unmodified MLflow Python client.

Usage (see setup.sh for the interpreter and PYTHONPATH to use):

    MLFLOW_TRACKING_URI=http://127.0.0.1:5055 python3 tests/client/registry_flow.py

Only MLflow's public API is used (mlflow.*, mlflow.MlflowClient, mlflow.exceptions,
mlflow.artifacts, mlflow.pyfunc, mlflow.genai). Every check is counted; the script prints each
failed check, ends with the plain line 'client-flow: N passed, N failed' and exits 1 if any check
failed.

The model is logged with mlflow.pyfunc.log_model when mlflow.pyfunc imports (it needs
cloudpickle); otherwise the 'model' is a few plain files logged with mlflow.log_text under
model/ (including a minimal flavor-less MLmodel) and registered from runs:/<run_id>/model, and
the pyfunc load/predict checks are skipped (and said so). Likewise the prompts section is skipped when mlflow.genai does not import.
"""

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

import warnings  # noqa: E402

import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.exceptions import MlflowException  # noqa: E402
from flowkit import check, eq, expect_error, main, section  # noqa: E402

warnings.filterwarnings("ignore", category=FutureWarning)  # stages / get_latest_versions

try:
    import mlflow.pyfunc  # noqa: E402

    HAVE_PYFUNC, PYFUNC_WHY = True, ""
except Exception as e:  # noqa: BLE001  (e.g. ModuleNotFoundError: cloudpickle)
    HAVE_PYFUNC, PYFUNC_WHY = False, f"{type(e).__name__}: {e}"
try:
    import mlflow.genai  # noqa: E402

    HAVE_GENAI, GENAI_WHY = True, ""
except Exception as e:  # noqa: BLE001
    HAVE_GENAI, GENAI_WHY = False, f"{type(e).__name__}: {e}"



URI = os.environ.get("MLFLOW_TRACKING_URI", "http://127.0.0.1:5055")
IS_HTTP = URI.startswith("http")
SUFFIX = uuid.uuid4().hex[:10]
MODEL = f"sf-reg-{SUFFIX}"
OTHER = f"sf-reg-{SUFFIX}-other"
PROMPT = f"sf-prompt-{SUFFIX}"
# Without pyfunc the "model" is plain files. mlflow.register_model("runs:/<id>/model") accepts a
# runs:/ URI only if <path>/MLmodel exists (or a LoggedModel of that name does), so a minimal,
# flavor-less MLmodel file is among them.
MODEL_FILES = {
    "MLmodel": "artifact_path: model\nflavors: {}\n",
    "weights.txt": "w=0.5\nb=1.0\n",
    "README.txt": "tiny sharpflow model\n",
}

mlflow.set_tracking_uri(URI)
client = MlflowClient()
S = {}  # ids shared between sections


if HAVE_PYFUNC:

    class AddN(mlflow.pyfunc.PythonModel):
        def __init__(self, n):
            self.n = n

        def predict(self, context, model_input, params=None):
            return model_input + self.n


@section
def log_model():
    mlflow.set_experiment(f"sf-reg-exp-{SUFFIX}")
    with mlflow.start_run() as run:
        if HAVE_PYFUNC:
            info = mlflow.pyfunc.log_model(name="model", python_model=AddN(5))
            S["model_uri"] = info.model_uri
        else:
            for fname, text in MODEL_FILES.items():
                mlflow.log_text(text, f"model/{fname}")
            S["model_uri"] = f"runs:/{run.info.run_id}/model"
    S["run_id"] = run.info.run_id
    if not HAVE_PYFUNC:
        eq(sorted(a.path for a in client.list_artifacts(S["run_id"], "model")),
           sorted(f"model/{f}" for f in MODEL_FILES), "manually logged model files")


@section
def registered_models():
    rm = client.create_registered_model(MODEL, tags={"team": "ml", "suffix": SUFFIX},
                                        description="first")
    eq(rm.name, MODEL, "create_registered_model.name")
    client.create_registered_model(OTHER, tags={"team": "infra"})
    got = client.get_registered_model(MODEL)
    eq(got.name, MODEL, "get_registered_model.name")
    eq(got.description, "first", "get_registered_model.description")
    eq(got.tags.get("team"), "ml", "registered model tag team")
    check(got.creation_timestamp and got.creation_timestamp > 0, "creation_timestamp set",
          got.creation_timestamp)
    expect_error("RESOURCE_ALREADY_EXISTS", "duplicate registered model",
                 client.create_registered_model, MODEL)
    expect_error("RESOURCE_DOES_NOT_EXIST", "get_registered_model(missing)",
                 client.get_registered_model, f"nope-{SUFFIX}")

    client.update_registered_model(MODEL, description="second")
    eq(client.get_registered_model(MODEL).description, "second", "update_registered_model")
    client.set_registered_model_tag(MODEL, "stage", "dev")
    eq(client.get_registered_model(MODEL).tags.get("stage"), "dev", "set_registered_model_tag")
    client.delete_registered_model_tag(MODEL, "stage")
    check("stage" not in client.get_registered_model(MODEL).tags, "delete_registered_model_tag")

    found = client.search_registered_models(filter_string=f"name LIKE 'sf-reg-{SUFFIX}%'",
                                            order_by=["name DESC"])
    eq([m.name for m in found], [OTHER, MODEL], "search_registered_models LIKE + order_by")
    found = client.search_registered_models(filter_string=f"name = '{MODEL}'")
    eq([m.name for m in found], [MODEL], "search_registered_models name =")
    found = client.search_registered_models(
        filter_string=f"tags.team = 'infra' AND name LIKE '%{SUFFIX}%'")
    eq([m.name for m in found], [OTHER], "search_registered_models by tag")
    page = client.search_registered_models(filter_string=f"name LIKE '%{SUFFIX}%'", max_results=1)
    eq(len(page), 1, "search_registered_models page 1 size")
    check(page.token, "search_registered_models page 1 has token", page.token)
    page2 = client.search_registered_models(filter_string=f"name LIKE '%{SUFFIX}%'",
                                            max_results=1, page_token=page.token)
    eq(len(page2), 1, "search_registered_models page 2 size")
    check(page2[0].name != page[0].name, "registered models page 2 differs from page 1")


@section
def model_versions():
    mv1 = mlflow.register_model(S["model_uri"], MODEL, tags={"via": "register_model"})
    eq(mv1.name, MODEL, "register_model.name")
    eq(str(mv1.version), "1", "register_model.version")
    eq(mv1.status, "READY", "register_model.status")
    eq(mv1.run_id, S["run_id"], "register_model.run_id")

    source = f"runs:/{S['run_id']}/model"
    mv2 = client.create_model_version(MODEL, source, run_id=S["run_id"],
                                      tags={"via": "client"}, description="v2 desc")
    eq(str(mv2.version), "2", "create_model_version.version")
    eq(mv2.source, source, "create_model_version.source")
    got = client.get_model_version(MODEL, "2")
    eq(got.description, "v2 desc", "get_model_version.description")
    eq(got.tags.get("via"), "client", "model version tag via")
    eq(got.current_stage, "None", "new version stage None")
    expect_error("RESOURCE_DOES_NOT_EXIST", "get_model_version(missing)",
                 client.get_model_version, MODEL, "99")

    client.update_model_version(MODEL, "2", description="v2 new")
    eq(client.get_model_version(MODEL, "2").description, "v2 new", "update_model_version")
    client.set_model_version_tag(MODEL, "2", "quality", "good")
    eq(client.get_model_version(MODEL, "2").tags.get("quality"), "good", "set_model_version_tag")
    client.delete_model_version_tag(MODEL, "2", "quality")
    check("quality" not in client.get_model_version(MODEL, "2").tags, "delete_model_version_tag")

    mvs = client.search_model_versions(f"name = '{MODEL}'")
    eq(sorted(int(m.version) for m in mvs), [1, 2], "search_model_versions by name")
    mvs = client.search_model_versions(f"name = '{MODEL}' AND tags.via = 'client'")
    eq([int(m.version) for m in mvs], [2], "search_model_versions by tag")
    mvs = client.search_model_versions(f"run_id = '{S['run_id']}'")
    eq(sorted(int(m.version) for m in mvs), [1, 2], "search_model_versions by run_id")
    mvs = client.search_model_versions(f"name = '{MODEL}'", order_by=["version_number DESC"],
                                       max_results=1)
    eq([int(m.version) for m in mvs], [2], "search_model_versions order_by + max_results")
    latest = client.get_registered_model(MODEL).latest_versions
    eq(sorted(int(m.version) for m in latest), [2], "registered model latest_versions")


def aliases():
    return {k: str(v) for k, v in client.get_registered_model(MODEL).aliases.items()}


@section
def model_aliases():
    client.set_registered_model_alias(MODEL, "champion", "1")
    client.set_registered_model_alias(MODEL, "challenger", "2")
    mv = client.get_model_version_by_alias(MODEL, "champion")
    eq(str(mv.version), "1", "get_model_version_by_alias champion")
    check("champion" in (mv.aliases or []), "model version lists its alias", mv.aliases)
    # versions are strings over REST but ints from MLflow's own SQL store: compare as strings
    eq(aliases(), {"champion": "1", "challenger": "2"},
       "registered model aliases")
    client.set_registered_model_alias(MODEL, "champion", "2")  # move alias
    eq(str(client.get_model_version_by_alias(MODEL, "champion").version), "2", "alias moved")
    client.delete_registered_model_alias(MODEL, "challenger")
    expect_error("INVALID_PARAMETER_VALUE", "get_model_version_by_alias(deleted)",
                 client.get_model_version_by_alias, MODEL, "challenger")
    eq(aliases(), {"champion": "2"},
       "aliases after delete")


@section
def stages():
    mv = client.transition_model_version_stage(MODEL, "1", "Staging")
    eq(mv.current_stage, "Staging", "transition to Staging")
    client.transition_model_version_stage(MODEL, "2", "Staging")
    mv = client.transition_model_version_stage(MODEL, "2", "Production",
                                               archive_existing_versions=True)
    eq(mv.current_stage, "Production", "transition to Production")
    eq(client.get_model_version(MODEL, "1").current_stage, "Staging",
       "archive_existing_versions only archives same-stage versions")
    eq([int(m.version) for m in client.get_latest_versions(MODEL, stages=["Production"])], [2],
       "get_latest_versions Production")
    eq([int(m.version) for m in client.get_latest_versions(MODEL, stages=["Staging"])], [1],
       "get_latest_versions Staging")
    eq(sorted(int(m.version) for m in client.get_latest_versions(MODEL)), [1, 2],
       "get_latest_versions all stages")
    expect_error("INVALID_PARAMETER_VALUE", "transition to bogus stage",
                 client.transition_model_version_stage, MODEL, "1", "Bogus")


@section
def download():
    for uri in (f"models:/{MODEL}@champion", f"models:/{MODEL}/1"):
        with tempfile.TemporaryDirectory() as d:
            local = mlflow.artifacts.download_artifacts(uri, dst_path=d)
            names = sorted(os.listdir(local))
            if HAVE_PYFUNC:
                check("MLmodel" in names, f"download_artifacts({uri}) has MLmodel", names)
            else:
                # the client itself adds 'registered_model_meta' (name + version) next to MLmodel
                eq(names, sorted([*MODEL_FILES, "registered_model_meta"]),
                   f"download_artifacts({uri}) files")
                for fname, text in MODEL_FILES.items():
                    with open(os.path.join(local, fname)) as f:
                        eq(f.read(), text, f"download_artifacts({uri}) {fname} content")
    if HAVE_PYFUNC:
        import pandas as pd

        model = mlflow.pyfunc.load_model(f"models:/{MODEL}@champion")
        out = model.predict(pd.DataFrame({"x": [1, 2]}))
        eq(list(out["x"]), [6, 7], "pyfunc predict via alias")
    else:
        print(f"   (pyfunc load/predict skipped: {PYFUNC_WHY})", flush=True)


@section
def prompts():
    if not HAVE_GENAI:
        print(f"   (prompts skipped: {GENAI_WHY})", flush=True)
        return
    p1 = mlflow.genai.register_prompt(PROMPT, "Hello {{name}}!", commit_message="first",
                                      tags={"lang": "en"})
    eq(p1.version, 1, "register_prompt version 1")
    p2 = mlflow.genai.register_prompt(PROMPT, "Hi {{name}}, bye {{name}}.",
                                      commit_message="second")
    eq(p2.version, 2, "register_prompt version 2")

    got = mlflow.genai.load_prompt(f"prompts:/{PROMPT}/1")
    eq(got.template, "Hello {{name}}!", "load_prompt by version")
    eq(got.format(name="Ann"), "Hello Ann!", "prompt format")
    eq(got.commit_message, "first", "prompt commit_message")
    eq(mlflow.genai.load_prompt(PROMPT, version=2).template, "Hi {{name}}, bye {{name}}.",
       "load_prompt(name, version=2)")
    eq(mlflow.genai.load_prompt(f"prompts:/{PROMPT}@latest").version, 2, "load_prompt @latest")

    mlflow.genai.set_prompt_alias(PROMPT, "prod", 1)
    got = mlflow.genai.load_prompt(f"prompts:/{PROMPT}@prod")
    eq((got.version, got.template), (1, "Hello {{name}}!"), "load_prompt @alias")

    found = mlflow.genai.search_prompts(filter_string=f"name LIKE 'sf-prompt-{SUFFIX}%'")
    eq([p.name for p in found], [PROMPT], "search_prompts")
    # prompts must not show up as registered models, nor models as prompts
    rms = client.search_registered_models(filter_string=f"name LIKE '%{SUFFIX}%'")
    check(PROMPT not in [m.name for m in rms], "prompt hidden from search_registered_models",
          [m.name for m in rms])
    found = mlflow.genai.search_prompts(filter_string=f"name LIKE '%{SUFFIX}%'")
    eq([p.name for p in found], [PROMPT], "search_prompts excludes registered models")


@section
def deletes():
    client.delete_model_version(MODEL, "1")
    expect_error("RESOURCE_DOES_NOT_EXIST", "get_model_version(deleted)",
                 client.get_model_version, MODEL, "1")
    eq([int(m.version) for m in client.search_model_versions(f"name = '{MODEL}'")], [2],
       "search_model_versions after delete")
    client.delete_registered_model(MODEL)
    expect_error("RESOURCE_DOES_NOT_EXIST", "get_registered_model(deleted)",
                 client.get_registered_model, MODEL)
    eq([m.name for m in client.search_registered_models(filter_string=f"name LIKE '%{SUFFIX}%'")],
       [OTHER], "search_registered_models after delete")
    eq(list(client.search_model_versions(f"name = '{MODEL}'")), [],
       "versions gone with their model")
    client.delete_registered_model(OTHER)


if __name__ == "__main__":
    main(f"mlflow {mlflow.__version__} against {URI}")
