"""Run the ARM emulator on its own: `python -m tests.azure.arm_emulator --port N`."""

from __future__ import annotations

import argparse
import logging
import signal
import threading

from tests.azure.arm_emulator.server import ArmEmulator


def main() -> None:
    parser = argparse.ArgumentParser(description="ARM emulator for mlfunc-wizard (HTTPS, trustme CA).")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0 = a free one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--lro-polls", type=int, default=1, help="polls before a long-running operation finishes")
    parser.add_argument("--retire-classic", action="store_true", help="refuse new Azure Cache for Redis with the retirement 400")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    emulator = ArmEmulator(host=args.host, port=args.port, lro_polls=args.lro_polls, retire_classic=args.retire_classic)
    emulator.start()
    print(f"ARM emulator listening on {emulator.url}", flush=True)
    print(f"CA certificate: {emulator.ca_file} (set MLFUNC_WIZARD_CA_BUNDLE to it)", flush=True)
    print(f"Subscription: {emulator.subscription_id}; any bearer token is accepted", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    emulator.stop()


if __name__ == "__main__":
    main()
