"""The deployment profile: one JSON file (``"version": 1``) that describes a whole deployment.

It never holds a secret. Types are checked on load; what the values *mean* is checked by
`wizard.rules`, so that the GUI can hold a half-edited profile and show its problems.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import sys
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from wizard.core.errors import InputError
from wizard.i18n import _

PROFILE_VERSION = 1

Target = Literal["local", "azure"]
CacheService = Literal["managed-redis", "cache-for-redis"]


@dataclass
class AzureSettings:
    subscription_id: str = ""
    location: str = "westeurope"
    tenant_id: str = ""
    # "public", "china", "usgov", or "custom" with arm_endpoint (tests point this at the emulator).
    cloud: str = "public"
    arm_endpoint: str = ""


@dataclass
class ResourceGroup:
    name: str = "rg-mlfunc-digits"
    create: bool = True


@dataclass
class Persistence:
    mode: str = "none"  # none | rdb | aof
    rdb_frequency_minutes: int = 60
    storage_account: str = ""  # Azure: account that receives RDB/AOF files (same region)


@dataclass
class CacheSettings:
    service: str = "managed-redis"  # managed-redis (recommended) | cache-for-redis (retiring)
    name: str = "mlfunc-digits-cache"
    sku: str = "Balanced_B0"  # Basic | Standard | Premium | Managed Redis SKU (Balanced_B0, ...)
    capacity: int = 0  # C0-C6 / P1-P5 for Azure Cache for Redis; unused for Managed Redis
    connectivity: str = "public"  # public | private-endpoint | vnet
    subnet_id: str = ""  # private endpoint / VNet subnet resource id
    non_tls_port: bool = False
    minimum_tls_version: str = "1.2"
    authentication: str = "access-keys"  # entra | access-keys
    redis_version: str = "6"
    shard_count: int = 0  # 0 = not clustered
    replicas_per_primary: int = 0
    zones: list[str] = field(default_factory=list)
    persistence: Persistence = field(default_factory=Persistence)
    clustering_policy: str = "EnterpriseCluster"  # Managed Redis: OSSCluster | EnterpriseCluster
    eviction_policy: str = "VolatileLRU"
    high_availability: bool = True  # Managed Redis


@dataclass
class AzureMLModel:
    subscription_id: str = ""
    resource_group: str = ""
    workspace: str = ""
    name: str = ""
    version: str = ""


@dataclass
class ModelSettings:
    source: str = "sample"  # sample | file | azureml
    sample: str = "digits"  # which generated sample model, when source is "sample"
    path: str = ""  # model file, relative to the profile's folder, when source is "file"
    azureml: AzureMLModel = field(default_factory=AzureMLModel)
    name: str = ""  # model name in cache keys; default: the file's stem or the AML name
    version: str = ""  # default: the AML version, or a hash of the model file
    entry_script: str = ""  # optional AML-style score.py with init()/run()
    sample_input: Any = None  # JSON sent by the smoke test and the test panel


@dataclass
class Trigger:
    type: str = "http"  # http | blob | service-bus-queue
    auth_level: str | None = "function"  # http: anonymous | function | admin
    input_path: str | None = None  # blob
    output_path: str | None = None  # blob
    input_queue: str | None = None  # service-bus-queue
    output_queue: str | None = None  # service-bus-queue
    service_bus_namespace: str | None = None  # service-bus-queue on Azure: namespace name or <name>.servicebus.windows.net


@dataclass
class FunctionSettings:
    app_name: str = "mlfunc-digits-app"
    plan_sku: str = "B1"
    storage_account: str = "mlfuncdigitsstore"
    trigger: Trigger = field(default_factory=Trigger)
    packaging: str = "local"  # local | acr-build | azureml | docker
    registry: str = ""  # ACR name for acr-build / docker routes
    python_version: str = "3.11"
    application_insights: bool = True  # Azure: Application Insights (+ Log Analytics workspace) in the group


@dataclass
class CachePolicy:
    ttl_seconds: int = 3600
    key_prefix: str = "mlfunc"
    timeout_ms: int = 100


@dataclass
class Profile:
    name: str = "digits-local"
    target: str = "local"
    azure: AzureSettings = field(default_factory=AzureSettings)
    resource_group: ResourceGroup = field(default_factory=ResourceGroup)
    tags: dict[str, str] = field(default_factory=dict)
    cache: CacheSettings = field(default_factory=CacheSettings)
    model: ModelSettings = field(default_factory=ModelSettings)
    function: FunctionSettings = field(default_factory=FunctionSettings)
    cache_policy: CachePolicy = field(default_factory=CachePolicy)
    version: int = PROFILE_VERSION
    # Folder the profile was loaded from; relative paths resolve against it. Not saved.
    base_dir: Path | None = field(default=None, compare=False, repr=False, metadata={"transient": True})

    def resolve(self, relative: str) -> Path:
        """A path from the profile (model file, entry script) made absolute."""
        try:
            path = Path(relative).expanduser()
        except RuntimeError:  # "~name" of a user this machine does not know: left as written, reported as not found
            path = Path(relative)
        if path.is_absolute() or self.base_dir is None:
            return path
        return self.base_dir / path


class ProfileError(InputError):
    """A profile file that cannot be read; the message is a sentence for the user."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None, detail: str = ""):
        super().__init__(message, detail)
        self.line = line
        self.column = column


