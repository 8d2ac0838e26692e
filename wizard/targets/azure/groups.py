"""The resource group: create it with our tags or reuse one; list what it holds; delete it (only ours, unless typed)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Mapping

from azure.mgmt.resource.resources.models import ResourceGroup

from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.errors import azure_call
from wizard.targets.azure.polling import get_or_none, wait_lro
from wizard.targets.base import Change, FirstInterface, Observed, Outputs, StepContext, StepFailed

CREATED_BY_TAG = "created-by"
CREATED_BY_VALUE = "mlfunc-wizard"
DEPLOYMENT_TAG = "mlfunc-deployment"


def our_tags(profile: Profile) -> dict[str, str]:
    """The profile's tags plus ours: they mark what this tool created, for safe clean-up."""
    tags = dict(profile.tags)
    tags[CREATED_BY_TAG] = CREATED_BY_VALUE
    tags[DEPLOYMENT_TAG] = profile.name
    return tags


def is_ours(group: Any) -> bool:
    return (getattr(group, "tags", None) or {}).get(CREATED_BY_TAG) == CREATED_BY_VALUE


@dataclass(frozen=True)
class GroupOutputs(Outputs):
    resource_group: str
    location: str = ""
    id: str = ""
    created_by_us: bool = False


class ResourceGroupAction(FirstInterface):
    """Create the group with our tags, or reuse it as it is: a reused group's tags and location are never
    changed, so it has no settings to compare (it is either there or created)."""

    outputs_type: ClassVar[type[Outputs]] = GroupOutputs
    replace_on: ClassVar[Mapping[str, str]] = {}

    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for

    @staticmethod
    def _outputs(group: Any) -> GroupOutputs:
        return GroupOutputs(resource_group=group.name, location=group.location, id=group.id,
                            created_by_us=is_ours(group))

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        return {}

    def observe(self, ctx: StepContext) -> Observed | None:
        clients = self._clients_for(ctx.profile)
        name = ctx.profile.resource_group.name
        group = get_or_none(_("looking for the resource group"), lambda: clients.resource.resource_groups.get(name))
        return Observed({}, self._outputs(group)) if group is not None else None

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        assert observed.outputs is not None
        ctx.log(_("Reusing the resource group {name} ({location}).").format(
            name=ctx.profile.resource_group.name, location=observed.outputs["location"]))
        return observed.outputs

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> Outputs:
        return self.adopt(ctx, observed)

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        raise StepFailed(_("A resource group is never replaced; destroy the deployment to delete it."))

    def create(self, ctx: StepContext) -> GroupOutputs:
        profile = ctx.profile
        clients = self._clients_for(profile)
        name = profile.resource_group.name
        group = get_or_none(_("looking for the resource group"), lambda: clients.resource.resource_groups.get(name))
        if group is not None:  # made meanwhile (or a caller of run() without observing): reuse it untouched
            ctx.log(_("Reusing the resource group {name} ({location}).").format(name=name, location=group.location))
            return self._outputs(group)
        if not profile.resource_group.create:
            raise StepFailed(
                _("The resource group {name} does not exist in this subscription. Pick an existing group, or let the "
                  "wizard create it (resource_group.create = true).").format(name=name)
            )
        group = azure_call(
            _("creating the resource group"),
            clients.resource.resource_groups.create_or_update,
            name,
            ResourceGroup(location=profile.azure.location, tags=our_tags(profile)),
        )
        ctx.log(_("Created the resource group {name} in {location}.").format(name=name, location=group.location))
        return self._outputs(group)


def list_resources(clients: AzureClients, group_name: str) -> list[str]:
    """'type/name' of everything in the group, for the clean-up confirmation."""
    group = get_or_none(_("looking for the resource group"), lambda: clients.resource.resource_groups.get(group_name))
    if group is None:
        return []
    items = azure_call(
        _("listing the resource group"), lambda: list(clients.resource.resources.list_by_resource_group(group_name))
    )
    return sorted(f"{item.type}/{item.name}" for item in items)


def delete_group(
    clients: AzureClients,
    profile: Profile,
    log: Callable[[str], None],
    cancel_event: threading.Event,
    typed_name: str | None = None,
) -> None:
    """Delete the whole group as an LRO. A group this tool did not create goes only when its name was typed."""
    name = profile.resource_group.name
    group = get_or_none(_("looking for the resource group"), lambda: clients.resource.resource_groups.get(name))
    if group is None:
        log(_("The resource group {name} does not exist any more; nothing to delete.").format(name=name))
        return
    if not is_ours(group) and (typed_name or "") != name:
        raise StepFailed(
            _("The resource group {name} was not created by mlfunc-wizard (it has no created-by tag), so it may hold "
              "other work. Type its exact name to confirm that everything in it should be deleted.").format(
                name=name)
        )
    remove_role_assignments_outside(clients, profile, log)
    for item in list_resources(clients, name):
        log(_("Deleting {item}").format(item=item))
    ctx = StepContext(
        profile=profile,
        state_dir=None,  # type: ignore[arg-type]  # not used by wait_lro
        outputs={},
        cancel_event=cancel_event,
        report=lambda fraction, message: None,
        log=log,
    )
    wait_lro(ctx, lambda: clients.resource.resource_groups.begin_delete(name), _("deleting the resource group"), estimate_s=300)
    log(_("Deleted the resource group {name}.").format(name=name))


def remove_role_assignments_outside(clients: AzureClients, profile: Profile, log: Callable[[str], None]) -> list[str]:
    """Role assignments of the function app's identity outside the group (e.g. AcrPull on a reused registry,
    Service Bus roles on a namespace) survive the group's deletion as orphans: remove them first, saying which."""
    from wizard.targets.azure import roles

    group = profile.resource_group.name
    site = get_or_none(_("looking for the function app"), lambda: clients.web.web_apps.get(group, profile.function.app_name))
    principal = getattr(getattr(site, "identity", None), "principal_id", None) if site is not None else None
    if not principal:
        return []
    removed = roles.remove_outside_group(clients, group, principal, log)
    if not removed:
        log(_("No role assignments outside the resource group to remove."))
    return removed

