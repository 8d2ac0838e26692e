"""An in-repo ARM emulator over HTTPS: the subset of Azure Resource Manager the azure target uses, behaving
the way ARM does (LRO styles per provider, error bodies, idempotent PUTs) with fault injection per route."""

from tests.azure.arm_emulator.server import ArmEmulator, Fault, Recorded

__all__ = ["ArmEmulator", "Fault", "Recorded"]