class ProfileFieldError(ProfileError):
    """Valid JSON that is not a profile: a field is unknown or of the wrong type (`field` names it)."""

    def __init__(self, field: str, sentence: str):
        super().__init__(f"{field}: {sentence}" if field else sentence)
        self.field = field


# --- conversion ---------------------------------------------------------------------------


def fingerprint(profile: Profile) -> str:
    """sha256 of the profile's canonical JSON (it holds no secrets): the journal's "what was asked for" and the
    image's profile label."""
    canonical = json.dumps(to_dict(profile), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def to_dict(obj: Any) -> Any:
    """The profile as plain JSON data; `None` fields of a trigger are left out."""
    if dataclasses.is_dataclass(obj):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            if f.metadata.get("transient"):
                continue
            value = getattr(obj, f.name)
            if value is None and f.default is None:
                continue
            out[f.name] = to_dict(value)
        return out
    if isinstance(obj, list):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


def from_dict(data: Any) -> Profile:
    """A `Profile` from JSON data; raises `ProfileError` naming the field at fault."""
    if not isinstance(data, dict):
        raise ProfileFieldError("", _("A profile must be a JSON object ({ ... }) at the top level."))
    version = data.get("version", PROFILE_VERSION)
    if version != PROFILE_VERSION:
        raise ProfileFieldError(
            field="version",
            sentence=_("This profile has version {found}; this mlfunc-wizard reads version {wanted}. "
                       "Save it again from a matching mlfunc-wizard, or set \"version\": 1 if it was written by hand."
                       ).format(found=repr(version), wanted=PROFILE_VERSION),
        )
    return _build(Profile, data, "")


def _build(cls: type, data: Any, path: str) -> Any:
    if not isinstance(data, dict):
        raise ProfileFieldError(path, _("Write an object {{ ... }} here, not {what}.").format(what=_json_type(data)))
    hints = _type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("transient")}
    unknown = sorted(set(data) - set(known))
    if unknown:
        where = f"{path}.{unknown[0]}" if path else unknown[0]
        raise ProfileFieldError(
            where, _("Unknown field; check the spelling (the fields here are: {fields}).").format(fields=", ".join(known))
        )
    kwargs = {}
    for name, value in data.items():
        kwargs[name] = _convert(hints[name], value, f"{path}.{name}" if path else name)
    return cls(**kwargs)


@functools.cache
def _type_hints(cls: type) -> dict[str, Any]:
    # Resolving the string annotations is most of the cost of a load (rules.check runs per keystroke).
    return typing.get_type_hints(cls)


