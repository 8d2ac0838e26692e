"""A deploying process for tests/containers/test_push_killed.py: `python -m tests.containers.push_driver PROFILE`.

What `mlfunc-wizard deploy PROFILE` runs (wizard.deployment.DeploymentRun), with one seam: the CLI signs in with
azure-identity, which cannot reach Entra ID here, so this process hands the emulator's static tokens to the run
(tests/azure/conftest.StaticCredential, as every Azure test does). Each event is printed as it arrives.
"""

from __future__ import annotations

import sys

from tests.azure.conftest import StaticCredential
from wizard import profile as profiles
from wizard.deployment import DeploymentRun


def main(path: str) -> int:
    profile = profiles.load(path)

    def sink(event) -> None:
        print(f"{event.kind} {event.step}: {event.message}", flush=True)

    outcome = DeploymentRun(profile, sink, credential=StaticCredential()).run()
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
