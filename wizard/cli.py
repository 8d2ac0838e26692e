"""Headless CLI: validate, plan, build, deploy, status, invoke, keys, destroy — the same engine as the GUI.

Errors are caught once, in `run()`: a WizardError is one sentence (exit 1; 2 when the input cannot be read),
anything else is a sentence with a correlation id and the log file holding the traceback (exit 3).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wizard import i18n, rules, secrets
from wizard import profile as profiles
from wizard.core.errors import InputError, WizardError
from wizard.i18n import _

EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE, EXIT_UNEXPECTED = 0, 1, 2, 3
EXIT_CANCELLED = 130  # 128 + SIGINT, as a shell reports Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader (`| head`) went away

PROG = "mlfunc-wizard"
# The words before a problem stay English in every language, as in `validate`'s problem lines: scripts grep them.
ERROR_PREFIX, WARNING_PREFIX = "error: ", "warning: "


class ProblemsFound(WizardError):
    """Rule or model-check errors that stop a command; `problems` are printed before the sentence."""

    def __init__(self, message: str, problems: list[rules.Problem]):
        super().__init__(message)
        self.problems = problems


# --- output helpers ---------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    """JSON for what events and outputs may hold: dataclasses, enums, paths."""
    import dataclasses
    import enum

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, enum.Enum):
        return value.value
    return str(value)


def _emit_json(document: Any) -> None:
    """One JSON document on one line of stdout (JSON Lines when there are several), never a secret."""
    text = json.dumps(document, ensure_ascii=False, default=_json_default, allow_nan=False)
    print(secrets.scrub(text), flush=True)


def _json_mode(args: argparse.Namespace) -> bool:
    return getattr(args, "output", "table") == "json"


def _problem_json(problem: rules.Problem) -> dict[str, str]:
    return {"path": problem.path, "severity": problem.severity, "message": problem.message}


def _load(path: str) -> profiles.Profile:
    return profiles.load(path)  # ProfileError is an InputError: exit 2 with its sentence


def _check_rules(profile: profiles.Profile, path: str) -> list[rules.Problem]:
    """The rule problems; raises ProblemsFound (exit 1) when any is an error."""
    problems = rules.check(profile)
    n_errors = len(rules.errors(problems))
    if n_errors:
        raise ProblemsFound(
            _("{path} has {n} error(s); fix them (see `{command}`) and run the command again.").format(
                path=path, n=n_errors, command=f"{PROG} validate {path}"),
            problems,
        )
    return problems


# --- validate / build / samples -----------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    """One line per problem on stdout; 0 = no error, 1 = errors, 2 = unreadable or not JSON."""
    try:
        profile = profiles.load(args.profile)
    except profiles.ProfileFieldError as exc:  # valid JSON, but a field is unknown or mistyped
        problems = [rules.Problem(exc.field, "error", str(exc).removeprefix(f"{exc.field}: "))]
    else:
        problems = rules.check(profile)
        if not args.no_model_check and not rules.errors(rules.problems_for(problems, "model")):
            from wizard import model_check

            problems += model_check.check_model(profile)
    n_errors = len(rules.errors(problems))
    if _json_mode(args):
        _emit_json({
            "profile": args.profile, "valid": not n_errors, "errors": n_errors,
            "warnings": len(problems) - n_errors, "problems": [_problem_json(p) for p in problems],
        })
    else:
        for problem in problems:
            print(problem)
        print(_("{profile}: {errors} error(s), {warnings} warning(s).").format(
            profile=args.profile, errors=n_errors, warnings=len(problems) - n_errors), file=sys.stderr)
    return EXIT_PROBLEMS if n_errors else EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from wizard.appgen import builder

    profile = _load(args.profile)
    try:
        built = builder.build_app(profile, Path(args.out))
    except OSError as exc:
        where = exc.filename or args.out
        raise WizardError(
            _("writing the function app failed at {where}: {reason}. Check that the folder "
              "is writable and has free space, and that no other build writes into it at the same time.").format(
                where=where, reason=exc.strerror or exc)
        ) from None
    print(_("Function app written to {path}").format(path=built.path.resolve()))
    print(_("Model {name} version {version}").format(name=built.model_name, version=built.model_version))
    print(_("Functions: {names}").format(names=", ".join(built.function_names)))
    print(_("Routes: {routes}").format(routes=", ".join(f"/api/{route}" for route in built.routes)))
    for warning in built.warnings:
        print(WARNING_PREFIX + warning, file=sys.stderr)
    return EXIT_OK


def cmd_samples(args: argparse.Namespace) -> int:
    from wizard.appgen import samples

    made = [samples.ensure_sample(args.name)] if args.name else samples.ensure_all()
    for sample in made:
        print(f"{sample.name}\t{sample.version}\t{sample.model_path}")
    return EXIT_OK


# --- plan / deploy / status / invoke / keys / destroy: logic lives in wizard.deployment ----------


class _EventPrinter:
    """Prints engine events as lines (`[12.3s] cache: finished (4.1s)`), or as JSON Lines; called from worker
    threads. A reader that went away (`| head`) stops the printing, not the deployment."""

    def __init__(self, as_json: bool = False) -> None:
        import threading
        import time

        self._t0 = time.monotonic()
        self._clock = time.monotonic
        self._lock = threading.Lock()
        self._json = as_json
        self._closed = False

    def elapsed(self) -> float:
        return self._clock() - self._t0

    def __call__(self, event) -> None:
        if self._json:
            line = None
            document = {
                "type": "event", "kind": event.kind, "step": event.step, "message": event.message,
                "fraction": event.fraction, "duration_s": event.duration_s, "detail": event.detail,
                "outputs": event.outputs, "time": event.time, "elapsed_s": round(self.elapsed(), 3),
                "state": getattr(event, "state", ""),  # the step's lifecycle state on the events that end it
            }
        else:
            document = None
            line = self._line(event)
        with self._lock:
            if self._closed:
                return
            try:
                _emit_json(document) if self._json else print(line, flush=True)
            except BrokenPipeError:
                self._closed = True
                _silence_stdout()

    def _line(self, event) -> str:
        elapsed = f"[{self.elapsed():.1f}s]"
        who = f"{event.step}: " if event.step else ""
        took = f" ({event.duration_s:.1f}s)" if event.duration_s is not None else ""
        kind = getattr(event.kind, "value", event.kind)
        if kind == "log":
            return f"    {event.step} | {event.message}" if event.step else f"{elapsed} {event.message}"
        if kind == "progress":
            pct = f"{event.fraction:.0%} " if event.fraction is not None else ""
            return f"{elapsed} {who}{pct}{event.message}".rstrip()
        word = _kind_word(kind)
        if kind == "started":
            return f"{elapsed} {who}{word} — {event.message}" if event.message else f"{elapsed} {who}{word}"
        if kind == "failed":
            return f"{elapsed} {who}{word}{took} — {event.message}"
        # finished, skipped, retrying, cancelled, ...
        return f"{elapsed} {who}{word}{took}" + (f" — {event.message}" if event.message else "")


def _kind_word(kind: str) -> str:
    """The word an event line shows for its kind, in the user's language."""
    if kind == "started":
        return _("started")
    if kind == "failed":
        return _("FAILED")
    if kind == "finished":
        return _("finished")
    if kind == "skipped":
        return _("skipped")
    if kind == "retrying":
        return _("retrying")
    if kind == "cancelled":
        return _("cancelled")
    return kind


