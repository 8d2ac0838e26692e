"""The Azure target's resources as a commented shell script of `az` commands (as the seed document does by hand),
made from the ARM export so both say the same; keys are fetched by `$(az ... keys list ...)`, never written."""

from __future__ import annotations

import json
import shlex
from typing import Any

from wizard.profile import Profile
from wizard.targets.azure import api_versions, cache_classic, functionapp, managed_redis, roles
from wizard.targets.azure.export import arm_template
from wizard.targets.azure.groups import our_tags

# App settings whose values the script fetches into shell variables (the template's listKeys/reference).
_FETCHED = {
    "AzureWebJobsStorage": '"DefaultEndpointsProtocol=https;AccountName=$STORAGE;AccountKey=$STORAGE_KEY;EndpointSuffix=$STORAGE_SUFFIX"',
    "REDIS_PASSWORD": '"$REDIS_KEY"',
    "REDIS_HOST": '"$REDIS_HOST"',
    "REDIS_PORT": '"$REDIS_PORT"',
    "DOCKER_REGISTRY_SERVER_URL": '"https://$LOGIN_SERVER"',
    "APPLICATIONINSIGHTS_CONNECTION_STRING": '"$INSIGHTS_CONNECTION"',
}


def _q(value: Any) -> str:
    return shlex.quote(str(value))


def _dq(text: str) -> str:
    """Text safe inside double quotes (no expansion)."""
    for ch in ("\\", '"', "$", "`"):
        text = text.replace(ch, "\\" + ch)
    return text


def _persistence_flag(persistence: dict[str, Any] | None) -> str:
    """`--persistence aof-enabled=true aof-frequency=1s` (or rdb-...) from the database body."""
    if not persistence:
        return ""
    parts = [f"{k.replace('Enabled', '-enabled').replace('Frequency', '-frequency')}={str(v).lower()}" for k, v in persistence.items()]
    return " --persistence " + " ".join(parts)


def _zones_flag(zones: list[str] | None) -> str:
    return " --zones " + " ".join(zones) if zones else ""


