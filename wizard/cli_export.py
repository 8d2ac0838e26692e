"""`mlfunc-wizard export PROFILE --format arm|az [--image REF] [--out FILE]`: the Azure resources of a profile as an
ARM deployment template or an `az` script, written to stdout or a file; no sign-in, nothing created."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

from wizard.core.errors import InputError
from wizard.i18n import _
from wizard.profile import Profile
from wizard.template_export import export_text

EXIT_OK = 0


def cmd_export(args: argparse.Namespace, load: Callable[[str], Profile],
               check_rules: Callable[[Profile, str], object]) -> int:
    profile = load(args.profile)
    check_rules(profile, args.profile)  # a template of a profile with errors would only fail later, in Azure
    text = export_text(profile, args.format, args.image)
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(_("The file {path} cannot be written ({reason}); choose another path.").format(
                path=args.out, reason=exc.strerror)) from exc
        if args.format == "az":
            Path(args.out).chmod(0o755)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def register(add: Callable[..., argparse.ArgumentParser], *, load: Callable[[str], Profile],
             check_rules: Callable[[Profile, str], object]) -> None:
    """The CLI passes its own profile loading and rule check in (importing them would be a cycle)."""
    p = add("export",
            _("write an Azure profile's resources as an ARM template (--format arm) or an az script (--format az)"),
            with_output=True)
    p.add_argument("profile")
    p.add_argument("--format", choices=("arm", "az"), default="arm",
                   help=_("arm: azuredeploy.json (default); az: a shell script"))
    p.add_argument("--image", help=_("the container image the app runs (default: <registry>.azurecr.io/<app>:latest)"))
    p.add_argument("--out", help=_("write to this file instead of stdout"))
    p.set_defaults(func=lambda args: cmd_export(args, load, check_rules))
