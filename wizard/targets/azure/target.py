"""AzureTarget: the plan's steps for an Azure deployment (one step per resource) and its endpoint and clean-up."""

from __future__ import annotations

import threading
from typing import Any, Callable

from azure.core.credentials import TokenCredential

from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.azure import (
    cache_classic,
    functionapp,
    groups,
    managed_redis,
    monitoring,
    registry,
    servicebus,
    storage,
)
from wizard.targets.azure.auth import default_credential
from wizard.targets.azure.clients import AzureClients
from wizard.targets.base import Endpoint, Step, StepFailed


class AzureTarget:
    name = "azure"

    def __init__(self, credential: TokenCredential | None = None):
        self._credential = credential
        self._lock = threading.Lock()

    def credential(self, profile: Profile) -> TokenCredential:
        with self._lock:
            if self._credential is None:
                self._credential = default_credential(profile)
            return self._credential

    def clients(self, profile: Profile) -> AzureClients:
        """Fresh clients per call: a retried step gets a new pipeline, hence a fresh token after a 401."""
        return AzureClients(profile, self.credential(profile))

    # --- plan ------------------------------------------------------------------------------------

    def steps(self, profile: Profile) -> list[Step]:
        c = self.clients_for
        packaging = profile.function.packaging
        persistence = profile.cache.persistence.mode in ("rdb", "aof") and profile.cache.service == "cache-for-redis"
        classic = profile.cache.service == "cache-for-redis"
        steps = [
            Step("resource-group", _("Create the resource group"), _("resource group {name}").format(name=profile.resource_group.name), (), groups.ResourceGroupAction(c), 5),
            Step("storage", _("Create the storage account"), _("storage account {names}").format(names=", ".join(storage.account_names(profile))),
                 ("resource-group",), storage.StorageAction(c), storage.ESTIMATE_S),
        ]
        if classic:
            steps.append(Step("cache", _("Create the Azure Cache for Redis"), _("Azure Cache for Redis {name} ({sku})").format(name=profile.cache.name, sku=profile.cache.sku),
                              ("resource-group", "storage") if persistence else ("resource-group",),
                              cache_classic.ClassicCacheAction(c), cache_classic.ESTIMATE_S, retries=4))
        else:
            steps.append(Step("cache", _("Create the Azure Managed Redis"), _("Azure Managed Redis {name} ({sku}) + database default").format(name=profile.cache.name, sku=profile.cache.sku),
                              ("resource-group",), managed_redis.ManagedRedisAction(c), managed_redis.ESTIMATE_S))
        if profile.cache.connectivity == "private-endpoint":
            from wizard.targets.azure.network import PrivateEndpointAction, endpoint_name

            steps.append(Step("cache-private-endpoint", _("Create the cache's private endpoint"), _("private endpoint {name}").format(name=endpoint_name(profile)),
                              ("cache",), PrivateEndpointAction(c), 90))
        if packaging == "acr-build":
            steps.append(Step("registry", _("Create the container registry"), _("container registry {name} (Basic)").format(name=registry.registry_name(profile)),
                              ("resource-group",), registry.RegistryAction(c), 60))
            steps.append(Step("package", _("Build the image with ACR Tasks"), _("container image of the function app"),
                              ("registry",), registry.AcrBuildAction(c), registry.BUILD_ESTIMATE_S))
        elif packaging == "azureml":
            from wizard.targets.azure.aml import BUILD_ESTIMATE_S, AmlPackageAction  # the only azureml route

            steps.append(Step("package", _("Package the model with Azure ML"), _("container image in the workspace registry"),
                              ("resource-group",), AmlPackageAction(c, lambda: self.credential(profile)), BUILD_ESTIMATE_S))
        elif packaging == "docker" and "/" not in profile.function.registry:  # an ACR name: build here, push there
            from wizard.targets.azure.docker_push import BUILD_ESTIMATE_S as PUSH_ESTIMATE_S
            from wizard.targets.azure.docker_push import DockerPushAction

            steps.append(Step("registry", _("Create the container registry"), _("container registry {name} (Basic)").format(name=registry.registry_name(profile)),
                              ("resource-group",), registry.RegistryAction(c), 60))
            steps.append(Step("package", _("Build the image here and push it"), _("container image of the function app (pushed)"),
                              ("registry",), DockerPushAction(c), PUSH_ESTIMATE_S))
        elif packaging == "docker":  # a full image reference: an image you already pushed
            steps.append(Step("package", _("Use the pushed image"), _("nothing (the image already exists)"), (), registry.PushedImageAction(c), 2))
        else:
            raise StepFailed(_(
                'The packaging route "{route}" does not work with the Azure target. Choose "acr-build" (build in '
                'Azure from the generated app), "docker" (an image you pushed) or "azureml" (Azure ML packaging).'
            ).format(route=packaging))
        steps += [
            Step("plan", _("Create the App Service plan"), _("App Service plan {name} ({sku}, Linux)").format(name=functionapp.plan_name(profile), sku=profile.function.plan_sku),
                 ("resource-group",), functionapp.PlanAction(c), 60),
            Step("function-app", _("Create the function app"), _("function app {name} (container, managed identity)").format(name=profile.function.app_name),
                 ("plan", "storage", "package"), functionapp.FunctionAppAction(c), 120),
            Step("registry-access", _("Let the app pull its image"), _("AcrPull role assignment (or registry credentials)"),
                 ("function-app", "package"), registry.RegistryAccessAction(c), 10),
            Step("cache-access", _("Give the app access to the cache"),
                 _("Entra access-policy assignment") if profile.cache.authentication == "entra" else _("nothing (access keys)"),
                 ("cache", "function-app"),
                 (cache_classic.ClassicCacheAccessAction(c) if classic else managed_redis.ManagedRedisAccessAction(c)), 30),
            Step("app-settings", _("Write the app settings"), _("app settings (merged)"),
                 ("function-app", "cache", "cache-access", "registry-access", "storage"), functionapp.AppSettingsAction(c), 10),
            Step("function-keys", _("Wait for the function host"), _("nothing (reads the function key)"), ("app-settings",),
                 functionapp.FunctionKeysAction(c), 120),
            Step("smoke-test", _("Warm up the function"), _("nothing (one call with the sample input)"), ("function-keys",),
                 functionapp.SmokeTestAction(c), 20),
        ]
        if monitoring.enabled(profile):  # issue 11 item 16: the app settings carry its connection string
            steps.append(Step("monitoring", _("Create Application Insights"),
                              _("Application Insights {name} + Log Analytics workspace {workspace}").format(
                                  name=monitoring.component_name(profile), workspace=monitoring.workspace_name(profile)),
                              ("resource-group",), monitoring.MonitoringAction(c), monitoring.ESTIMATE_S))
            for step in steps:
                if step.name == "app-settings":
                    step.needs = (*step.needs, "monitoring")
        if servicebus.used(profile):  # issue 11 item 5: identity-based Service Bus connection
            steps.append(Step("service-bus-access", _("Let the app use its Service Bus namespace"),
                              _("Azure Service Bus Data Receiver (+ Sender) role assignments on the namespace"),
                              ("function-app",), servicebus.ServiceBusAccessAction(c), 15))
            for step in steps:
                if step.name == "app-settings":
                    step.needs = (*step.needs, "service-bus-access")
        # Preflight (issue 11 item 14): every other step needs it, so what it finds stops the run before anything is created.
        from wizard.targets.azure.preflight import PreflightAction

        for step in steps:
            step.needs = ("preflight", *step.needs)
        steps.insert(0, Step("preflight", _("Check the subscription"), _("nothing (reads provider registrations, SKU offers, quotas)"),
                             (), PreflightAction(c), 5))
        return steps

    def clients_for(self, profile: Profile) -> AzureClients:
        return self.clients(profile)

    # --- after a deployment ---------------------------------------------------------------

    def endpoint(self, profile: Profile, outputs: dict[str, dict[str, Any]]) -> Endpoint:
        keys = outputs.get("function-keys") or {}
        if not keys.get("invoke_url"):
            if "function-keys" not in outputs:
                raise StepFailed(_("The deployment {name} has not finished; deploy it first.").format(name=profile.name))
            return Endpoint(url="", key="", health_url=keys.get("health_url", ""))
        key = functionapp.function_key(self.clients(profile), profile, keys["function"])
        if not key:
            raise StepFailed(_("The function app does not answer yet, so its key cannot be read. Try again in a minute."))
        return Endpoint(url=keys["invoke_url"], key=key, auth_header="x-functions-key", health_url=keys.get("health_url", ""))

    def resources(self, profile: Profile) -> list[str]:
        return groups.list_resources(self.clients(profile), profile.resource_group.name)

    def destroy(self, profile: Profile, log: Callable[[str], None], cancel_event: threading.Event,
                typed_name: str | None = None) -> None:
        groups.delete_group(self.clients(profile), profile, log, cancel_event, typed_name=typed_name)
