"""What-if: what a deploy of a profile would do to each resource, found by observe -> compare without acting.

`preview()` walks the plan in order. Each resource step observes its resource and compares it with the
profile (targets.base.compare); steps read the outputs of the steps they need from the journal of the
last deploy. Check steps (keys, smoke test) are `read`; steps not yet converted are `unknown`.
`render_text()` prints it Terraform-style and `to_json()` gives the `plan --output json` document.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.core.errors import WizardError
from wizard.core.journal import Journal
from wizard.core.plan import Plan
from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.base import (
    Change,
    ChangeKind,
    CheckAction,
    OutputsMismatch,
    ResourceAction,
    Step,
    StepContext,
    compare,
    producers_of,
)

WHATIF_JSON_VERSION = 1
SYMBOLS = {
    ChangeKind.CREATE: "+", ChangeKind.UPDATE: "~", ChangeKind.REPLACE: "-/+", ChangeKind.NO_CHANGE: "=",
    ChangeKind.READ: "<=", ChangeKind.UNKNOWN: "?",
}
WORDS = {
    ChangeKind.CREATE: "create", ChangeKind.UPDATE: "update in-place", ChangeKind.REPLACE: "replace",
    ChangeKind.NO_CHANGE: "no change", ChangeKind.READ: "read", ChangeKind.UNKNOWN: "unknown",
}


def word(kind: ChangeKind) -> str:
    """WORDS[kind] in the user's language (WORDS stays English: it is also the JSON vocabulary's gloss)."""
    return {
        ChangeKind.CREATE: _("create"), ChangeKind.UPDATE: _("update in-place"), ChangeKind.REPLACE: _("replace"),
        ChangeKind.NO_CHANGE: _("no change"), ChangeKind.READ: _("read"), ChangeKind.UNKNOWN: _("unknown"),
    }[kind]


# Kinds that change something (or may): any of them makes `plan` exit 2.
CHANGING = frozenset({ChangeKind.CREATE, ChangeKind.UPDATE, ChangeKind.REPLACE, ChangeKind.UNKNOWN})


@dataclass(frozen=True)
class PlannedStep:
    name: str
    title: str
    creates: str
    change: Change
    needs: tuple[str, ...] = ()
    note: str = ""  # e.g. "may change after: cache"


@dataclass(frozen=True)
class WhatIf:
    """The preview of one deploy. `observed` is False when nothing could be compared (`reason` says why)."""

    deployment: str
    target: str
    steps: tuple[PlannedStep, ...]
    observed: bool = True
    reason: str = ""

    @property
    def has_changes(self) -> bool:
        return any(s.change.kind in CHANGING for s in self.steps)

    @property
    def replacements(self) -> list[PlannedStep]:
        """Steps that need consent (deploy --allow-replace, or the GUI's question)."""
        return [s for s in self.steps if s.change.kind is ChangeKind.REPLACE]

    def counts(self) -> dict[str, int]:
        out = {k.value: 0 for k in ChangeKind}
        for s in self.steps:
            out[s.change.kind.value] += 1
        return out


def preview(plan: Plan, profile: Profile, journal: Journal | None, *, secrets: dict[str, str] | None = None) -> WhatIf:
    """Observe and compare every step of `plan`, acting on nothing. A step's needs are seen as observed
    just before (their outputs as the resource is now), else as the journal of the last deploy has them."""
    outputs: dict[str, Any] = {}
    if journal is not None:
        for name, record in journal.steps.items():
            step = plan.by_name.get(name)
            if step is None or not record.state.done:
                continue
            kind = step.outputs_type
            try:
                outputs[name] = kind.from_dict(record.outputs) if kind else dict(record.outputs)
            except (OutputsMismatch, TypeError):
                continue
    producers = producers_of(plan.steps)
    ctx = StepContext(profile=profile, state_dir=journal.state_dir if journal else Path("."), outputs=outputs,
                      cancel_event=threading.Event(), report=lambda f, m: None, log=lambda line: None,
                      secrets=dict(secrets or {}), producers=producers)
    decided: dict[str, Change] = {}
    planned: list[PlannedStep] = []
    for step in plan.steps:
        change = _decide(step, ctx)
        moved = [n for n in step.needs if decided[n].kind in (ChangeKind.CREATE, ChangeKind.REPLACE, ChangeKind.UPDATE)]
        note = ""
        if moved and change.kind is ChangeKind.NO_CHANGE:
            note = _("may change after: {steps}").format(steps=", ".join(moved))
        decided[step.name] = change
        planned.append(PlannedStep(step.name, step.title, step.creates, change, tuple(step.needs), note))
    return WhatIf(profile.name, plan.target, tuple(planned))


def steps_only(plan: Plan, profile: Profile, reason: str) -> WhatIf:
    """A preview that observed nothing (e.g. no Azure sign-in): the steps, each `unknown`, and why."""
    steps = tuple(PlannedStep(s.name, s.title, s.creates, Change(ChangeKind.UNKNOWN, reason=reason), tuple(s.needs))
                  for s in plan.steps)
    return WhatIf(profile.name, plan.target, steps, observed=False, reason=reason)


def _decide(step: Step, ctx: StepContext) -> Change:
    action = step.action
    if isinstance(action, ResourceAction):
        try:
            observed = action.observe(ctx)
            if observed is None:
                return Change(ChangeKind.CREATE)
            if observed.outputs is not None:
                # What is there now beats what the journal remembers: dependants compare against it.
                ctx.outputs[step.name] = observed.outputs
            return compare(action.desired(ctx), observed, action.replace_on)
        except WizardError as exc:
            return Change(ChangeKind.UNKNOWN, reason=exc.message)
        except (KeyError, OSError, ValueError) as exc:
            return Change(ChangeKind.UNKNOWN, reason=_("could not be checked ({error})").format(
                error=f"{type(exc).__name__}: {exc}"))
    if isinstance(action, CheckAction):
        return Change(ChangeKind.READ)
    return Change(ChangeKind.UNKNOWN, reason=_("this step checks its resource only while deploying"))


# --- output ------------------------------------------------------------------------------------------


def render_text(whatif: WhatIf) -> str:
    """Terraform-like: `+ create`, `~ update in-place` (with `setting old → new`), `-/+ replace`, `= no change`."""
    lines = [_("What a deploy of '{name}' ({target} target) would do:").format(
        name=whatif.deployment, target=whatif.target)]
    if not whatif.observed:
        lines.append(f"  {whatif.reason}")
    lines.append("")
    width = max((len(SYMBOLS[s.change.kind]) for s in whatif.steps), default=1)
    for s in whatif.steps:
        kind = s.change.kind
        head = f"  {SYMBOLS[kind]:>{width}} {s.name:<16} {word(kind):<16} {s.creates}"
        lines.append(head.rstrip())
        pad = " " * (width + 5)
        for c in s.change.settings:
            forced = "   " + _("(forces replacement)") if c.setting in s.change.forced_by else ""
            lines.append(f"{pad}{c}{forced}")
        if kind is ChangeKind.REPLACE and s.change.data_loss:
            lines.append(pad + _("loses: {data_loss}").format(data_loss=s.change.data_loss))
        if s.change.reason and whatif.observed:
            lines.append(f"{pad}{s.change.reason}")
        if s.note:
            lines.append(f"{pad}{s.note}")
    counts = whatif.counts()
    lines.append("")
    unknown = _(", {unknown} unknown").format(unknown=counts["unknown"]) if counts["unknown"] else ""
    lines.append(_("{create} to create, {update} to update in place, {replace} to replace, {unchanged} unchanged"
                   "{unknown}.").format(create=counts["create"], update=counts["update"], replace=counts["replace"],
                                        unchanged=counts["no-change"], unknown=unknown))
    if whatif.replacements:
        names = ", ".join(s.name for s in whatif.replacements)
        lines.append(_("Replacing {names} needs consent: deploy refuses it unless run with --allow-replace.").format(
            names=names))
    elif not whatif.has_changes:
        lines.append(_("Nothing would change."))
    return "\n".join(lines)


def to_json(whatif: WhatIf) -> dict[str, Any]:
    """The `plan --output json` document (shape documented in docs/step-contract.md, version 1)."""
    return {
        "version": WHATIF_JSON_VERSION,
        "deployment": whatif.deployment,
        "target": whatif.target,
        "observed": whatif.observed,
        "reason": whatif.reason,
        "has_changes": whatif.has_changes,
        "summary": whatif.counts(),
        "steps": [
            {"name": s.name, "title": s.title, "creates": s.creates, "needs": list(s.needs), "note": s.note,
             **s.change.to_json()}
            for s in whatif.steps
        ],
    }


def exit_code(whatif: WhatIf) -> int:
    """As `terraform plan -detailed-exitcode`: 0 nothing would change, 2 something would (or may)."""
    return 2 if whatif.has_changes else 0



def plan_json(plan_document: dict[str, Any], whatif: WhatIf) -> dict[str, Any]:
    """`plan --output json`: the plan's own document (target, steps with needs and estimates) with each
    step's what-if merged in, plus the what-if's top-level fields."""
    decided = {s["name"]: s for s in to_json(whatif)["steps"]}
    steps = [{**step, **decided.get(step["name"], {})} for step in plan_document.get("steps", [])]
    return {**plan_document, **{k: v for k, v in to_json(whatif).items() if k != "steps"}, "steps": steps}


def render_drift(whatif: WhatIf) -> str:
    """For `status NAME`: the resources that differ from the deployed profile, or that none do."""
    if not whatif.observed:
        return _("Drift: not checked. {reason}").format(reason=whatif.reason)
    drifted = [s for s in whatif.steps if s.change.kind in CHANGING]
    if not drifted:
        return _("Drift: none; every resource matches the deployed profile.")
    lines = [_("Drift (a deploy of the same profile would do this):")]
    for s in drifted:
        lines.append(f"  {SYMBOLS[s.change.kind]} {s.name}: {word(s.change.kind)}")
        lines.extend(f"      {c}" for c in s.change.settings)
        if s.change.reason:
            lines.append(f"      {s.change.reason}")
    return "\n".join(lines)