def plan_document(plan: Any) -> dict[str, Any]:
    """`plan --output json`. HOOK for the step-contract issue (H6), which defines the shape: when the Plan
    offers `to_json()` it is used as is; until then this minimal shape (pinned in tests) stands in."""
    to_json = getattr(plan, "to_json", None)
    if callable(to_json):
        return to_json()
    return {
        "target": plan.target,
        "steps": [
            {"name": s.name, "title": s.title, "creates": s.creates, "needs": list(s.needs), "estimate_s": s.estimate_s}
            for s in plan.steps
        ],
    }


def cmd_plan(args: argparse.Namespace) -> int:
    from wizard import deployment

    profile = _load(args.profile)
    _check_rules(profile, args.profile)
    plan = deployment.make_plan(profile)
    from wizard.core import (
        whatif,  # the what-if (issue 14): exit 0 nothing would change, 2 something would
    )

    credential = None
    if profile.target == "azure":  # compare with Azure only when a sign-in works without asking
        from wizard.session import Session

        session = Session()
        try:
            session.sign_in(profile, interactive=False)
            credential = session.credential
        except WizardError:
            pass  # what_if then lists the steps only and says why
    preview = deployment.what_if(profile, credential=credential)
    if _json_mode(args):
        _emit_json(whatif.plan_json(plan_document(plan), preview))
    else:
        print(plan.describe() + "\n\n" + whatif.render_text(preview))
        if preview.has_changes and not preview.replacements:  # a replacement says what it needs itself
            print("\n" + _("Run `{command}` to make these changes.").format(command=f"{PROG} deploy {args.profile}"))
    return whatif.exit_code(preview)


