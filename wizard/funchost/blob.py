"""Blob triggers of the local functions host: a local folder stands in for the storage account.

`<root>/<container>/<blob>` is a blob. The watcher polls the trigger's container, calls the function
for every new or changed blob that matches the trigger path, writes the output bindings, and keeps a
receipt per processed blob (as the Functions host does in `azure-webjobs-hosts/blobreceipts`).
After five failed attempts a blob gets a failed receipt and a poison message, like on Azure.
Imports only the standard library and azure.functions.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import azure.functions as func

from .bindings import InvocationContext, OutValue, annotation_name, parameter_names

log = logging.getLogger("mlfunc.host.blob")

RECEIPTS_CONTAINER = "azure-webjobs-hosts"
POISON_CONTAINER = "webjobs-blobtrigger-poison"
MAX_ATTEMPTS = 5
_EXPRESSION = re.compile(r"\{([A-Za-z_][A-Za-z0-9_-]*)\}")


class BlobConfigError(ValueError):
    """A blob binding the local host cannot serve; the message is a sentence for the user."""


@dataclass
class BlobPath:
    """A binding path such as `input/{name}.json`: a container plus a blob-name pattern."""

    container: str
    pattern: str

    @classmethod
    def parse(cls, path: str, what: str) -> BlobPath:
        container, sep, pattern = path.strip("/").partition("/")
        if not sep or not container or not pattern or "{" in container:
            raise BlobConfigError(
                f"The {what} path {path!r} must look like 'container/{{name}}.json': "
                "a fixed container name, a slash, then the blob name pattern."
            )
        return cls(container, pattern)

    def names(self) -> list[str]:
        return _EXPRESSION.findall(self.pattern)

    def regex(self) -> re.Pattern[str]:
        parts: list[str] = []
        position = 0
        for match in _EXPRESSION.finditer(self.pattern):
            parts.append(re.escape(self.pattern[position : match.start()]))
            # {name} spans virtual folders too, as in Azure's blob trigger.
            parts.append(f"(?P<{match.group(1).replace('-', '_')}>.+)")
            position = match.end()
        parts.append(re.escape(self.pattern[position:]))
        return re.compile("".join(parts) + r"\Z")

    def fill(self, values: dict[str, str]) -> str:
        blob = _EXPRESSION.sub(lambda m: values[m.group(1).replace("-", "_")], self.pattern)
        return f"{self.container}/{blob}"


@dataclass
class BlobFunction:
    """One blob-triggered function and the bindings the host must satisfy around it."""

    name: str
    user_function: Callable[..., Any]
    trigger_param: str
    trigger_path: BlobPath
    trigger_kind: str  # "stream" | "str" | "bytes"
    inputs: dict[str, tuple[BlobPath, str]] = field(default_factory=dict)  # param -> (path, kind)
    outputs: dict[str, BlobPath] = field(default_factory=dict)  # param -> path
    return_output: BlobPath | None = None
    wants_context: bool = False
    is_async: bool = False

    @classmethod
    def from_function(cls, function: Any) -> BlobFunction:
        name = function.get_function_name()
        user_function = function.get_user_function()
        params = parameter_names(user_function)
        trigger_param, trigger_path = "", None
        inputs: dict[str, tuple[BlobPath, str]] = {}
        outputs: dict[str, BlobPath] = {}
        return_output = None
        for binding in function.get_dict_repr()["bindings"]:
            kind, arg = binding["type"], binding["name"]
            if kind == "blobTrigger":
                trigger_param = arg
                trigger_path = BlobPath.parse(binding["path"], f"blob trigger of function {name!r}")
            elif kind == "blob":
                path = BlobPath.parse(binding["path"], f"blob binding {arg!r} of function {name!r}")
                direction = int(getattr(binding["direction"], "value", binding["direction"]))
                if arg == "$return":
                    return_output = path
                elif direction == 0:
                    inputs[arg] = (path, _kind(user_function, arg))
                else:
                    outputs[arg] = path
            else:
                raise BlobConfigError(
                    f"Function {name!r} has a {kind!r} binding; the local host serves blob "
                    "bindings only next to a blob trigger. Deploy it with the azure target."
                )
        assert trigger_path is not None
        known = set(trigger_path.names())
        for path in [*(p for p, _ in inputs.values()), *outputs.values(), *filter(None, [return_output])]:
            missing = set(path.names()) - known
            if missing:
                raise BlobConfigError(
                    f"Function {name!r} uses {', '.join(sorted(missing))} in a blob path, but its "
                    f"trigger path only defines {', '.join(sorted(known)) or 'nothing'}; "
                    "use names from the trigger path."
                )
        return cls(
            name=name,
            user_function=user_function,
            trigger_param=trigger_param,
            trigger_path=trigger_path,
            trigger_kind=_kind(user_function, trigger_param),
            inputs=inputs,
            outputs=outputs,
            return_output=return_output,
            wants_context="context" in params,
            is_async=asyncio.iscoroutinefunction(user_function),
        )


def _kind(user_function: Callable[..., Any], param: str) -> str:
    annotation = annotation_name(user_function, param)
    return annotation if annotation in ("str", "bytes") else "stream"


def _etag(stat: os.stat_result) -> str:
    return f"{stat.st_mtime_ns:x}-{stat.st_size:x}"


def _load(path: Path, blob_name: str, kind: str) -> Any:
    data = path.read_bytes()
    if kind == "bytes":
        return data
    if kind == "str":
        return data.decode("utf-8")
    return func.blob.InputStream(data=data, name=blob_name, uri=path.as_uri(), length=len(data))


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)


def _as_bytes(value: Any, what: str) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, func.InputStream):
        return value.read()
    raise TypeError(f"{what} must be set to str or bytes, not {type(value).__name__}")


class BlobWatcher:
    """Polls the blob root and runs blob-triggered functions; one instance per host."""

    def __init__(
        self,
        root: Path,
        functions: list[BlobFunction],
        host_id: str,
        run_sync: Callable[[Callable[[], Any]], Awaitable[Any]],
        poll_seconds: float = 1.0,
    ) -> None:
        self.root = root
        self.functions = functions
        self.host_id = host_id
        self.run_sync = run_sync
        self.poll_seconds = poll_seconds
        self._previous: dict[tuple[str, str], str] = {}  # (function, blob) -> etag seen last poll
        self._attempts: dict[tuple[str, str, str], int] = {}

    def receipt_path(self, function: BlobFunction, blob_name: str) -> Path:
        return self.root / RECEIPTS_CONTAINER / "blobreceipts" / self.host_id / function.name / f"{blob_name}.receipt"

    async def run(self) -> None:
        """Poll until cancelled."""
        for container in {f.trigger_path.container for f in self.functions}:
            (self.root / container).mkdir(parents=True, exist_ok=True)
        log.info("watching blobs under %s every %.2fs", self.root, self.poll_seconds)
        while True:
            try:
                await self.poll_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # one bad poll must not stop the watcher
                log.exception("blob poll failed")
            await asyncio.sleep(self.poll_seconds)

    async def poll_once(self) -> int:
        """One pass over the watched containers; returns how many blobs were processed."""
        ready = await asyncio.to_thread(self._ready_blobs)
        if not ready:
            return 0
        await asyncio.gather(*(self._process(function, name, path, etag, values) for function, name, path, etag, values in ready))
        return len(ready)

    def _ready_blobs(self) -> list[tuple[BlobFunction, str, Path, str, dict[str, str]]]:
        ready = []
        now = time.time()
        seen: dict[tuple[str, str], str] = {}
        for function in self.functions:
            container_dir = self.root / function.trigger_path.container
            regex = function.trigger_path.regex()
            for directory, _dirs, files in os.walk(container_dir):
                for file_name in files:
                    if file_name.startswith("."):  # our own temporary files, editors' swap files
                        continue
                    path = Path(directory, file_name)
                    relative = path.relative_to(container_dir).as_posix()
                    match = regex.match(relative)
                    if not match:
                        continue
                    try:
                        stat = path.stat()
                    except FileNotFoundError:
                        continue
                    etag = _etag(stat)
                    key = (function.name, relative)
                    seen[key] = etag
                    # A local file may still be being written: take it once it has not changed
                    # between two polls (or is older than two seconds).
                    stable = self._previous.get(key) == etag or now - stat.st_mtime > 2.0
                    if stable and self._receipt_etag(function, relative) != etag:
                        ready.append((function, relative, path, etag, match.groupdict()))
        self._previous = seen
        return ready

    def _receipt_etag(self, function: BlobFunction, blob_name: str) -> str | None:
        try:
            return json.loads(self.receipt_path(function, blob_name).read_text())["etag"]
        except (OSError, ValueError, KeyError):
            return None

    async def _process(self, function: BlobFunction, blob_name: str, path: Path, etag: str, values: dict[str, str]) -> None:
        full_name = f"{function.trigger_path.container}/{blob_name}"
        started = time.perf_counter()
        try:
            if function.is_async:
                kwargs, outs = await asyncio.to_thread(self._arguments, function, path, full_name, values)
                returned = await function.user_function(**kwargs)
            else:
                def call() -> tuple[Any, dict[str, OutValue]]:
                    kwargs, outs = self._arguments(function, path, full_name, values)
                    return function.user_function(**kwargs), outs

                returned, outs = await self.run_sync(call)
            await asyncio.to_thread(self._write_outputs, function, values, outs, returned)
        except asyncio.CancelledError:
            raise
        except Exception:
            attempt = self._attempts.get((function.name, blob_name, etag), 0) + 1
            self._attempts[(function.name, blob_name, etag)] = attempt
            log.exception("function %s failed on blob %s (attempt %d of %d)", function.name, full_name, attempt, MAX_ATTEMPTS)
            if attempt >= MAX_ATTEMPTS:
                await asyncio.to_thread(self._poison, function, blob_name, etag)
            return
        self._attempts.pop((function.name, blob_name, etag), None)
        await asyncio.to_thread(self._write_receipt, function, blob_name, etag, "succeeded")
        log.info("function %s processed blob %s in %.1f ms", function.name, full_name, (time.perf_counter() - started) * 1000)

    def _arguments(self, function: BlobFunction, path: Path, full_name: str, values: dict[str, str]) -> tuple[dict[str, Any], dict[str, OutValue]]:
        kwargs: dict[str, Any] = {function.trigger_param: _load(path, full_name, function.trigger_kind)}
        for param, (input_path, kind) in function.inputs.items():
            blob = input_path.fill(values)
            source = self.root / blob
            kwargs[param] = _load(source, blob, kind) if source.is_file() else None
        outs = {param: OutValue() for param in function.outputs}
        kwargs.update(outs)
        if function.wants_context:
            kwargs["context"] = InvocationContext(function.name, str(path.parent))
        return kwargs, outs

    def _write_outputs(self, function: BlobFunction, values: dict[str, str], outs: dict[str, OutValue], returned: Any) -> None:
        for param, out in outs.items():
            if out.get() is not None:  # an output the function did not set is not written (as on Azure)
                _write_atomically(self.root / function.outputs[param].fill(values), _as_bytes(out.get(), f"output {param!r}"))
        if function.return_output is not None and returned is not None:
            _write_atomically(self.root / function.return_output.fill(values), _as_bytes(returned, "the return value"))

    def _write_receipt(self, function: BlobFunction, blob_name: str, etag: str, status: str) -> None:
        record = {"etag": etag, "status": status, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        _write_atomically(self.receipt_path(function, blob_name), json.dumps(record).encode())

    def _poison(self, function: BlobFunction, blob_name: str, etag: str) -> None:
        message = {
            "Type": "BlobTrigger",
            "FunctionId": f"Host.Functions.{function.name}",
            "BlobType": "BlockBlob",
            "ContainerName": function.trigger_path.container,
            "BlobName": blob_name,
            "ETag": etag,
        }
        _write_atomically(self.root / POISON_CONTAINER / f"{uuid.uuid4().hex}.json", json.dumps(message).encode())
        self._write_receipt(function, blob_name, etag, "failed")
        log.error("blob %s/%s moved to %s after %d failed attempts", function.trigger_path.container, blob_name, POISON_CONTAINER, MAX_ATTEMPTS)
