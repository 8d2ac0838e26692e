"""The function app generator: complete, pinned, deterministic, secret-free output that the
azure-functions library itself indexes."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wizard import cli
from wizard.appgen import builder, samples
from wizard.profile import Profile

SECRET = "Zx9-not-a-real-access-key-Q7Lm2"

INDEX_APP = """
import json, sys
sys.path.insert(0, '.')
import function_app
out = []
for f in function_app.app.get_functions():
    out.append({"name": f.get_function_name(), "bindings": json.loads(f.get_function_json())["bindings"]})
print(json.dumps({"functions": out, "model_loaded": function_app.service.wait_until_loaded(120)}))
"""


def index_app(app: Path) -> dict:
    """Import the generated function_app.py in a fresh interpreter and list what azure-functions indexes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "AZUREML_"))}
    done = subprocess.run([sys.executable, "-c", INDEX_APP], cwd=app, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture(scope="module")
def trained_samples(tmp_path_factory) -> Path:
    """Train the sample models once for the module (training is the slow part of a build)."""
    home = tmp_path_factory.mktemp("samples-home")
    old = os.environ.get("MLFUNC_WIZARD_HOME")
    os.environ["MLFUNC_WIZARD_HOME"] = str(home)
    try:
        samples.ensure_all()
    finally:
        if old is None:
            os.environ.pop("MLFUNC_WIZARD_HOME", None)
        else:
            os.environ["MLFUNC_WIZARD_HOME"] = old
    return home / "samples"


@pytest.fixture(autouse=True)
def _samples_in_home(trained_samples, wizard_home):
    # Each test keeps its own data folder; it starts with the trained samples in it.
    shutil.copytree(trained_samples, wizard_home / "samples")


@pytest.fixture
def built(tmp_path, monkeypatch):
    # Secrets around the build must never end up in the app.
    monkeypatch.setenv("REDIS_PASSWORD", SECRET)
    profile = Profile()
    out = tmp_path / "app"
    return builder.build_app(profile, out)


def test_writes_every_file_of_a_deployable_app(built):
    app = built.path
    for name in ["function_app.py", "score.py", "requirements.txt", "host.json", "Dockerfile", ".funcignore",
                 "local.settings.json.example", "mlfunc_app.json", "model/model.pkl", "mlfunc_runtime/__init__.py",
                 "mlfunc_runtime/service.py", "mlfunc_runtime/cached_entry.py"]:
        assert (app / name).is_file(), name
    runtime_files = sorted(p.name for p in (app / "mlfunc_runtime").glob("*.py"))
    assert runtime_files == sorted(p.name for p in builder.runtime_source_dir().glob("*.py"))
    assert built.function_names == ["score", "health"] and built.routes == ["score", "health"]
    assert built.model_name == "digits"
    assert built.model_version == samples.file_version(app / "model" / "model.pkl")
    assert len(built.model_version) == 12


def test_requirements_are_pinned_to_this_environment(built):
    lines = [l for l in (built.path / "requirements.txt").read_text().splitlines() if l and not l.startswith("#")]
    assert lines == built.requirements
    pins = dict(line.split("==") for line in lines)
    for dist in ["azure-functions", "redis", "redis-entraid", "scikit-learn", "joblib", "numpy"]:
        assert pins[dist] == importlib.metadata.version(dist)
    assert int(pins["azure-functions"].split(".")[0]) < 2


def test_dockerfile_host_json_and_settings_example(built):
    app = built.path
    docker = (app / "Dockerfile").read_text()
    lines = docker.splitlines()
    # The base defaults to the profile's Python, and can be replaced by a local stand-in with --build-arg.
    assert "ARG BASE_IMAGE=mcr.microsoft.com/azure-functions/python:4-python3.11" in lines
    assert lines.count("FROM ${BASE_IMAGE}") == 1 and "FROM ${BASE_IMAGE} AS deps" in lines
    assert "AzureWebJobsScriptRoot=/home/site/wwwroot" in docker
    # Requirements first, the model last: a new model rebuilds only the last layers.
    order = [i for i, l in enumerate(lines) if l.startswith("COPY")]
    assert "requirements.txt" in lines[order[0]] and lines[order[-1]] == "COPY model /home/site/wwwroot/model"
    # The wheelhouse is installed --no-index in the first stage and never copied into the final one.
    assert "--no-index --find-links /build" in docker
    final = docker.split("\nFROM ${BASE_IMAGE}\n", 1)[1]
    assert "wheel" not in final and "/build" not in final
    assert f'io.mlfunc.model.version="{built.model_version}"' in docker
    # The profile's hash is a build argument: the Dockerfile does not change with settings outside the image.
    assert 'ARG PROFILE_HASH=""' in lines and 'io.mlfunc.profile-hash="${PROFILE_HASH}" \\' in [line.strip() for line in lines]
    assert "io.mlfunc.generator-version=" in docker
    host = json.loads((app / "host.json").read_text())
    assert host["version"] == "2.0" and host["extensionBundle"]["version"] == "[4.*, 5.0.0)"
    assert "local.settings.json" in (app / ".funcignore").read_text().splitlines()
    values = json.loads((app / "local.settings.json.example").read_text())["Values"]
    assert values["REDIS_PASSWORD"].startswith("<") and values["AzureWebJobsStorage"].startswith("<")
    assert values["MODEL_VERSION"] == built.model_version and values["CACHE_TTL_SECONDS"] == "3600"
    assert builder.app_settings(Profile(), built) == {
        "CACHE_TTL_SECONDS": "3600", "CACHE_KEY_PREFIX": "mlfunc", "CACHE_TIMEOUT_MS": "100",
        "MODEL_NAME": "digits", "MODEL_VERSION": built.model_version, "MAX_BODY_BYTES": "1048576",
    }


def test_no_secret_in_any_file(built):
    for path in built.path.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_function_app_compiles_and_azure_functions_indexes_score_and_health(built):
    app = built.path
    compile((app / "function_app.py").read_text(), "function_app.py", "exec")
    indexed = index_app(app)
    assert indexed["model_loaded"] is True
    by_name = {f["name"]: f["bindings"] for f in indexed["functions"]}
    assert sorted(by_name) == ["health", "score"]
    score_trigger = by_name["score"][0]
    assert score_trigger["route"] == "score" and score_trigger["methods"] == ["POST"]
    assert score_trigger["authLevel"] == "FUNCTION"
    assert by_name["health"][0]["authLevel"] == "ANONYMOUS"


def test_blob_and_service_bus_triggers_follow_the_profile(tmp_path):
    profile = Profile()
    profile.function.trigger.type = "blob"
    profile.function.trigger.input_path = "in-box/{name}.json"
    profile.function.trigger.output_path = "out-box/{name}.result.json"
    profile.function.trigger.auth_level = "anonymous"
    blob_app = builder.build_app(profile, tmp_path / "blob")
    assert blob_app.function_names == ["score", "health", "score_blob"]
    functions = {f["name"]: f["bindings"] for f in index_app(blob_app.path)["functions"]}
    blob_bindings = {b["type"]: b for b in functions["score_blob"]}
    assert blob_bindings["blobTrigger"]["path"] == "in-box/{name}.json"
    assert blob_bindings["blob"]["path"] == "out-box/{name}.result.json"
    assert functions["score"][0]["authLevel"] == "ANONYMOUS"

    profile.function.trigger.type = "service-bus-queue"
    profile.function.trigger.input_queue = "requests"
    profile.function.trigger.output_queue = "answers"
    bus_app = builder.build_app(profile, tmp_path / "bus")
    functions = {f["name"]: f["bindings"] for f in index_app(bus_app.path)["functions"]}
    queues = {b["type"]: b["queueName"] for b in functions["score_queue"]}
    assert queues == {"serviceBusTrigger": "requests", "serviceBus": "answers"}
    assert "ServiceBusConnection" in json.loads((bus_app.path / "local.settings.json.example").read_text())["Values"]


def test_same_input_gives_the_same_bytes(tmp_path):
    first = builder.build_app(Profile(), tmp_path / "one")
    second = builder.build_app(Profile(), tmp_path / "two")
    assert tree(first.path) == tree(second.path)
    assert first == builder.BuiltApp(**{**second.__dict__, "path": first.path})


def test_rebuild_replaces_generated_files_and_keeps_the_users_own(tmp_path):
    out = tmp_path / "app"
    builder.build_app(Profile(), out)
    (out / "local.settings.json").write_text("{}")
    profile = Profile()
    profile.model.sample = "digits-heavy"
    rebuilt = builder.build_app(profile, out)
    assert (out / "local.settings.json").read_text() == "{}"
    assert rebuilt.model_name == "digits-heavy"
    assert rebuilt.model_version == samples.file_version(out / "model" / "model.pkl")


def test_refuses_a_foreign_non_empty_folder(tmp_path):
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(builder.BuildError, match="not empty"):
        builder.build_app(Profile(), tmp_path)
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_model_sources_and_their_errors(tmp_path):
    profile = Profile()
    profile.base_dir = tmp_path
    profile.model.source = "file"
    profile.model.path = "missing.pkl"
    with pytest.raises(builder.BuildError, match="does not exist"):
        builder.build_app(profile, tmp_path / "a")

    profile.model.source = "azureml"
    profile.model.azureml.name = "sklearn_mnist"
    with pytest.raises(builder.BuildError, match="Azure target"):
        builder.build_app(profile, tmp_path / "b")
    downloaded = samples.ensure_sample("digits").model_path
    built = builder.build_app(profile, tmp_path / "c", model_path=downloaded)
    assert built.model_name == "sklearn_mnist"

    profile.model.name = "my model:v2"
    profile.model.version = "release 7"
    built = builder.build_app(profile, tmp_path / "d", model_path=downloaded)
    assert (built.model_name, built.model_version) == ("my-model-v2", "release-7")  # ':' would break keys

    profile = Profile()
    profile.model.sample = "mnist-huge"
    with pytest.raises(builder.BuildError, match="digits, digits-heavy"):
        builder.build_app(profile, tmp_path / "e")


def test_entry_script_imports_are_pinned_or_flagged(tmp_path):
    (tmp_path / "score.py").write_text("import json\nimport requests\nimport not_a_real_module_xyz\n\ndef init():\n    pass\n\ndef run(raw):\n    return []\n")
    profile = Profile()
    profile.base_dir = tmp_path
    profile.model.entry_script = "score.py"
    built = builder.build_app(profile, tmp_path / "app")
    assert f"requests=={importlib.metadata.version('requests')}" in built.requirements
    assert any("not_a_real_module_xyz" in w for w in built.warnings)


def test_cli_build_and_samples(tmp_path, capsys):
    profile_path = tmp_path / "profile.json"
    profile_path.write_text(json.dumps({"name": "digits-local"}))
    assert cli.run(["build", str(profile_path), "--out", str(tmp_path / "app")]) == 0
    printed = capsys.readouterr().out
    assert str((tmp_path / "app").resolve()) in printed and "Functions: score, health" in printed
    assert cli.run(["samples", "--name", "digits"]) == 0
    assert str(samples.ensure_sample("digits").model_path) in capsys.readouterr().out
    assert cli.run(["samples", "--name", "nope"]) == 1
    assert "choose one of" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text(json.dumps({"model": {"source": "file", "path": "x.pkl"}}))
    assert cli.run(["build", str(tmp_path / "bad.json"), "--out", str(tmp_path / "bad")]) == 1
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "a-file").write_text("not a folder")
    assert cli.run(["build", str(profile_path), "--out", str(tmp_path / "a-file" / "app")]) == 1
    err = capsys.readouterr().err
    assert "writing the function app failed at" in err and "a-file" in err and "Traceback" not in err


