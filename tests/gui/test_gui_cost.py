"""Estimated monthly cost on Review, from the Azure Retail Prices API.

The real API (https://prices.azure.com/api/retail/prices) cannot be reached from the test machine, so a local
stand-in HTTP server answers with hand-written pages in the API's documented shape (Items, NextPageLink, Count;
item fields retailPrice, unitOfMeasure, skuName, productName, armRegionName, type, isPrimaryMeterRegion).
The code under test does real HTTP to it.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from wizard import pricing
from wizard import profile as profile_mod
from wizard.ui.pages.base import PageId


def _item(product, sku, price, unit="1 Hour", service="Redis Cache", **extra):
    return {"currencyCode": "USD", "tierMinimumUnits": 0.0, "retailPrice": price, "unitPrice": price,
            "armRegionName": "westeurope", "location": "EU West", "effectiveStartDate": "2024-01-01T00:00:00Z",
            "meterId": "00000000-0000-0000-0000-000000000000", "meterName": f"{sku} Cache", "productId": "DZH318Z0BQ4X",
            "skuId": "DZH318Z0BQ4X/0001", "productName": product, "skuName": sku, "serviceName": service,
            "serviceId": "DZH315F9L8DR", "serviceFamily": "Databases", "unitOfMeasure": unit, "type": "Consumption",
            "isPrimaryMeterRegion": True, "armSkuName": "", **extra}


class StandIn:
    """Answers by skuName; the cache answer comes in two pages linked by NextPageLink (as the API pages)."""

    def __init__(self):
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests.append(self.path)
                query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
                flt = query.get("$filter", [""])[0]
                base = f"http://127.0.0.1:{outer.port}/api/retail/prices"
                if "page" in query:
                    body = {"Items": [_item("Azure Redis Cache Standard", "C1", 0.1)], "NextPageLink": None, "Count": 1}
                elif "skuName eq 'C1'" in flt:
                    body = {"Items": [_item("Azure Redis Cache Basic", "C1", 0.05),
                                      _item("Azure Redis Cache Standard", "C1", 0.2, type="Reservation")],
                            "NextPageLink": base + "?page=2&" + urllib.parse.urlencode({"$filter": flt}), "Count": 2}
                elif "skuName eq 'B1'" in flt:
                    body = {"Items": [_item("Azure App Service Basic Plan", "B1", 0.075, service="Azure App Service"),
                                      _item("Azure App Service Basic Plan - Linux", "B1", 0.018,
                                            service="Azure App Service")], "NextPageLink": None, "Count": 2}
                elif "skuName eq 'Basic'" in flt:
                    body = {"Items": [_item("Container Registry", "Basic", 0.1666, unit="1/Day",
                                            service="Container Registry")], "NextPageLink": None, "Count": 1}
                else:
                    body = {"Items": [], "NextPageLink": None, "Count": 0}
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/api/retail/prices"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


@pytest.fixture
def prices():
    with StandIn() as server:
        yield server


def _azure_standard() -> profile_mod.Profile:
    p = profile_mod.default_local()
    p.target = "azure"
    p.cache.service = "cache-for-redis"
    p.cache.sku = "Standard"
    p.cache.capacity = 1
    p.function.packaging = "acr-build"
    return p


def test_estimate_follows_pages_picks_the_right_meters_and_caches(prices, tmp_path):
    result = pricing.estimate(_azure_standard(), base_url=prices.url, cache_dir=tmp_path)
    assert result.available
    by = {line.resource: line for line in result.lines}
    assert by["Cache"].monthly == pytest.approx(0.1 * 730)  # Standard (page 2), not Basic, not a reservation
    assert by["App Service plan"].monthly == pytest.approx(0.018 * 730)  # the Linux plan
    assert by["Container registry"].monthly == pytest.approx(round(0.1666 * 30.4, 2))
    assert result.total == pytest.approx(sum(line.monthly for line in result.lines))
    assert result.fetched and result.currency == "USD"
    assert any("page=2" in r for r in prices.requests)
    asked = len(prices.requests)
    again = pricing.estimate(_azure_standard(), base_url=prices.url, cache_dir=tmp_path)
    assert len(prices.requests) == asked and again.total == result.total  # from the cache


def test_offline_says_unavailable(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = pricing.estimate(_azure_standard(), base_url=f"http://127.0.0.1:{port}/", cache_dir=tmp_path)
    assert not result.available and "unavailable" in result.reason


def test_local_target_has_no_azure_cost(tmp_path):
    assert not pricing.estimate(profile_mod.default_local(), cache_dir=tmp_path).available


def test_review_shows_the_estimate_with_its_date(wizard_window, qtbot, prices, monkeypatch):
    monkeypatch.setenv("MLFUNC_WIZARD_PRICES_URL", prices.url)
    wizard_window.model.replace(_azure_standard())
    review = wizard_window.page_of(PageId.REVIEW)
    wizard_window.setStartId(int(PageId.REVIEW))
    wizard_window.restart()
    qtbot.waitUntil(lambda: review.estimate is not None, timeout=10_000)
    text = review.cost_label.text()
    assert "Estimated monthly cost" in text and "estimate" in text and review.estimate.fetched in text
    assert "Cache" in text and "USD" in text
