"""Tiers and sizes the Basics page offers, with memory per size.

`wizard.rules.SKU_SIZES` is the source of truth when it exists; the table below is the
fallback (Azure's published sizes, 2026-11) so the page still says how much memory a size has.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication

log = logging.getLogger(__name__)

def _retirement() -> str:
    import datetime

    try:
        from wizard.rules import RETIREMENT_DATE

        day = datetime.date.fromisoformat(RETIREMENT_DATE)
    except (ImportError, ValueError, TypeError):
        day = datetime.date(2028, 9, 30)
    return f"{day.day} {day:%B %Y}"


CLASSIC_RETIREMENT = _retirement()
CLASSIC_TIERS = ["Basic", "Standard", "Premium"]
MANAGED_TIERS = [
    ("Balanced", "Balanced (memory + compute)"),
    ("MemoryOptimized", "Memory Optimized"),
    ("ComputeOptimized", "Compute Optimized"),
    ("FlashOptimized", "Flash Optimized"),
]

_FALLBACK_GB: dict[str, float] = {
    # Azure Cache for Redis: C0..C6 (Basic/Standard), P1..P5 (Premium)
    "C0": 0.25, "C1": 1, "C2": 2.5, "C3": 6, "C4": 13, "C5": 26, "C6": 53,
    "P1": 6, "P2": 13, "P3": 26, "P4": 53, "P5": 120,
    # Azure Managed Redis
    "Balanced_B0": 0.5, "Balanced_B1": 1, "Balanced_B3": 3, "Balanced_B5": 6, "Balanced_B10": 12,
    "Balanced_B20": 24, "Balanced_B50": 60, "Balanced_B100": 120, "Balanced_B150": 180,
    "Balanced_B250": 240, "Balanced_B350": 360, "Balanced_B500": 480, "Balanced_B700": 720,
    "Balanced_B1000": 960,
    "MemoryOptimized_M10": 12, "MemoryOptimized_M20": 24, "MemoryOptimized_M50": 60,
    "MemoryOptimized_M100": 120, "MemoryOptimized_M150": 180, "MemoryOptimized_M250": 240,
    "MemoryOptimized_M350": 360, "MemoryOptimized_M500": 480, "MemoryOptimized_M700": 720,
    "MemoryOptimized_M1000": 960, "MemoryOptimized_M1500": 1440, "MemoryOptimized_M2000": 1920,
    "ComputeOptimized_X3": 3, "ComputeOptimized_X5": 6, "ComputeOptimized_X10": 12,
    "ComputeOptimized_X20": 24, "ComputeOptimized_X50": 60, "ComputeOptimized_X100": 120,
    "ComputeOptimized_X150": 180, "ComputeOptimized_X250": 240, "ComputeOptimized_X350": 360,
    "ComputeOptimized_X500": 480, "ComputeOptimized_X700": 720,
    "FlashOptimized_A250": 256, "FlashOptimized_A500": 512, "FlashOptimized_A700": 720,
    "FlashOptimized_A1000": 960, "FlashOptimized_A1500": 1440, "FlashOptimized_A2000": 1920,
    "FlashOptimized_A4500": 4320,
}


@dataclass(frozen=True)
class Size:
    value: Any  # capacity (int) for Azure Cache for Redis, the SKU name for Managed Redis
    code: str  # "C1", "P2", "Balanced_B0"
    memory: str  # "1 GB"


def _gb_text(gb: float) -> str:
    if gb < 1:
        return f"{int(gb * 1024)} MB"
    return f"{gb:g} GB"


def _from_rules(code: str) -> str | None:
    """Memory of `code` from wizard.rules.SKU_SIZES, whatever its exact shape turns out to be."""
    try:
        from wizard.rules import SKU_SIZES
    except ImportError:
        return None
    try:
        entry: Any = SKU_SIZES.get(code) if isinstance(SKU_SIZES, dict) else None
        if entry is None and isinstance(SKU_SIZES, dict):
            for value in SKU_SIZES.values():  # nested per family/tier
                if isinstance(value, dict) and code in value:
                    entry = value[code]
                    break
        if entry is None:
            return None
        if isinstance(entry, (int, float)):
            return _gb_text(float(entry))
        if isinstance(entry, str):
            return entry
        for attr in ("memory_gb", "gb", "memory"):
            found: Any = entry.get(attr) if isinstance(entry, dict) else getattr(entry, attr, None)
            if isinstance(found, (int, float)):
                return _gb_text(float(found))
            if isinstance(found, str):
                return found
    except Exception:  # a shape we do not know: fall back rather than break the page
        log.debug("unexpected SKU_SIZES shape", exc_info=True)
    return None


def memory(code: str) -> str:
    text = _from_rules(code)
    if text:
        return text
    gb = _FALLBACK_GB.get(code)
    # A module function, no QObject to call tr(): the word lives in the catalogue's "SkuCatalog" context.
    return _gb_text(gb) if gb is not None else QCoreApplication.translate("SkuCatalog", "size unknown")


def classic_sizes(tier: str) -> list[Size]:
    if tier == "Premium":
        return [Size(n, f"P{n}", memory(f"P{n}")) for n in range(1, 6)]
    return [Size(n, f"C{n}", memory(f"C{n}")) for n in range(0, 7)]


def managed_sizes(tier: str) -> list[Size]:
    try:
        from wizard.rules import MANAGED_REDIS_SKUS

        known = list(MANAGED_REDIS_SKUS)
    except ImportError:
        known = list(_FALLBACK_GB)
    codes = [c for c in known if c.startswith(tier + "_")]
    return [Size(c, c.split("_", 1)[1], memory(c)) for c in codes]


def managed_tier(sku: str) -> str:
    return sku.split("_", 1)[0] if "_" in sku else "Balanced"


def size_label(size: Size) -> str:
    return f"{size.code} — {size.memory}"