def _endpoint_json(endpoint: Any, auth_level: str | None) -> dict[str, Any] | None:
    """Where and how to call the function, never the key (see `keys NAME`)."""
    if endpoint is None:
        return None
    url = endpoint if isinstance(endpoint, str) else endpoint.url
    if not url:
        return None
    header = None if auth_level == "anonymous" else (getattr(endpoint, "auth_header", "") or "x-functions-key")
    return {"url": url, "auth_level": auth_level, "key_header": header}


def cmd_deploy(args: argparse.Namespace) -> int:
    import signal
    import threading

    from wizard import deployment, model_check

    as_json = _json_mode(args)
    profile = _load(args.profile)
    _check_rules(profile, args.profile)
    # Load the model and run init() in a subprocess before anything is started (unpickling runs code).
    found = rules.errors(model_check.check_model(profile))
    if found:
        raise ProblemsFound(_("The model or entry script of {profile} does not load; fix it and deploy again.").format(
            profile=args.profile), found)
    if profile.target == "azure" and not args.yes:
        if not sys.stdin.isatty():
            raise WizardError(_("Deploying to Azure creates billed resources; confirm with --yes when not running in a terminal."))
        answer = input(_("Create the resources of '{name}' in Azure resource group '{group}'? They are billed. "
                         "Type yes to go on: ").format(name=profile.name, group=profile.resource_group.name))
        # "yes" in English, and the answer the translation asks for (Polish: "tak")
        if answer.strip().lower() not in ("y", "yes", _("yes")):
            raise WizardError(_("Nothing was created."))

    printer = _EventPrinter(as_json)
    run_ = deployment.DeploymentRun(profile, printer, allow_replace=args.allow_replace)
    result: dict = {}

    def work() -> None:
        try:
            result["outcome"] = run_.run()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread, caught at the top
            result["error"] = exc

    def on_signal(signum, frame) -> None:
        print(_("cancelling…"), file=sys.stderr, flush=True)
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
        raise error
    outcome = result["outcome"]
    states = {step: getattr(state, "value", state) for step, state in outcome.states.items()}
    blocked = [s for s, state in states.items() if state == "blocked"]
    if as_json:
        _emit_json({
            "type": "result", "name": profile.name, "ok": outcome.ok, "cancelled": outcome.cancelled,
            "duration_s": round(outcome.duration_s, 3), "states": states, "failed": outcome.failed,
            "endpoint": _endpoint_json(outcome.endpoint, _auth_level(profile)),
        })
        return EXIT_OK if outcome.ok else EXIT_CANCELLED if outcome.cancelled else EXIT_PROBLEMS
    if outcome.ok:
        adopted = sum(1 for s in states.values() if s in ("skipped", "adopted"))
        print("\n" + _("Deployed '{name}' in {seconds:.1f} s ({steps} steps, {adopted} already in place).").format(
            name=profile.name, seconds=outcome.duration_s, steps=len(states), adopted=adopted))
        if outcome.endpoint is not None:
            print(_("Invoke URL: {url}").format(url=outcome.endpoint.url))
            if outcome.endpoint.key:
                print(_("Function key: {key} (header {header}; `{command}` prints it)").format(
                    key=secrets.mask(outcome.endpoint.key), header=outcome.endpoint.auth_header,
                    command=f"{PROG} keys {profile.name} --show"))
        print(_("Try it: {command}").format(command=f"{PROG} invoke {profile.name}"))
        return EXIT_OK
    if outcome.cancelled:
        print(_("deployment cancelled; run deploy again to resume"), file=sys.stderr)
        return EXIT_CANCELLED
    print("\n" + _("The deployment did not finish:"), file=sys.stderr)
    for step, sentence in outcome.failed.items():
        print(f"  {step}: {sentence}", file=sys.stderr)
    if blocked:
        print("  " + _("not started: {steps}").format(steps=", ".join(blocked)), file=sys.stderr)
    print(_("Finished steps are kept: run the same command again to resume."), file=sys.stderr)
    return EXIT_PROBLEMS


