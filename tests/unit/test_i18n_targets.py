"""The deployment engine's and both targets' sentences come out in Polish when the language is Polish and in English
with LANG=C (issue 13: "rule and CLI sentences through the standard library's gettext"): a real local deployment
whose resource group folder belongs to someone else (the engine's failed and skipped events), a real redis-server
that cannot bind its port, and real azure-core errors from the ARM emulator mapped by wizard/targets/azure/errors.py."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from azure.core.exceptions import HttpResponseError

from wizard import i18n
from wizard import profile as profiles
from wizard.core.events import StepEvent
from wizard.deployment import DeploymentRun
from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.azure import pickers
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.errors import RETIREMENT_SENTENCE, is_retirement_failure, translate
from wizard.targets.base import StepFailed
from wizard.targets.local import processes
from wizard.targets.local import resource_group as rg
from wizard.targets.local.redis import CacheError, RedisSpec, start_cache

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "digits-local.json"


@pytest.fixture(autouse=True)
def compiled_catalogue():
    """The .mo files are build output (scripts/setup.sh); compile them as set-up would."""
    i18n.compile_catalogues()
    yield
    i18n.set_language(None)


@pytest.fixture
def in_english(monkeypatch):
    """What the suite pins: LANG=C and no override."""
    monkeypatch.setenv("LANG", "C")
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    i18n.set_language(None)


def _foreign_group(profile: Profile) -> Path:
    """A folder with the resource group's name that mlfunc-wizard did not create (no manifest.json)."""
    folder = rg.group_dir(profile.resource_group.name)
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("someone else's work\n", encoding="utf-8")
    return folder


def _deploy(profile: Profile) -> tuple[object, list[StepEvent]]:
    events: list[StepEvent] = []
    outcome = DeploymentRun(profile, events.append).run()
    return outcome, events


# --- the local target, through the real engine ---------------------------------------------------------------


def test_a_local_deployment_that_cannot_use_its_resource_group_reports_in_polish():
    profile = profiles.load(EXAMPLE)
    folder = _foreign_group(profile)
    i18n.set_language("pl")
    outcome, events = _deploy(profile)
    failed = {e.step: e.message for e in events if e.kind == "failed"}
    assert set(failed) == {"resource-group"}
    assert failed["resource-group"] == (
        f"{folder} istnieje, ale nie ma pliku manifest.json od mlfunc-wizard, więc nie utworzyło go to narzędzie; "
        "niczego w nim nie ruszono. Wybierz inną nazwę grupy zasobów albo usuń folder samodzielnie.")
    skipped = {e.step: e.message for e in events if e.kind == "skipped"}
    assert skipped["cache"] == "Nie rozpoczęto, ponieważ krok 'resource-group' się nie powiódł."
    started = {e.step: e.message for e in events if e.kind == "started"}
    assert started["resource-group"] == "Utwórz folder grupy zasobów"  # the step title the deploy page lists
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "someone else's work\n"  # untouched


def test_the_same_local_failure_is_english_with_lang_c(in_english):
    profile = profiles.load(EXAMPLE)
    folder = _foreign_group(profile)
    outcome, events = _deploy(profile)
    failed = {e.step: e.message for e in events if e.kind == "failed"}
    assert failed["resource-group"].startswith(f"{folder} exists but has no manifest.json from mlfunc-wizard")
    skipped = {e.step: e.message for e in events if e.kind == "skipped"}
    assert skipped["cache"] == "Not started because 'resource-group' failed."


def _port_taken_error(monkeypatch, tmp_path: Path) -> tuple[CacheError, int]:
    """redis-server cannot bind: every port it is given is held by a real listening socket. The race that
    causes this in practice cannot be produced on demand, so free_port is steered (the narrowest seam)."""
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    taken = blocker.getsockname()[1]
    monkeypatch.setattr(processes, "free_port", lambda: taken)
    try:
        with pytest.raises(CacheError) as caught:
            start_cache(RedisSpec(tls=False), tmp_path / "cache", log=lambda line: None)
    finally:
        blocker.close()
    assert "Address already in use" in caught.value.detail  # the log tail stays as redis wrote it
    return caught.value, taken


def test_a_redis_server_that_cannot_bind_its_port_says_so_in_polish(monkeypatch, tmp_path):
    i18n.set_language("pl")
    error, port = _port_taken_error(monkeypatch, tmp_path)
    log_file = tmp_path / "cache" / "node-0" / "redis.log"
    assert str(error) == f"redis-server node-0 nie uruchomił się (port {port}); zajrzyj do {log_file}."
    assert not processes.port_open(port)  # the blocker is closed and no redis-server was left behind


