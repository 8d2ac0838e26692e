"""Issue 11 item 12: a build context larger than one Put Blob may carry goes up as Put Block + Put Block List
(the emulator caps a single PUT as Azure Storage does); a subscription without ACR Tasks
(400 TasksOperationsNotAllowed) gets a sentence that points to the docker route."""

from __future__ import annotations

from tests.azure.arm_emulator.ext import ext
from tests.azure.deploying import deploy
from wizard.targets.azure import registry


def test_a_large_build_context_goes_up_in_blocks(arm, credential, managed_profile, monkeypatch):
    # The real cap is 256 MiB (older service versions) to 5000 MiB; both sides are scaled down so a test-sized
    # context crosses it: the emulator refuses any single PUT over 2 KiB with 413, the wizard cuts 1 KiB blocks.
    ext(arm).max_single_put = 2048
    monkeypatch.setattr(registry, "UPLOAD_BLOCK_BYTES", 1024)
    result = deploy(managed_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    blocks = [r for r in arm.requests("PUT", "/_blob/uploads/") if r.query.get("comp") == "block"]
    lists = [r for r in arm.requests("PUT", "/_blob/uploads/") if r.query.get("comp") == "blocklist"]
    assert len(blocks) >= 3 and len(lists) == 1
    assert all(r.status == 201 for r in blocks + lists)
    assert all(len(r.body if isinstance(r.body, bytes) else b"") <= 1024 for r in blocks)
    (run,) = arm.requests("POST", "schedulerun")
    assert run.status == 200  # the emulator unpacked the assembled archive and found the Dockerfile


def test_a_single_put_over_the_cap_is_refused_by_the_emulator(arm, credential, managed_profile):
    import requests

    ext(arm).max_single_put = 10
    url = f"{arm.url}/_blob/uploads/x?sv=2024-01-01&sig=abc"
    answer = requests.put(url, data=b"x" * 11, headers={"x-ms-blob-type": "BlockBlob"}, verify=str(arm.ca_file))
    assert answer.status_code == 413 and b"RequestBodyTooLarge" in answer.content


def test_tasks_not_allowed_suggests_the_docker_route(arm, credential, managed_profile):
    arm.inject("*", r"/listbuildsourceuploadurl|/schedulerun|/runs", "tasks-not-allowed", times=100)
    result = deploy(managed_profile, credential)
    assert not result.outcome.ok
    sentence = result.failed_sentences["package"]
    assert sentence == registry.TASKS_NOT_ALLOWED
    assert '"docker"' in sentence
