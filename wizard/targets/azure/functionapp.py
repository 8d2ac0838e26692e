"""The App Service plan, the function app from the container image, its merged app settings, its function key
(fetched once the host answers) and one warm-up call."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Mapping, Protocol
from urllib.parse import urlsplit

import requests
from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError
from azure.mgmt.web.models import (
    AppServicePlan,
    AppServicePlanProperties,
    ManagedServiceIdentity,
    NameValuePair,
    Site,
    SiteConfig,
    SiteConfigResource,
    SitePatchResource,
    SiteProperties,
    SkuDescription,
    StringDictionary,
)

from wizard.i18n import _
from wizard.profile import Profile
from wizard.secrets import registry, scrub
from wizard.targets.azure import cache_classic, host_status, managed_redis, monitoring, servicebus, storage
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.config import verify_setting
from wizard.targets.azure.errors import azure_call, translate
from wizard.targets.azure.groups import our_tags
from wizard.targets.azure.polling import get_or_none, wait_lro, wait_until
from wizard.targets.azure.registry import registry_credentials
from wizard.targets.base import Change, FirstInterface, Observed, Outputs, StepContext, StepFailed, TransientError

HOST_TIMEOUT_S = 15 * 60.0  # a container's first start pulls the image: minutes, not seconds

_TIERS = {"B": "Basic", "S": "Standard", "P": "PremiumV3", "EP": "ElasticPremium", "I": "IsolatedV2"}
# Functions Premium plans scale out by events up to this many instances (`az functionapp plan create --max-burst`).
MAX_ELASTIC_WORKERS = 20


def plan_name(profile: Profile) -> str:
    return f"{profile.function.app_name}-plan"


def is_elastic(sku: str) -> bool:
    """EP1-EP3: Azure Functions Premium. Such plans are kind "elastic" and scale by events, so "Always on" is
    refused there (as on Consumption "Y1"); Dedicated plans (B/S/P) are kind "linux" and want Always on."""
    return sku.upper().startswith("EP")


def always_on(sku: str) -> bool:
    return not (is_elastic(sku) or sku.upper().startswith("Y"))


def plan_tier(sku: str) -> str:
    sku = sku.upper()
    if sku.startswith("EP"):
        return _TIERS["EP"]
    if sku.startswith("P") and sku.endswith("V2"):
        return "PremiumV2"
    return _TIERS.get(sku[:1], "Basic")


@dataclass(frozen=True)
class PlanOutputs(Outputs):
    plan: str
    id: str
    sku: str = ""


def plan_body(profile: Profile) -> AppServicePlan:
    """The plan's PUT body (also what the template export writes: wizard/targets/azure/export.py)."""
    sku = profile.function.plan_sku.upper()
    # docs: learn.microsoft.com/azure/azure-functions/functions-premium-plan: a Premium plan is kind "elastic",
    # reserved (Linux), with a maximum elastic worker count; a Dedicated plan is kind "linux".
    return AppServicePlan(
        location=profile.azure.location,
        kind="elastic" if is_elastic(sku) else "linux",
        tags=our_tags(profile),
        sku=SkuDescription(name=sku, tier=plan_tier(sku), capacity=1),
        properties=AppServicePlanProperties(
            reserved=True, maximum_elastic_worker_count=MAX_ELASTIC_WORKERS if is_elastic(sku) else None),
    )


class PlanAction(FirstInterface):
    """A Linux App Service plan (B1 by default): containers on Functions need Dedicated or Premium plans.
    Its SKU changes in place (a scale up or down), as `az appservice plan update --sku` does."""

    outputs_type: ClassVar[type[Outputs]] = PlanOutputs
    replace_on: ClassVar[Mapping[str, str]] = {}

    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        return {"function.plan_sku": ctx.profile.function.plan_sku.upper()}

    def observe(self, ctx: StepContext) -> Observed | None:
        clients = self._clients_for(ctx.profile)
        found = get_or_none(
            _("looking for the App Service plan"),
            lambda: clients.web.app_service_plans.get(ctx.profile.resource_group.name, plan_name(ctx.profile)),
        )
        if found is None:
            return None
        sku = (found.sku.name or "").upper() if found.sku else ""
        return Observed({"function.plan_sku": sku}, PlanOutputs(plan=found.name or "", id=found.id or "", sku=sku))

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        assert observed.outputs is not None
        return observed.outputs

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> PlanOutputs:
        return self.create(ctx)  # the same PUT with the new SKU

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        raise StepFailed(_("The App Service plan is never replaced; destroy the deployment to delete it."))

    def create(self, ctx: StepContext) -> PlanOutputs:
        profile = ctx.profile
        clients = self._clients_for(profile)
        sku = profile.function.plan_sku.upper()
        body = plan_body(profile)
        plan = wait_lro(
            ctx,
            lambda: clients.web.app_service_plans.begin_create_or_update(profile.resource_group.name, plan_name(profile), body),
            _("creating the App Service plan"),
            estimate_s=60,
        )
        return PlanOutputs(plan=plan.name or "", id=plan.id or "", sku=sku)