def az_script(profile: Profile, image: str | None = None) -> str:
    template = arm_template(profile, image)
    params = {k: v["defaultValue"] for k, v in template["parameters"].items()}
    by_type = {r["type"]: r for r in template["resources"]}
    cache = profile.cache
    classic = cache.service == "cache-for-redis"
    tags = " ".join(_q(f"{k}={v}") for k, v in our_tags(profile).items())
    out: list[str] = [
        "#!/usr/bin/env bash",
        f"# The az commands equivalent to `mlfunc-wizard deploy` of the profile {profile.name} (made by",
        "# `mlfunc-wizard export --format az`). The image is not built here: build and push it first.",
        "# Keys are read into shell variables by `az ... keys list`; nothing secret is written in this file.",
        "set -euo pipefail",
        "",
        f"RG={_q(profile.resource_group.name)}",
        f"LOCATION={_q(params['location'])}",
        f"STORAGE={_q(params['storageAccountName'])}",
        f"STORAGE_SUFFIX={_q(params['storageEndpointSuffix'])}",
        f"CACHE={_q(params['cacheName'])}",
        f"PLAN={_q(params['planName'])}",
        f"APP={_q(params['functionAppName'])}",
        f"IMAGE={_q(params['image'])}",
    ]
    if "registryName" in params:
        out.append(f"REGISTRY={_q(params['registryName'])}")
    out += ["", "# 1. The resource group, tagged as the wizard's (clean-up looks for the tags).",
            f'az group create --name "$RG" --location "$LOCATION" --tags {tags} --output none', ""]

    st = by_type["Microsoft.Storage/storageAccounts"]
    out += ["# 2. The function app's storage account (AzureWebJobsStorage).",
            f'az storage account create --name "$STORAGE" --resource-group "$RG" --location "$LOCATION" '
            f'--sku {st["sku"]["name"]} --kind {st["kind"]} --min-tls-version {st["properties"]["minimumTlsVersion"]} '
            f'--allow-blob-public-access false --https-only true --tags {tags} --output none',
            "STORAGE_KEY=$(az storage account keys list --account-name \"$STORAGE\" --resource-group \"$RG\" --query '[0].value' --output tsv)",
            ""]
    if "persistenceStorageAccountName" in params:
        out += ["# The storage account receiving the cache's persistence files.",
                f'PERSIST_STORAGE={_q(params["persistenceStorageAccountName"])}',
                f'az storage account create --name "$PERSIST_STORAGE" --resource-group "$RG" --location "$LOCATION" '
                f'--sku {st["sku"]["name"]} --kind {st["kind"]} --min-tls-version {st["properties"]["minimumTlsVersion"]} '
                f'--allow-blob-public-access false --https-only true --tags {tags} --output none',
                "PERSIST_KEY=$(az storage account keys list --account-name \"$PERSIST_STORAGE\" --resource-group \"$RG\" --query '[0].value' --output tsv)",
                ""]

    if classic:
        body = by_type["Microsoft.Cache/redis"]["properties"]
        config = {k: v for k, v in (body.get("redisConfiguration") or {}).items() if "connection-string" not in k}
        if any("connection-string" in k for k in body.get("redisConfiguration") or {}):
            field = "rdb-storage-connection-string" if cache.persistence.mode == "rdb" else "aof-storage-connection-string-0"
            config[field] = "__PERSISTENCE__"
        sku = cache_classic.sku_for(profile)
        line = (f'az redis create --name "$CACHE" --resource-group "$RG" --location "$LOCATION" --sku {sku.name} '
                f'--vm-size {sku.family.lower()}{sku.capacity} --minimum-tls-version {body["minimumTlsVersion"]} '
                f'--redis-version {body["redisVersion"]}')
        if body.get("shardCount"):
            line += f' --shard-count {body["shardCount"]}'
        if body.get("replicasPerPrimary"):
            line += f' --replicas-per-primary {body["replicasPerPrimary"]}'
        if body.get("zones"):
            line += " --zones " + " ".join(body["zones"])
        if body.get("enableNonSslPort"):
            line += " --enable-non-ssl-port"
        if body.get("disableAccessKeyAuthentication"):
            line += " --disable-access-key-authentication true"
        out.append("# 3. Azure Cache for Redis (classic; retiring 2028-09-30). The create takes 15-20 minutes.")
        if "__PERSISTENCE__" in config.values():
            account, key = ("$PERSIST_STORAGE", "$PERSIST_KEY") if "persistenceStorageAccountName" in params else ("$STORAGE", "$STORAGE_KEY")
            out.append(f'PERSISTENCE="DefaultEndpointsProtocol=https;AccountName={account};AccountKey={key};EndpointSuffix=$STORAGE_SUFFIX"')
            doc = json.dumps(config).replace('"__PERSISTENCE__"', '"\'"$PERSISTENCE"\'"')
            line += f" --redis-configuration '{doc}'"
        elif config:
            line += f" --redis-configuration {_q(json.dumps(config))}"
        out += [line + f" --tags {tags} --output none",
                "REDIS_HOST=$(az redis show --name \"$CACHE\" --resource-group \"$RG\" --query hostName --output tsv)",
                "REDIS_PORT=$(az redis show --name \"$CACHE\" --resource-group \"$RG\" --query sslPort --output tsv)"]
        if cache.authentication != "entra":
            out.append("REDIS_KEY=$(az redis list-keys --name \"$CACHE\" --resource-group \"$RG\" --query primaryKey --output tsv)")
    else:
        cl = by_type["Microsoft.Cache/redisEnterprise"]
        db = by_type["Microsoft.Cache/redisEnterprise/databases"]["properties"]
        out += ["# 3. Azure Managed Redis (the cluster and its database `default` on port 10000).",
                f'az redisenterprise create --cluster-name "$CACHE" --resource-group "$RG" --location "$LOCATION" '
                f'--sku {_q(params["cacheSku"])} --minimum-tls-version {cl["properties"]["minimumTlsVersion"]} '
                f'--high-availability {cl["properties"]["highAvailability"]} --public-network-access {cl["properties"]["publicNetworkAccess"]} '
                f'--client-protocol {db["clientProtocol"]} --port {db["port"]} --clustering-policy {db["clusteringPolicy"]} '
                f'--eviction-policy {db["evictionPolicy"]} --access-keys-authentication {db["accessKeysAuthentication"]}'
                + _persistence_flag(db.get("persistence")) + _zones_flag(cl.get("zones")) + f' --tags {tags} --output none',
                "REDIS_HOST=$(az redisenterprise show --cluster-name \"$CACHE\" --resource-group \"$RG\" --query hostName --output tsv)",
                f"REDIS_PORT={managed_redis.PORT}"]
        if cache.authentication != "entra":
            out.append("REDIS_KEY=$(az redisenterprise database list-keys --cluster-name \"$CACHE\" --resource-group \"$RG\" --query primaryKey --output tsv)")
    out.append("")

    if "registryName" in params:
        out += ["# 4. The container registry (push the image here before step 6: az acr build or docker push).",
                f'az acr create --name "$REGISTRY" --resource-group "$RG" --location "$LOCATION" --sku Basic --admin-enabled false --tags {tags} --output none',
                "LOGIN_SERVER=$(az acr show --name \"$REGISTRY\" --resource-group \"$RG\" --query loginServer --output tsv)", ""]
    else:
        out += [f"LOGIN_SERVER={_q(profile.function.registry.split('/')[0])}", ""]

    if "insightsName" in params:
        out += ["# Application Insights on a Log Analytics workspace (the app's logs and requests).",
                f"az monitor log-analytics workspace create --workspace-name {_q(params['workspaceName'])} --resource-group \"$RG\" "
                f"--location \"$LOCATION\" --sku PerGB2018 --retention-time 30 --tags {tags} --output none",
                f"WORKSPACE_ID=$(az monitor log-analytics workspace show --workspace-name {_q(params['workspaceName'])} --resource-group \"$RG\" --query id --output tsv)",
                f"az monitor app-insights component create --app {_q(params['insightsName'])} --resource-group \"$RG\" --location \"$LOCATION\" "
                f"--kind web --application-type web --workspace \"$WORKSPACE_ID\" --tags {tags} --output none",
                f"INSIGHTS_CONNECTION=$(az monitor app-insights component show --app {_q(params['insightsName'])} --resource-group \"$RG\" --query connectionString --output tsv)",
                ""]

    sku = params["planSku"]
    if functionapp.is_elastic(sku):
        out += ["# 5. The Functions Premium plan (Linux).",
                f'az functionapp plan create --name "$PLAN" --resource-group "$RG" --location "$LOCATION" --is-linux --sku {sku} '
                f'--max-burst {functionapp.MAX_ELASTIC_WORKERS} --tags {tags} --output none']
    else:
        out += ["# 5. The App Service plan (Linux, Dedicated).",
                f'az appservice plan create --name "$PLAN" --resource-group "$RG" --location "$LOCATION" --is-linux --sku {sku} --tags {tags} --output none']
    site = by_type["Microsoft.Web/sites"]["properties"]["siteConfig"]
    out += ["",
            "# 6. The function app from the image, with a system-assigned identity.",
            'az functionapp create --name "$APP" --resource-group "$RG" --plan "$PLAN" --storage-account "$STORAGE" '
            f'--image "$IMAGE" --functions-version 4 --assign-identity \'[system]\' --https-only true --tags {tags} --output none',
            f'az functionapp config set --name "$APP" --resource-group "$RG" --always-on {str(site["alwaysOn"]).lower()} '
            f'--ftps-state {site["ftpsState"]} --min-tls-version {site["minTlsVersion"]} --output none',
            "PRINCIPAL=$(az functionapp identity show --name \"$APP\" --resource-group \"$RG\" --query principalId --output tsv)", ""]
    if "registryName" in params:
        out += ["# 7. Pull the image with the app's identity (AcrPull on the registry), not an admin password.",
                f'az role assignment create --assignee-object-id "$PRINCIPAL" --assignee-principal-type ServicePrincipal '
                f'--role {roles.ACR_PULL} --scope "$(az acr show --name "$REGISTRY" --resource-group "$RG" --query id --output tsv)" --output none',
                'az functionapp config set --name "$APP" --resource-group "$RG" --generic-configurations \'{"acrUseManagedIdentityCreds": true}\' --output none',
                ""]
    if classic and cache.authentication == "entra":
        out += ["# The app's identity gets a data access policy on the cache (Entra authentication).",
                f'az redis access-policy-assignment create --name {cache_classic.ASSIGNMENT_NAME} --policy-name {_q(cache_classic.ACCESS_POLICY)} '
                '--object-id "$PRINCIPAL" --object-id-alias "$APP" --resource-group "$RG" --redis-cache-name "$CACHE" --output none', ""]

    if not classic and cache.authentication == "entra":
        # az rest with the REST body the template holds ({subscriptionId} is filled in by az rest).
        body = json.dumps(by_type["Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments"]["properties"])
        body = json.dumps({"properties": json.loads(body)}).replace(json.dumps(by_type[
            "Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments"]["properties"]["user"]["objectId"]), '"\'"$PRINCIPAL"\'"')
        url = (f"/subscriptions/{{subscriptionId}}/resourceGroups/$RG/providers/Microsoft.Cache/redisEnterprise/$CACHE/databases/"
               f"{managed_redis.DATABASE}/accessPolicyAssignments/{managed_redis.ASSIGNMENT_NAME}?api-version={api_versions.REDIS_ENTERPRISE}")
        out += ["# The app's identity gets the database's `default` access policy (Entra authentication).",
                f'az rest --method put --url "{url}" --body \'{body}\' --output none', ""]
    settings = by_type["Microsoft.Web/sites/config"]["properties"]
    pairs = []
    for name, value in settings.items():
        if name in _FETCHED:
            pairs.append(f"{name}={_FETCHED[name][1:-1]}")
        else:
            pairs.append(f"{name}={_dq(str(value))}")
    out += ["# 8. The app settings the function reads (values with keys are fetched above; --output none keeps them off the screen).",
            'az functionapp config appsettings set --name "$APP" --resource-group "$RG" --output none --settings \\']
    out += [f'  "{p}" \\' for p in pairs[:-1]] + [f'  "{pairs[-1]}"', ""]
    out += ["echo \"Deployed: https://$(az functionapp show --name \"$APP\" --resource-group \"$RG\" --query defaultHostName --output tsv)\""]
    return "\n".join(out) + "\n"
