"""The contract between the engine and a target: steps that each own one resource, and the Target protocol."""

from __future__ import annotations

import threading
from dataclasses import MISSING, dataclass, field, fields
from enum import Enum
from pathlib import Path
from typing import Any, Callable, ClassVar, Iterable, Mapping, Protocol, TypeVar, runtime_checkable

from wizard.core.errors import WizardError
from wizard.i18n import _
from wizard.profile import Profile


class StepFailed(WizardError):
    """A permanent failure: the message is a sentence for the user; `detail` is shown on demand."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.detail = detail


class TransientError(WizardError):
    """Worth retrying with backoff (throttling, 5xx, a dropped connection, a host not up yet)."""

    def __init__(self, message: str, retry_after_s: float | None = None):
        super().__init__(message)
        self.retry_after_s = retry_after_s


class Cancelled(Exception):
    """Raised inside a step when the user cancelled; the engine records the step as cancelled."""


# --- typed outputs ----------------------------------------------------------------------------


class OutputsMismatch(WizardError):
    """Journaled outputs do not fit the step's outputs class (a journal from another release)."""


@dataclass(frozen=True)
class Outputs:
    """Base of every step's outputs: subclass as a frozen dataclass of JSON-safe, non-secret fields.
    Steps read another step's outputs with `ctx.output(CacheOutputs)`; the journal stores `to_dict()`."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls: type[OutputsT], data: Mapping[str, Any]) -> OutputsT:
        """Rebuild from a journal: unknown keys are ignored, missing keys take the field's default;
        a missing key without a default raises OutputsMismatch (the step then observes afresh)."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in data:
                value = data[f.name]
                if isinstance(value, list) and str(f.type).startswith("tuple"):
                    value = tuple(value)
                values[f.name] = value
            elif f.default is MISSING and f.default_factory is MISSING:
                raise OutputsMismatch(_("The journaled outputs of {kind} have no '{name}'.").format(
                    kind=cls.__name__, name=f.name))
        return cls(**values)

    # Read-only mapping access, so steps written against dict outputs (`ctx.outputs["cache"]["host"]`)
    # keep working while they convert.
    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key, default)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in {f.name for f in fields(self)}


OutputsT = TypeVar("OutputsT", bound=Outputs)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Path):
        return str(value)
    return value


def outputs_dict(value: Outputs | Mapping[str, Any] | None) -> dict[str, Any]:
    """Typed or legacy (dict) outputs as the plain dict the journal and events carry."""
    if value is None:
        return {}
    if isinstance(value, Outputs):
        return value.to_dict()
    return dict(value)


# --- observe -> compare -> act -------------------------------------------------------------------


class ChangeKind(str, Enum):
    """What a deploy would do to one step's resource (the what-if's vocabulary)."""

    NO_CHANGE = "no-change"  # exists and matches the profile
    CREATE = "create"  # does not exist
    UPDATE = "update"  # exists; settings change in place (or a repair, e.g. a stopped process restarts)
    REPLACE = "replace"  # exists; a setting cannot change in place: delete and create (needs consent)
    READ = "read"  # owns no resource: reads keys or calls the function; changes nothing
    UNKNOWN = "unknown"  # cannot tell before deploying (a step not yet converted, no sign-in, an input unknown yet)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class SettingChange:
    """One setting the profile controls whose value differs: `cache_policy.ttl_seconds 3600 → 600`."""

    setting: str  # a profile path where one exists (cache_policy.ttl_seconds), else the resource's own name
    old: Any
    new: Any

    def __str__(self) -> str:
        return f"{self.setting} {_show(self.old)} → {_show(self.new)}"


def _show(value: Any) -> str:
    return "(none)" if value is None else str(value)