def _auth_level(profile: profiles.Profile) -> str | None:
    trigger = profile.function.trigger
    return (trigger.auth_level or "function") if trigger.type == "http" else None


def _deployed_profile(name: str) -> profiles.Profile:
    """The saved profile of deployment `name`; a damaged record is a sentence, not a traceback."""
    from wizard import deployment

    try:
        folder = deployment.state_dir(name)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    try:
        return deployment.load_deployed_profile(name)
    except deployment.DeploymentNotFound:
        raise
    except (WizardError, OSError, ValueError) as exc:  # a damaged or hand-edited profile copy
        raise WizardError(
            _("The record of deployment '{name}' in {folder} cannot be read ({problem}); remove it with "
              "`{command}` and deploy again.").format(name=name, folder=folder, problem=exc,
                                                      command=f"{PROG} destroy {name} --forget"),
        ) from None


def _local_resources(profile: profiles.Profile) -> list[str]:
    from wizard import deployment

    try:
        from wizard.targets.local.container_app import status_lines  # the container of a docker-packaged app

        return list(deployment.target_for(profile).resources(profile)) + status_lines(profile)
    except Exception as exc:  # noqa: BLE001 - status must still list the others
        return ["(" + _("cannot list resources: {problem}").format(problem=exc) + ")"]


def _iso(timestamp: float | None) -> str | None:
    import datetime as dt

    return dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat() if timestamp else None


def _drift(name: str, *, as_json: bool) -> Any:
    """How deployment `name` differs from the profile it was deployed with (issue 14's what-if)."""
    from wizard import deployment
    from wizard.core import whatif

    try:
        found = deployment.drift(name)
    except WizardError as exc:
        return {"error": exc.message} if as_json else _("Drift: not available ({reason})").format(reason=exc.message)
    return whatif.to_json(found) if as_json else whatif.render_drift(found)


def cmd_status(args: argparse.Namespace) -> int:
    import time

    from wizard import deployment

    if args.name:
        _deployed_profile(args.name)  # a sentence for an unknown or damaged record
        infos = [deployment.deployment_info(args.name)]
    else:
        infos = deployment.list_deployments()
    if _json_mode(args):
        documents = []
        for i in infos:
            profile = deployment.load_deployed_profile(i.name)
            documents.append({
                "name": i.name, "target": i.target, "resource_group": i.resource_group,
                "subscription_id": profile.azure.subscription_id if i.target == "azure" else "",
                "state": i.status, "updated": _iso(i.updated),
                "endpoint": _endpoint_json(i.endpoint_url, _auth_level(profile)),
                "steps": {step: getattr(state, "value", state) for step, state in i.steps.items()},
                "resources": _local_resources(profile) if i.target == "local" else [],
                **({"drift": _drift(i.name, as_json=True)} if args.name else {}),
            })
        _emit_json(documents[0] if args.name else documents)
        return EXIT_OK
    if not infos:
        print(_("No deployments yet. Deploy one with `{command}`.").format(command=f"{PROG} deploy PROFILE"))
        return EXIT_OK
    rows = [("NAME", "TARGET", "RESOURCE GROUP", "STATE", "UPDATED", "ENDPOINT")]
    for i in infos:
        updated = time.strftime("%Y-%m-%d %H:%M", time.localtime(i.updated)) if i.updated else "-"
        rows.append((i.name, i.target, i.resource_group, i.status, updated, i.endpoint_url or "-"))
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]) - 1)]
    for r in rows:  # widths has one column less: the last (the URL) is not padded
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=False)) + "  " + r[-1])
    for i in infos:
        if args.name:
            print("\n" + _("Steps of {name}:").format(name=i.name))
            for step, state in i.steps.items():
                print(f"  {step}: {getattr(state, 'value', state)}")
            print("\n" + _drift(i.name, as_json=False))
        if i.target == "local":
            profile = deployment.load_deployed_profile(i.name)
            print("\n" + _("Resources of {name} ({group}):").format(name=i.name, group=i.resource_group))
            for line in _local_resources(profile) or [_("(none)")]:
                print(f"  {line}")
    return EXIT_OK