def base_settings(login_server: str) -> dict[str, str]:
    """What `az functionapp create --image` writes, minus secrets."""
    return {
        "FUNCTIONS_EXTENSION_VERSION": "~4",
        "FUNCTIONS_WORKER_RUNTIME": "python",
        "WEBSITES_ENABLE_APP_SERVICE_STORAGE": "false",
        "FUNCTION_APP_EDIT_MODE": "readOnly",
        "DOCKER_REGISTRY_SERVER_URL": f"https://{login_server}",
    }


def site_body(profile: Profile, image: str, login_server: str, plan_id: str, sku: str, acr_identity: bool) -> Site:
    """The function app's PUT body (also what the template export writes: wizard/targets/azure/export.py)."""
    settings = base_settings(login_server)
    return Site(
        location=profile.azure.location,
        kind="functionapp,linux,container",
        tags=our_tags(profile),
        identity=ManagedServiceIdentity(type="SystemAssigned"),
        properties=SiteProperties(
            server_farm_id=plan_id,
            reserved=True,
            https_only=True,
            site_config=SiteConfig(
                linux_fx_version=f"DOCKER|{image}",
                always_on=always_on(sku),  # refused on Premium (elastic) and Consumption plans
                ftps_state="Disabled",
                min_tls_version="1.2",
                acr_use_managed_identity_creds=acr_identity,
                app_settings=[NameValuePair(name=k, value=v) for k, v in settings.items()],
            ),
        ),
    )


@dataclass(frozen=True)
class FunctionAppOutputs(Outputs):
    app: str
    id: str = ""
    default_host_name: str = ""
    principal_id: str | None = None
    image: str = ""


def _plan_of(server_farm_id: str | None) -> str:
    return (server_farm_id or "").rstrip("/").rsplit("/", 1)[-1].lower()


