"""One line of help per choice, as the portal gives: what a tier, size, replica, zone or persistence mode costs or risks."""

from __future__ import annotations

TIERS: dict[str, str] = {
    "Basic": "One node, no replica and no SLA: the cheapest, for development; a restart or patch empties the cache.",
    "Standard": "A primary and a replica with a 99.9% SLA: about twice the Basic price; survives a node restart.",
    "Premium": "Faster hardware with clustering, zones, persistence and private networks; several times the Standard price.",
    "Balanced": "Memory and compute in balance: the usual choice for a model cache; priced by memory size.",
    "MemoryOptimized": "More memory per vCPU: cheaper per GB for large caches, fewer operations per second.",
    "ComputeOptimized": "More vCPUs per GB: the highest throughput, the highest price per GB.",
    "FlashOptimized": "Keeps cold keys on NVMe flash: the cheapest per GB for very large caches, slower for those keys.",
}

SIZE = ("Memory for cached answers. Larger sizes cost proportionally more; a cache that is too small evicts answers "
        "and sends more requests to the model.")
HIGH_AVAILABILITY = "A replica in another zone keeps the cache up when a node fails; it doubles the price."
REPLICAS = "Each extra replica adds a full copy of every shard (its cost too) and keeps reads going when a node fails."
ZONES = "Spreading nodes across zones survives a datacentre outage; traffic between zones may be billed."
PERSISTENCE = ("None loses the cache on a restart; RDB snapshots lose at most the interval; AOF loses about a second "
               "but writes more. Both store files in a storage account you pay for.")
SHARDS = "Clustering splits keys over shards: more memory and throughput, each shard billed as one cache."


def tier(value: str) -> str:
    return TIERS.get(value, "")