def _invoke_data(args: argparse.Namespace):
    """The JSON to send: --data JSON, --data @FILE, or the profile's / sample's sample input."""
    if args.data is not None:
        text = args.data
        if text.startswith("@"):
            try:
                text = Path(text[1:]).expanduser().read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(_("Cannot read {path}: {reason}. Check the path after @.").format(
                    path=text[1:], reason=getattr(exc, "strerror", None) or exc)) from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(_("--data is not valid JSON ({problem} at line {line}, column {column}).").format(
                problem=exc.msg, line=exc.lineno, column=exc.colno)) from None
        except RecursionError:
            raise InputError(_("--data is nested too deep to read; send a flatter JSON document.")) from None
        except ValueError:  # an integer over the digit limit
            raise InputError(_("--data holds a number with more than {digits} digits; send smaller numbers.").format(
                digits=sys.get_int_max_str_digits())) from None
    profile = _deployed_profile(args.name)
    if profile.model.sample_input is not None:
        return profile.model.sample_input
    if profile.model.source == "sample":
        from wizard.appgen.samples import ensure_sample

        return ensure_sample(profile.model.sample).sample_input
    raise InputError(_("This profile has no model.sample_input; pass the input with --data JSON or --data @FILE."))


def cmd_invoke(args: argparse.Namespace) -> int:
    from wizard import deployment

    data = _invoke_data(args)
    _deployed_profile(args.name)
    result = deployment.invoke(args.name, data, timeout=args.timeout)
    if _json_mode(args):
        _emit_json({
            "status": result.status, "ok": result.ok, "latency_ms": round(result.latency_ms, 3),
            "x_cache": result.x_cache, "model_version": result.model_version, "response": result.json,
            "body": result.body,
        })
        return EXIT_OK if result.ok else EXIT_PROBLEMS
    print(result.body)
    parts = [f"HTTP {result.status}", f"{result.latency_ms:.1f} ms"]
    if result.x_cache:
        parts.append(f"X-Cache: {result.x_cache}")
    if result.model_version:
        parts.append(f"model {result.model_version}")
    print(" · ".join(parts), file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def cmd_keys(args: argparse.Namespace) -> int:
    """The function key of a deployment, masked unless --show (like `az functionapp keys list`)."""
    from wizard import deployment

    profile = _deployed_profile(args.name)
    endpoint = deployment.endpoint(profile)
    key = endpoint.key or ""
    shown = key if args.show else (secrets.mask(key) if key else "")
    if _json_mode(args):
        document = {"name": profile.name, "key_header": endpoint.auth_header if key else None, "key": shown,
                    "masked": bool(key) and not args.show}
        # --show asks for the key: print it unscrubbed (the registry would mask it again).
        print(json.dumps(document, ensure_ascii=False), flush=True)
        return EXIT_OK
    if not key:
        print(_("'{name}' needs no key (auth level {level}).").format(name=profile.name,
                                                                      level=_auth_level(profile) or "none"))
        return EXIT_OK
    print(shown + "\t" + _("(header {header})").format(header=endpoint.auth_header))
    if not args.show:
        print(_("The key is masked; `{command}` prints it.").format(command=f"{PROG} keys {profile.name} --show"),
              file=sys.stderr)
    return EXIT_OK


def cmd_destroy(args: argparse.Namespace) -> int:
    import signal
    import threading

    from wizard import deployment

    if args.forget:
        _deployment_folder_exists(args.name)
        group, subscription = deployment.forget(args.name)
        if subscription:
            print(_("Forgot the deployment '{name}' (its local record only). Its resource group '{group}' in "
                    "subscription {subscription} was NOT deleted.").format(name=args.name, group=group,
                                                                          subscription=subscription))
            print(_("Delete it by hand when you no longer need it: {command}").format(
                command=f"az group delete --name {group} --subscription {subscription}"))
        else:
            print(_("Forgot the deployment '{name}' (its local record only). Its resource group '{group}' was NOT "
                    "deleted.").format(name=args.name, group=group))
            if group:
                print(_("Delete it by hand when you no longer need it (a local group is a folder under {folder} in "
                        "the data folder, with its processes).").format(folder=Path("resource-groups") / group))
        return EXIT_OK
    profile = _deployed_profile(args.name)
    group = profile.resource_group.name
    typed = None
    if not args.yes:
        if not sys.stdin.isatty():
            raise WizardError(_("destroy asks you to type the resource group name '{group}' to confirm; run it in a "
                                "terminal or pass --yes.").format(group=group))
        if profile.target == "local":
            print(_("Resource group {group} holds:").format(group=group))
            for line in _local_resources(profile) or [_("(nothing)")]:
                print(f"  {line}")
        typed = input(_("Type the resource group name ({group}) to delete it and everything in it: ").format(group=group))
    cancel = threading.Event()
    previous = {s: signal.signal(s, lambda signum, frame: cancel.set()) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        deployment.destroy(profile, log=lambda line: print(line, flush=True), cancel_event=cancel, typed_name=typed)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if cancel.is_set():
        print(_("destroy cancelled; run it again to delete the rest"), file=sys.stderr)
        return EXIT_CANCELLED
    print(_("Deleted resource group {group} and the deployment '{name}'.").format(group=group, name=profile.name))
    return EXIT_OK


def _deployment_folder_exists(name: str) -> None:
    from wizard import deployment

    try:
        folder = deployment.state_dir(name)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if not folder.is_dir():
        # The same sentence as deployment.load_deployed_profile's (one catalogue entry).
        raise deployment.DeploymentNotFound(
            _("No deployment named '{name}'. Run `mlfunc-wizard status` to list deployments.").format(name=name))


def cmd_completion(args: argparse.Namespace) -> int:
    import argcomplete

    print(argcomplete.shellcode([PROG], shell=args.shell))
    return EXIT_OK


# --- the parser -------------------------------------------------------------------------------------


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version(PROG)
    except metadata.PackageNotFoundError:  # a checkout that was not installed
        from wizard import __version__

        return __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=_("Deploy an ML model as a function app with a Redis cache, locally or on Azure. "
                      "Run without arguments to open the wizard."),
        epilog=_("Exit codes: 0 ok, 1 errors or a failed step, 2 unreadable input, 3 unexpected error (see the log "
                 "file it names), 130 cancelled. plan exits 2 when something would change and 1 for unreadable input."),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {_version()}")
    parser.add_argument("-v", "--verbose", action="store_true", help=_("log more detail, and show error details"))
    lang_help = _("language of the sentences: en or pl (default: the locale, LANGUAGE or LANG)")
    parser.add_argument("--lang", choices=tuple(i18n.LANGUAGES), default=None, help=lang_help)
    # Sub-commands accept -v too; SUPPRESS keeps the top-level value when they do not get it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help=_("log more detail, and show error details"))
    common.add_argument("--lang", choices=tuple(i18n.LANGUAGES), default=argparse.SUPPRESS, help=lang_help)
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("-o", "--output", choices=("table", "json"), default="table",
                        help=_("table for people (default), json for scripts"))
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, help_: str, *, with_output: bool = False) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_, parents=[common, output] if with_output else [common])

    p = add("validate", _("check a profile against the portal's rules, and load its model"), with_output=True)
    p.add_argument("profile")
    p.add_argument("--no-model-check", action="store_true",
                   help=_("do not load the model and run init() (in a subprocess, up to 60 s)"))
    p.set_defaults(func=cmd_validate)

    p = add("build", _("write the function app folder for a profile"))
    p.add_argument("profile")
    p.add_argument("--out", required=True, help=_("folder to write the app into (empty, or an earlier build)"))
    p.set_defaults(func=cmd_build)

    p = add("samples", _("generate the sample models (digits, digits-heavy) and print their paths"))
    p.add_argument("--name", help=_("only this sample"))
    p.set_defaults(func=cmd_samples)

    p = add("plan", _("show the steps a deployment would take, in order, with the critical path"), with_output=True)
    p.description = _("Compares the profile with what is deployed and prints each resource's action. Exit codes (as "
                      "`terraform plan -detailed-exitcode`): 0 nothing would change, 2 something would change, 1 an "
                      "error, including a profile that cannot be read (other commands exit 2 for that).")
    p.add_argument("profile")
    # As `terraform plan -detailed-exitcode`, 2 means only "something would change": input errors exit 1 here.
    p.set_defaults(func=cmd_plan, input_error_exit=EXIT_PROBLEMS)

    p = add("deploy", _("deploy a profile (resumes an interrupted deployment)"), with_output=True)
    p.add_argument("profile")
    p.add_argument("--yes", action="store_true", help=_("do not ask before creating billed Azure resources"))
    p.add_argument("--allow-replace", action="store_true",
                   help=_("replace a resource whose changed setting cannot change in place (its data is lost; see plan)"))
    p.set_defaults(func=cmd_deploy)

    p = add("status", _("list deployments, their state and endpoint (and local processes)"), with_output=True)
    p.add_argument("name", nargs="?", help=_("one deployment, with its steps"))
    p.set_defaults(func=cmd_status)

    p = add("invoke", _("send input to a deployed function and print the answer"), with_output=True)
    p.add_argument("name")
    p.add_argument("--data", help=_("JSON, or @FILE; default: the profile's sample input"))
    p.add_argument("--timeout", type=float, default=30.0, help=_("seconds to wait for the answer"))
    p.set_defaults(func=cmd_invoke)

    p = add("keys", _("print a deployment's function key (masked unless --show)"), with_output=True)
    p.add_argument("name")
    p.add_argument("--show", action="store_true", help=_("print the whole key (it is a secret)"))
    p.set_defaults(func=cmd_keys)

    p = add("destroy", _("delete a deployment's resource group and everything in it"))
    p.add_argument("name")
    p.add_argument("--yes", action="store_true", help=_("do not ask for the resource group name"))
    p.add_argument("--forget", action="store_true",
                   help=_("delete only the local record (no sign-in); the resource group is left to delete by hand"))
    p.set_defaults(func=cmd_destroy)

    p = add("completion", _("print the shell completion script (eval \"$(mlfunc-wizard completion bash)\")"))
    p.add_argument("shell", choices=("bash", "zsh"))
    p.set_defaults(func=cmd_completion)

    # Sub-commands added by the other modules' issues register themselves here.
    from wizard.containers.cli import register as register_containers

    register_containers(add)
    from wizard.cli_logs import register as register_logs

    register_logs(add)
    from wizard.cli_export import register as register_export

    register_export(add, load=_load, check_rules=_check_rules)
    return parser