def test_a_redis_server_that_cannot_bind_its_port_says_so_in_english(monkeypatch, tmp_path, in_english):
    error, port = _port_taken_error(monkeypatch, tmp_path)
    log_file = tmp_path / "cache" / "node-0" / "redis.log"
    assert str(error) == f"redis-server node-0 did not start (port {port}); see {log_file}."


# --- the Azure target: ARM's answers from the emulator, through azure-core and errors.translate -----------------


def _profile(arm) -> Profile:
    profile = Profile(name="i18n", target="azure")
    profile.azure.subscription_id = arm.subscription_id
    profile.azure.location = "westeurope"
    profile.azure.cloud = "custom"
    profile.azure.arm_endpoint = arm.url
    return profile


class _Credential:
    """azure-identity cannot sign in here (no Entra ID): a static token the emulator accepts (as tests/azure)."""

    def get_token(self, *scopes: str, **kwargs: object):
        from azure.core.credentials import AccessToken

        return AccessToken("emu-token-i18n", 4_102_444_800)


def _arm_error(arm, kind: str, **params: object) -> HttpResponseError:
    """The real HttpResponseError the SDK raises for ARM's answer (`kind` injected on listing resource groups)."""
    arm.inject("GET", r"/resourcegroups$", kind, **params)
    with pytest.raises(HttpResponseError) as caught:
        list(AzureClients(_profile(arm), _Credential()).resource.resource_groups.list())
    return caught.value


def test_an_arm_refusal_reaches_the_user_in_polish_with_azures_own_message(arm):
    i18n.set_language("pl")
    arm.inject("GET", r"/resourcegroups$", "forbidden")
    with pytest.raises(StepFailed) as caught:
        pickers.list_resource_groups(_Credential(), _profile(arm))
    assert str(caught.value) == (
        "Twoje konto nie ma uprawnień do tej czynności (wyświetlania listy grup zasobów): The client does not have "
        "authorization to perform action 'Microsoft.Authorization/roleAssignments/write'. Poproś o role Contributor "
        "i User Access Administrator w subskrypcji lub grupie zasobów, a potem wdróż ponownie.")
    assert "AuthorizationFailed" in caught.value.detail  # the technical detail stays as Azure sent it


def test_the_same_arm_refusal_is_english_with_lang_c(arm, in_english):
    arm.inject("GET", r"/resourcegroups$", "forbidden")
    with pytest.raises(StepFailed) as caught:
        pickers.list_resource_groups(_Credential(), _profile(arm))
    assert str(caught.value).startswith("Your account is not allowed to do this (listing the resource groups): ")


def test_a_taken_name_and_the_retirement_answer_are_polish(arm):
    i18n.set_language("pl")
    taken = translate(_arm_error(arm, "name-taken", code="StorageAccountAlreadyTaken"),
                      _("creating the storage account {name}").format(name="premst"),
                      name="premst", name_field="function.storage_account")
    assert isinstance(taken, StepFailed)
    assert str(taken) == ("Nazwa 'premst' jest już zajęta w Azure, przez kogoś innego albo przez inny z Twoich "
                          "zasobów. Wybierz inną nazwę (function.storage_account) i wdróż ponownie.")
    retired = translate(_arm_error(arm, "retiring"), _("creating the Azure Cache for Redis"))
    assert str(retired).startswith("Azure odmówił utworzenia nowej usługi Azure Cache for Redis")
    assert "Azure Managed Redis" in str(retired) and 'cache.service = "managed-redis"' in str(retired)
    # A journal written in Polish is still recognised as the retirement refusal (the GUI offers the switch).
    assert is_retirement_failure(str(retired))


def test_the_taken_name_and_the_retirement_answer_are_english_with_lang_c(arm, in_english):
    taken = translate(_arm_error(arm, "name-taken", code="StorageAccountAlreadyTaken"),
                      _("creating the storage account {name}").format(name="premst"),
                      name="premst", name_field="function.storage_account")
    assert str(taken) == ("The name 'premst' is already taken in Azure, by someone else or by another of your "
                          "resources. Choose a different name (function.storage_account) and deploy again.")
    assert str(translate(_arm_error(arm, "retiring"), _("creating the Azure Cache for Redis"))) == RETIREMENT_SENTENCE