class FunctionAppAction(FirstInterface):
    """The function app (`functionapp,linux,container`, always on, system-assigned identity) running the image.
    An existing app is compared on its image (linuxFxVersion), httpsOnly, alwaysOn (from the plan's SKU) and
    its plan; all change in place: the image and alwaysOn through config/web, httpsOnly and the plan through a
    PATCH of the site. Never a second site PUT: it would replace the app settings with the base ones."""

    outputs_type: ClassVar[type[Outputs]] = FunctionAppOutputs
    replace_on: ClassVar[Mapping[str, str]] = {}

    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        profile = ctx.profile
        return {
            "linuxFxVersion": f"DOCKER|{ctx.outputs['package']['image']}",
            "httpsOnly": True,
            "alwaysOn": always_on(profile.function.plan_sku),
            "plan": plan_name(profile).lower(),
        }

    def observe(self, ctx: StepContext) -> Observed | None:
        profile = ctx.profile
        clients = self._clients_for(profile)
        group, name = profile.resource_group.name, profile.function.app_name
        site = get_or_none(_("looking for the function app"), lambda: clients.web.web_apps.get(group, name))
        if site is None or not site.identity or not site.identity.principal_id:
            return None  # create() finishes it (a PUT with the identity)
        config = azure_call(_("reading the function app's configuration"), clients.web.web_apps.get_configuration, group, name)
        fx = config.linux_fx_version or ""
        settings = {
            "linuxFxVersion": fx,
            "httpsOnly": bool(site.https_only),
            "alwaysOn": bool(config.always_on),
            "plan": _plan_of(site.server_farm_id),
        }
        return Observed(settings, self._outputs(site, fx.removeprefix("DOCKER|")), handle=site)

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        assert observed.outputs is not None
        return observed.outputs

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> FunctionAppOutputs:
        profile = ctx.profile
        clients = self._clients_for(profile)
        group, name = profile.resource_group.name, profile.function.app_name
        wanted = self.desired(ctx)
        changed = {c.setting for c in change.settings}
        image = str(ctx.outputs["package"]["image"])
        config: dict[str, Any] = {}
        if "linuxFxVersion" in changed:
            config["linux_fx_version"] = wanted["linuxFxVersion"]
        if "alwaysOn" in changed:
            config["always_on"] = wanted["alwaysOn"]
        if config:
            # A PUT of the site would REPLACE its app settings with the base ones (AzureWebJobsStorage, REDIS_* and
            # the registry settings gone until the settings step runs): change the image through config/web.
            azure_call(
                _("switching the function app to the new image") if "linux_fx_version" in config else _("changing the function app's Always on"),
                clients.web.web_apps.update_configuration,
                group,
                name,
                SiteConfigResource(**config),
            )
            if "linux_fx_version" in config:
                ctx.log(_("The function app now runs {image}").format(image=image))
        site: dict[str, Any] = {}
        if "httpsOnly" in changed:
            site["https_only"] = wanted["httpsOnly"]
        if "plan" in changed:
            site["server_farm_id"] = ctx.output(PlanOutputs).id
        if site:
            azure_call(_("updating the function app"), clients.web.web_apps.update, group, name, SitePatchResource(**site))
        return self._outputs(azure_call(_("reading the function app"), clients.web.web_apps.get, group, name), image)

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        raise StepFailed(_("The function app is never replaced; destroy the deployment to delete it."))

    def create(self, ctx: StepContext) -> FunctionAppOutputs:
        profile = ctx.profile
        clients = self._clients_for(profile)
        package = ctx.outputs["package"]
        group, name = profile.resource_group.name, profile.function.app_name
        found = get_or_none(_("looking for the function app"), lambda: clients.web.web_apps.get(group, name))
        if found is not None and found.identity and found.identity.principal_id:
            # Made meanwhile, or a caller of run() without observing: change only the image, through config/web.
            azure_call(
                _("switching the function app to the new image"),
                clients.web.web_apps.update_configuration,
                group,
                name,
                SiteConfigResource(properties=SiteConfig(linux_fx_version=f"DOCKER|{package['image']}")),
            )
            ctx.log(_("The function app now runs {image}").format(image=package["image"]))
            return self._outputs(azure_call(_("reading the function app"), clients.web.web_apps.get, group, name), package["image"])
        plan = ctx.outputs["plan"]
        sku = str(plan.get("sku") or profile.function.plan_sku)
        site = site_body(profile, package["image"], package["login_server"], plan["id"], sku, bool(package.get("registry_id")))
        created = wait_lro(
            ctx,
            lambda: clients.web.web_apps.begin_create_or_update(profile.resource_group.name, profile.function.app_name, site),
            _("creating the function app"),
            estimate_s=120,
            name=profile.function.app_name,
            name_field="function.app_name",
        )
        # The create answer may omit the identity; the GET always carries it.
        site_now = azure_call(_("reading the function app"), clients.web.web_apps.get, profile.resource_group.name, profile.function.app_name)
        return self._outputs(site_now if site_now.identity else created, package["image"])

    @staticmethod
    def _outputs(site: Any, image: str) -> FunctionAppOutputs:
        return FunctionAppOutputs(
            app=site.name or "",
            id=site.id or "",
            default_host_name=site.default_host_name or "",
            principal_id=site.identity.principal_id if site.identity else None,
            image=image,
        )


class SettingValues(Protocol):
    """Where the secret-bearing and server-set setting values come from: the live step reads them from Azure;
    the template export (export.py) writes template functions (listKeys, reference) in their place."""

    def storage_connection(self, account: str) -> str: ...

    def cache_key(self, service: str) -> str: ...

    def insights_connection(self) -> str: ...


