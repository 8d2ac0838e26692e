"""Blob triggers of the local functions host: a watched local folder stands in for the storage account."""

from __future__ import annotations

import json
import textwrap
import time
from pathlib import Path

import pytest

from tests.polling import wait_for
from tests.fixtures.function_host import run_host_to_exit

APP = textwrap.dedent(
    '''
    import json
    import azure.functions as func

    app = func.FunctionApp()


    @app.blob_trigger(arg_name="inblob", path="input/{name}.json", connection="AzureWebJobsStorage")
    @app.blob_output(arg_name="outblob", path="output/{name}.result.json", connection="AzureWebJobsStorage")
    def shout(inblob: func.InputStream, outblob: func.Out[str]) -> None:
        document = json.loads(inblob.read())
        outblob.set(json.dumps({"blob": inblob.name, "length": inblob.length, "text": document["text"].upper()}))


    @app.blob_trigger(arg_name="raw", path="bad/{name}", connection="AzureWebJobsStorage")
    def always_fails(raw: bytes) -> None:
        raise ValueError("cannot process " + str(len(raw)))
    '''
)



MASTER_KEY = "blob-test-master-key-4d5e6f"  # the admin status route needs it, as on Azure


def read_json(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


@pytest.fixture
def blob_host(tmp_path, function_host):
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    (app_dir / "function_app.py").write_text(APP)
    root = tmp_path / "storage"
    host = function_host(app_dir, {"MLFUNC_BLOB_ROOT": str(root), "MLFUNC_BLOB_POLL_SECONDS": "0.05", "MLFUNC_MASTER_KEY": MASTER_KEY})
    return host, root


def drop(root: Path, blob: str, content: str) -> None:
    # Written under a dot-name and renamed, as an upload completes atomically in a storage account.
    target = root / blob
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name("." + target.name + ".part")
    temporary.write_text(content)
    temporary.replace(target)


def test_new_blob_is_processed_into_the_output_path(blob_host):
    host, root = blob_host
    status = host.request("GET", "/admin/host/status", headers={"x-functions-key": MASTER_KEY}).json()
    assert {"name": "shout", "trigger": "blobTrigger", "path": "input/{name}.json"} in status["functions"]
    drop(root, "input/batch-1.json", json.dumps({"text": "hello"}))
    drop(root, "input/nested/batch-2.json", json.dumps({"text": "deep"}))
    first = wait_for(lambda: read_json(root / "output/batch-1.result.json"), what="output of batch-1")
    assert first == {"blob": "input/batch-1.json", "length": 17, "text": "HELLO"}
    # {name} spans virtual folders, as in Azure's blob trigger.
    second = wait_for(lambda: read_json(root / "output/nested/batch-2.result.json"), what="output of nested blob")
    assert second["text"] == "DEEP"
    # The receipt is written just after the output: wait for both.
    receipts = wait_for(lambda: (lambda found: found if len(found) == 2 else None)(list((root / "azure-webjobs-hosts" / "blobreceipts").rglob("*.receipt"))), what="two receipts")
    assert all(json.loads(r.read_text())["status"] == "succeeded" for r in receipts)


def test_processed_blob_is_not_processed_again_until_it_changes(blob_host):
    host, root = blob_host
    drop(root, "input/a.json", json.dumps({"text": "one"}))
    output = root / "output/a.result.json"
    wait_for(lambda: read_json(output), what="first output")
    output.unlink()
    # A later blob being processed proves the watcher polled the unchanged one again meanwhile.
    drop(root, "input/b.json", json.dumps({"text": "other"}))
    wait_for(lambda: read_json(root / "output/b.result.json"), what="second blob")
    time.sleep(0.2)  # a few more polls
    assert not output.exists()
    drop(root, "input/a.json", json.dumps({"text": "two!"}))
    assert wait_for(lambda: read_json(output), what="reprocessed output")["text"] == "TWO!"


def test_failing_function_puts_the_blob_in_the_poison_container(blob_host):
    host, root = blob_host
    drop(root, "bad/item.bin", "x" * 10)
    poison = wait_for(lambda: list((root / "webjobs-blobtrigger-poison").glob("*.json")), what="poison message")
    message = json.loads(poison[0].read_text())
    assert message["ContainerName"] == "bad"
    assert message["BlobName"] == "item.bin"
    assert message["FunctionId"] == "Host.Functions.always_fails"
    receipt = wait_for(lambda: list((root / "azure-webjobs-hosts").rglob("item.bin.receipt")), what="failed receipt")
    assert json.loads(receipt[0].read_text())["status"] == "failed"
    log = host.log()
    assert log.count("function always_fails failed on blob bad/item.bin") == 5
    assert "cannot process 10" in log


def test_blob_app_without_a_blob_root_is_refused(tmp_path):
    (tmp_path / "function_app.py").write_text(APP)
    finished = run_host_to_exit(tmp_path, {"MLFUNC_BLOB_ROOT": ""})
    assert finished.returncode == 2
    assert "set MLFUNC_BLOB_ROOT" in finished.stderr


def test_output_path_with_unknown_name_is_refused(tmp_path):
    (tmp_path / "function_app.py").write_text(
        textwrap.dedent(
            '''
            import azure.functions as func
            app = func.FunctionApp()

            @app.blob_trigger(arg_name="inblob", path="input/{name}.json", connection="AzureWebJobsStorage")
            @app.blob_output(arg_name="outblob", path="output/{other}.json", connection="AzureWebJobsStorage")
            def f(inblob: func.InputStream, outblob: func.Out[str]) -> None:
                pass
            '''
        )
    )
    finished = run_host_to_exit(tmp_path, {"MLFUNC_BLOB_ROOT": str(tmp_path / "root")})
    assert finished.returncode == 3
    assert "uses other in a blob path" in finished.stderr