def test_a_long_operation_that_gives_up_says_so_in_polish():
    """The polling helpers put the translated `what` phrase (a Polish genitive) into their timeout sentence."""
    from wizard.targets.azure.polling import wait_until
    from wizard.targets.base import StepContext

    i18n.set_language("pl")
    lines: list[str] = []
    ctx = StepContext(profile=Profile(name="i18n", target="azure"), state_dir=Path("."), outputs={}, cancel_event=threading.Event(),
                      report=lambda fraction, line: lines.append(line), log=lines.append)
    with pytest.raises(StepFailed) as caught:
        wait_until(ctx, lambda: None, _("waiting for the functions host to start"), timeout_s=0.0, estimate_s=1.0,
                   interval_s=0.0)
    assert str(caught.value) == ("Zrezygnowano z oczekiwania na uruchomienie hosta funkcji po 0 s. Sprawdź zasób w "
                                 "portalu Azure, a potem wdróż ponownie (ukończone zasoby zostają zachowane).")


def test_the_plan_text_of_the_cli_is_polish():
    """`mlfunc-wizard plan` prints Plan.describe(): its frame is translated, the step names stay as they are."""
    from wizard.core.plan import Plan
    from wizard.targets.local.target import LocalTarget

    profile = profiles.load(EXAMPLE)
    plan = Plan(LocalTarget().steps(profile), target="local")
    i18n.set_language("pl")
    text = plan.describe()
    assert text.startswith(f"Plan dla celu local: kroki: {len(plan.steps)}")
    assert "czeka na:  nic (startuje od razu)" in text and "Ścieżka krytyczna: resource-group -> " in text
    i18n.set_language("en")
    assert plan.describe().startswith(f"Plan for the local target: {len(plan.steps)} steps")


def test_the_engines_retry_and_give_up_lines_are_polish(tmp_path):
    """A step that stays throttled: each retry's event line and the final failure come from the engine in Polish
    (the step's own sentence inside them is the test target's, in English)."""
    from tests.unit.test_engine_target import Behaviour, FileTarget, StepSpec
    from wizard.core.engine import Engine
    from wizard.core.plan import Plan

    target = FileTarget([StepSpec("store", behaviour=Behaviour(transient=5), retries=1)], tmp_path / "resources")
    events: list[StepEvent] = []
    i18n.set_language("pl")
    engine = Engine(Plan(target.steps(None), target="test"), Profile(name="engine-pl"), tmp_path / "state",
                    events.append, backoff=lambda attempt, retry_after: 0.0)
    assert not engine.run().ok
    retrying = [e.message for e in events if e.kind == "retrying"]
    assert retrying == ["store is throttled — ponawiam za 0.0 s (próba 2 z 2)."]
    failed = [e.message for e in events if e.kind == "failed"]
    assert len(failed) == 1 and ": niepowodzenie po 2 próbach: store is throttled. Uruchom wdrożenie ponownie" in failed[0]


def test_a_polish_retirement_sentence_is_recognised_after_switching_to_english(arm, in_english):
    """The journal keeps the failure in the language it was shown in; the GUI's offer to switch to Azure Managed
    Redis must still appear when the wizard is reopened in English."""
    i18n.set_language("pl")
    journaled = str(translate(_arm_error(arm, "retiring"), _("creating the Azure Cache for Redis")))
    assert journaled != RETIREMENT_SENTENCE
    i18n.set_language(None)  # LANG=C: English again
    assert is_retirement_failure(journaled)
    assert not is_retirement_failure("Azure odmówił podczas tworzenia usługi Azure Cache for Redis: zły SKU.")


def test_the_azure_steps_titles_and_what_they_create_are_polish():
    """The Deploy page and `plan` show each step's title and what it creates: on Azure too, in the user's language."""
    from wizard.targets.azure.target import AzureTarget

    profile = Profile(name="amr", target="azure")
    profile.function.packaging = "acr-build"
    profile.function.registry = "amracr"
    i18n.set_language("en")
    english = {s.name: (s.title, s.creates) for s in AzureTarget().steps(profile)}
    i18n.set_language("pl")
    try:
        polish = {s.name: (s.title, s.creates) for s in AzureTarget().steps(profile)}
    finally:
        i18n.set_language(None)
    assert polish.keys() == english.keys() and len(polish) > 10
    assert [name for name in polish if polish[name][0] == english[name][0]] == []
    assert polish["resource-group"] == ("Utwórz grupę zasobów", f"grupa zasobów {profile.resource_group.name}")
