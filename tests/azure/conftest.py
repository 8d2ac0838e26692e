"""Fixtures for the Azure target tests: the ARM emulator (one per session, reset per test), a static credential,
and profiles pointing the real SDK clients at the emulator."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

import pytest
from azure.core.credentials import AccessToken

from tests.azure.arm_emulator import ArmEmulator
from wizard.profile import Profile


class StaticCredential:
    """The narrow seam of these tests: azure-identity cannot sign in here (no Entra ID), so a credential hands
    out emulator tokens. Each call gives a new token, like a refresh would; the emulator checks the bearer."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self.calls: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **kwargs: object) -> AccessToken:
        with self._lock:
            self.calls.append(scopes)
            return AccessToken(f"emu-token-{next(self._counter)}", int(time.time()) + 3600)


@pytest.fixture
def credential():
    return StaticCredential()


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A small real scikit-learn model file (the builder copies it into the app)."""
    import joblib
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression().fit([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]], [0, 1, 1, 0])
    path = tmp_path_factory.mktemp("model") / "tiny.pkl"
    joblib.dump(model, path)
    return path


def _base_profile(arm: ArmEmulator, model: Path, name: str) -> Profile:
    profile = Profile(name=name, target="azure")
    profile.azure.subscription_id = arm.subscription_id
    profile.azure.location = "westeurope"
    profile.azure.cloud = "custom"
    profile.azure.arm_endpoint = arm.url
    profile.resource_group.name = f"rg-{name}"
    profile.tags = {"team": "ml", "env": "test"}
    profile.model.source = "file"
    profile.model.path = str(model)
    profile.model.sample_input = {"data": [[0.0, 1.0]]}
    profile.function.app_name = f"{name}-app"
    profile.function.storage_account = name.replace("-", "")[:20] + "st"
    profile.function.packaging = "acr-build"
    profile.function.registry = name.replace("-", "")[:20] + "acr"
    profile.function.plan_sku = "B1"
    return profile


@pytest.fixture
def premium_profile(arm, tiny_model) -> Profile:
    """Azure Cache for Redis Premium P1, 3 shards, 1 replica, zones, RDB to storage, keys, non-TLS off."""
    profile = _base_profile(arm, tiny_model, "prem")
    cache = profile.cache
    cache.service = "cache-for-redis"
    cache.name = "prem-cache"
    cache.sku = "Premium"
    cache.capacity = 1
    cache.shard_count = 3
    cache.replicas_per_primary = 1
    cache.zones = ["1", "2"]
    cache.persistence.mode = "rdb"
    cache.persistence.rdb_frequency_minutes = 60
    cache.authentication = "access-keys"
    cache.eviction_policy = "VolatileLRU"
    return profile


@pytest.fixture
def managed_profile(arm, tiny_model) -> Profile:
    """Azure Managed Redis Balanced_B1, OSS clustering, AOF, Entra authentication."""
    profile = _base_profile(arm, tiny_model, "amr")
    cache = profile.cache
    cache.service = "managed-redis"
    cache.name = "amr-cache"
    cache.sku = "Balanced_B1"
    cache.clustering_policy = "OSSCluster"
    cache.eviction_policy = "AllKeysLRU"
    cache.high_availability = True
    cache.persistence.mode = "aof"
    cache.authentication = "entra"
    return profile
