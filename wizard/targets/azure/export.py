"""The Azure target's resources as an ARM deployment template (or the equivalent `az` script): the bodies come from
the same functions the steps send (create_parameters, plan_body, site_body, ...); secrets only as template functions."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from wizard.core.errors import WizardError
from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.azure import (
    api_versions,
    cache_classic,
    functionapp,
    managed_redis,
    monitoring,
    registry,
    roles,
    servicebus,
    storage,
)
from wizard.targets.azure.auth import cloud_for

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
PLAN_SKUS = ["B1", "B2", "B3", "S1", "S2", "S3", "P0V3", "P1V3", "P2V3", "P3V3", "P1MV3", "P2MV3", "P3MV3", "P4MV3",
             "P5MV3", "P1V2", "P2V2", "P3V2", "EP1", "EP2", "EP3"]
IMAGE_NOTE = "The container image the function app runs (a template cannot build it: build and push it first)."


def _p(name: str) -> str:
    return f"parameters('{name}')"


def _rid(rtype: str, *names: str) -> str:
    return f"resourceId('{rtype}', {', '.join(names)})"


def _serialize(model: Any) -> dict[str, Any]:
    """The REST JSON shape of an SDK model, as the SDK sends it (read-only properties left out). msrest-style
    models have serialize(); the typespec-generated ones (azure-mgmt-web 11) are mappings with as_dict()."""
    if hasattr(type(model), "serialize"):
        return model.serialize(keep_readonly=False)
    return json.loads(json.dumps(model.as_dict(exclude_readonly=True)))


def _supported(profile: Profile) -> None:
    """The template covers the plain route; the rest is said in one sentence instead of a template that differs."""
    reasons = []
    if profile.function.packaging not in ("acr-build", "docker"):
        reasons.append(_('the packaging route "{packaging}"').format(packaging=profile.function.packaging))
    if profile.cache.connectivity != "public":
        reasons.append(_('cache connectivity "{connectivity}"').format(connectivity=profile.cache.connectivity))
    if servicebus.used(profile):
        reasons.append(_("a Service Bus trigger"))
    if reasons:
        raise WizardError(
            _("The template export does not cover {reasons} yet; deploy with the wizard, or change those settings "
              "for the export.").format(reasons=", ".join(reasons))
        )


def _uses_acr(profile: Profile) -> bool:
    """A registry the template creates (acr-build, or docker with an ACR name); a full image reference needs none."""
    return profile.function.packaging == "acr-build" or "/" not in profile.function.registry


def _app_settings_of_build(profile: Profile) -> dict[str, str]:
    """The non-secret settings the generated app reads (model name and version): the app is built to know them."""
    from wizard.appgen.builder import BuildError, app_settings, build_app  # late: it pulls in scikit-learn

    with tempfile.TemporaryDirectory(prefix="mlfunc-export-") as tmp:
        try:
            built = build_app(profile, Path(tmp) / "app")
        except BuildError as exc:
            raise WizardError(str(exc)) from exc
        return {k: str(v) for k, v in app_settings(profile, built).items()}


def default_image(profile: Profile) -> str:
    ref = profile.function.registry
    if profile.function.packaging == "docker" and "/" in ref:
        return ref if ":" in ref.split("/")[-1] else f"{ref}:latest"
    return f"{registry.registry_name(profile)}.azurecr.io/{registry.repository(profile)}:latest"


class _Template:
    def __init__(self, profile: Profile):
        self.profile = profile
        self.parameters: dict[str, Any] = {}
        self.resources: list[dict[str, Any]] = []

    def param(self, name: str, kind: str, default: Any, description: str, allowed: list[Any] | None = None) -> str:
        self.parameters[name] = {"type": kind, "defaultValue": default, "metadata": {"description": description}}
        if allowed:
            self.parameters[name]["allowedValues"] = allowed
        return _p(name)

    def add(self, rtype: str, api: str, name_expr: str, body: dict[str, Any], depends: list[str], **extra: Any) -> None:
        body = dict(body)
        if "location" in body:
            body["location"] = f"[{_p('location')}]"
        resource = {"type": rtype, "apiVersion": api, "name": f"[{name_expr}]", **extra, **body}
        if depends:
            resource["dependsOn"] = [f"[{d}]" for d in depends]
        self.resources.append(resource)


def arm_template(profile: Profile, image: str | None = None) -> dict[str, Any]:
    """The deployment template of what AzureTarget.steps(profile) creates, with the same bodies."""
    _supported(profile)
    t = _Template(profile)
    cache = profile.cache
    classic = cache.service == "cache-for-redis"
    t.param("location", "string", profile.azure.location, "Region of every resource.")
    st = t.param("storageAccountName", "string", profile.function.storage_account, "The function app's storage account (3-24 lowercase letters and digits, globally unique).")
    suffix = t.param("storageEndpointSuffix", "string", cloud_for(profile).storage_suffix, "Storage endpoint suffix of the cloud.")
    cache_name = t.param("cacheName", "string", cache.name, "The Redis cache's name.")
    # The SKU's family (classic cache) and the plan's tier and kind are derived from the SKU when the body is built:
    # the parameters allow only the SKUs that share them, so a changed SKU never contradicts the body.
    cache_allowed = (["Premium"] if cache.sku.lower() == "premium" else ["Basic", "Standard"]) if classic else None
    cache_sku = t.param("cacheSku", "string", cache.sku if not classic else cache.sku.capitalize(), "The cache's SKU.", cache_allowed)
    plan = t.param("planName", "string", functionapp.plan_name(profile), "The App Service plan's name.")
    sku_now = profile.function.plan_sku.upper()
    same_tier = [s for s in PLAN_SKUS if functionapp.plan_tier(s) == functionapp.plan_tier(sku_now)
                 and functionapp.is_elastic(s) == functionapp.is_elastic(sku_now) and functionapp.always_on(s) == functionapp.always_on(sku_now)]
    plan_sku = t.param("planSku", "string", sku_now, "The plan's SKU (within the default's tier).",
                       same_tier if sku_now in same_tier else [sku_now])
    app = t.param("functionAppName", "string", profile.function.app_name, "The function app's name (its host name).")
    image_p = t.param("image", "string", image or default_image(profile), IMAGE_NOTE)

    # Storage accounts (the step's create_parameters).
    st_id = _rid("Microsoft.Storage/storageAccounts", st)
    body = _serialize(storage.create_parameters(profile))
    t.add("Microsoft.Storage/storageAccounts", api_versions.STORAGE, st, body, [])
    names = storage.account_names(profile)
    persist_expr, persist_id = st, st_id
    if len(names) > 1:
        persist_expr = t.param("persistenceStorageAccountName", "string", names[1], "The storage account receiving Redis persistence files.")
        persist_id = _rid("Microsoft.Storage/storageAccounts", persist_expr)
        t.add("Microsoft.Storage/storageAccounts", api_versions.STORAGE, persist_expr, body, [])

    def connection(account: str, account_id: str) -> str:
        key = f"listKeys({account_id}, '{api_versions.STORAGE}').keys[0].value"
        return f"concat('DefaultEndpointsProtocol=https;AccountName=', {account}, ';AccountKey=', {key}, ';EndpointSuffix=', {suffix})"

    # The cache (the step's create_parameters / cluster_parameters + database_parameters).
    if classic:
        cache_id = _rid("Microsoft.Cache/redis", cache_name)
        persistence = cache.persistence.mode in ("rdb", "aof")
        body = _serialize(cache_classic.create_parameters(profile, "PERSISTENCE" if persistence else None))
        props = body["properties"]
        props["sku"]["name"] = f"[{cache_sku}]"
        props["sku"]["capacity"] = f"[{t.param('cacheCapacity', 'int', cache.capacity, 'The cache size (C0-C6, P1-P5).')}]"
        config = props.get("redisConfiguration") or {}
        for field in ("rdb-storage-connection-string", "aof-storage-connection-string-0"):
            if field in config:
                config[field] = f"[{connection(persist_expr, persist_id)}]"
        t.add("Microsoft.Cache/redis", api_versions.REDIS, cache_name, body, [persist_id] if persistence else [])
        cache_ready = cache_id
        key_expr = f"listKeys({cache_id}, '{api_versions.REDIS}').primaryKey"
        host_expr = f"reference({cache_id}, '{api_versions.REDIS}').hostName"
        port_expr = f"string(reference({cache_id}, '{api_versions.REDIS}').sslPort)"
        cluster = bool(cache.sku.lower() == "premium" and cache.shard_count > 0)
    else:
        cache_id = _rid("Microsoft.Cache/redisEnterprise", cache_name)
        body = _serialize(managed_redis.cluster_parameters(profile))
        body["sku"]["name"] = f"[{cache_sku}]"
        t.add("Microsoft.Cache/redisEnterprise", api_versions.REDIS_ENTERPRISE, cache_name, body, [])
        db_id = _rid("Microsoft.Cache/redisEnterprise/databases", cache_name, f"'{managed_redis.DATABASE}'")
        t.add("Microsoft.Cache/redisEnterprise/databases", api_versions.REDIS_ENTERPRISE,
              f"concat({cache_name}, '/{managed_redis.DATABASE}')", _serialize(managed_redis.database_parameters(profile)), [cache_id])
        cache_ready = db_id
        key_expr = f"listKeys({db_id}, '{api_versions.REDIS_ENTERPRISE}').primaryKey"
        host_expr = f"reference({cache_id}, '{api_versions.REDIS_ENTERPRISE}').hostName"
        port_expr = f"'{managed_redis.PORT}'"
        cluster = (cache.clustering_policy or "EnterpriseCluster") == "OSSCluster"

    # The registry (acr routes) and the image.
    acr = _uses_acr(profile)
    depends_site = [_rid("Microsoft.Web/serverfarms", plan), st_id]
    if acr:
        reg = t.param("registryName", "string", registry.registry_name(profile), "The container registry (5-50 letters and digits).")
        reg_id = _rid("Microsoft.ContainerRegistry/registries", reg)
        t.add("Microsoft.ContainerRegistry/registries", api_versions.CONTAINER_REGISTRY, reg, _serialize(registry.registry_body(profile)), [])
        login_expr = f"reference({reg_id}, '{api_versions.CONTAINER_REGISTRY}').loginServer"
        depends_site.append(reg_id)
    else:
        login_expr = f"'{profile.function.registry.split('/')[0]}'"

    # Plan and site (plan_body, site_body).
    body = _serialize(functionapp.plan_body(profile))
    body["sku"]["name"] = f"[{plan_sku}]"
    t.add("Microsoft.Web/serverfarms", api_versions.WEB, plan, body, [])
    site_id = _rid("Microsoft.Web/sites", app)
    site = _serialize(functionapp.site_body(profile, "IMAGE", "LOGIN", "PLAN", profile.function.plan_sku, acr))
    site["properties"]["serverFarmId"] = f"[{_rid('Microsoft.Web/serverfarms', plan)}]"
    site_config = site["properties"]["siteConfig"]
    site_config["linuxFxVersion"] = f"[concat('DOCKER|', {image_p})]"
    for item in site_config.get("appSettings", []):
        if item["name"] == "DOCKER_REGISTRY_SERVER_URL":
            item["value"] = f"[concat('https://', {login_expr})]"
    t.add("Microsoft.Web/sites", api_versions.WEB, app, site, depends_site)

    # Pull access: AcrPull for the app's identity (the registry-access step).
    principal = f"reference({site_id}, '{api_versions.WEB}', 'Full').identity.principalId"
    after_access = [site_id]
    if acr:
        definition = f"subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{roles.ACR_PULL}')"
        role = _serialize(roles.assignment_body(f"[{definition}]", f"[{principal}]"))
        role_name = f"guid({reg_id}, {site_id}, 'acrpull')"
        t.add("Microsoft.Authorization/roleAssignments", api_versions.AUTHORIZATION, role_name, role, [reg_id, site_id],
              scope=f"[concat('Microsoft.ContainerRegistry/registries/', {reg})]")
        after_access.append(f"extensionResourceId({reg_id}, 'Microsoft.Authorization/roleAssignments', {role_name})")

    # Cache access (Entra on the classic cache: the cache-access step's access-policy assignment).
    if classic and cache.authentication == "entra":
        body = _serialize(cache_classic.access_assignment_body(profile, "PRINCIPAL"))
        body["properties"]["objectId"] = f"[{principal}]"
        body["properties"]["objectIdAlias"] = f"[{app}]"
        t.add("Microsoft.Cache/redis/accessPolicyAssignments", api_versions.REDIS,
              f"concat({cache_name}, '/{cache_classic.ASSIGNMENT_NAME}')", body, [cache_id, site_id])
        after_access.append(_rid("Microsoft.Cache/redis/accessPolicyAssignments", cache_name, f"'{cache_classic.ASSIGNMENT_NAME}'"))

    if not classic and cache.authentication == "entra":
        body = _serialize(managed_redis.access_assignment_body("PRINCIPAL"))
        body["properties"]["user"]["objectId"] = f"[{principal}]"
        t.add("Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments", api_versions.REDIS_ENTERPRISE,
              f"concat({cache_name}, '/{managed_redis.DATABASE}/{managed_redis.ASSIGNMENT_NAME}')", body, [cache_ready, site_id])
        after_access.append(_rid("Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments", cache_name,
                                 f"'{managed_redis.DATABASE}'", f"'{managed_redis.ASSIGNMENT_NAME}'"))

    insights = ""
    if monitoring.enabled(profile):  # the monitoring step: workspace, then the component on it
        ws = t.param("workspaceName", "string", monitoring.workspace_name(profile), "The Log Analytics workspace.")
        comp = t.param("insightsName", "string", monitoring.component_name(profile), "The Application Insights component.")
        ws_id = _rid("Microsoft.OperationalInsights/workspaces", ws)
        comp_id = _rid("Microsoft.Insights/components", comp)
        t.add("Microsoft.OperationalInsights/workspaces", api_versions.LOG_ANALYTICS, ws, _serialize(monitoring.workspace_body(profile)), [])
        body = _serialize(monitoring.component_body(profile, "WORKSPACE"))
        body["properties"]["WorkspaceResourceId"] = f"[{ws_id}]"
        t.add("Microsoft.Insights/components", api_versions.APPLICATION_INSIGHTS, comp, body, [ws_id])
        insights = f"[reference({comp_id}, '{api_versions.APPLICATION_INSIGHTS}').ConnectionString]"
        after_access.append(comp_id)

    # App settings: the app-settings step's own composition, with template functions for the values it reads.
    class TemplateValues:
        def storage_connection(self, account: str) -> str:
            return f"[{connection(st, st_id)}]"

        def cache_key(self, service: str) -> str:
            return f"[{key_expr}]"

        def insights_connection(self) -> str:
            return insights

    cache_facts = {"host_name": f"[{host_expr}]", "port": f"[{port_expr}]", "tls": True, "cluster": cluster,
                   "service": cache.service}
    settings = functionapp.compose_settings(profile, "LOGIN", cache_facts, TemplateValues(), _app_settings_of_build(profile))
    settings["DOCKER_REGISTRY_SERVER_URL"] = f"[concat('https://', {login_expr})]"
    t.add("Microsoft.Web/sites/config", api_versions.WEB, f"concat({app}, '/appsettings')", {"properties": settings},
          [*after_access, cache_ready, st_id])
    return {
        "$schema": SCHEMA,
        "contentVersion": "1.0.0.0",
        "metadata": {"generator": "mlfunc-wizard export", "profile": profile.name},
        "parameters": t.parameters,
        "resources": t.resources,
        "outputs": {"functionAppHostName": {"type": "string", "value": f"[reference({site_id}, '{api_versions.WEB}').defaultHostName]"}},
    }


def arm_json(profile: Profile, image: str | None = None) -> str:
    return json.dumps(arm_template(profile, image), indent=2) + "\n"
