"""The step contract (docs/step-contract.md): observe -> compare -> act, typed outputs, the lifecycle states,
consent for replacements, and the what-if preview, on a real file-backed resource."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Mapping

from wizard.core import whatif
from wizard.core.engine import Engine
from wizard.core.events import StepEvent
from wizard.core.journal import Journal
from wizard.core.lifecycle import StepState
from wizard.core.plan import Plan
from wizard.profile import Profile
from wizard.targets.base import Change, ChangeKind, Observed, Outputs, SettingChange, Step, StepContext


@dataclass(frozen=True)
class FileOutputs(Outputs):
    path: str
    ttl: int
    generation: int = 0


@dataclass(frozen=True)
class ReaderOutputs(Outputs):
    saw: str
    ttl: int


class FileResource:
    """One JSON file holding settings: `ttl` changes in place, `policy` only by replacing the file
    (which loses `data`, as a cache loses its entries)."""

    outputs_type: ClassVar[type[Outputs]] = FileOutputs
    replace_on: ClassVar[Mapping[str, str]] = {"cache.policy": "the data in the file"}

    def __init__(self, folder: Path, want: dict[str, Any]):
        self.path = folder / "resource.json"
        self.want = want
        self.calls: list[str] = []
        self.seen_own: Any = None

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        return {"cache.policy": self.want["policy"], "cache_policy.ttl_seconds": self.want["ttl"]}

    def observe(self, ctx: StepContext) -> Observed | None:
        self.seen_own = ctx.outputs.get("file")
        try:
            doc = json.loads(self.path.read_text())
        except FileNotFoundError:
            return None
        return Observed({"cache.policy": doc["policy"], "cache_policy.ttl_seconds": doc["ttl"]},
                        FileOutputs(str(self.path), doc["ttl"], doc["generation"]), handle=doc,
                        repair="the file is marked broken" if doc.get("broken") else "")

    def _write(self, generation: int, data: str) -> FileOutputs:
        self.path.write_text(json.dumps({"policy": self.want["policy"], "ttl": self.want["ttl"],
                                         "generation": generation, "data": data}))
        return FileOutputs(str(self.path), self.want["ttl"], generation)

    def create(self, ctx: StepContext) -> FileOutputs:
        self.calls.append("create")
        return self._write(1, "fresh")

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> FileOutputs:
        self.calls.append("update")
        return self._write(observed.handle["generation"] + 1, observed.handle["data"])

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        self.calls.append("adopt")
        assert observed.outputs is not None
        return observed.outputs

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        self.calls.append("delete")
        self.path.unlink()


class Reader:
    """A check step reading the file step's typed outputs through the accessor."""

    outputs_type: ClassVar[type[Outputs]] = ReaderOutputs

    def __init__(self) -> None:
        self.got: Any = None

    def check(self, ctx: StepContext) -> ReaderOutputs:
        self.got = ctx.output(FileOutputs)
        return ReaderOutputs(saw=self.got.path, ttl=self.got.ttl)


class Legacy:
    """A step still written as existing()/run(), reading the typed outputs the old way."""

    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        return None

    def run(self, ctx: StepContext) -> dict[str, Any]:
        return {"ttl_seen": ctx.outputs["file"]["ttl"]}


def run(tmp_path: Path, want: dict[str, Any], **kwargs: Any) -> tuple[Any, FileResource, Reader, list[StepEvent]]:
    resource, reader, events = FileResource(tmp_path, want), Reader(), []
    plan = Plan([Step("file", "Write the file", "a settings file", (), resource),
                 Step("reader", "Read it", "nothing", ("file",), reader),
                 Step("legacy", "Old style", "nothing", ("file",), Legacy())], target="test")
    outcome = Engine(plan, Profile(name="contract"), tmp_path / "state", events.append, **kwargs).run()
    return outcome, resource, reader, events


def ended(events: list[StepEvent], step: str) -> StepEvent:
    return [e for e in events if e.step == step and e.state][-1]


def test_create_then_adopt_with_the_states_journal_and_events_agreeing(tmp_path):
    outcome, resource, reader, events = run(tmp_path, {"policy": "A", "ttl": 3600})
    assert outcome.ok and resource.calls == ["create"]
    assert outcome.states == {"file": StepState.CREATED, "reader": StepState.CHECKED, "legacy": StepState.CREATED}
    assert ended(events, "file").kind == "finished" and ended(events, "file").state == "created"
    # The accessor hands the typed outputs; a legacy step still reads them as a mapping.
    assert isinstance(reader.got, FileOutputs) and reader.got.ttl == 3600
    assert outcome.outputs["legacy"] == {"ttl_seen": 3600}

    outcome, resource, _, events = run(tmp_path, {"policy": "A", "ttl": 3600})
    assert resource.calls == ["adopt"] and outcome.states["file"] is StepState.ADOPTED
    assert ended(events, "file").kind == "skipped" and ended(events, "file").state == "adopted"
    journal = Journal(tmp_path / "state")
    assert journal.state("file") is StepState.ADOPTED and journal.get("file").outputs_type == "FileOutputs"
    # The step's own outputs from the earlier run come back typed.
    assert resource.seen_own == FileOutputs(str(resource.path), 3600, 1)


