"""Trigger adapters: azure.functions objects in, scoring service calls out (keeps function_app.py thin)."""

from __future__ import annotations

import asyncio

import azure.functions as func

from .service import Answer, ScoringService


def to_response(answer: Answer) -> func.HttpResponse:
    return func.HttpResponse(answer.json(), status_code=answer.status, headers=answer.headers, mimetype="application/json")


def score(service: ScoringService, req: func.HttpRequest) -> func.HttpResponse:
    declared = req.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > service.settings.max_body_bytes:
        # Refuse before touching the body when the client already says it is too big.
        return to_response(service.too_large(int(declared)))
    return to_response(service.score_body(req.get_body()))


def health(service: ScoringService, req: func.HttpRequest) -> func.HttpResponse:
    return to_response(service.health())


async def health_async(service: ScoringService, req: func.HttpRequest) -> func.HttpResponse:
    """Health off the worker's thread pool: at a cold start, score calls waiting for the model may fill it,
    and readiness probes must still get their 503 at once."""
    answer = await asyncio.get_running_loop().run_in_executor(None, service.health)
    return to_response(answer)


def blob(service: ScoringService, inblob: func.InputStream, outblob: func.Out[str]) -> None:
    document, _ = service.score_document(inblob.read())
    outblob.set(document)


def queue_message(service: ScoringService, msg: func.ServiceBusMessage, outmsg: func.Out[str]) -> None:
    document, _ = service.score_document(msg.get_body())
    outmsg.set(document)
