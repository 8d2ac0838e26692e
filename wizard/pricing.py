"""Estimated monthly cost of an Azure profile from the public Azure Retail Prices API (no sign-in), cached a day.

No Qt here: the GUI's Review page calls `estimate` in a worker, and the CLI could print the same numbers.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from wizard.i18n import _
from wizard.profile import Profile

log = logging.getLogger(__name__)

API_URL = "https://prices.azure.com/api/retail/prices"
HOURS_PER_MONTH = 730  # Azure's own calculator assumes 730 hours a month
DAYS_PER_MONTH = 30.4
CACHE_SECONDS = 24 * 3600
MAX_PAGES = 20  # a filter that matches this much is too broad; stop rather than page for minutes


@dataclass(frozen=True)
class PriceQuery:
    """One resource to price: the API filter plus how to pick the right meter among the answers."""

    resource: str  # what the user sees: "Cache", "App Service plan", "Container registry"
    description: str  # "Azure Cache for Redis Standard C1"
    service_name: str
    region: str
    sku_name: str
    product_contains: tuple[str, ...] = ()
    quantity: float = 1.0  # instances (shards of a clustered Premium cache)

    def odata_filter(self) -> str:
        return (f"serviceName eq '{self.service_name}' and armRegionName eq '{self.region}' "
                f"and skuName eq '{self.sku_name}' and priceType eq 'Consumption'")


@dataclass(frozen=True)
class LineEstimate:
    resource: str
    description: str
    monthly: float | None  # None: no matching price (note says why)
    note: str = ""


@dataclass(frozen=True)
class Estimate:
    available: bool
    lines: list[LineEstimate] = field(default_factory=list)
    currency: str = "USD"
    fetched: str = ""  # ISO date the prices were fetched
    reason: str = ""  # why not available (offline, local target)

    @property
    def total(self) -> float:
        return sum(line.monthly for line in self.lines if line.monthly is not None)


def queries_for(profile: Profile) -> list[PriceQuery]:
    """What an Azure deployment of `profile` pays for by the hour or day (storage and executions are cents)."""
    region = profile.azure.location
    c = profile.cache
    queries: list[PriceQuery] = []
    if c.service == "managed-redis":
        tier, _, size = c.sku.partition("_")
        words = {"Balanced": "Balanced", "MemoryOptimized": "Memory Optimized", "ComputeOptimized": "Compute Optimized",
                 "FlashOptimized": "Flash Optimized"}.get(tier, tier)
        queries.append(PriceQuery("Cache", f"Azure Managed Redis {words} {size}", "Redis Cache", region, size,
                                  ("Managed Redis", words)))
    else:
        code = f"{'P' if c.sku == 'Premium' else 'C'}{c.capacity}"
        shards = max(1, c.shard_count or 1) if c.sku == "Premium" else 1
        queries.append(PriceQuery("Cache", f"Azure Cache for Redis {c.sku} {code}" + (f" × {shards} shards" if shards > 1 else ""),
                                  "Redis Cache", region, code, (c.sku,), float(shards)))
    plan = profile.function.plan_sku
    queries.append(PriceQuery("App Service plan", f"Linux plan {plan}", "Azure App Service", region, plan, ("Linux",)))
    if profile.function.packaging in ("acr-build", "docker"):
        queries.append(PriceQuery("Container registry", "Container Registry Basic", "Container Registry", region, "Basic"))
    return queries


def monthly_factor(unit: str) -> float | None:
    """How many of `unit` ("1 Hour", "1/Day", "1/Month", "100 Hours") make a month; None when unknown."""
    text = unit.strip().lower().replace("/", " ")
    number, _, what = text.partition(" ")
    try:
        per = float(number)
    except ValueError:
        per, what = 1.0, text
    what = what.strip()
    if what.startswith("hour"):
        return HOURS_PER_MONTH / per
    if what.startswith("day"):
        return DAYS_PER_MONTH / per
    if what.startswith("month"):
        return 1 / per
    return None


Fetch = Callable[[str], dict[str, Any]]


def _http_get(url: str, timeout: float = 15) -> dict[str, Any]:
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "mlfunc-wizard"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # an https API (or a test server)
        return json.loads(response.read().decode("utf-8"))


def fetch_items(query: PriceQuery, *, base_url: str = API_URL, fetch: Fetch = _http_get) -> list[dict[str, Any]]:
    """Every price item the API returns for the query's filter, following NextPageLink."""
    url: str | None = base_url + "?" + urllib.parse.urlencode({"$filter": query.odata_filter()})
    items: list[dict[str, Any]] = []
    pages = 0
    while url and pages < MAX_PAGES:
        page = fetch(url)
        items.extend(page.get("Items") or [])
        url = page.get("NextPageLink") or None
        pages += 1
    return items


