"""A deployment plan: a target's steps checked as a DAG, in dependency order, with its critical path."""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard.core.errors import WizardError
from wizard.i18n import _
from wizard.targets.base import Step


class PlanError(WizardError, ValueError):
    """The steps do not form a valid plan (a target bug): the message names the steps at fault."""


def _fmt_duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.3g} s" if seconds < 10 else f"{seconds:.0f} s"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"


@dataclass
class Plan:
    """Steps in a stable topological order (a step's needs always come before it)."""

    steps: list[Step]
    target: str = ""
    by_name: dict[str, Step] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.steps = _topological(self.steps)
        self.by_name = {s.name: s for s in self.steps}

    @classmethod
    def from_steps(cls, steps: list[Step], target: str = "") -> "Plan":
        return cls(list(steps), target)

    # --- structure -------------------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.steps]

    def dependants(self, name: str) -> list[str]:
        """Every step that (directly or through others) waits for `name`, in plan order."""
        found: set[str] = set()
        frontier = {name}
        while frontier:
            nxt = {s.name for s in self.steps if frontier & set(s.needs)} - found
            found |= nxt
            frontier = nxt
        return [n for n in self.names if n in found]

    def earliest_finish(self) -> dict[str, float]:
        """When each step would finish with unlimited parallelism and exact estimates."""
        finish: dict[str, float] = {}
        for step in self.steps:
            start = max((finish[n] for n in step.needs), default=0.0)
            finish[step.name] = start + step.estimate_s
        return finish

    def critical_path(self) -> list[Step]:
        """The chain of steps whose estimates add up to the longest wait; it bounds the wall time."""
        if not self.steps:
            return []
        finish = self.earliest_finish()
        last = max(self.steps, key=lambda s: finish[s.name])
        path = [last]
        while path[-1].needs:
            path.append(self.by_name[max(path[-1].needs, key=lambda n: finish[n])])
        return list(reversed(path))

    def critical_path_s(self) -> float:
        return sum(s.estimate_s for s in self.critical_path())

    def sequential_s(self) -> float:
        """How long the same steps would take one at a time (what a sequential wizard costs)."""
        return sum(s.estimate_s for s in self.steps)

    # --- for `mlfunc-wizard plan` ----------------------------------------------------------------

    def describe(self) -> str:
        """The plan as text: each step, what it creates and waits for, then the critical path."""
        lines = [_("Plan for the {target} target: {count} steps").format(target=self.target, count=len(self.steps))
                 if self.target else _("Plan: {count} steps").format(count=len(self.steps)), ""]
        width = len(str(len(self.steps)))
        for i, step in enumerate(self.steps, 1):
            lines.append(f"{i:>{width}}. {step.title}  " + _("[{name}, about {duration}]").format(
                name=step.name, duration=_fmt_duration(step.estimate_s)))
            pad = " " * (width + 2)
            lines.append(pad + _("creates:   {what}").format(what=step.creates))
            waits = ", ".join(step.needs) if step.needs else _("nothing (starts at once)")
            lines.append(pad + _("waits for: {steps}").format(steps=waits))
        critical = self.critical_path()
        lines.append("")
        lines.append(_("Critical path: {path}  (about {duration})").format(
            path=" -> ".join(s.name for s in critical), duration=_fmt_duration(self.critical_path_s())))
        lines.append(
            _("Independent steps run in parallel: expected about {parallel} instead of {sequential} one after "
              "another.").format(parallel=_fmt_duration(self.critical_path_s()),
                                 sequential=_fmt_duration(self.sequential_s()))
        )
        return "\n".join(lines)


def _topological(steps: list[Step]) -> list[Step]:
    """Kahn's algorithm, keeping the target's order among steps that are ready together."""
    names = [s.name for s in steps]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise PlanError(_("The plan has more than one step named {names}; step names must be unique.").format(
            names=', '.join(duplicates)))
    known = set(names)
    for step in steps:
        unknown = [n for n in step.needs if n not in known]
        if unknown:
            raise PlanError(_("Step '{name}' waits for {steps}, which is not a step of this plan.").format(
                name=step.name, steps=', '.join(repr(n) for n in unknown)))
        if step.name in step.needs:
            raise PlanError(_("Step '{name}' waits for itself.").format(name=step.name))
    done: set[str] = set()
    ordered: list[Step] = []
    remaining = list(steps)
    while remaining:
        ready = [s for s in remaining if set(s.needs) <= done]
        if not ready:
            raise PlanError(_("The steps wait for each other in a cycle: {cycle}.").format(cycle=_cycle_text(remaining)))
        for s in ready:
            done.add(s.name)
            ordered.append(s)
        remaining = [s for s in remaining if s.name not in done]
    return ordered


def _cycle_text(remaining: list[Step]) -> str:
    """One cycle among the steps that could not be ordered, as `a -> b -> a`."""
    by_name = {s.name: s for s in remaining}
    node = remaining[0].name
    seen: list[str] = []
    while node not in seen:
        seen.append(node)
        node = next(n for n in by_name[node].needs if n in by_name)
    cycle = seen[seen.index(node):] + [node]
    # needs point backwards (a needs b), so reverse to read in execution order
    return " -> ".join(reversed(cycle))
