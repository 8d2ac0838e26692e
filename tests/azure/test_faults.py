"""Every fault the ARM emulator can inject, through the real engine: retried to success, or reported with a
sentence; and a re-run after a failure or a cancel resumes without creating anything twice."""

from __future__ import annotations

import threading
import time

import pytest

from tests.azure.deploying import deploy, written_text
from wizard.deployment import DeploymentRun
from wizard.targets.azure.errors import RETIREMENT_SENTENCE, is_retirement_failure

CREATED = ["resourcegroups/rg-prem", "storageaccounts/premst", "microsoft.cache/redis/prem-cache", "serverfarms/prem-app-plan",
           "registries/premacr", "microsoft.web/sites/prem-app"]


def ok_puts(arm, suffix: str) -> int:
    """PUTs ARM accepted (2xx) for the resource whose path ends with `suffix`."""
    return sum(1 for r in arm.requests("PUT") if r.lower_path.endswith(suffix) and 200 <= r.status < 300)


def all_puts(arm) -> dict[str, int]:
    return {suffix: ok_puts(arm, suffix) for suffix in CREATED}


@pytest.mark.parametrize(
    "method, route, kind, times, engine_retries",
    [
        ("PUT", r"/storageaccounts/[^/]+$", "throttle", 1, False),  # the SDK honours Retry-After itself
        ("PUT", r"/microsoft\.cache/redis/[^/]+$", "server-error", 5, True),  # beyond the SDK's retries: the engine retries
        ("GET", r"/asyncoperations/", "unavailable", 5, None),  # the cache's poll dies: resume by GET, no second PUT
        ("PUT", r"/serverfarms/[^/]+$", "drop", 5, True),  # connection closed without an answer
        ("POST", r"/config/appsettings/list$", "server-error", 5, True),
    ],
    ids=["429", "500", "503-poll", "dropped", "500-settings"],
)
def test_transient_faults_are_retried_to_success(arm, credential, premium_profile, method, route, kind, times, engine_retries):
    """engine_retries: True when the fault outlasts the SDK's own 3 retries; None when either may absorb it."""
    fault = arm.inject(method, route, kind, times=times, retry_after=1)
    result = deploy(premium_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert fault.hits == times
    assert all(count == 1 for count in all_puts(arm).values()), all_puts(arm)
    if engine_retries is not None:
        assert bool(result.of("retrying")) == engine_retries


def test_lro_ending_failed_with_a_server_error_is_retried(arm, credential, premium_profile):
    arm.inject("PUT", r"/microsoft\.cache/redis/[^/]+$", "lro-failed", code="InternalServerError")
    result = deploy(premium_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert [e.step for e in result.of("retrying")] == ["cache"]
    assert ok_puts(arm, "microsoft.cache/redis/prem-cache") == 2  # the failed cache is created again


def test_lro_ending_failed_permanently_reports_a_sentence_and_the_rerun_resumes(arm, credential, premium_profile):
    arm.inject("PUT", r"/microsoft\.cache/redis/[^/]+$", "lro-failed", code="QuotaExceeded",
               message="Operation results in exceeding quota limits of Premium cache cores.")
    first = deploy(premium_profile, credential)
    assert not first.outcome.ok
    sentence = first.outcome.failed["cache"]
    assert "quota" in sentence.lower() and "deploy again" in sentence
    # Steps that do not need the cache ran to completion.
    assert first.outcome.outputs["function-app"]["app"] == "prem-app"
    before = all_puts(arm)

    second = deploy(premium_profile, credential)
    assert second.outcome.ok, second.failed_sentences
    after = all_puts(arm)
    assert after["microsoft.cache/redis/prem-cache"] == 2
    assert {k: v for k, v in after.items() if "redis" not in k} == {k: v for k, v in before.items() if "redis" not in k}
    assert {"resource-group", "storage", "plan", "registry", "package", "function-app"} <= {e.step for e in second.of("skipped")}


def test_name_taken_is_reported_with_the_field_to_change(arm, credential, premium_profile):
    arm.inject("PUT", r"/storageaccounts/[^/]+$", "name-taken", code="StorageAccountAlreadyTaken")
    result = deploy(premium_profile, credential)
    assert not result.outcome.ok
    sentence = result.outcome.failed["storage"]
    assert "'premst' is already taken" in sentence and "function.storage_account" in sentence


def test_retirement_400_says_so_and_switching_to_managed_redis_finishes(arm, credential, premium_profile):
    arm.reset(retire_classic=True)
    first = deploy(premium_profile, credential)
    assert not first.outcome.ok
    assert first.outcome.failed["cache"] == RETIREMENT_SENTENCE
    assert is_retirement_failure(first.failed_sentences["cache"])
    assert "Azure Managed Redis" in RETIREMENT_SENTENCE and "2028-09-30" in RETIREMENT_SENTENCE
    assert {e.step for e in first.of("failed")} == {"cache"}
    before = all_puts(arm)

    # What the GUI offers: switch the cache to Azure Managed Redis and deploy again.
    premium_profile.cache.service = "managed-redis"
    premium_profile.cache.sku = "Balanced_B0"
    premium_profile.cache.persistence.mode = "none"
    second = deploy(premium_profile, credential)
    assert second.outcome.ok, second.failed_sentences
    assert ok_puts(arm, "microsoft.cache/redisenterprise/prem-cache") == 1
    after = all_puts(arm)
    assert {k: v for k, v in after.items() if "redis" not in k} == {k: v for k, v in before.items() if "redis" not in k}


def test_token_expiring_mid_poll_gets_a_fresh_token_and_resumes(arm, credential, premium_profile):
    fault = arm.inject("GET", r"/microsoft\.cache/locations/[^/]+/asyncoperations/", "token-expired")
    result = deploy(premium_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert fault.hits == 1
    (expired,) = arm.expired_tokens
    refused_at = max(i for i, t in enumerate(arm.tokens_seen) if t == expired)
    # After the refusal the wizard never presented the dead token again, and the cache was created once.
    assert expired not in arm.tokens_seen[refused_at + 1 :]
    assert ok_puts(arm, "microsoft.cache/redis/prem-cache") == 1
    assert [e.step for e in result.of("retrying")] == ["cache"]
    assert "token expired" in result.of("retrying")[0].message


def test_forbidden_role_assignment_falls_back_to_registry_credentials(arm, credential, premium_profile):
    arm.inject("PUT", r"/roleassignments/", "forbidden")
    result = deploy(premium_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert result.outcome.outputs["registry-access"]["pull"] == "credentials"
    (patch,) = [r for r in arm.requests("PATCH") if r.lower_path.endswith("/registries/premacr")]
    assert patch.body["properties"]["adminUserEnabled"] is True
    (settings,) = [r for r in arm.requests("PUT") if r.lower_path.endswith("/config/appsettings")]
    password = arm.state.hidden[f"/subscriptions/{arm.subscription_id}/resourcegroups/rg-prem/providers/microsoft.containerregistry/registries/premacr"]["password"]
    assert settings.body["properties"]["DOCKER_REGISTRY_SERVER_USERNAME"] == "premacr"
    assert settings.body["properties"]["DOCKER_REGISTRY_SERVER_PASSWORD"] == password
    (web,) = [r for r in arm.requests("PATCH") if r.lower_path.endswith("/config/web")]
    assert web.body == {"properties": {"acrUseManagedIdentityCreds": False}}
    for event in result.events:
        assert password not in event.message + event.detail + repr(event.outputs)
    for path, text in written_text().items():
        assert password not in text, path


def test_cancel_during_the_cache_poll_then_rerun_resumes_without_a_second_put(arm, credential, premium_profile):
    arm.reset(lro_polls=10**9)  # every long-running operation "takes forever"
    premium_profile.cache.persistence.mode = "none"  # so the cache starts at once, not after the storage account
    events = []
    run = DeploymentRun(premium_profile, events.append, credential=credential)
    outcome_box = []
    worker = threading.Thread(target=lambda: outcome_box.append(run.run()))
    worker.start()
    deadline = time.monotonic() + 60
    while not arm.requests("GET", "/microsoft.cache/locations/") and time.monotonic() < deadline:
        time.sleep(0.05)  # wait until the wizard polls the cache's operation
    assert arm.requests("GET", "/microsoft.cache/locations/"), "the cache step never started polling"
    run.cancel()
    worker.join(timeout=10)
    assert not worker.is_alive(), "run() must return soon after cancel()"
    (outcome,) = outcome_box
    assert outcome.cancelled
    assert ok_puts(arm, "microsoft.cache/redis/prem-cache") == 1

    # Azure finishes the cache meanwhile; the next deploy waits for that one instead of creating another.
    arm.state.lro_polls = 1
    for op in arm.state.operations.values():
        op.polls_left = 1
    second = deploy(premium_profile, credential)
    assert second.outcome.ok, second.failed_sentences
    assert all(count == 1 for count in all_puts(arm).values()), all_puts(arm)
