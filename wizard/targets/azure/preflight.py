"""Preflight: what ARM would refuse halfway through a deploy, found before anything is created. An unregistered
resource provider (MissingSubscriptionRegistration), a plan SKU not offered in the region (SkuNotAvailable) and an
exhausted storage-account quota each become one sentence with the fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, ClassVar

from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.errors import azure_call
from wizard.targets.azure.polling import get_or_none
from wizard.targets.base import Outputs, StepContext, StepFailed


def namespaces(profile: Profile) -> list[str]:
    """Resource providers the deployment creates resources in."""
    needed = ["Microsoft.Storage", "Microsoft.Web", "Microsoft.Cache"]
    if profile.function.packaging == "acr-build":
        needed.append("Microsoft.ContainerRegistry")
    if profile.cache.connectivity == "private-endpoint":
        needed.append("Microsoft.Network")
    if getattr(profile.function, "application_insights", False):
        needed += ["Microsoft.Insights", "Microsoft.OperationalInsights"]
    return needed


def _region(name: str) -> str:
    return name.lower().replace(" ", "")


def check_providers(clients: AzureClients, profile: Profile) -> list[str]:
    missing = []
    for ns in namespaces(profile):
        provider = azure_call(_("reading the registration of {namespace}").format(namespace=ns), clients.resource.providers.get, ns)
        if (provider.registration_state or "").lower() != "registered":
            missing.append(ns)
    return missing


def check_plan_sku(clients: AzureClients, profile: Profile) -> bool:
    """Whether the plan's tier is offered for Linux workers in the profile's region."""
    from wizard.targets.azure.functionapp import plan_tier

    tier = plan_tier(profile.function.plan_sku)
    regions = azure_call(
        _("listing the regions that offer the plan SKU"),
        lambda: list(clients.web.list_geo_regions(sku=tier, linux_workers_enabled=True)),
    )
    offered = {_region(r.name or "") for r in regions} | {_region(getattr(r, "display_name", None) or "") for r in regions}
    return _region(profile.azure.location) in offered


def storage_accounts_short(clients: AzureClients, profile: Profile) -> tuple[int, int] | None:
    """(current, limit) when the storage accounts still to be created do not fit the region's quota, else None."""
    from wizard.targets.azure.storage import account_names

    usages = azure_call(_("reading the storage quota"), lambda: list(clients.storage.usages.list_by_location(profile.azure.location)))
    for usage in usages:
        if usage.name is None or (usage.name.value or "").lower() != "storageaccounts":
            continue
        current, limit = int(usage.current_value or 0), int(usage.limit or 0)
        new = [n for n in account_names(profile) if not _account_exists(clients, profile.resource_group.name, n)]
        if new and current + len(new) > limit:
            return current, limit
    return None


def _account_exists(clients: AzureClients, group: str, name: str) -> bool:
    return get_or_none(_("looking for the storage account"), lambda: clients.storage.storage_accounts.get_properties(group, name)) is not None


@dataclass(frozen=True)
class PreflightOutputs(Outputs):
    providers: tuple[str, ...] = ()


class PreflightAction:
    """Reads only; every other Azure step needs it, so nothing is created when it fails. A check: always
    re-checked (registrations, offers and quotas change outside the wizard)."""

    outputs_type: ClassVar[type[Outputs]] = PreflightOutputs

    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for

    def check(self, ctx: StepContext) -> PreflightOutputs:
        profile = ctx.profile
        clients = self._clients_for(profile)
        missing = check_providers(clients, profile)
        if missing:
            commands = "; ".join(f"az provider register --namespace {ns}" for ns in missing)
            raise StepFailed(
                (_("This subscription is not registered for {providers}: register it (`{commands}`, or Subscription "
                   "> Resource providers in the portal) and deploy again.") if len(missing) == 1 else
                 _("This subscription is not registered for {providers}: register them (`{commands}`, or Subscription "
                   "> Resource providers in the portal) and deploy again.")).format(
                    providers=", ".join(missing), commands=commands)
            )
        ctx.report(0.4, _("Checking that the plan SKU is offered in the region"))
        if not check_plan_sku(clients, profile):
            raise StepFailed(
                _("The App Service plan SKU {plan_sku} is not offered for Linux in {location}: choose another plan "
                  "SKU (function.plan_sku) or region (azure.location) and deploy again.").format(
                    plan_sku=profile.function.plan_sku, location=profile.azure.location)
            )
        ctx.report(0.7, _("Checking the storage account quota"))
        short = storage_accounts_short(clients, profile)
        if short is not None:
            current, limit = short
            raise StepFailed(
                _("The subscription already has {current} of its {limit} storage accounts in {location}: delete "
                  "unused ones, reuse one (function.storage_account), or ask for more quota (Subscription > Usage + "
                  "quotas) and deploy again.").format(current=current, limit=limit, location=profile.azure.location)
            )
        ctx.log(_("Preflight: providers registered, {plan_sku} offered in {location}, storage quota left.").format(
            plan_sku=profile.function.plan_sku, location=profile.azure.location))
        return PreflightOutputs(providers=tuple(namespaces(profile)))
