"""What each function.packaging choice really does, per target: the GUI's packaging list shows these labels."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "local": {
        "local": "Run the app folder in a local functions host (a Python environment, no image)",
        "docker": "Build a container image with Docker here and run it as a container",
    },
    "azure": {
        "acr-build": "Build the image in Azure Container Registry (ACR Tasks; no Docker needed here)",
        "docker": "Build the image with Docker here and push it to the registry (or use an image you pushed: "
                  "give its full reference)",
        "azureml": "Package with Azure ML (SDK v1, out of support since 2026-06-30)",
    },
}


def packaging_choices(target: str) -> list[tuple[str, str]]:
    """(label, value) pairs valid for `target`, the recommended one first."""
    return [(label, value) for value, label in LABELS.get(target, {}).items()]


def packaging_label(target: str, value: str) -> str:
    return LABELS.get(target, {}).get(value, value)