def pick(query: PriceQuery, items: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The meter that prices this resource: matching product words, hourly/daily/monthly, primary region first;
    reservations, spot and dev/test prices are left out (the API filter already asks for Consumption)."""
    candidates = []
    for item in items:
        product = str(item.get("productName", ""))
        if not all(word.lower() in product.lower() for word in query.product_contains):
            continue
        if item.get("type", "Consumption") != "Consumption" or "spot" in str(item.get("skuName", "")).lower():
            continue
        if monthly_factor(str(item.get("unitOfMeasure", ""))) is None:
            continue
        if float(item.get("tierMinimumUnits", 0) or 0) > 0:
            continue
        candidates.append(item)
    candidates.sort(key=lambda i: (not i.get("isPrimaryMeterRegion", True), float(i.get("retailPrice", 0))))
    return candidates[0] if candidates else None


def _cache_file(cache_dir: Path, query: PriceQuery, base_url: str) -> Path:
    key = hashlib.sha256(f"{base_url}|{query.odata_filter()}".encode()).hexdigest()[:24]
    return cache_dir / f"{key}.json"


def estimate(profile: Profile, *, base_url: str | None = None, cache_dir: Path | None = None,
             fetch: Fetch = _http_get, now: Callable[[], float] = time.time) -> Estimate:
    """The estimated monthly cost of `profile` on Azure, per resource and in total. Never raises for network
    trouble: an unavailable estimate says why."""
    if profile.target != "azure":
        return Estimate(False, reason=_("Runs on this computer: no Azure cost."))
    base_url = base_url or os.environ.get("MLFUNC_WIZARD_PRICES_URL") or API_URL
    if cache_dir is None:
        from wizard.paths import data_home

        cache_dir = data_home() / "cache" / "prices"
    cache_dir.mkdir(parents=True, exist_ok=True)
    lines: list[LineEstimate] = []
    currency = "USD"
    fetched_at = now()
    for query in queries_for(profile):
        cached = _cache_file(cache_dir, query, base_url)
        items: list[dict[str, Any]] | None = None
        try:
            saved = json.loads(cached.read_text(encoding="utf-8"))
            if now() - float(saved["fetched"]) < CACHE_SECONDS:
                items, fetched_at = saved["items"], min(fetched_at, float(saved["fetched"]))
        except (OSError, ValueError, KeyError, TypeError):
            pass
        if items is None:
            try:
                items = fetch_items(query, base_url=base_url, fetch=fetch)
            except (urllib.error.URLError, OSError, ValueError) as exc:
                log.info("price lookup failed: %s", exc)
                return Estimate(False, reason=_("Prices are unavailable right now (no connection to the Azure Retail "
                                                "Prices API); the estimate appears when it can be reached."))
            cached.write_text(json.dumps({"fetched": now(), "items": items}), encoding="utf-8")
        item = pick(query, items)
        if item is None:
            lines.append(LineEstimate(query.resource, query.description, None, _("no list price found for this region")))
            continue
        currency = str(item.get("currencyCode", currency))
        factor = monthly_factor(str(item["unitOfMeasure"])) or 0.0
        monthly = float(item.get("retailPrice", 0.0)) * factor * query.quantity
        lines.append(LineEstimate(query.resource, query.description, round(monthly, 2),
                                  f"{item.get('retailPrice')} {currency} per {item.get('unitOfMeasure')}"))
    day = datetime.datetime.fromtimestamp(fetched_at, tz=datetime.timezone.utc).date().isoformat()
    return Estimate(True, lines, currency, day)
