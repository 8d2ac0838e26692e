"""Headless CLI: validate, plan, build, deploy, status, invoke, destroy — the same engine as the GUI."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from wizard import profile as profiles
from wizard import rules

EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE = 0, 1, 2


def _load(path: str) -> profiles.Profile | None:
    try:
        return profiles.load(path)
    except profiles.ProfileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def cmd_validate(args: argparse.Namespace) -> int:
    profile = _load(args.profile)
    if profile is None:
        return EXIT_UNREADABLE
    problems = rules.check(profile)
    for problem in problems:
        print(problem)
    return EXIT_PROBLEMS if rules.errors(problems) else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlfunc-wizard",
        description="Deploy an ML model as a function app with a Redis cache, locally or on Azure. "
        "Run without arguments to open the wizard.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check a profile against the portal's rules")
    p.add_argument("profile")
    p.set_defaults(func=cmd_validate)

    # Sub-commands added by the other modules' issues register themselves here.
    return parser


def run(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return args.func(args)


def main() -> int:  # pragma: no cover - thin wrapper
    return run(sys.argv[1:])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
