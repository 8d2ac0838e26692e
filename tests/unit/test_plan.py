"""Plans: validation (unknown needs, cycles, duplicates), topological order, critical path, describe()."""

from __future__ import annotations

import pytest

from wizard.core.plan import Plan, PlanError
from wizard.targets.base import Step


class Nothing:
    def existing(self, ctx):
        return None

    def run(self, ctx):
        return {}


def step(name: str, *needs: str, estimate: float = 1.0) -> Step:
    return Step(name=name, title=f"Create {name}", creates=f"the {name}", needs=needs, action=Nothing(), estimate_s=estimate)


def azure_like() -> list[Step]:
    # Listed out of order on purpose: the plan must order them.
    return [
        step("settings", "function-app", "cache-access", estimate=30),
        step("function-app", "plan", "storage", "image", estimate=120),
        step("cache-access", "cache", estimate=10),
        step("cache", "group", estimate=1200),
        step("image", "group", estimate=480),
        step("storage", "group", estimate=60),
        step("plan", "group", estimate=60),
        step("group", estimate=5),
        step("smoke-test", "settings", estimate=10),
    ]


def test_steps_are_ordered_so_every_need_comes_first():
    plan = Plan(azure_like())
    position = {name: i for i, name in enumerate(plan.names)}
    for s in plan.steps:
        for need in s.needs:
            assert position[need] < position[s.name]
    assert plan.names[0] == "group"


def test_order_is_stable_among_steps_ready_together():
    plan = Plan([step("b"), step("a"), step("c", "a")])
    assert plan.names == ["b", "a", "c"]


def test_unknown_need_is_named():
    with pytest.raises(PlanError, match="'app' waits for 'plann', which is not a step"):
        Plan([step("plan"), step("app", "plann")])


def test_a_cycle_is_shown_as_a_chain():
    with pytest.raises(PlanError, match="cycle: .*a -> b -> c -> a|cycle: .*b -> c -> a -> b|cycle: .*c -> a -> b -> c"):
        Plan([step("a", "c"), step("b", "a"), step("c", "b"), step("d")])


def test_a_step_needing_itself_and_duplicate_names_are_refused():
    with pytest.raises(PlanError, match="waits for itself"):
        Plan([step("a", "a")])
    with pytest.raises(PlanError, match="more than one step named a"):
        Plan([step("a"), step("a")])


def test_critical_path_follows_the_longest_chain():
    plan = Plan(azure_like())
    assert [s.name for s in plan.critical_path()] == ["group", "cache", "cache-access", "settings", "smoke-test"]
    assert plan.critical_path_s() == 5 + 1200 + 10 + 30 + 10
    assert plan.sequential_s() == sum(s.estimate_s for s in azure_like())


def test_dependants_are_transitive():
    plan = Plan(azure_like())
    assert plan.dependants("cache") == ["cache-access", "settings", "smoke-test"]
    assert plan.dependants("smoke-test") == []


def test_describe_lists_each_step_and_the_critical_path():
    text = Plan(azure_like(), target="azure").describe()
    assert text.startswith("Plan for the azure target: 9 steps")
    assert "Create cache  [cache, about 20 min]" in text
    assert "creates:   the function-app" in text
    assert "waits for: plan, storage, image" in text
    assert "waits for: nothing (starts at once)" in text
    assert "Critical path: group -> cache -> cache-access -> settings -> smoke-test  (about 20 min 55 s)" in text
    assert "instead of 32 min 55 s one after another" in text


def test_an_empty_plan_has_no_critical_path():
    assert Plan([]).critical_path() == [] and Plan([]).critical_path_s() == 0