class LiveValues:
    """The values as the app-settings step reads them (each secret registered for masking where it is read)."""

    def __init__(self, clients: AzureClients, profile: Profile):
        self.clients, self.profile = clients, profile

    def storage_connection(self, account: str) -> str:
        return storage.connection_string(self.clients, self.profile.resource_group.name, account)

    def cache_key(self, service: str) -> str:
        if service == "managed-redis":
            return managed_redis.primary_key(self.clients, self.profile)
        return cache_classic.primary_key(self.clients, self.profile)

    def insights_connection(self) -> str:
        return monitoring.connection_string(self.clients, self.profile)


def cache_settings_from(profile: Profile, cache: dict[str, Any], values: SettingValues) -> dict[str, str]:
    """REDIS_* settings the runtime reads; the key (a secret) only with access-key authentication."""
    settings = {
        "REDIS_HOST": cache["host_name"],
        "REDIS_PORT": str(cache["port"]),
        "REDIS_SSL": "true" if cache.get("tls", True) else "false",
    }
    if cache.get("cluster"):
        settings["REDIS_CLUSTER"] = "true"
    if profile.cache.authentication == "entra":
        settings["REDIS_ENTRA"] = "true"
    else:
        settings["REDIS_PASSWORD"] = values.cache_key(str(cache.get("service") or "cache-for-redis"))
    return settings


def cache_settings(clients: AzureClients, profile: Profile, cache: dict[str, Any]) -> dict[str, str]:
    return cache_settings_from(profile, cache, LiveValues(clients, profile))


# vCPUs per plan SKU (App Service on Linux), for the worker counts below.
PLAN_VCPUS = {"B1": 1, "B2": 2, "B3": 4, "S1": 1, "S2": 2, "S3": 4, "P1v2": 1, "P2v2": 2, "P3v2": 4,
              "P0v3": 1, "P1v3": 2, "P2v3": 4, "P3v3": 8, "EP1": 1, "EP2": 2, "EP3": 4}
# Threads per worker process. bench/runtime_bench.py: a hit costs about 0.7 ms of host CPU of which the Redis
# round trip (GIL released) is a small part, and the thread-pool hand-off and GIL contention grow with more
# threads; a miss holds the GIL in the model for ~15 ms. So: few threads, and one worker process per vCPU.
THREADS_PER_WORKER = 4


def worker_settings(plan_sku: str) -> dict[str, str]:
    """FUNCTIONS_WORKER_PROCESS_COUNT / PYTHON_THREADPOOL_THREAD_COUNT for the plan, from the benchmark above:
    one Python worker per vCPU (the model needs a core per process, the GIL allows one), four threads each."""
    return {"FUNCTIONS_WORKER_PROCESS_COUNT": str(PLAN_VCPUS.get(plan_sku, 1)),
            "PYTHON_THREADPOOL_THREAD_COUNT": str(THREADS_PER_WORKER)}


def compose_settings(profile: Profile, login_server: str, cache: dict[str, Any], values: SettingValues,
                     app_settings: Mapping[str, Any], registry_settings: Mapping[str, str] | None = None,
                     trigger_settings: Mapping[str, str] | None = None) -> dict[str, str]:
    """The app settings of the function app, in one place for the step and the template export."""
    settings = base_settings(login_server)
    settings.update(worker_settings(profile.function.plan_sku))
    settings["AzureWebJobsStorage"] = values.storage_connection(profile.function.storage_account)
    settings.update(registry_settings or {})
    if monitoring.enabled(profile):  # APPLICATIONINSIGHTS_CONNECTION_STRING (masked)
        settings[monitoring.SETTING] = values.insights_connection()
    settings.update(trigger_settings or {})  # ServiceBusConnection__fullyQualifiedNamespace (identity-based)
    settings.update(cache_settings_from(profile, cache, values))
    settings.update({k: str(v) for k, v in app_settings.items()})
    return settings


