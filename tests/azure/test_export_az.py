"""Issue 15 item 3: `mlfunc-wizard export --format az` writes a script that runs the expected `az` commands in order
(run by bash against a stand-in `az` on PATH that records its arguments: the real CLI would reach Azure), with keys
fetched by `az ... keys list` at run time and none written in the script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.azure.test_export import key_shaped
from wizard import profile as profiles
from wizard.cli import run as main

ROOT = Path(__file__).resolve().parents[2]
FAKE_KEY = "StandInKey0123456789abcdefghijklmnopqrstuvwxyzAB=="

STAND_IN = f"""#!{sys.executable}
import json, os, sys
args = sys.argv[1:]
with open(os.environ["AZ_RECORD"], "a", encoding="utf-8") as fh:
    fh.write(json.dumps(args) + "\\n")
query = args[args.index("--query") + 1] if "--query" in args else ""
if "keys" in args or "list-keys" in args:
    print({FAKE_KEY!r})
elif query == "hostName":
    print("cache.example.net")
elif query == "sslPort":
    print("6380")
elif query == "loginServer":
    print("reg.azurecr.io")
elif query == "principalId":
    print("11111111-2222-3333-4444-555555555555")
elif query:
    print("stand-in-" + query)
"""


def _words(args: list[str]) -> str:
    """The command part of an az call (the words before the first option)."""
    out = []
    for a in args:
        if a.startswith("-"):
            break
        out.append(a)
    return " ".join(out)


@pytest.mark.parametrize("example", ["premium-clustered-azure.json", "managed-redis-azure.json"])
def test_az_script_runs_the_expected_commands_in_order(tmp_path, example, capsys):
    script = tmp_path / "deploy.sh"
    assert main(["export", str(ROOT / "examples" / example), "--format", "az", "--out", str(script)]) == 0
    text = script.read_text()
    assert key_shaped(text) == []
    assert FAKE_KEY not in text

    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "az").write_text(STAND_IN)
    (bindir / "az").chmod(0o755)
    record = tmp_path / "calls.jsonl"
    env = {**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}", "AZ_RECORD": str(record)}
    done = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert FAKE_KEY not in done.stdout + done.stderr
    calls = [json.loads(line) for line in record.read_text().splitlines()]
    words = [_words(c) for c in calls]

    profile = profiles.load(str(ROOT / "examples" / example))
    classic = profile.cache.service == "cache-for-redis"
    cache_cmds = (["redis create", "redis show", "redis show"] + ([] if profile.cache.authentication == "entra" else ["redis list-keys"])
                  if classic else ["redisenterprise create", "redisenterprise show"]
                  + ([] if profile.cache.authentication == "entra" else ["redisenterprise database list-keys"]))
    persist = profile.cache.persistence
    second = persist.mode != "none" and persist.storage_account and persist.storage_account != profile.function.storage_account
    expected = ["group create", "storage account create", "storage account keys list",
                *(["storage account create", "storage account keys list"] if second else []), *cache_cmds,
                "acr create", "acr show",
                "monitor log-analytics workspace create", "monitor log-analytics workspace show",
                "monitor app-insights component create", "monitor app-insights component show",
                "functionapp plan create" if profile.function.plan_sku.upper().startswith("EP") else "appservice plan create",
                "functionapp create", "functionapp config set", "functionapp identity show",
                "acr show", "role assignment create", "functionapp config set"]
    if profile.cache.authentication == "entra":
        expected.append("redis access-policy-assignment create" if classic else "rest")
    expected += ["functionapp config appsettings set", "functionapp show"]
    assert words == expected

    if classic and persist.mode == "rdb":  # the persistence connection string goes in through the shell's quoting
        redis = calls[words.index("redis create")]
        config = json.loads(redis[redis.index("--redis-configuration") + 1])
        account = persist.storage_account or profile.function.storage_account
        assert config["rdb-storage-connection-string"] == (
            f"DefaultEndpointsProtocol=https;AccountName={account};AccountKey={FAKE_KEY};EndpointSuffix=core.windows.net")
        assert config["rdb-backup-frequency"] == str(persist.rdb_frequency_minutes)
    if not classic and profile.cache.authentication == "entra":
        rest = calls[words.index("rest")]
        assert json.loads(rest[rest.index("--body") + 1]) == {
            "properties": {"accessPolicyName": "default", "user": {"objectId": "11111111-2222-3333-4444-555555555555"}}}
        assert "/redisEnterprise/" in rest[rest.index("--url") + 1] and "$" not in rest[rest.index("--url") + 1]
    create = calls[words.index("functionapp create")]
    assert create[create.index("--image") + 1] == f"{profile.function.registry}.azurecr.io/{profile.function.app_name}:latest"
    settings = calls[words.index("functionapp config appsettings set")]
    values = dict(s.split("=", 1) for s in settings[settings.index("--settings") + 1:])
    assert values["AzureWebJobsStorage"] == (f"DefaultEndpointsProtocol=https;AccountName={profile.function.storage_account};"
                                             f"AccountKey={FAKE_KEY};EndpointSuffix=core.windows.net")
    assert values["REDIS_HOST"] == "cache.example.net" if classic else values["REDIS_HOST"]
    if profile.cache.authentication != "entra":
        assert values["REDIS_PASSWORD"] == FAKE_KEY
    assert values["DOCKER_REGISTRY_SERVER_URL"] == "https://reg.azurecr.io"
    assert values["FUNCTIONS_EXTENSION_VERSION"] == "~4"
    assert "--output" in settings and settings[settings.index("--output") + 1] == "none"  # az would print the values


def test_export_refuses_a_local_profile_in_one_sentence(capsys):
    assert main(["export", str(ROOT / "examples" / "digits-local.json")]) == 1
    err = capsys.readouterr().err
    assert "only Azure profiles export a template" in err and "Traceback" not in err


def test_arm_export_to_stdout_is_a_template(capsys):
    assert main(["export", str(ROOT / "examples" / "managed-redis-azure.json"), "--format", "arm"]) == 0
    template = json.loads(capsys.readouterr().out)
    assert template["$schema"].endswith("2019-04-01/deploymentTemplate.json#")
    assert "image" in template["parameters"]


def test_export_refuses_a_profile_with_rule_errors(tmp_path, capsys):
    data = json.loads((ROOT / "examples" / "managed-redis-azure.json").read_text())
    data["function"]["storage_account"] = "Not_Valid"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    assert main(["export", str(bad)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "error(s)" in captured.err and "Traceback" not in captured.err
