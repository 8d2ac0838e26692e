"""Writes the complete Azure Functions app (v2 programming model) for a profile: triggers, runtime, model, pins."""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import json
import logging
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from wizard.appgen import samples
from wizard.core.errors import WizardError
from wizard.i18n import _
from wizard.paths import resources_dir
from wizard.profile import Profile

log = logging.getLogger(__name__)

MANIFEST_NAME = "mlfunc_app.json"  # read by mlfunc_runtime.settings
RUNTIME_PACKAGE = "mlfunc_runtime"
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
AUTH_LEVELS = {"anonymous": "ANONYMOUS", "function": "FUNCTION", "admin": "ADMIN"}
DEFAULT_BLOB_INPUT, DEFAULT_BLOB_OUTPUT = "mlfunc-input/{name}", "mlfunc-output/{name}"
DEFAULT_INPUT_QUEUE, DEFAULT_OUTPUT_QUEUE = "mlfunc-requests", "mlfunc-results"
# What the generated app imports, plus scikit-learn's own dependencies: all pinned to this
# environment's versions, because the model was pickled here.
PINNED_DISTRIBUTIONS = [
    "azure-functions",
    "redis",
    "redis-entraid",
    "orjson",
    "scikit-learn",
    "joblib",
    "numpy",
    "scipy",
    "threadpoolctl",
]
GENERATED_FILES = [
    "function_app.py",
    "score.py",
    "requirements.txt",
    "host.json",
    "Dockerfile",
    ".funcignore",
    ".dockerignore",
    "local.settings.json.example",
    MANIFEST_NAME,
]
GENERATED_DIRS = [RUNTIME_PACKAGE, "model"]


class BuildError(WizardError, ValueError):
    """The app cannot be built from this profile; the message says what to change."""


@dataclass
class BuiltApp:
    path: Path
    model_name: str
    model_version: str
    requirements: list[str]
    function_names: list[str]
    routes: list[str]
    model_file: str = ""  # path of the model inside the app, e.g. "model/model.pkl"; "" when Azure ML mounts it
    warnings: list[str] = field(default_factory=list)


def template_dir() -> Path:
    return resources_dir() / "templates" / "functionapp"


def runtime_source_dir() -> Path:
    import wizard.runtime

    return Path(wizard.runtime.__file__).resolve().parent


def _render(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    leftover = re.search(r"\{\{[A-Z_]+\}\}", text)
    if leftover:
        raise RuntimeError(f"template placeholder {leftover.group(0)} was not filled")  # a bug here, not user input
    return text


def _template(name: str, values: dict[str, str] | None = None) -> str:
    return _render((template_dir() / name).read_text(encoding="utf-8"), values or {})


def _safe_name(name: str) -> str:
    # ':' separates the parts of a cache key; keep names to a plain, unambiguous alphabet.
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")
    return cleaned or "model"


# --- model ------------------------------------------------------------------------------------


def _resolve_model(profile: Profile, model_path: Path | None, model_in_workspace: bool) -> tuple[Path | None, str]:
    """The model file to ship (None: Azure ML mounts it) and the model's default name."""
    model = profile.model
    if model_path is None and model.source == "azureml" and model_in_workspace:
        if not model.azureml.name:
            raise BuildError(_("model.azureml.name is empty; choose the registered model to deploy."))
        return None, model.azureml.name
    if model_path is not None:
        path = Path(model_path)
        default_name = model.azureml.name if model.source == "azureml" and model.azureml.name else path.stem
    elif model.source == "sample":
        try:
            sample = samples.ensure_sample(model.sample or "digits")
        except samples.SampleError as exc:
            raise BuildError(_("model.sample: {problem}").format(problem=exc)) from None
        path, default_name = sample.model_path, sample.name
    elif model.source == "file":
        if not model.path:
            raise BuildError(_("model.path is empty; choose the model file (a joblib/pickle file) to deploy."))
        path = profile.resolve(model.path)
        default_name = path.stem
    elif model.source == "azureml":
        raise BuildError(_(
            "model.source is \"azureml\": the model lives in an Azure ML workspace. Deploy with the Azure "
            "target (its Azure ML packaging route downloads it), or download the model file and set "
            "model.source to \"file\"."
        ))
    else:
        raise BuildError(_("model.source is {value}; use \"sample\", \"file\" or \"azureml\".").format(
            value=repr(model.source)))
    if not path.is_file():
        raise BuildError(_("The model file {path} does not exist. Check model.path (relative to the profile's folder).").format(
            path=path))
    return path, default_name


# --- requirements -----------------------------------------------------------------------------


def _installed_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _script_imports(script: Path) -> list[str]:
    """Top-level modules an entry script imports (to pin what it needs beyond our own list)."""
    try:
        tree = ast.parse(script.read_text(encoding="utf-8"), filename=str(script))
    except (SyntaxError, UnicodeDecodeError) as exc:
        raise BuildError(_("The entry script {script} is not valid Python: {problem}. Fix it and build again.").format(
            script=script, problem=exc)) from None
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module.split(".")[0])
    return sorted(modules)


