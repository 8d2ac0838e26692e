"""Turns what the Azure SDK raises into the engine's language: a retry (TransientError) or a sentence (StepFailed)."""

from __future__ import annotations

import gettext
import logging
from typing import Any, Callable, TypeVar

from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ServiceRequestError,
    ServiceResponseError,
)

from wizard import i18n
from wizard.i18n import _
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
    # The journal keeps the sentence in the language it was shown in; the user may have switched since.
    return sentence.strip() in _in_every_language(RETIREMENT_SENTENCE)


def _in_every_language(text: str) -> set[str]:
    """`text` and its translation in each language the wizard ships."""
    found = {text, _(text)}
    localedir = str(i18n.translations_dir() / "locale")
    for lang in i18n.LANGUAGES:
        for domain in i18n.domains(lang) if lang != "en" else []:
            found.add(gettext.translation(domain, localedir=localedir, languages=[lang], fallback=True).gettext(text))
    return found


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
    """The exception to raise instead of `exc` while doing `what` (a translated phrase such as
    `_("creating the storage account")`, which completes "while ...").

    `name`/`name_field` let a 409 "name taken" answer point at the profile field to change."""
    detail = scrub(f"{type(exc).__name__}: {exc}")
    if isinstance(exc, (ServiceRequestError, ServiceResponseError)):
        return TransientError(_("Lost the connection to Azure while {what}; trying again.").format(what=what))
    if isinstance(exc, ClientAuthenticationError):
        code, message = error_code_and_message(exc) if isinstance(exc, HttpResponseError) else ("", str(exc))
        if code.lower() == "expiredauthenticationtoken" or "expired" in message.lower():
            return TransientError(
                _("The sign-in token expired while {what}; getting a fresh one and trying again.").format(what=what))
        return StepFailed(
            _("Azure did not accept your sign-in while {what}. Sign in again (for example `az login`) and deploy "
              "again.").format(what=what),
            detail,
        )
    if not isinstance(exc, HttpResponseError):
        return StepFailed(
            _("Something unexpected went wrong while {what}: {error}").format(what=what, error=scrub(str(exc))), detail)
    status = exc.status_code or 0
    code, message = error_code_and_message(exc)
    message = scrub(message)  # Azure's own message stays in the language Azure wrote it in
    lowered = code.lower()
    if lowered == "expiredauthenticationtoken" or (status == 401 and "expired" in message.lower()):
        return TransientError(
            _("The sign-in token expired while {what}; getting a fresh one and trying again.").format(what=what))
    if status == 401:
        return StepFailed(
            _("Azure did not accept your sign-in while {what}: {message} Sign in again (for example `az login`) "
              "and deploy again.").format(what=what, message=message),
            detail,
        )
    if status == 429 or lowered == "toomanyrequests":
        return TransientError(
            _("Azure is throttling requests while {what}; waiting and trying again.").format(what=what),
            _retry_after(exc))
    if status >= 500 or lowered in _TRANSIENT_CODES:
        return TransientError(
            _("Azure answered with a temporary error while {what} ({code}); trying again.").format(
                what=what, code=code or status),
            _retry_after(exc))
    if status == 400 and is_retirement(code, message):
        return StepFailed(_(RETIREMENT_SENTENCE), detail)
    if (status == 409 or (status == 400 and lowered in _NAME_TAKEN_CODES)) and (lowered in _NAME_TAKEN_CODES or "taken" in message.lower() or "already exists" in message.lower()):
        field = f" ({name_field})" if name_field else ""
        if not name:
            return StepFailed(
                _("This name is already taken in Azure, by someone else or by another of your resources. "
                  "Choose a different name{field} and deploy again.").format(field=field),
                detail,
            )
        return StepFailed(
            _("The name {label} is already taken in Azure, by someone else or by another of your resources. "
              "Choose a different name{field} and deploy again.").format(label=f"'{name}'", field=field),
            detail,
        )
    if status == 403 or lowered in {"authorizationfailed", "linkedauthorizationfailed"}:
        return StepFailed(
            _("Your account is not allowed to do this ({what}): {message} Ask for the Contributor and "
              "User Access Administrator roles on the subscription or resource group, then deploy again.").format(
                what=what, message=message),
            detail,
        )
    if status == 404:
        return StepFailed(
            _("Azure could not find what it needs while {what}: {message}").format(what=what, message=message), detail)
    if lowered in {"quotaexceeded", "operationnotallowed"} or "quota" in message.lower():
        return StepFailed(
            _("Azure refused while {what} because of a quota: {message} Pick another region or SKU, or ask for "
              "more quota in the portal (Subscriptions > Usage + quotas), then deploy again.").format(
                what=what, message=message),
            detail,
        )
    ending = "" if message.endswith(".") else "."
    return StepFailed(
        _("Azure refused while {what}: {message}{ending} Fix the profile and deploy again.").format(
            what=what, message=message, ending=ending),
        detail)


def azure_call(what: str, fn: Callable[..., T], *args: Any, name: str = "", name_field: str = "", **kwargs: Any) -> T:
    """Call an SDK function and translate its errors; `what` (a translated phrase) completes 'while ...'."""
    try:
        return fn(*args, **kwargs)
    except (HttpResponseError, ServiceRequestError, ServiceResponseError) as exc:
        raise translate(exc, what, name=name, name_field=name_field) from exc
