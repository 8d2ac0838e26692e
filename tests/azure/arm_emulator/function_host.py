"""The functions host and the Redis data plane as far as ARM tests need them: which functions and auth level an
image holds (read from the uploaded build context, as the real host reads the app), which key an endpoint
accepts, and whether the app's cache credentials would be accepted by the cache."""

from __future__ import annotations

import re
import tarfile
from typing import Any

# Python v2 programming model: func.FunctionApp(http_auth_level=func.AuthLevel.X) and @app.function_name(name=...)
_AUTH = re.compile(r"http_auth_level\s*=\s*func\.AuthLevel\.(\w+)")
_FUNCTION = re.compile(r"@app\.function_name\(\s*name\s*=\s*[\"']([^\"']+)[\"']")


def read_app(tar: tarfile.TarFile) -> dict[str, Any] | None:
    """Auth level and function names of the app in a build context (None when it holds no function_app.py)."""
    try:
        member = tar.extractfile("function_app.py")
    except KeyError:
        return None
    if member is None:
        return None
    code = member.read().decode("utf-8", "replace")
    auth = _AUTH.search(code)
    return {"auth_level": (auth.group(1) if auth else "FUNCTION").lower(), "functions": _FUNCTION.findall(code)}


def remember(state: Any, images: list[dict[str, str]], app: dict[str, Any] | None) -> None:
    """Record what each pushed image holds, by its full name (registry/repository:tag)."""
    if app is None:
        return
    store = state.__dict__.setdefault("images", {})
    for image in images:
        store[f"{image['registry']}/{image['repository']}:{image['tag']}".lower()] = app


def app_of(state: Any, hidden: dict[str, Any]) -> dict[str, Any] | None:
    """The app in the image a site runs (linuxFxVersion DOCKER|<image>), when the emulator built it."""
    fx = str(hidden.get("config", {}).get("linuxFxVersion") or "")
    if not fx.upper().startswith("DOCKER|"):
        return None
    return state.__dict__.get("images", {}).get(fx[7:].lower())


def has_function(state: Any, hidden: dict[str, Any], name: str) -> bool:
    """functions/{name}/listkeys answers 404 for a function the image does not hold (docs: Web Apps -
    List Function Keys; the host knows only its indexed functions). Images the emulator did not build pass."""
    app = app_of(state, hidden)
    return app is None or name.lower() in {f.lower() for f in app["functions"]}


def key_accepted(state: Any, hidden: dict[str, Any], key: str | None) -> bool:
    """docs (functions-bindings-http-webhook-trigger, "Authorization keys"): function level takes a function key or
    the master key; admin level only the master key; anonymous none."""
    app = app_of(state, hidden)
    level = app["auth_level"] if app else "function"
    if level == "anonymous":
        return True
    if not key:
        return False
    if level == "admin":
        return key == hidden.get("master_key")
    return key in (hidden.get("function_key"), hidden.get("master_key"))


def find_site(state: Any, key: str | None) -> dict[str, Any] | None:
    """The site whose function host an invocation reaches: the one whose keys include `key`, else the only site
    with an anonymous app (every emulated site shares the emulator's host name)."""
    sites = [h for h in state.hidden.values() if h.get("function_key")]
    for hidden in sites:
        if key and key in (hidden.get("function_key"), hidden.get("master_key")):
            return hidden
    for hidden in sites:
        app = app_of(state, hidden)
        if app and app["auth_level"] == "anonymous":
            return hidden
    return None


def cache_refusal(state: Any, settings: dict[str, str]) -> str | None:
    """Why the app's cache would refuse its credentials (None when it accepts them, or names no cache).

    Classic: `disableAccessKeyAuthentication` true refuses keys (spec 2024-11-01: "Authentication to Redis through
    access keys is disabled when set as true"); Entra needs `aad-enabled`. Managed Redis: a database whose
    `accessKeysAuthentication` is not Enabled refuses keys (AZURE_NOTES: the default is Disabled)."""
    host = (settings.get("REDIS_HOST") or "").lower()
    if not host:
        return None
    for key, resource in state.resources.items():
        props = resource.get("properties") or {}
        if str(props.get("hostName") or "").lower() != host:
            continue
        rtype = resource["type"].lower()
        if rtype == "microsoft.cache/redis":
            if settings.get("REDIS_PASSWORD"):
                if props.get("disableAccessKeyAuthentication"):
                    return "access keys are disabled on the cache"
                if settings["REDIS_PASSWORD"] not in state.hidden.get(key, {}).get("keys", {}).values():
                    return "WRONGPASS invalid password"
            elif settings.get("REDIS_ENTRA") and str((props.get("redisConfiguration") or {}).get("aad-enabled", "")).lower() != "true":
                return "Microsoft Entra authentication is not enabled on the cache"
            return None
        if rtype == "microsoft.cache/redisenterprise":
            db = state.resources.get(f"{key}/databases/default")
            if db is None:
                return "the cache has no database"
            if settings.get("REDIS_PASSWORD"):
                if (db.get("properties") or {}).get("accessKeysAuthentication") != "Enabled":
                    return "access keys authentication is disabled on the database"
                if settings["REDIS_PASSWORD"] not in state.hidden.get(f"{key}/databases/default", {}).get("keys", {}).values():
                    return "WRONGPASS invalid password"
            return None
    return None


def site_put(hidden: dict[str, Any], body: dict[str, Any], warmup: int) -> None:
    """A PUT of an existing site: siteConfig replaces the configuration, and `appSettings`, when sent, replace the
    whole settings list (AZURE_NOTES "Site PUT replaces"; docs: Web Apps - Create Or Update is a full PUT, and
    `update_application_settings` "Replaces the application settings of an app")."""
    config = dict((body.get("properties") or {}).get("siteConfig") or {})
    if not config:
        return
    settings = config.pop("appSettings", None)
    hidden.setdefault("config", {}).update(config)
    if settings is not None:
        hidden["settings"] = {item["name"]: item["value"] for item in settings}
    hidden["warmup"] = warmup  # the host restarts with the new configuration
