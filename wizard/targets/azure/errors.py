"""Turns what the Azure SDK raises into the engine's language: a retry (TransientError) or a sentence (StepFailed)."""

from __future__ import annotations

import logging
from typing import Any, Callable, TypeVar

from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ServiceRequestError,
    ServiceResponseError,
)

from wizard.secrets import scrub
from wizard.targets.base import StepFailed, TransientError

log = logging.getLogger(__name__)

T = TypeVar("T")

RETIREMENT_SENTENCE = (
    "Azure refused to create a new Azure Cache for Redis: the service is retiring (Basic, Standard and "
    "Premium end on 2028-09-30) and new caches are no longer accepted for this subscription. "
    "Azure Managed Redis is the way forward: set the cache service to Azure Managed Redis "
    '(cache.service = "managed-redis", e.g. SKU Balanced_B0) and deploy again.'
)



def is_retirement_failure(sentence: str) -> bool:
    """Whether a step's failure sentence is the Azure Cache for Redis retirement refusal (the GUI then offers
    to switch the profile to Azure Managed Redis)."""
    return sentence.strip() == RETIREMENT_SENTENCE


# ARM error codes that mean "try again later" even when they arrive inside a failed LRO.
_TRANSIENT_CODES = {
    "internalservererror",
    "internalerror",
    "serviceunavailable",
    "toomanyrequests",
    "retryableerror",
    "gatewaytimeout",
    "expiredauthenticationtoken",
    "operationtimedout",
    "conflictingoperationinprogress",
    "anotheroperationinprogress",
}
_NAME_TAKEN_CODES = {
    "namenotavailable",
    "storageaccountalreadytaken",
    "storageaccountalreadyexists",
    "alreadyexists",
    "registrynamenotavailable",
    "websitewithgivennamealreadyexists",
    "alreadyinuse",  # ACR: "The registry DNS name <n>.azurecr.io is already in use"
}


def error_code_and_message(exc: HttpResponseError) -> tuple[str, str]:
    """The ARM error code and message, whichever SDK generation raised the error."""
    error = getattr(exc, "error", None)
    code = (getattr(error, "code", None) or "") if error is not None else ""
    message = (getattr(error, "message", None) or "") if error is not None else ""
    if not code or not message:
        response = getattr(exc, "response", None)
        try:
            body = response.json() if response is not None else None
        except Exception:  # not JSON: fall back to the exception text
            body = None
        if isinstance(body, dict):
            inner = body.get("error", body)
            if isinstance(inner, dict):
                code = code or str(inner.get("code") or "")
                message = message or str(inner.get("message") or "")
    if not message:
        message = str(getattr(exc, "message", "") or exc)
    return code, message.strip()


def _retry_after(exc: HttpResponseError) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    value = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def is_retirement(code: str, message: str) -> bool:
    text = message.lower()
    return "retiring" in text or ("retire" in text and "managed redis" in text)


def translate(exc: BaseException, what: str, *, name: str = "", name_field: str = "") -> Exception:
    """The exception to raise instead of `exc` while doing `what` ("creating the storage account").

    `name`/`name_field` let a 409 "name taken" answer point at the profile field to change."""
    detail = scrub(f"{type(exc).__name__}: {exc}")
    if isinstance(exc, (ServiceRequestError, ServiceResponseError)):
        return TransientError(f"Lost the connection to Azure while {what}; trying again.")
    if isinstance(exc, ClientAuthenticationError):
        code, message = error_code_and_message(exc) if isinstance(exc, HttpResponseError) else ("", str(exc))
        if code.lower() == "expiredauthenticationtoken" or "expired" in message.lower():
            return TransientError(f"The sign-in token expired while {what}; getting a fresh one and trying again.")
        return StepFailed(
            f"Azure did not accept your sign-in while {what}. Sign in again (for example `az login`) and deploy again.",
            detail,
        )
    if not isinstance(exc, HttpResponseError):
        return StepFailed(f"Something unexpected went wrong while {what}: {scrub(str(exc))}", detail)
    status = exc.status_code or 0
    code, message = error_code_and_message(exc)
    message = scrub(message)
    lowered = code.lower()
    if lowered == "expiredauthenticationtoken" or (status == 401 and "expired" in message.lower()):
        return TransientError(f"The sign-in token expired while {what}; getting a fresh one and trying again.")
    if status == 401:
        return StepFailed(
            f"Azure did not accept your sign-in while {what}: {message} Sign in again (for example `az login`) "
            "and deploy again.",
            detail,
        )
    if status == 429 or lowered == "toomanyrequests":
        return TransientError(f"Azure is throttling requests while {what}; waiting and trying again.", _retry_after(exc))
    if status >= 500 or lowered in _TRANSIENT_CODES:
        return TransientError(f"Azure answered with a temporary error while {what} ({code or status}); trying again.", _retry_after(exc))
    if status == 400 and is_retirement(code, message):
        return StepFailed(RETIREMENT_SENTENCE, detail)
    if (status == 409 or (status == 400 and lowered in _NAME_TAKEN_CODES)) and (lowered in _NAME_TAKEN_CODES or "taken" in message.lower() or "already exists" in message.lower()):
        field = f" ({name_field})" if name_field else ""
        label = f"'{name}'" if name else "this name"
        return StepFailed(
            f"The name {label} is already taken in Azure, by someone else or by another of your resources. "
            f"Choose a different name{field} and deploy again.",
            detail,
        )
    if status == 403 or lowered in {"authorizationfailed", "linkedauthorizationfailed"}:
        return StepFailed(
            f"Your account is not allowed to do this ({what}): {message} Ask for the Contributor and "
            "User Access Administrator roles on the subscription or resource group, then deploy again.",
            detail,
        )
    if status == 404:
        return StepFailed(f"Azure could not find what it needs while {what}: {message}", detail)
    if lowered in {"quotaexceeded", "operationnotallowed"} or "quota" in message.lower():
        return StepFailed(
            f"Azure refused while {what} because of a quota: {message} Pick another region or SKU, or ask for "
            "more quota in the portal (Subscriptions > Usage + quotas), then deploy again.",
            detail,
        )
    ending = "" if message.endswith(".") else "."
    return StepFailed(f"Azure refused while {what}: {message}{ending} Fix the profile and deploy again.", detail)


def azure_call(what: str, fn: Callable[..., T], *args: Any, name: str = "", name_field: str = "", **kwargs: Any) -> T:
    """Call an SDK function and translate its errors; `what` completes 'while ...'."""
    try:
        return fn(*args, **kwargs)
    except (HttpResponseError, ServiceRequestError, ServiceResponseError) as exc:
        raise translate(exc, what, name=name, name_field=name_field) from exc