def test_a_setting_not_forcing_replacement_is_updated_in_place(tmp_path):
    run(tmp_path, {"policy": "A", "ttl": 3600})
    outcome, resource, reader, events = run(tmp_path, {"policy": "A", "ttl": 600})
    assert outcome.ok and resource.calls == ["update"] and outcome.states["file"] is StepState.UPDATED
    assert outcome.changes["file"] == Change(ChangeKind.UPDATE, (SettingChange("cache_policy.ttl_seconds", 3600, 600),))
    assert ended(events, "file").message == "Updated in place: cache_policy.ttl_seconds 3600 → 600"
    doc = json.loads(resource.path.read_text())
    assert doc == {"policy": "A", "ttl": 600, "generation": 2, "data": "fresh"}  # data kept
    assert reader.got.ttl == 600


def test_a_repair_is_an_update_with_its_reason(tmp_path):
    run(tmp_path, {"policy": "A", "ttl": 3600})
    path = tmp_path / "resource.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "broken": True}))
    outcome, resource, _, _ = run(tmp_path, {"policy": "A", "ttl": 3600})
    assert resource.calls == ["update"] and outcome.changes["file"].reason == "the file is marked broken"


def test_a_replacement_is_refused_without_consent_and_done_with_it(tmp_path):
    run(tmp_path, {"policy": "A", "ttl": 3600})
    before = (tmp_path / "resource.json").read_text()
    outcome, resource, _, events = run(tmp_path, {"policy": "B", "ttl": 3600})
    assert not outcome.ok and resource.calls == []
    assert (tmp_path / "resource.json").read_text() == before  # untouched
    assert outcome.states == {"file": StepState.FAILED, "reader": StepState.BLOCKED, "legacy": StepState.BLOCKED}
    refused = outcome.refused["file"]
    assert refused.kind is ChangeKind.REPLACE and refused.forced_by == ("cache.policy",)
    assert refused.data_loss == "the data in the file"
    message = outcome.failed["file"]
    assert "cache.policy A → B" in message and "--allow-replace" in message and "the data in the file" in message
    assert ended(events, "reader").state == "blocked"

    outcome, resource, _, events = run(tmp_path, {"policy": "B", "ttl": 3600}, allow_replace=True)
    assert outcome.ok and resource.calls == ["delete", "create"] and outcome.states["file"] is StepState.REPLACED
    assert json.loads((tmp_path / "resource.json").read_text())["data"] == "fresh"
    assert ended(events, "file").message == "Replaced: cache.policy A → B"


def test_the_what_if_decides_the_same_and_acts_on_nothing(tmp_path):
    run(tmp_path, {"policy": "A", "ttl": 3600})
    before = (tmp_path / "resource.json").read_text()
    resource = FileResource(tmp_path, {"policy": "B", "ttl": 600})
    plan = Plan([Step("file", "Write the file", "a settings file", (), resource),
                 Step("reader", "Read it", "nothing", ("file",), Reader()),
                 Step("legacy", "Old style", "nothing", ("file",), Legacy())], target="test")
    preview = whatif.preview(plan, Profile(name="contract"), Journal(tmp_path / "state"))
    assert resource.calls == [] and (tmp_path / "resource.json").read_text() == before
    kinds = {s.name: s.change.kind for s in preview.steps}
    assert kinds == {"file": ChangeKind.REPLACE, "reader": ChangeKind.READ, "legacy": ChangeKind.UNKNOWN}
    assert preview.has_changes and [s.name for s in preview.replacements] == ["file"] and whatif.exit_code(preview) == 2
    text = whatif.render_text(preview)
    assert "-/+ file" in text and "cache.policy A → B   (forces replacement)" in text
    assert "cache_policy.ttl_seconds 3600 → 600" in text and "loses: the data in the file" in text
    doc = whatif.to_json(preview)
    step = doc["steps"][0]
    assert doc["version"] == 1 and doc["summary"]["replace"] == 1
    assert step["action"] == "replace" and step["forced_by"] == ["cache.policy"]
    assert {"setting": "cache_policy.ttl_seconds", "old": 3600, "new": 600} in step["changes"]


def test_nothing_to_do_exits_0(tmp_path):
    run(tmp_path, {"policy": "A", "ttl": 3600})
    plan = Plan([Step("file", "Write the file", "a settings file", (), FileResource(tmp_path, {"policy": "A", "ttl": 3600}))])
    preview = whatif.preview(plan, Profile(name="contract"), Journal(tmp_path / "state"))
    assert not preview.has_changes and whatif.exit_code(preview) == 0
    assert "Nothing would change." in whatif.render_text(preview)


def test_a_check_step_without_a_producer_fails_with_a_sentence(tmp_path):
    plan = Plan([Step("reader", "Read it", "nothing", (), Reader())])
    outcome = Engine(plan, Profile(name="contract"), tmp_path / "state", lambda e: None).run()
    assert outcome.states["reader"] is StepState.FAILED
    assert outcome.failed["reader"].startswith("No finished step provides FileOutputs")