def desired_settings(clients: AzureClients, ctx: StepContext) -> dict[str, str]:
    profile = ctx.profile
    package = ctx.outputs["package"]
    access = ctx.outputs.get("registry-access", {})
    credentials: dict[str, str] = {}
    if access.get("pull") == "credentials":
        if package.get("registry_id"):
            user, password = registry_credentials(clients, package["registry_id"], package["registry"])
            credentials = {"DOCKER_REGISTRY_SERVER_USERNAME": user, "DOCKER_REGISTRY_SERVER_PASSWORD": password}
        elif ctx.secrets.get("registry_password"):  # Azure ML's registry, fetched by the package step
            credentials = {"DOCKER_REGISTRY_SERVER_USERNAME": ctx.secrets.get("registry_username", ""),
                           "DOCKER_REGISTRY_SERVER_PASSWORD": ctx.secrets["registry_password"]}
    # The profile's cache policy as it is now: the what-if reads the package outputs of the last deploy.
    policy = profile.cache_policy
    now = {"CACHE_TTL_SECONDS": str(policy.ttl_seconds), "CACHE_KEY_PREFIX": policy.key_prefix,
           "CACHE_TIMEOUT_MS": str(policy.timeout_ms)}
    app_settings = {k: now.get(k, str(v)) for k, v in dict(package.get("app_settings", {})).items()}
    settings = compose_settings(profile, package["login_server"], ctx.outputs["cache"], LiveValues(clients, profile),
                                app_settings, credentials, servicebus.app_settings(ctx))
    for value in settings.values():
        if "AccountKey=" in value:
            registry.add(value)
    return settings


@dataclass(frozen=True)
class AppSettingsOutputs(Outputs):
    settings: tuple[str, ...] = ()  # the names the wizard wrote (never a value)


PULL_SETTING = "acrUseManagedIdentityCreds"
_DIFFERENT = "(another value)"


def secret_reference(profile: Profile, name: str) -> str:
    """What a secret app setting is compared and shown as: where its value comes from, never the value."""
    if name == "AzureWebJobsStorage":
        return f"key storageAccounts/{profile.function.storage_account}/key1"
    if name == "REDIS_PASSWORD":
        return f"key caches/{profile.cache.name}/primary"
    if name == "APPLICATIONINSIGHTS_CONNECTION_STRING":
        return f"connection string components/{monitoring.component_name(profile)}"
    if name == "DOCKER_REGISTRY_SERVER_PASSWORD":
        return "registry password"
    return "secret"


class AppSettingsAction(FirstInterface):
    """Merge our settings into the app's (update_application_settings REPLACES the whole set: read first).
    Compared setting by setting (`app_settings.REDIS_HOST`) plus the image pull (acrUseManagedIdentityCreds);
    a secret setting is compared by value but shown only by its reference (secret_reference). All in place."""

    outputs_type: ClassVar[type[Outputs]] = AppSettingsOutputs
    replace_on: ClassVar[Mapping[str, str]] = {}

    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for

    @staticmethod
    def _pull_mi(ctx: StepContext) -> bool:
        return ctx.outputs.get("registry-access", {}).get("pull") == "managed-identity"

    def _shown(self, ctx: StepContext, wanted: Mapping[str, str]) -> dict[str, Any]:
        return {f"app_settings.{k}": secret_reference(ctx.profile, k) if k in _SECRET_SETTINGS else v
                for k, v in wanted.items()}

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        wanted = desired_settings(self._clients_for(ctx.profile), ctx)
        return {**self._shown(ctx, wanted), PULL_SETTING: self._pull_mi(ctx)}

    def observe(self, ctx: StepContext) -> Observed | None:
        profile = ctx.profile
        clients = self._clients_for(profile)
        group, name = profile.resource_group.name, profile.function.app_name
        config = get_or_none(_("reading the function app's configuration"),
                             lambda: clients.web.web_apps.get_configuration(group, name))
        if config is None:
            return None  # no app yet: create() writes them once the app step made it
        current = self._current(clients, ctx)
        wanted = desired_settings(clients, ctx)
        settings: dict[str, Any] = {}
        for key, value in wanted.items():
            found = current.get(key)
            if key in _SECRET_SETTINGS and found is not None:
                settings[f"app_settings.{key}"] = secret_reference(profile, key) if found == value else _DIFFERENT
            else:
                settings[f"app_settings.{key}"] = found
        settings[PULL_SETTING] = bool(config.acr_use_managed_identity_creds)
        return Observed(settings, AppSettingsOutputs(settings=tuple(sorted(wanted))))

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        assert observed.outputs is not None
        return observed.outputs

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> AppSettingsOutputs:
        return self.create(ctx)  # the same merge and write: every setting is changed in place

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        raise StepFailed(_("App settings are never replaced, only merged."))

    def _current(self, clients: AzureClients, ctx: StepContext) -> dict[str, str]:
        answer = azure_call(
            _("reading the app settings"),
            clients.web.web_apps.list_application_settings,
            ctx.profile.resource_group.name,
            ctx.profile.function.app_name,
        )
        current = dict(answer.properties or {})
        for name, value in current.items():
            if name in _SECRET_SETTINGS:
                registry.add(value)
        return current

    def create(self, ctx: StepContext) -> AppSettingsOutputs:
        profile = ctx.profile
        clients = self._clients_for(profile)
        group, name = profile.resource_group.name, profile.function.app_name
        wanted = desired_settings(clients, ctx)
        merged = self._current(clients, ctx)
        merged.update(wanted)
        pull_mi = self._pull_mi(ctx)
        if pull_mi:
            # Credentials from an earlier fallback would win over the identity: drop them.
            merged.pop("DOCKER_REGISTRY_SERVER_USERNAME", None)
            merged.pop("DOCKER_REGISTRY_SERVER_PASSWORD", None)
        azure_call(_("writing the app settings"), clients.web.web_apps.update_application_settings, group, name, StringDictionary(properties=merged))
        azure_call(
            _("switching the image pull to the app's identity") if pull_mi else _("switching the image pull to credentials"),
            clients.web.web_apps.update_configuration,
            group,
            name,
            SiteConfigResource(properties=SiteConfig(acr_use_managed_identity_creds=pull_mi)),
        )
        ctx.log(_("App settings written: {settings}").format(settings=", ".join(sorted(wanted))))
        return AppSettingsOutputs(settings=tuple(sorted(wanted)))


