"""The functions host's own status (GET https://<app>/admin/host/status with the master key): binding errors the
host found while indexing the app (e.g. a Service Bus connection setting that is missing), which a non-HTTP app
would otherwise hide behind a green deploy."""

from __future__ import annotations

import requests
from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError

from wizard.i18n import _
from wizard.profile import Profile
from wizard.secrets import registry, scrub
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.config import verify_setting
from wizard.targets.base import StepFailed, TransientError


def check(clients: AzureClients, profile: Profile, host_name: str) -> str:
    """The host's state ("Running"); StepFailed with the host's first error when it reports errors."""
    try:
        keys = clients.web.web_apps.list_host_keys(profile.resource_group.name, profile.function.app_name)
    except (HttpResponseError, ServiceRequestError, ServiceResponseError) as exc:
        raise TransientError(_("The functions host does not hand out its keys yet; trying again.")) from exc
    master = keys.master_key or ""
    registry.add(master)
    try:
        answer = requests.get(f"https://{host_name}/admin/host/status", headers={"x-functions-key": master},
                              timeout=30, verify=verify_setting())
    except requests.RequestException as exc:
        raise TransientError(_("The host status did not answer ({error}); trying again.").format(
            error=scrub(str(exc)))) from exc
    if answer.status_code >= 500 or answer.status_code in (404, 429):
        raise TransientError(_("The host status answered {status_code}; the app is still starting. Trying again.").format(
            status_code=answer.status_code))
    if answer.status_code != 200:
        raise StepFailed(_("The functions host status answered {status_code}; look at the app's logs in the portal.").format(
            status_code=answer.status_code),
                         scrub(answer.text[:500]))
    status = answer.json()
    errors = [str(e) for e in status.get("errors") or []]
    if errors or str(status.get("state", "")).lower() == "error":
        first = errors[0] if errors else _("the host is in state Error")
        raise StepFailed(
            _("The functions host reports an error, so the trigger never starts: {error} Fix the app's settings or "
              "bindings (for Service Bus: function.trigger.service_bus_namespace) and deploy again.").format(
                error=scrub(first)),
            scrub("\n".join(errors)),
        )
    return str(status.get("state", ""))