@dataclass(frozen=True)
class Change:
    """The engine's decision for one step, from the step's desired and observed settings."""

    kind: ChangeKind
    settings: tuple[SettingChange, ...] = ()  # UPDATE and REPLACE: every setting that differs
    forced_by: tuple[str, ...] = ()  # REPLACE: the settings that cannot change in place
    data_loss: str = ""  # REPLACE: what is lost, in words ("every cached answer")
    reason: str = ""  # a sentence, e.g. why a repair or why UNKNOWN

    @property
    def needs_consent(self) -> bool:
        return self.kind is ChangeKind.REPLACE

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.kind.value,
            "changes": [{"setting": c.setting, "old": _plain(c.old), "new": _plain(c.new)} for c in self.settings],
            "forced_by": list(self.forced_by),
            "data_loss": self.data_loss,
            "reason": self.reason,
        }


@dataclass
class Observed:
    """What observe() found: the settings the profile controls (same keys as desired()), the outputs
    the resource would give as it is, and target-private state handed back to update()/delete()."""

    settings: dict[str, Any]
    outputs: Outputs | None = None
    handle: Any = None
    repair: str = ""  # non-empty: the resource is there and right but needs a repair (a sentence)


def compare(desired: Mapping[str, Any], observed: Observed | None, replace_on: Mapping[str, str]) -> Change:
    """no change / create / update in place / replace, from desired vs observed settings.
    `replace_on` maps each setting that cannot change in place to what a replacement loses."""
    if observed is None:
        return Change(ChangeKind.CREATE)
    diffs = tuple(
        SettingChange(key, observed.settings.get(key), value)
        for key, value in desired.items() if observed.settings.get(key) != value
    )
    forced = tuple(c.setting for c in diffs if c.setting in replace_on)
    if forced:
        # the targets' loss texts are gettext msgids (module constants, so translated here, when shown)
        lost = "; ".join(dict.fromkeys(_(replace_on[s]) for s in forced if replace_on[s]))
        return Change(ChangeKind.REPLACE, diffs, forced, lost)
    if diffs:
        return Change(ChangeKind.UPDATE, diffs)
    if observed.repair:
        return Change(ChangeKind.UPDATE, reason=observed.repair)
    return Change(ChangeKind.NO_CHANGE)


# --- the step interfaces ---------------------------------------------------------------------


@dataclass
class StepContext:
    """What a running step sees. Outputs of finished steps are non-secret and journaled;
    secrets go through `secrets` (in memory only) and are fetched again after a resume."""

    profile: Profile
    state_dir: Path  # the deployment's state folder (journal lives here)
    # step name -> outputs of every done step (typed Outputs, or a dict from a step not yet converted);
    # while a step runs, its own entry holds what it journaled last time (same profile only).
    outputs: dict[str, Any]
    cancel_event: threading.Event
    report: Callable[[float | None, str], None]  # progress: fraction (or None) and a status line
    log: Callable[[str], None]  # one line of live output (build logs, process output)
    secrets: dict[str, str] = field(default_factory=dict)  # in-memory only, shared by the run's steps
    # outputs class -> the step that declares it (filled by the engine from the plan)
    producers: dict[type, str] = field(default_factory=dict)

    def output(self, kind: type[OutputsT]) -> OutputsT:
        """The typed outputs of the step that declares `kind` (it must be one of this step's needs,
        directly or not). A missing producer is a target bug: it raises StepFailed with the names."""
        name = self.producers.get(kind)
        value = self.outputs.get(name) if name else None
        if isinstance(value, kind):
            return value
        if isinstance(value, Mapping):
            return kind.from_dict(value)
        raise StepFailed(_("No finished step provides {kind} (looked for step '{step}'); run deploy again.").format(
            kind=kind.__name__, step=name or '?'))

    def check_cancelled(self) -> None:
        if self.cancel_event.is_set():
            raise Cancelled()

    def wait(self, seconds: float) -> None:
        """Sleep that wakes at once on cancel: long polls use this, never time.sleep."""
        if self.cancel_event.wait(seconds):
            raise Cancelled()