def _convert(hint: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _convert(inner, value, path)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _build(hint, value, path)
    if origin is list:
        if not isinstance(value, list):
            raise ProfileFieldError(path, _("Write a list [ ... ] here, not {what}.").format(what=_json_type(value)))
        return [_convert(args[0], v, f"{path}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ProfileFieldError(path, _("Write an object {{ ... }} here, not {what}.").format(what=_json_type(value)))
        return {str(k): _convert(args[1], v, f"{path}.{k}") for k, v in value.items()}
    if hint is bool:
        if not isinstance(value, bool):
            raise ProfileFieldError(path, _("Write true or false here, not {what}.").format(what=_json_type(value)))
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ProfileFieldError(path, _("Write a whole number here (no quotes, no decimals), not {what}.").format(
                what=_json_type(value)))
        return value
    if hint is str:
        if not isinstance(value, str):
            raise ProfileFieldError(path, _("Write a string in double quotes here, not {what}.").format(
                what=_json_type(value)))
        return value
    raise TypeError(f"unsupported profile type {hint!r} at {path}")  # a bug in this module


def _json_type(value: Any) -> str:
    """What was written instead, as the end of "…, not {what}." (Polish: the accusative)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return _("the number {value}").format(value=value)
    if isinstance(value, str):
        return _('the string "{value}"').format(value=value[:40])
    if isinstance(value, list):
        return _("a list")
    return _("an object")


# --- files ----------------------------------------------------------------------------------


# Deeper than any real profile (a sample image is 4 levels); keeps every later walk far from the recursion limit.
MAX_DEPTH = 64


def loads(text: str, base_dir: Path | None = None) -> Profile:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProfileError(
            _("The profile is not valid JSON: {problem} at line {line}, column {column}.").format(
                problem=exc.msg, line=exc.lineno, column=exc.colno),
            exc.lineno,
            exc.colno,
        ) from None
    except RecursionError:
        raise ProfileError(_too_deep()) from None
    except ValueError as exc:  # an integer over sys.get_int_max_str_digits() (a guard against slow conversions)
        raise ProfileError(
            _("The profile holds a number with more than {digits} digits, which no field accepts; "
              "write a smaller number.").format(digits=sys.get_int_max_str_digits()),
            detail=str(exc),
        ) from None
    if _depth_exceeds(data, MAX_DEPTH):
        raise ProfileError(_too_deep())
    profile = from_dict(data)
    profile.base_dir = base_dir
    return profile


def _too_deep() -> str:
    return _("The profile is nested too deep (more than {levels} levels of [ ] or {{ }}); a profile is a few levels "
             "deep, so check that this is the right file.").format(levels=MAX_DEPTH)


def _depth_exceeds(data: Any, limit: int) -> bool:
    """True when lists/objects nest deeper than `limit`; iterative, so it cannot hit the recursion limit itself."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (list, dict)):
            if depth > limit:
                return True
            stack.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))
    return False


def dumps(profile: Profile) -> str:
    return json.dumps(to_dict(profile), indent=2, ensure_ascii=False) + "\n"


def load(path: str | Path) -> Profile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(_("No profile at {path}. Check the path, or save one from the wizard.").format(path=path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(_("Cannot read the profile {path} ({problem}); check the path and its permissions.").format(
            path=path, problem=exc)) from None
    try:
        return loads(text, base_dir=path.resolve().parent)
    except ProfileFieldError:
        raise
    except ProfileError as exc:
        if exc.line is None:
            raise ProfileError(f"{path}: {exc}", detail=exc.detail) from None
        # Name the file, so the line and column can be found.
        raise ProfileError(
            _("{path}: {problem} Fix the file at that spot (often a missing comma, quote or bracket just before it).").format(
                path=path, problem=exc),
            exc.line,
            exc.column,
        ) from None


def save(profile: Profile, path: str | Path) -> None:
    """Write atomically, so a crash never leaves half a profile."""
    path = Path(path)
    text = dumps(profile)  # serialise first: a profile that cannot be written leaves the file alone
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())  # the rename must not land before the bytes do
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    profile.base_dir = path.resolve().parent


def default_local() -> Profile:
    """What a newcomer gets by clicking Next: the sample digits model on this computer."""
    return Profile()


def get_field(profile: Profile, dotted: str) -> Any:
    obj: Any = profile
    for part in dotted.split("."):
        obj = obj[part] if isinstance(obj, dict) else getattr(obj, part)
    return obj


def set_field(profile: Profile, dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    obj: Any = profile
    for part in parents:
        obj = getattr(obj, part)
    if isinstance(obj, dict):
        obj[last] = value
    else:
        setattr(obj, last, value)