# --- logging and the one place errors are caught --------------------------------------------------


class _ConsoleHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is now (so a redirected stderr is honoured)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


class _OwnRecordsOnly(logging.Filter):
    """Without -v the console shows the wizard's own warnings, not the libraries' (azure.identity, urllib3...)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.name == "wizard" or record.name.startswith("wizard.")


def _configure_logging(verbose: bool) -> None:
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _ConsoleHandler)]:
        root.removeHandler(handler)
    handler = _ConsoleHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.DEBUG if verbose else logging.WARNING)
    if not verbose:
        handler.addFilter(_OwnRecordsOnly())
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    logging.captureWarnings(True)  # library `warnings` go through the filter above (py.warnings)
    secrets.install_log_scrubbing()


def _silence_stdout() -> None:
    """After EPIPE: point stdout at /dev/null, so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (tests capture stdout): nothing to flush at exit


def _error_document(exc: BaseException, code: int, **extra: Any) -> dict[str, Any]:
    message = secrets.scrub(getattr(exc, "message", "") or str(exc))
    detail = secrets.scrub(getattr(exc, "detail", "") or "")
    error: dict[str, Any] = {"message": message, "detail": detail, "exit_code": code, **extra}
    if isinstance(exc, ProblemsFound):
        error["problems"] = [_problem_json(p) for p in exc.problems]
    return {"error": error}