_SECRET_SETTINGS = {"AzureWebJobsStorage", "REDIS_PASSWORD", "DOCKER_REGISTRY_SERVER_PASSWORD", "APPLICATIONINSIGHTS_CONNECTION_STRING"}


def main_function(package: dict[str, Any]) -> tuple[str, str]:
    """(function name, route) of the scoring function of the generated app."""
    names = list(package.get("function_names") or ["score"])
    routes = [r for r in (package.get("routes") or ["score"]) if r.strip("/") != "health"]
    name = next((n for n in names if "score" in n.lower()), names[0])
    return name, (routes[0] if routes else "score").strip("/")


def master_key(clients: AzureClients, profile: Profile) -> str | None:
    """The host's master key, or None while the host is not up yet."""
    try:
        keys = clients.web.web_apps.list_host_keys(profile.resource_group.name, profile.function.app_name)
    except HttpResponseError as exc:
        if exc.status_code in (400, 404, 409, 429) or (exc.status_code or 0) >= 500:
            return None
        raise translate(exc, _("reading the host key")) from exc
    except (ServiceRequestError, ServiceResponseError):
        return None
    registry.add(keys.master_key)
    return keys.master_key


def function_key(clients: AzureClients, profile: Profile, function_name: str) -> str | None:
    """The key that opens the function at the profile's auth level, or None while the host is not up yet (ARM
    answers 4xx/5xx then): the function's default key, or the master key at `admin` level, which accepts no
    other (docs: functions-bindings-http-webhook-trigger, "Authorization level")."""
    if (profile.function.trigger.auth_level or "function").lower() == "admin":
        return master_key(clients, profile)
    try:
        keys = clients.web.web_apps.list_function_keys(profile.resource_group.name, profile.function.app_name, function_name)
    except HttpResponseError as exc:
        if exc.status_code in (400, 404, 409, 429) or (exc.status_code or 0) >= 500:
            return None
        raise translate(exc, _("reading the function key")) from exc
    except (ServiceRequestError, ServiceResponseError):
        return None
    values = dict(keys.properties or {})
    key = values.get("default") or next(iter(values.values()), None)
    registry.add(key)
    return key


@dataclass(frozen=True)
class FunctionKeysOutputs(Outputs):
    invoke_url: str = ""  # "" without an HTTP trigger
    health_url: str = ""
    function: str = ""


