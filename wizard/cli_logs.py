"""`mlfunc-wizard logs NAME [--since D] [--no-follow] [-o json]`: the function app's log, followed live until Ctrl-C
(the local host log or container, or Azure's log stream), every line with its secrets masked."""

from __future__ import annotations

import argparse
import json
import threading
from typing import Callable

from wizard.i18n import _

EXIT_OK, EXIT_CANCELLED = 0, 130  # as in wizard.cli: Ctrl-C ends a follow the way a shell reports it


def cmd_logs(args: argparse.Namespace) -> int:
    from wizard import deployment
    from wizard.core.errors import InputError

    try:
        profile = deployment.load_deployed_profile(args.name)  # the usual sentence for an unknown name
    except ValueError as exc:  # a name that cannot name a deployment (a slash, "..")
        raise InputError(str(exc)) from None
    cancel = threading.Event()
    lines = deployment.logs(profile, since=args.since, follow=not args.no_follow, cancel_event=cancel)
    as_json = getattr(args, "output", "table") == "json"
    try:
        for line in lines:
            # Each line is already scrubbed by its source; print it now, not when a buffer fills.
            text = json.dumps(line.to_json(), ensure_ascii=False) if as_json else line.line
            print(text, flush=True)
    except KeyboardInterrupt:
        cancel.set()
        close = getattr(lines, "close", None)
        if close is not None:
            close()  # the source closes its file or connection now, not at interpreter exit
        return EXIT_CANCELLED
    return EXIT_OK


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    p = add("logs", _("follow a deployment's function app log (Ctrl-C stops)"), with_output=True)
    p.add_argument("name")
    p.add_argument("--since", help=_("start this far back (10m, 2h, 1d) or at a timestamp (2026-12-01T10:00); "
                                     "local deployments only: Azure's log stream keeps no history"))
    p.add_argument("--no-follow", action="store_true", help=_("print the kept lines and stop (local deployments)"))
    p.set_defaults(func=cmd_logs)