def _report(exc: WizardError, code: int, *, verbose: bool, as_json: bool) -> int:
    if as_json:
        _emit_json(_error_document(exc, code))
        return code
    if isinstance(exc, ProblemsFound):
        for problem in exc.problems:
            print(problem, file=sys.stderr)
    print(ERROR_PREFIX + secrets.scrub(exc.message), file=sys.stderr)
    if verbose and exc.detail:
        print(_("detail: {detail}").format(detail=secrets.scrub(exc.detail)), file=sys.stderr)
    return code


def _log_unexpected(exc: BaseException, correlation: str, argv: list[str]) -> Path | None:
    """Write the traceback (secrets masked) to data_home()/logs; the console gets only the path."""
    import tempfile
    import time
    import traceback

    text = "".join(traceback.format_exception(exc))
    body = secrets.scrub(
        f"mlfunc-wizard {_version()} · correlation id {correlation} · {time.strftime('%Y-%m-%d %H:%M:%S %z')}\n"
        f"command: {' '.join(argv)}\npython: {sys.version.split()[0]} on {sys.platform}\n\n{text}"
    )
    name = f"error-{time.strftime('%Y%m%d-%H%M%S')}-{correlation}.log"
    folders = []
    try:
        from wizard.paths import data_home

        folders.append(data_home() / "logs")
    except OSError:
        pass
    folders.append(Path(tempfile.gettempdir()))
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(body)
            return path
        except OSError:
            continue
    return None