def _requirements(extra_modules: list[str], warnings: list[str]) -> list[str]:
    pins: dict[str, str] = {}
    for dist in PINNED_DISTRIBUTIONS:
        version = _installed_version(dist)
        if version is None:
            raise BuildError(_("{dist} is not installed in this environment; reinstall mlfunc-wizard with its dependencies.").format(
                dist=dist))
        pins[dist.lower()] = f"{dist}=={version}"
    dists_of = importlib.metadata.packages_distributions()
    for module in extra_modules:
        if module in sys.stdlib_module_names or module in (RUNTIME_PACKAGE, "score"):
            continue
        dists = dists_of.get(module)
        if not dists:
            warnings.append(_(
                "The entry script imports {module}, which is not installed here; add it to requirements.txt yourself."
            ).format(module=repr(module)))
            continue
        for dist in sorted(set(dists)):
            version = _installed_version(dist)
            if version and dist.lower() not in pins:
                pins[dist.lower()] = f"{dist}=={version}"
    return [pins[k] for k in sorted(pins)]


# --- the app ----------------------------------------------------------------------------------


def _functions(profile: Profile) -> tuple[str, list[str]]:
    """Extra trigger code for blob / Service Bus profiles and the function names it adds."""
    trigger = profile.function.trigger
    if trigger.type == "http":
        return "", []
    if trigger.type == "blob":
        input_path = trigger.input_path or DEFAULT_BLOB_INPUT
        output_path = trigger.output_path or DEFAULT_BLOB_OUTPUT
        for field_name, value in (("input_path", input_path), ("output_path", output_path)):
            if "/" not in value.strip("/"):
                raise BuildError(_(
                    "function.trigger.{field} is {value}; write it as <container>/<blob pattern>, "
                    "e.g. {example}."
                ).format(field=field_name, value=repr(value), example="mlfunc-input/{name}"))
        code = _template("blob_trigger.py.tmpl", {"INPUT_PATH": json.dumps(input_path), "OUTPUT_PATH": json.dumps(output_path)})
        return code, ["score_blob"]
    if trigger.type == "service-bus-queue":
        code = _template(
            "service_bus_trigger.py.tmpl",
            {
                "INPUT_QUEUE": json.dumps(trigger.input_queue or DEFAULT_INPUT_QUEUE),
                "OUTPUT_QUEUE": json.dumps(trigger.output_queue or DEFAULT_OUTPUT_QUEUE),
            },
        )
        return code, ["score_queue"]
    raise BuildError(_("function.trigger.type is {value}; use \"http\", \"blob\" or \"service-bus-queue\".").format(
        value=repr(trigger.type)))


