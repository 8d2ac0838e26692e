"""Does a registry hold a tag? A HEAD of the manifest on the registry's data plane (Docker Registry HTTP API v2),
signed in as `az acr login` does; it reads only. Used by the docker route, whose push needs the same access."""

from __future__ import annotations

import base64
import re

import requests

from wizard.core.errors import WizardError
from wizard.i18n import _
from wizard.secrets import registry as secret_registry
from wizard.targets.base import StepFailed, TransientError

TIMEOUT_S = 30.0
# What a push of this tool (or `docker push`) leaves under a tag: a single image or an index of several.
MANIFEST_TYPES = (
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
)


def _challenge(header: str) -> tuple[str, dict[str, str]]:
    """`Bearer realm="...",service="...",scope="..."` -> ("bearer", {realm, service, scope})."""
    scheme, _sp, rest = header.strip().partition(" ")
    return scheme.lower(), dict(re.findall(r'(\w+)="([^"]*)"', rest))


def _bearer(params: dict[str, str], login_server: str, repository: str, refresh_token: str, verify: bool | str) -> str:
    """An access token for pulling `repository`, from the registry's token endpoint (grant_type=refresh_token)."""
    form = {"grant_type": "refresh_token", "service": params.get("service", login_server),
            "scope": params.get("scope") or f"repository:{repository}:pull", "refresh_token": refresh_token}
    try:
        answer = requests.post(params.get("realm") or f"https://{login_server}/oauth2/token", data=form,
                               timeout=TIMEOUT_S, verify=verify)
    except requests.RequestException as exc:
        raise TransientError(_("Could not reach the registry {server} ({error}); trying again.").format(
            server=login_server, error=type(exc).__name__)) from None
    try:
        token = str(answer.json()["access_token"])
    except (ValueError, KeyError, TypeError):
        raise StepFailed(_("The registry {server} gave no access token for reading {repository} (HTTP {status}); you "
                           "need the AcrPull role on it, or sign in again.").format(
            server=login_server, repository=repository, status=answer.status_code)) from None
    secret_registry.add(token)
    return token


def manifest_digest(login_server: str, repository: str, tag: str, arm_token: str, *, tenant: str = "",
                    verify: bool | str = True) -> str | None:
    """The digest the registry serves for repository:tag ("" when it does not say), or None when there is no
    such tag. Follows the registry's challenge: Bearer (ACR: a pull token from the refresh token) or Basic."""
    from wizard.containers.registry import acr_exchange  # the push's own sign-in

    try:
        auth = acr_exchange(login_server, arm_token, tenant=tenant, verify=verify)
    except WizardError as exc:
        raise StepFailed(exc.message) from None
    secret_registry.add(auth.password)
    url = f"https://{login_server}/v2/{repository}/manifests/{tag}"
    headers = {"Accept": ", ".join(MANIFEST_TYPES)}

    def head() -> requests.Response:
        try:
            return requests.head(url, headers=headers, timeout=TIMEOUT_S, verify=verify, allow_redirects=True)
        except requests.RequestException as exc:
            raise TransientError(_("Could not reach the registry {server} ({error}); trying again.").format(
                server=login_server, error=type(exc).__name__)) from None

    answer = head()
    if answer.status_code == 401:
        scheme, params = _challenge(answer.headers.get("WWW-Authenticate", ""))
        if scheme == "bearer":
            headers["Authorization"] = "Bearer " + _bearer(params, login_server, repository, auth.password, verify)
        else:
            headers["Authorization"] = "Basic " + base64.b64encode(f"{auth.username}:{auth.password}".encode()).decode()
        answer = head()
    if answer.status_code == 404:
        return None
    if answer.status_code == 200:
        return answer.headers.get("Docker-Content-Digest", "")
    if answer.status_code == 429 or answer.status_code >= 500:
        raise TransientError(_("The registry {server} answered {status}; trying again.").format(
            server=login_server, status=answer.status_code))
    raise StepFailed(_("The registry {server} refused to show {repository}:{tag} (HTTP {status}); you need the "
                       "AcrPull role on it, or sign in again.").format(
        server=login_server, repository=repository, tag=tag, status=answer.status_code))