def _unexpected(exc: BaseException, argv: list[str], *, as_json: bool) -> int:
    import uuid

    correlation = uuid.uuid4().hex[:12]
    path = _log_unexpected(exc, correlation, argv)
    if path:
        sentence = _("mlfunc-wizard failed unexpectedly ({error}); this is a bug: report it with correlation id "
                     "{correlation} — the traceback is in {path} .").format(error=type(exc).__name__,
                                                                             correlation=correlation, path=path)
    else:
        sentence = _("mlfunc-wizard failed unexpectedly ({error}); this is a bug: report it with correlation id "
                     "{correlation} — the traceback could not be written to a log file .").format(
            error=type(exc).__name__, correlation=correlation)
    if as_json:
        document = _error_document(exc, EXIT_UNEXPECTED, correlation_id=correlation, log_file=str(path or ""))
        document["error"]["message"] = sentence
        document["error"]["detail"] = secrets.scrub(f"{type(exc).__name__}: {exc}")
        _emit_json(document)
    else:
        print(ERROR_PREFIX + sentence, file=sys.stderr)
    return EXIT_UNEXPECTED


def _language_asked(argv: list[str]) -> str | None:
    """`--lang X` / `--lang=X` anywhere before `--`: read before the parser is built, so --help is translated too."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        else:
            continue
        return value if value in i18n.LANGUAGES else None  # argparse reports a wrong value itself
    return None


def run(argv: list[str]) -> int:
    asked = _language_asked(argv)
    if asked:
        i18n.set_language(asked)
    parser = build_parser()
    try:
        import argcomplete

        argcomplete.autocomplete(parser)  # answers and exits only when the shell asks for completions
    except ImportError:  # pragma: no cover - a declared dependency
        pass
    try:
        args = parser.parse_args(argv)
    except SystemExit:  # --help, --version and usage errors (exit 2) print, then exit
        _flush_quietly()
        raise
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    if getattr(args, "lang", None):
        i18n.set_language(args.lang)  # before any sentence is made
    verbose = bool(getattr(args, "verbose", False))
    as_json = _json_mode(args)
    _configure_logging(verbose)
    try:
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe fails here, inside the handler, not at interpreter exit
        return code
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        print(_("cancelled"), file=sys.stderr)
        return EXIT_CANCELLED
    except InputError as exc:  # exit 2, except where 2 means something else (plan: "changes")
        code = getattr(args, "input_error_exit", EXIT_UNREADABLE)
        return _safely(_report, exc, code, verbose=verbose, as_json=as_json)
    except WizardError as exc:
        return _safely(_report, exc, EXIT_PROBLEMS, verbose=verbose, as_json=as_json)
    except Exception as exc:  # noqa: BLE001 - the one place unexpected errors become a sentence
        return _safely(_unexpected, exc, argv, as_json=as_json)


def _flush_quietly() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()


def _safely(report: Callable[..., int], *args: Any, **kwargs: Any) -> int:
    """Run an error reporter; if stdout has gone away meanwhile, still exit with its code."""
    try:
        code = report(*args, **kwargs)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE


def main() -> int:  # pragma: no cover - thin wrapper
    return run(sys.argv[1:])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