@runtime_checkable
class ResourceAction(Protocol):
    """A step that owns one resource: observe -> (engine compares) -> create | update | replace | adopt.
    observe() and desired() must not change anything: the what-if preview calls them."""

    outputs_type: ClassVar[type[Outputs]]
    replace_on: ClassVar[Mapping[str, str]]  # settings that force a replacement -> what it loses

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        """The settings the profile controls, by name (profile paths where they exist)."""

    def observe(self, ctx: StepContext) -> Observed | None:
        """The resource as it is, or None when it does not exist."""

    def create(self, ctx: StepContext) -> Outputs:
        """Create the resource (it does not exist, or was just deleted for a replacement)."""

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> Outputs:
        """Change the settings in `change` in place (or do the repair in `change.reason`)."""

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        """Nothing to change: the outputs of the resource as found."""

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        """Delete the resource before a replacement (the engine calls it only with consent)."""


class FirstInterface:
    """existing()/run() on top of observe/compare/act, for callers written against the first interface
    (tests and scripts that drive one step by hand). The engine never uses these."""

    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        action: Any = self
        observed = action.observe(ctx)
        change = compare(action.desired(ctx), observed, action.replace_on)
        if observed is None or change.kind is ChangeKind.REPLACE:
            return None
        if change.kind is ChangeKind.UPDATE:
            return outputs_dict(action.update(ctx, observed, change))
        return outputs_dict(action.adopt(ctx, observed))

    def run(self, ctx: StepContext) -> dict[str, Any]:
        action: Any = self
        return outputs_dict(action.create(ctx))


@runtime_checkable
class CheckAction(Protocol):
    """A step that owns no resource (fetch keys, call the function): it always runs, changes nothing."""

    outputs_type: ClassVar[type[Outputs]]

    def check(self, ctx: StepContext) -> Outputs: ...


class StepAction(Protocol):
    """The first release's interface, still accepted while steps convert (the engine adapts it):
    existing() then, when it returns None, run()."""

    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        """If the resource already exists and is right, its outputs (the step is adopted);
        else None. May repair small drift itself. Like `shouldExecute` in VS Code's Azure wizard."""

    def run(self, ctx: StepContext) -> dict[str, Any]:
        """Create or update the resource; return non-secret outputs."""


@dataclass
class Step:
    name: str  # stable id, e.g. "cache", "function-app"; journal key
    title: str  # "Create the Redis cache"
    creates: str  # what it creates, for `plan` and Review + create
    needs: tuple[str, ...]  # names of steps that must finish first
    action: Any  # a ResourceAction, a CheckAction, or (not yet converted) a StepAction
    estimate_s: float = 1.0  # expected duration, for progress and the plan's critical path
    retries: int = 4  # attempts after a TransientError

    @property
    def outputs_type(self) -> type[Outputs] | None:
        kind = getattr(self.action, "outputs_type", None)
        return kind if isinstance(kind, type) and issubclass(kind, Outputs) else None


def producers_of(steps: Iterable[Step]) -> dict[type, str]:
    """Outputs class -> the step that provides it, for `StepContext.output`. A step whose outputs subclass another
    step kind's (the docker route's image is a package) provides the base class too, so readers need not know
    which route ran."""
    producers: dict[type, str] = {}
    for step in steps:
        kind = step.outputs_type
        for cls in kind.__mro__ if kind else ():
            if isinstance(cls, type) and issubclass(cls, Outputs) and cls is not Outputs:
                producers.setdefault(cls, step.name)
    return producers


@dataclass
class Endpoint:
    """How to call a deployed function. `key` is a secret: show it masked."""

    url: str  # full invoke URL, e.g. http://127.0.0.1:7071/api/score
    key: str = ""
    auth_header: str = "x-functions-key"
    health_url: str = ""


class Target(Protocol):
    name: str  # "local" | "azure"

    def steps(self, profile: Profile) -> list[Step]:
        """The plan's steps for this profile, with their dependencies."""

    def endpoint(self, profile: Profile, outputs: dict[str, dict[str, Any]]) -> Endpoint:
        """The invoke URL and (freshly fetched) function key of a finished deployment."""

    def resources(self, profile: Profile) -> list[str]:
        """What the resource group holds now, for the clean-up confirmation."""

    def destroy(self, profile: Profile, log: Callable[[str], None], cancel_event: threading.Event,
                typed_name: str | None = None) -> None:
        """Delete the whole resource group and everything in it. `typed_name` is the user's typed
        confirmation; without it a target deletes only groups this tool created."""