def test_azure_ml_packaging_route_ships_no_model_and_finds_the_mounted_one(tmp_path, monkeypatch):
    from wizard.runtime.service import ScoringService
    from wizard.runtime.settings import RuntimeSettings

    profile = Profile()
    profile.model.source = "azureml"
    profile.model.azureml.name = "sklearn_mnist"
    with pytest.raises(builder.BuildError, match="model version"):
        builder.build_app(profile, tmp_path / "no-version", model_in_workspace=True)
    profile.model.azureml.version = "3"
    built = builder.build_app(profile, tmp_path / "app", model_in_workspace=True)
    assert (built.model_name, built.model_version, built.model_file) == ("sklearn_mnist", "aml3", "")
    assert list((built.path / "model").iterdir()) == []
    # Azure ML mounts registered models as AZUREML_MODEL_DIR/<name>/<version>/<file>.
    mounted = tmp_path / "azureml-models"
    (mounted / "sklearn_mnist" / "3").mkdir(parents=True)
    sample = samples.ensure_sample("digits")
    shutil.copyfile(sample.model_path, mounted / "sklearn_mnist" / "3" / "sklearn_mnist_model.pkl")
    monkeypatch.setenv("AZUREML_MODEL_DIR", str(mounted))
    service = ScoringService(built.path, settings=RuntimeSettings.from_env({}, app_dir=built.path))
    answer = service.score_body(json.dumps(sample.sample_input))
    assert answer.status == 200 and answer.body == {"result": [0, 1, 2]}
    assert answer.headers["X-Model-Version"] == "aml3"


def test_a_setting_outside_the_image_keeps_the_apps_fingerprint_and_a_new_model_changes_it(tmp_path):
    """The content tag of every image route (and the local host's restart check) is the app's fingerprint: a cache
    TTL or a tag is an app setting, not image content, so it must not make a new image; the model must."""
    first = builder.build_app(Profile(), tmp_path / "a")
    changed = Profile()
    changed.cache_policy.ttl_seconds = 600
    changed.tags = {"team": "ml"}
    second = builder.build_app(changed, tmp_path / "b")
    assert (first.path / "Dockerfile").read_text() == (second.path / "Dockerfile").read_text()
    assert builder.app_fingerprint(first.path) == builder.app_fingerprint(second.path)
    assert builder.profile_hash(Profile()) != builder.profile_hash(changed)  # the label still tells them apart
    model = next((second.path / "model").iterdir())
    model.write_bytes(model.read_bytes() + b"\0")
    assert builder.app_fingerprint(first.path) != builder.app_fingerprint(second.path)
