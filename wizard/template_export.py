"""A profile's Azure resources as a document for automation: an ARM template or an `az` script (the CLI's `export`
and the Review page's Save template... both write this)."""

from __future__ import annotations

from wizard.core.errors import WizardError
from wizard.i18n import _
from wizard.profile import Profile

FORMATS = ("arm", "az")


def export_text(profile: Profile, fmt: str, image: str | None = None) -> str:
    if profile.target != "azure":
        raise WizardError(_('The profile {name} deploys to the "{target}" target; only Azure profiles export a '
                            'template. Set "target": "azure" first.').format(
            name=profile.name, target=profile.target))
    if fmt not in FORMATS:
        raise WizardError(_('The export format "{fmt}" is not known; use "arm" (a template) or "az" (a script).').format(
            fmt=fmt))
    if fmt == "arm":
        from wizard.targets.azure.export import arm_json

        return arm_json(profile, image)
    from wizard.targets.azure.export_az import az_script

    return az_script(profile, image)