class FunctionKeysAction:
    """Wait for the host to answer and read the function key (in memory only); the invoke URL from the site.
    A check: it owns nothing and runs every time (one call, and it proves the host is up)."""

    outputs_type: ClassVar[type[Outputs]] = FunctionKeysOutputs

    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for

    def check(self, ctx: StepContext) -> FunctionKeysOutputs:
        profile = ctx.profile
        clients = self._clients_for(profile)
        host = ctx.output(FunctionAppOutputs).default_host_name
        if profile.function.trigger.type != "http":
            wait_until(ctx, lambda: self._host_key(clients, profile), _("waiting for the functions host"), timeout_s=HOST_TIMEOUT_S, estimate_s=120)
            return FunctionKeysOutputs(invoke_url="", health_url=f"https://{host}/api/health", function="")
        function, route = main_function(ctx.outputs["package"])
        key = wait_until(
            ctx, lambda: function_key(clients, profile, function), _("waiting for the functions host to start"), timeout_s=HOST_TIMEOUT_S, estimate_s=120
        )
        ctx.secrets["function_key"] = key
        return FunctionKeysOutputs(invoke_url=f"https://{host}/api/{route}", health_url=f"https://{host}/api/health", function=function)

    @staticmethod
    def _host_key(clients: AzureClients, profile: Profile) -> str | None:
        try:
            keys = clients.web.web_apps.list_host_keys(profile.resource_group.name, profile.function.app_name)
        except (HttpResponseError, ServiceRequestError, ServiceResponseError):
            return None
        registry.add(keys.master_key)
        return "up"


def sample_input(profile: Profile) -> Any:
    if profile.model.sample_input is not None:
        return profile.model.sample_input
    from wizard.appgen.samples import ensure_sample

    return ensure_sample(profile.model.sample or "digits").sample_input


@dataclass(frozen=True)
class SmokeOutputs(Outputs):
    status: int = 0  # 200 after the warm-up call; 0 when there is no HTTP endpoint to call
    latency_ms: float = 0.0
    x_cache: str = ""
    skipped: str = ""  # why no call was made (a non-HTTP trigger)
    host_state: str = ""  # the host's own status then


class SmokeTestAction:
    """One warm-up call with the sample input: the first call loads the model, later ones are fast. A check."""

    outputs_type: ClassVar[type[Outputs]] = SmokeOutputs

    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for

    def check(self, ctx: StepContext) -> SmokeOutputs:
        profile = ctx.profile
        keys = ctx.output(FunctionKeysOutputs)
        if not keys.invoke_url:
            # No endpoint to call: the host's own status says whether the trigger's bindings started (issue 11 item 5).
            state = host_status.check(self._clients_for(profile), profile, urlsplit(keys.health_url).netloc)
            return SmokeOutputs(skipped=_("no HTTP endpoint for a {trigger} trigger").format(
                trigger=profile.function.trigger.type), host_state=state)
        key = ctx.secrets.get("function_key") or function_key(self._clients_for(profile), profile, keys.function)
        if not key:
            raise TransientError(_("The functions host does not hand out keys yet; trying again."))
        body = json.dumps(sample_input(profile)).encode()
        started = time.perf_counter()
        try:
            answer = requests.post(
                keys.invoke_url,
                data=body,
                headers={"Content-Type": "application/json", "x-functions-key": key},
                timeout=120,
                verify=verify_setting(),
            )
        except requests.RequestException as exc:
            raise TransientError(_("The warm-up call did not get through ({error}); trying again.").format(
                error=scrub(str(exc)))) from exc
        latency_ms = round((time.perf_counter() - started) * 1000, 1)
        if answer.status_code >= 500 or answer.status_code in (404, 429):
            # 404/5xx right after a (re)start: the host is still loading the image or the model.
            raise TransientError(_("The warm-up call answered {status_code}; the app is still starting. Trying again.").format(
                status_code=answer.status_code))
        if answer.status_code != 200:
            raise StepFailed(
                _("The warm-up call answered {status_code}. Check the model's sample input (model.sample_input) and "
                  "the function's logs in the portal, then deploy again.").format(status_code=answer.status_code),
                scrub(answer.text[:500]),
            )
        ctx.log(_("Warm-up call: 200 in {latency_ms} ms, X-Cache {x_cache}").format(
            latency_ms=latency_ms, x_cache=answer.headers.get("X-Cache", "?")))
        return SmokeOutputs(status=200, latency_ms=latency_ms, x_cache=answer.headers.get("X-Cache", ""))
