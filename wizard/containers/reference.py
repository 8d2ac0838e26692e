"""Image references (`host[:port]/path[:tag][@digest]`) checked by the distribution reference grammar, for function.registry.

Pure: no Docker SDK, so wizard/rules.py can use it. Grammar: github.com/distribution/reference regexp.go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wizard.i18n import _

_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_HOST = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])"
_DOMAIN = rf"{_HOST}(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REFERENCE = re.compile(
    rf"(?P<domain>{_DOMAIN})/(?P<path>{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*)"
    rf"(?::(?P<tag>{_TAG}))?(?:@(?P<digest>{_DIGEST}))?", re.ASCII)
NAME_MAX = 255  # domain + path, as the grammar's NameTotalLengthMax


@dataclass(frozen=True)
class ImageReference:
    domain: str  # the registry's login server, e.g. myacr.azurecr.io or localhost:5000
    path: str  # the repository, e.g. team/app
    tag: str  # "" when absent
    digest: str  # "" when absent


def looks_like_reference(value: str) -> bool:
    """An ACR name has no slash; anything with one is meant as a full image reference."""
    return "/" in value


def _has_domain(first: str) -> bool:
    # As distribution's splitDockerDomain: a first component with "." or ":", or "localhost", names a registry.
    return "." in first or ":" in first or first == "localhost" or first != first.lower()


def parse_reference(value: str) -> ImageReference:
    """The parts of a full image reference with its registry host; ValueError (with a short reason) otherwise."""
    if not _has_domain(value.split("/", 1)[0]):
        raise ValueError("no registry host")
    match = _REFERENCE.fullmatch(value)
    if match is None:
        raise ValueError("grammar")
    if len(match["domain"]) + 1 + len(match["path"]) > NAME_MAX:
        raise ValueError("too long")
    return ImageReference(match["domain"], match["path"], match["tag"] or "", match["digest"] or "")


def reference_problem(value: str, *, accepted: bool, packaging: str, target: str) -> str | None:
    """The sentence for function.registry holding a full reference: None when the route takes one and it is valid."""
    if not accepted:
        return _("A full image reference in function.registry is used only by the docker packaging on the azure "
                 "target; for {packaging} on the {target} target give a registry name such as mlacr01.").format(
            packaging=packaging, target=target)
    try:
        parse_reference(value)
    except ValueError as exc:
        if str(exc) == "no registry host":
            return _("function.registry {value} is not a full image reference: it names no registry host; write "
                     "<login server>/<repository>:<tag>, for example myacr.azurecr.io/my-app:1.").format(value=value)
        if str(exc) == "too long":
            return _("function.registry {value} is not a valid image reference: the registry and repository name "
                     "have more than {max} characters together.").format(value=value, max=NAME_MAX)
        return _("function.registry {value} is not a valid image reference; write <login server>/<repository>:<tag> "
                 "with a lower-case repository and a tag of letters, digits, '_', '.' and '-' (at most 128), for "
                 "example myacr.azurecr.io/my-app:1.").format(value=value)
    return None
