"""The words the pages show for profile fields and internal values, used to rewrite rule sentences
("set function.packaging to local or docker") into the labels the user sees ("Packaging")."""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication

from wizard.containers.packaging_labels import LABELS as PACKAGING_LABELS
from wizard.rules import Problem

# Field path -> (page, label on that page). Review links to page + field with these.
FIELDS: dict[str, tuple[str, str]] = {
    "name": ("Start", "Deployment name"),
    "target": ("Start", "Where should it run?"),
    "resource_group.name": ("Start", "Resource group"),
    "resource_group.create": ("Start", "Create a new resource group"),
    "azure.subscription_id": ("Start", "Subscription"),
    "azure.location": ("Start", "Region"),
    "cache.service": ("Basics", "Service"),
    "cache.name": ("Basics", "Cache name"),
    "cache.sku": ("Basics", "Tier"),
    "cache.capacity": ("Basics", "Size"),
    "cache.high_availability": ("Basics", "High availability"),
    "cache.connectivity": ("Networking", "Connectivity"),
    "cache.subnet_id": ("Networking", "Subnet"),
    "cache.non_tls_port": ("Advanced", "Non-TLS port"),
    "cache.minimum_tls_version": ("Advanced", "Minimum TLS version"),
    "cache.authentication": ("Advanced", "Authentication"),
    "cache.shard_count": ("Advanced", "Clustering"),
    "cache.replicas_per_primary": ("Advanced", "Replicas per primary"),
    "cache.zones": ("Advanced", "Zones"),
    "cache.persistence.mode": ("Advanced", "Data persistence"),
    "cache.persistence.rdb_frequency_minutes": ("Advanced", "RDB frequency"),
    "cache.clustering_policy": ("Advanced", "Clustering policy"),
    "cache.eviction_policy": ("Advanced", "Eviction policy"),
    "tags": ("Tags", "Tags"),
    "model.source": ("Model & function", "Model"),
    "model.path": ("Model & function", "Model file"),
    "model.sample": ("Model & function", "Sample"),
    "model.sample_input": ("Model & function", "Sample input"),
    "model.azureml.workspace": ("Model & function", "Workspace"),
    "function.trigger.type": ("Model & function", "Trigger"),
    "function.trigger.auth_level": ("Model & function", "Authorization level"),
    "function.packaging": ("Model & function", "Packaging"),
    "function.registry": ("Model & function", "Registry (ACR name)"),
    "function.app_name": ("Model & function", "App name"),
    "function.plan_sku": ("Model & function", "Plan"),
    "function.storage_account": ("Model & function", "Storage account"),
    "function.python_version": ("Model & function", "Python"),
    "cache_policy.ttl_seconds": ("Model & function", "Cache TTL"),
    "cache_policy.key_prefix": ("Model & function", "Key prefix"),
    "cache_policy.timeout_ms": ("Model & function", "Cache timeout"),
}

# Values as the choices on the pages name them.
# (The packaging choices are named per target by wizard.containers.packaging_labels: packaging_words.)
VALUES: dict[str, dict[str, str]] = {
    "cache.service": {"managed-redis": "Azure Managed Redis", "cache-for-redis": "Azure Cache for Redis"},
    "model.source": {"sample": "Sample model", "file": "Model file", "azureml": "Azure ML workspace"},
    "target": {"local": "This computer", "azure": "Azure"},
}

_TIER_WORDS = {"Balanced": "Balanced", "MemoryOptimized": "Memory optimized", "ComputeOptimized": "Compute optimized",
               "FlashOptimized": "Flash optimized"}


def field_label(path: str) -> str:
    if path in FIELDS:
        return FIELDS[path][1]
    if path.startswith("tags."):
        return QCoreApplication.translate("ReviewSummary", "Tag '%1'").replace("%1", path[5:])
    return FIELDS.get(path.rsplit(".", 1)[0], ("", path))[1]


def page_of_field(path: str) -> str:
    key = path if path in FIELDS else path.rsplit(".", 1)[0]
    return FIELDS.get(key, ("", ""))[0] or ("Tags" if path.startswith("tags") else "")


def managed_sku(sku: str) -> str:
    """Balanced_B0 -> "Balanced B0"; EnterpriseCluster words split for people."""
    tier, _, size = sku.partition("_")
    return f"{_TIER_WORDS.get(tier, re.sub(r'(?<=[a-z])(?=[A-Z])', ' ', tier))} {size}".strip()


def packaging_text(label: str) -> str:
    """A packaging choice's label (wizard.containers.packaging_labels) in the user's language."""
    return QCoreApplication.translate("PackagingChoices", label)


def packaging_words(target: str) -> dict[str, str]:
    """Packaging value -> its label as the list shows it for `target`, in the user's language; a value the target
    does not offer keeps the other target's label (a sentence may name it: "local runs only on this computer")."""
    words: dict[str, str] = {}
    for t in (target, *PACKAGING_LABELS):
        for value, label in PACKAGING_LABELS.get(t, {}).items():
            words.setdefault(value, packaging_text(label))
    return words


def friendly(message: str, path: str = "", target: str = "") -> str:
    """A rule sentence with field paths and internal values replaced by the words on the pages, in the
    user's language (the labels come from the Review summary's catalogue, which holds the words of the pages).
    `target` picks the packaging labels the Model & function page shows for it."""
    out = message
    for field in sorted(FIELDS, key=len, reverse=True):
        out = re.sub(rf"(?<![\w.]){re.escape(field)}(?![\w.-])", f"“{_label(FIELDS[field][1])}”", out)
    if path == "function.packaging":
        values = packaging_words(target)
        names = sorted(values, key=len, reverse=True)
        pattern = r"(?<![\w-])(" + "|".join(re.escape(v) for v in names) + r")(?![\w-])"
        out = re.sub(pattern, lambda m: f"“{values[m.group(1)]}”", out)
    values = VALUES.get(path, {})
    if values:
        # "acr-build/docker/azureml" or "local or docker": only the path's own values, as whole words.
        names = sorted(values, key=len, reverse=True)
        pattern = r"(?<![\w-])(" + "|".join(re.escape(v) for v in names) + r")(?![\w-])"
        out = re.sub(pattern, lambda m: f"“{_label(values[m.group(1)])}”", out)
    out = re.sub(r"\s*\((?:[a-z_]+\.)+[a-z_]+\)", "", out)  # "(cache.name)" after a sentence
    return out


def _label(text: str) -> str:
    return QCoreApplication.translate("ReviewSummary", text)


def friendly_problem(problem: Problem, target: str = "") -> Problem:
    return Problem(problem.path, problem.severity, friendly(problem.message, problem.path, target))
