"""Block blobs as the build-source upload uses them: Put Blob is capped (5000 MiB on service versions
2019-12-12 and later, 256 MiB before; learn.microsoft.com/rest/api/storageservices/put-blob, "Remarks"), larger
content goes as Put Block (`comp=block&blockid=`, up to 4000 MiB each) + Put Block List (`comp=blocklist`, XML
of <Latest>/<Uncommitted>/<Committed> ids; learn.microsoft.com/rest/api/storageservices/put-block-list).
413 RequestBodyTooLarge over the cap; 400 InvalidBlockList for an unknown id."""

from __future__ import annotations

import re
from typing import Any

from tests.azure.arm_emulator.arm import Reply
from tests.azure.arm_emulator.ext import ext

_XML = {"Content-Type": "application/xml"}
_ID = re.compile(r"<(?:Latest|Uncommitted|Committed)>([^<]*)</(?:Latest|Uncommitted|Committed)>")


def _xml_error(status: int, code: str, message: str) -> Reply:
    return Reply(status, raw=f'<?xml version="1.0" encoding="utf-8"?><Error><Code>{code}</Code><Message>{message}</Message></Error>'.encode(), headers=_XML)


def put(state: Any, name: str, query: dict[str, str], raw: bytes, headers: dict[str, str]) -> Reply | None:
    """The answer to a PUT of blob `name`, or None to let the plain Put Blob path store it."""
    settings = ext(state)
    comp = query.get("comp", "")
    if comp == "block":
        block_id = query.get("blockid", "")
        if not block_id:
            return _xml_error(400, "InvalidQueryParameterValue", "blockid is required.")
        if len(raw) > 4000 * 1024 * 1024:
            return _xml_error(413, "RequestBodyTooLarge", "The block is larger than the maximum allowed size.")
        settings.blocks.setdefault(name, {})[block_id] = raw
        return Reply(201, raw=b"")
    if comp == "blocklist":
        staged = settings.blocks.get(name, {})
        ids = _ID.findall(raw.decode("utf-8", "replace"))
        if not ids or any(i not in staged for i in ids):
            return _xml_error(400, "InvalidBlockList", "The specified block list is invalid.")
        state.blobs[name] = b"".join(staged[i] for i in ids)
        settings.blocks.pop(name, None)
        return Reply(201, raw=b"")
    if len(raw) > settings.max_single_put:
        return _xml_error(413, "RequestBodyTooLarge", "The request body is too large and exceeds the maximum permissible limit.")
    return None
