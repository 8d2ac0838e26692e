"""The ARM api-version of each resource type, pinned in one place and passed to every SDK client as api_version=,
so an SDK upgrade never changes what the wizard asks Azure (sovereign clouds lag behind public Azure)."""

from __future__ import annotations

# Each SDK client is pinned to the version whose request bodies we build and test. Microsoft.Web is held at
# 2024-11-01 (the newest version in Bicep's generated types, whose excerpt the tests vendor) although
# azure-mgmt-web 11 defaults to 2025-05-01: the bodies we send are the same in both.
REDIS = "2024-11-01"  # Microsoft.Cache/redis (azure-mgmt-redis 14.5)
REDIS_ENTERPRISE = "2025-07-01"  # Microsoft.Cache/redisEnterprise (azure-mgmt-redisenterprise 3.x)
WEB = "2024-11-01"  # Microsoft.Web/serverfarms and sites
STORAGE = "2025-06-01"  # Microsoft.Storage/storageAccounts (azure-mgmt-storage 24)
CONTAINER_REGISTRY = "2025-04-01"  # Microsoft.ContainerRegistry/registries
ACR_TASKS = "2019-06-01-preview"  # ACR Tasks (schedule_run, runs, source upload) exist only in this version
AUTHORIZATION = "2022-04-01"  # Microsoft.Authorization/roleAssignments
RESOURCES = "2025-04-01"  # resource groups
SUBSCRIPTIONS = "2022-12-01"  # subscription and location listings
# Raw ARM calls through the resource client (no SDK of their own here):
APPLICATION_INSIGHTS = "2020-02-02"  # Microsoft.Insights/components
LOG_ANALYTICS = "2023-09-01"  # Microsoft.OperationalInsights/workspaces
SERVICE_BUS = "2021-11-01"  # Microsoft.ServiceBus/namespaces
