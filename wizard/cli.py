"""Headless CLI: validate, plan, build, deploy, status, invoke, destroy — the same engine as the GUI."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from wizard import profile as profiles
from wizard import rules, secrets

EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE = 0, 1, 2


def _load(path: str) -> profiles.Profile | None:
    try:
        return profiles.load(path)
    except profiles.ProfileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def cmd_validate(args: argparse.Namespace) -> int:
    """One line per problem on stdout; 0 = no error, 1 = errors, 2 = unreadable or not JSON."""
    try:
        profile = profiles.load(args.profile)
    except profiles.ProfileFieldError as exc:  # valid JSON, but a field is unknown or mistyped
        print(rules.Problem(exc.field, "error", str(exc).removeprefix(f"{exc.field}: ")))
        return EXIT_PROBLEMS
    except profiles.ProfileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    problems = rules.check(profile)
    for problem in problems:
        print(problem)
    n_errors = len(rules.errors(problems))
    print(
        f"{args.profile}: {n_errors} error(s), {len(problems) - n_errors} warning(s).",
        file=sys.stderr,
    )
    return EXIT_PROBLEMS if n_errors else EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from wizard.appgen import builder, samples

    profile = _load(args.profile)
    if profile is None:
        return EXIT_UNREADABLE
    try:
        built = builder.build_app(profile, Path(args.out))
    except (builder.BuildError, samples.SampleError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except OSError as exc:
        where = exc.filename or args.out
        print(
            f"error: writing the function app failed at {where}: {exc.strerror or exc}. Check that the folder "
            "is writable and has free space, and that no other build writes into it at the same time.",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    print(f"Function app written to {built.path.resolve()}")
    print(f"Model {built.model_name} version {built.model_version}")
    print("Functions: " + ", ".join(built.function_names))
    print("Routes: " + ", ".join(f"/api/{route}" for route in built.routes))
    for warning in built.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK


def cmd_samples(args: argparse.Namespace) -> int:
    from wizard.appgen import samples

    try:
        made = [samples.ensure_sample(args.name)] if args.name else samples.ensure_all()
    except samples.SampleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    for sample in made:
        print(f"{sample.name}\t{sample.version}\t{sample.model_path}")
    return EXIT_OK


# --- plan / deploy / status / invoke / destroy (engine issue): logic lives in wizard.deployment ---

EXIT_CANCELLED = 130


class _EventPrinter:
    """Prints engine events as lines (`[12.3s] cache: finished (4.1s)`); called from worker threads."""

    def __init__(self) -> None:
        import threading
        import time

        self._t0 = time.monotonic()
        self._clock = time.monotonic
        self._lock = threading.Lock()

    def __call__(self, event) -> None:
        elapsed = f"[{self._clock() - self._t0:.1f}s]"
        who = f"{event.step}: " if event.step else ""
        took = f" ({event.duration_s:.1f}s)" if event.duration_s is not None else ""
        if event.kind == "log":
            line = f"    {event.step} | {event.message}" if event.step else f"{elapsed} {event.message}"
        elif event.kind == "progress":
            pct = f"{event.fraction:.0%} " if event.fraction is not None else ""
            line = f"{elapsed} {who}{pct}{event.message}".rstrip()
        elif event.kind == "started":
            line = f"{elapsed} {who}started — {event.message}" if event.message else f"{elapsed} {who}started"
        elif event.kind == "failed":
            line = f"{elapsed} {who}FAILED{took} — {event.message}"
        else:  # finished, skipped, retrying, cancelled
            line = f"{elapsed} {who}{event.kind}{took}" + (f" — {event.message}" if event.message else "")
        with self._lock:
            print(line, flush=True)


def _refuse_on_rule_errors(profile: profiles.Profile, path: str) -> bool:
    problems = rules.check(profile)
    for problem in problems:
        print(problem, file=sys.stderr)
    if rules.errors(problems):
        print(f"{path} has {len(rules.errors(problems))} error(s); fix them (see `mlfunc-wizard validate {path}`) "
              "and run the command again.", file=sys.stderr)
        return True
    return False


def cmd_plan(args: argparse.Namespace) -> int:
    from wizard import deployment
    from wizard.plan import PlanError

    profile = _load(args.profile)
    if profile is None:
        return EXIT_UNREADABLE
    try:
        plan = deployment.make_plan(profile)
    except (PlanError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(plan.describe())
    return EXIT_PROBLEMS if rules.errors(rules.check(profile)) else EXIT_OK


def cmd_deploy(args: argparse.Namespace) -> int:
    import signal
    import threading

    from wizard import deployment
    from wizard.plan import PlanError
    from wizard.secrets import mask
    from wizard.targets.base import StepFailed

    profile = _load(args.profile)
    if profile is None:
        return EXIT_UNREADABLE
    if _refuse_on_rule_errors(profile, args.profile):
        return EXIT_PROBLEMS
    if profile.target == "azure" and not args.yes:
        if not sys.stdin.isatty():
            print("Deploying to Azure creates billed resources; confirm with --yes when not running in a terminal.",
                  file=sys.stderr)
            return EXIT_PROBLEMS
        answer = input(f"Create the resources of '{profile.name}' in Azure resource group "
                       f"'{profile.resource_group.name}'? They are billed. Type yes to go on: ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was created.", file=sys.stderr)
            return EXIT_PROBLEMS

    run_ = deployment.DeploymentRun(profile, _EventPrinter())
    result: dict = {}

    def work() -> None:
        try:
            result["outcome"] = run_.run()
        except BaseException as exc:  # noqa: BLE001 - reported below as a sentence
            result["error"] = exc

    def on_signal(signum, frame) -> None:
        print("cancelling…", file=sys.stderr, flush=True)
        run_.cancel()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    worker = threading.Thread(target=work, name="deploy", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.1)  # short joins so the signal handler runs promptly
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)

    error = result.get("error")
    if error is not None:
        if isinstance(error, (deployment.DeploymentBusy, PlanError, StepFailed, ValueError)):
            print(f"error: {error}", file=sys.stderr)
            return EXIT_PROBLEMS
        raise error
    outcome = result["outcome"]
    if outcome.ok:
        adopted = sum(1 for s in outcome.states.values() if s == "skipped")
        print(f"\nDeployed '{profile.name}' in {outcome.duration_s:.1f} s "
              f"({len(outcome.states)} steps, {adopted} already in place).")
        if outcome.endpoint is not None:
            print(f"Invoke URL: {outcome.endpoint.url}")
            if outcome.endpoint.key:
                print(f"Function key: {mask(outcome.endpoint.key)} (header {outcome.endpoint.auth_header})")
        print(f"Try it: mlfunc-wizard invoke {profile.name}")
        return EXIT_OK
    if outcome.cancelled:
        print("deployment cancelled; run deploy again to resume", file=sys.stderr)
        return EXIT_CANCELLED
    print("\nThe deployment did not finish:", file=sys.stderr)
    for step, sentence in outcome.failed.items():
        print(f"  {step}: {sentence}", file=sys.stderr)
    blocked = [s for s, state in outcome.states.items() if state == "blocked"]
    if blocked:
        print(f"  not started: {', '.join(blocked)}", file=sys.stderr)
    print("Finished steps are kept: run the same command again to resume.", file=sys.stderr)
    return EXIT_PROBLEMS


def _local_resources(profile: profiles.Profile) -> list[str]:
    from wizard import deployment

    try:
        return list(deployment.target_for(profile).resources(profile))
    except Exception as exc:  # noqa: BLE001 - status must still list the others
        return [f"(cannot list resources: {exc})"]


def cmd_status(args: argparse.Namespace) -> int:
    import time

    from wizard import deployment

    try:
        infos = [deployment.deployment_info(args.name)] if args.name else deployment.list_deployments()
    except (deployment.DeploymentNotFound, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    if not infos:
        print("No deployments yet. Deploy one with `mlfunc-wizard deploy PROFILE`.")
        return EXIT_OK
    rows = [("NAME", "TARGET", "RESOURCE GROUP", "STATE", "UPDATED", "ENDPOINT")]
    for i in infos:
        updated = time.strftime("%Y-%m-%d %H:%M", time.localtime(i.updated)) if i.updated else "-"
        rows.append((i.name, i.target, i.resource_group, i.status, updated, i.endpoint_url or "-"))
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]) - 1)]
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)) + "  " + r[-1])
    for i in infos:
        if args.name:
            print(f"\nSteps of {i.name}:")
            for step, state in i.steps.items():
                print(f"  {step}: {state}")
        if i.target == "local":
            profile = deployment.load_deployed_profile(i.name)
            print(f"\nResources of {i.name} ({i.resource_group}):")
            for line in _local_resources(profile) or ["(none)"]:
                print(f"  {line}")
    return EXIT_OK


def _invoke_data(args: argparse.Namespace):
    """The JSON to send: --data JSON, --data @FILE, or the profile's / sample's sample input."""
    import json

    from wizard import deployment

    if args.data is not None:
        text = args.data
        if text.startswith("@"):
            try:
                text = Path(text[1:]).expanduser().read_text(encoding="utf-8")
            except OSError as exc:
                raise ValueError(f"Cannot read {text[1:]}: {exc.strerror}. Check the path after @.") from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"--data is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}).") from None
    profile = deployment.load_deployed_profile(args.name)
    if profile.model.sample_input is not None:
        return profile.model.sample_input
    if profile.model.source == "sample":
        from wizard.appgen.samples import ensure_sample

        return ensure_sample(profile.model.sample).sample_input
    raise ValueError("This profile has no model.sample_input; pass the input with --data JSON or --data @FILE.")


def cmd_invoke(args: argparse.Namespace) -> int:
    from wizard import deployment
    from wizard.targets.base import StepFailed

    try:
        data = _invoke_data(args)
        result = deployment.invoke(args.name, data, timeout=args.timeout)
    except (deployment.DeploymentNotFound, deployment.InvokeError, StepFailed, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(result.body)
    parts = [f"HTTP {result.status}", f"{result.latency_ms:.1f} ms"]
    if result.x_cache:
        parts.append(f"X-Cache: {result.x_cache}")
    if result.model_version:
        parts.append(f"model {result.model_version}")
    print(" · ".join(parts), file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def cmd_destroy(args: argparse.Namespace) -> int:
    import signal
    import threading

    from wizard import deployment
    from wizard.targets.base import StepFailed

    try:
        profile = deployment.load_deployed_profile(args.name)
    except (deployment.DeploymentNotFound, profiles.ProfileError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    group = profile.resource_group.name
    typed = None
    if not args.yes:
        if not sys.stdin.isatty():
            print(f"destroy asks you to type the resource group name '{group}' to confirm; run it in a terminal "
                  "or pass --yes.", file=sys.stderr)
            return EXIT_PROBLEMS
        if profile.target == "local":
            print(f"Resource group {group} holds:")
            for line in _local_resources(profile) or ["(nothing)"]:
                print(f"  {line}")
        typed = input(f"Type the resource group name ({group}) to delete it and everything in it: ")
    cancel = threading.Event()
    previous = {s: signal.signal(s, lambda signum, frame: cancel.set()) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        deployment.destroy(profile, log=lambda line: print(line, flush=True), cancel_event=cancel, typed_name=typed)
    except (deployment.DestroyRefused, deployment.DeploymentBusy, StepFailed) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if cancel.is_set():
        print("destroy cancelled; run it again to delete the rest", file=sys.stderr)
        return EXIT_CANCELLED
    print(f"Deleted resource group {group} and the deployment '{profile.name}'.")
    return EXIT_OK


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

    p = sub.add_parser("build", help="write the function app folder for a profile")
    p.add_argument("profile")
    p.add_argument("--out", required=True, help="folder to write the app into (empty, or an earlier build)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("samples", help="generate the sample models (digits, digits-heavy) and print their paths")
    p.add_argument("--name", help="only this sample")
    p.set_defaults(func=cmd_samples)

    p = sub.add_parser("plan", help="show the steps a deployment would take, in order, with the critical path")
    p.add_argument("profile")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("deploy", help="deploy a profile (resumes an interrupted deployment)")
    p.add_argument("profile")
    p.add_argument("--yes", action="store_true", help="do not ask before creating billed Azure resources")
    p.set_defaults(func=cmd_deploy)

    p = sub.add_parser("status", help="list deployments, their state and endpoint (and local processes)")
    p.add_argument("name", nargs="?", help="one deployment, with its steps")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("invoke", help="send input to a deployed function and print the answer")
    p.add_argument("name")
    p.add_argument("--data", help="JSON, or @FILE; default: the profile's sample input")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the answer")
    p.set_defaults(func=cmd_invoke)

    p = sub.add_parser("destroy", help="delete a deployment's resource group and everything in it")
    p.add_argument("name")
    p.add_argument("--yes", action="store_true", help="do not ask for the resource group name")
    p.set_defaults(func=cmd_destroy)

    # Sub-commands added by the other modules' issues register themselves here.
    return parser


def run(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    secrets.install_log_scrubbing()
    return args.func(args)


def main() -> int:  # pragma: no cover - thin wrapper
    return run(sys.argv[1:])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