def _prepare_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise BuildError(_("{folder} is a file; choose a folder for the function app.").format(folder=out_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    if any(out_dir.iterdir()) and not (out_dir / MANIFEST_NAME).is_file():
        raise BuildError(_("{folder} is not empty and was not written by mlfunc-wizard; choose an empty folder.").format(
            folder=out_dir))
    # Rebuilding: replace what we generate, keep anything else (e.g. the user's local.settings.json).
    for name in GENERATED_DIRS:
        shutil.rmtree(out_dir / name, ignore_errors=True)
    for name in GENERATED_FILES:
        (out_dir / name).unlink(missing_ok=True)


def build_app(profile: Profile, out_dir: Path, *, model_path: Path | None = None, model_in_workspace: bool = False) -> BuiltApp:
    """Write the function app for `profile` into `out_dir`; same input, same bytes. Never writes secrets.

    `model_path` ships an already available model file (e.g. one downloaded from Azure ML).
    `model_in_workspace=True` (Azure ML packaging route only) ships no model file: Azure ML mounts the
    registered model under AZUREML_MODEL_DIR, and the version in the cache keys is the AML version."""
    out_dir = Path(out_dir)
    warnings: list[str] = []
    source_model, default_name = _resolve_model(profile, model_path, model_in_workspace)
    model_name = _safe_name(profile.model.name or default_name)
    if profile.model.version:
        model_version = _safe_name(profile.model.version)
    elif source_model is not None:
        model_version = samples.file_version(source_model)
    elif profile.model.azureml.version:
        model_version = _safe_name(f"aml{profile.model.azureml.version}")
    else:
        raise BuildError(_(
            "model.azureml.version is empty; choose a model version, so that the cache keys change "
            "when a new version of the model is deployed."
        ))
    auth = (profile.function.trigger.auth_level or "function").lower()
    if auth not in AUTH_LEVELS:
        raise BuildError(_("function.trigger.auth_level is {value}; use anonymous, function or admin.").format(
            value=repr(auth)))

    entry_script: Path | None = None
    if profile.model.entry_script:
        entry_script = profile.resolve(profile.model.entry_script)
        if not entry_script.is_file():
            raise BuildError(_("The entry script {script} does not exist. Check model.entry_script or clear it to use the generated score.py.").format(
                script=entry_script))
    extra_code, extra_functions = _functions(profile)
    requirements = _requirements(_script_imports(entry_script) if entry_script else [], warnings)

    _prepare_out_dir(out_dir)
    (out_dir / "model").mkdir()
    model_file = ""
    if source_model is not None:
        model_file = f"model/{source_model.name}"
        shutil.copyfile(source_model, out_dir / model_file)

    runtime_dir = out_dir / RUNTIME_PACKAGE
    runtime_dir.mkdir()
    for source in sorted(runtime_source_dir().glob("*.py")):
        shutil.copyfile(source, runtime_dir / source.name)

    if entry_script is not None:
        shutil.copyfile(entry_script, out_dir / "score.py")
    else:
        (out_dir / "score.py").write_text(_template("score.py.tmpl", {"MODEL_FILE": source_model.name if source_model else ""}), encoding="utf-8")

    labels = {"MODEL_NAME": model_name, "MODEL_VERSION": model_version}
    (out_dir / "function_app.py").write_text(
        _template("function_app.py.tmpl", {**labels, "AUTH_LEVEL": AUTH_LEVELS[auth], "EXTRA_FUNCTIONS": extra_code}),
        encoding="utf-8",
    )
    header = _template("requirements.txt.tmpl")
    (out_dir / "requirements.txt").write_text(header + "\n".join(requirements) + "\n", encoding="utf-8")
    shutil.copyfile(template_dir() / "host.json", out_dir / "host.json")
    (out_dir / "Dockerfile").write_text(_template("Dockerfile.tmpl", {
        **labels, "PYTHON_VERSION": profile.function.python_version or "3.11",
        "GENERATOR_VERSION": generator_version(), "MANIFEST_NAME": MANIFEST_NAME, "RUNTIME_PACKAGE": RUNTIME_PACKAGE,
    }), encoding="utf-8")
    shutil.copyfile(template_dir() / "funcignore", out_dir / ".funcignore")
    shutil.copyfile(template_dir() / "dockerignore", out_dir / ".dockerignore")

    built = BuiltApp(
        path=out_dir,
        model_name=model_name,
        model_version=model_version,
        requirements=requirements,
        function_names=["score", "health", *extra_functions],
        routes=["score", "health"],
        model_file=model_file,
        warnings=warnings,
    )
    settings_example = json.loads((template_dir() / "local.settings.json.example").read_text(encoding="utf-8"))
    settings_example["Values"].update(app_settings(profile, built))
    if extra_functions == ["score_queue"]:
        settings_example["Values"]["ServiceBusConnection"] = "<Service Bus connection string, or use ServiceBusConnection__fullyQualifiedNamespace with a managed identity>"
    (out_dir / "local.settings.json.example").write_text(json.dumps(settings_example, indent=2) + "\n", encoding="utf-8")
    manifest = {
        "generator": "mlfunc-wizard",
        "model_name": model_name,
        "model_version": model_version,
        "model_file": model_file,
        "entry_script": "score.py",
        "entry_script_source": "user" if entry_script else "generated",
        "functions": built.function_names,
        "trigger": profile.function.trigger.type,
    }
    (out_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    for warning in warnings:
        log.warning("%s", warning)
    return built


# Files of the app folder the image never contains (the Dockerfile COPYs by name): a local-run example with the
# app settings, and the zip deploy's ignore list. They change with settings that are not the image's.
NOT_IN_IMAGE = frozenset({"local.settings.json.example", "local.settings.json", ".funcignore"})


def app_fingerprint(folder: Path) -> str:
    """A hash of the app folder's files as the image holds them (path and bytes; no __pycache__, no wheelhouse, not
    NOT_IN_IMAGE): the same app gets the same content tag, whichever route builds it, and a changed cache TTL
    does not make a new image."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder)
        if "__pycache__" in rel.parts or rel.parts[0] == "wheels" or (len(rel.parts) == 1 and rel.name in NOT_IN_IMAGE):
            continue
        digest.update(rel.as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def profile_hash(profile: Profile) -> str:
    """The profile's fingerprint, short: the image label (a build argument) that ties an image to its profile."""
    from wizard.profile import fingerprint

    return fingerprint(profile)[:16]


def generator_version() -> str:
    from wizard import __version__

    return __version__


def app_settings(profile: Profile, built: BuiltApp) -> dict[str, str]:
    """The non-secret app settings the runtime reads; targets add REDIS_* and secrets themselves."""
    policy = profile.cache_policy
    return {
        "CACHE_TTL_SECONDS": str(policy.ttl_seconds),
        "CACHE_KEY_PREFIX": policy.key_prefix,
        "CACHE_TIMEOUT_MS": str(policy.timeout_ms),
        "MODEL_NAME": built.model_name,
        "MODEL_VERSION": built.model_version,
        "MAX_BODY_BYTES": str(DEFAULT_MAX_BODY_BYTES),
    }
