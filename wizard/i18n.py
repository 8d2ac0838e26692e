"""The user's language (English or Polish) and the gettext catalogue for sentences below the UI (rules, CLI).

Qt widgets translate through Qt (`tr()`, resources/translations/*.qm); everything else uses `_()` from here, so
the GUI and the CLI show the same sentences. The language follows LANGUAGE / LC_ALL / LC_MESSAGES / LANG, unless
`set_language` (the Start page's choice, or `--lang`) overrides it.
"""

from __future__ import annotations

import ast
import gettext
import os
import struct
from pathlib import Path

DOMAIN = "mlfunc-wizard"
LANGUAGES = {"en": "English", "pl": "Polski"}
_override: str | None = None
_catalogue: gettext.NullTranslations | None = None


def translations_dir() -> Path:
    from wizard.paths import resources_dir

    return resources_dir() / "translations"


def system_language() -> str:
    """"pl" when the locale variables ask for Polish first, else "en" (C, POSIX and unset mean English)."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if not value:
            continue
        for part in value.split(":"):
            code = part.split(".")[0].split("_")[0].split("@")[0].lower()
            if code in LANGUAGES:
                return code
            if code in ("c", "posix"):
                return "en"
        return "en"
    return "en"


def language() -> str:
    return _override or system_language()


def set_language(code: str | None) -> None:
    """Override the language ("en", "pl"); None follows the system again."""
    global _override, _catalogue
    if code is not None and code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}; choose one of {', '.join(LANGUAGES)}")
    _override = code
    _catalogue = None


def catalogue() -> gettext.NullTranslations:
    global _catalogue
    if _catalogue is None:
        _catalogue = _load(language())
    return _catalogue


def domains(lang: str = "pl") -> list[str]:
    """The catalogue's domains: "mlfunc-wizard" (rules, shared sentences) first, then one per area
    ("mlfunc-wizard-azure", "-cli", ...), so each area's sentences live in a .po of their own."""
    folder = translations_dir() / "locale" / lang / "LC_MESSAGES"
    extra = sorted(po.stem for po in folder.glob(f"{DOMAIN}-*.po")) if folder.is_dir() else []
    return [DOMAIN, *extra]


def _load(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    localedir = str(translations_dir() / "locale")
    first, *rest = domains(lang)
    chained = gettext.translation(first, localedir=localedir, languages=[lang], fallback=True)
    for domain in rest:  # a sentence missing from one domain's catalogue is looked up in the next
        chained.add_fallback(gettext.translation(domain, localedir=localedir, languages=[lang], fallback=True))
    return chained


def read_catalogue(lang: str = "pl", *, keep_empty: bool = False) -> dict[str, str]:
    """Every domain's .po of `lang`, merged (msgid -> msgstr)."""
    merged: dict[str, str] = {}
    for path in po_files(lang):
        merged.update(read_po(path, keep_empty=keep_empty))
    return merged


def po_files(lang: str = "pl") -> list[Path]:
    folder = translations_dir() / "locale" / lang / "LC_MESSAGES"
    return [folder / f"{domain}.po" for domain in domains(lang)]


def _(message: str) -> str:
    """The sentence in the user's language (the English text when it has no translation)."""
    return catalogue().gettext(message)


# --- a small msgfmt (the .mo format of GNU gettext), so set-up needs no gettext tools ------------------
def read_po(path: Path, *, keep_empty: bool = False) -> dict[str, str]:
    """msgid -> msgstr of a .po file (plain entries; empty translations are left out unless `keep_empty`, which
    also keeps the header, msgid "")."""
    entries: dict[str, str] = {}
    msgid: list[str] | None = None
    msgstr: list[str] | None = None
    current: list[str] | None = None

    def flush() -> None:
        if msgid is not None and msgstr is not None:
            key, value = "".join(msgid), "".join(msgstr)
            if value or keep_empty:
                entries[key] = value

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#") or not line:
            continue
        if line.startswith("msgid "):
            flush()
            msgid, msgstr = [ast.literal_eval(line[6:])], None
            current = msgid
        elif line.startswith("msgstr "):
            msgstr = [ast.literal_eval(line[7:])]
            current = msgstr
        elif line.startswith('"') and current is not None:
            current.append(ast.literal_eval(line))
    flush()
    return entries


def write_mo(entries: dict[str, str], path: Path) -> None:
    keys = sorted(entries)
    ids = b"".join(k.encode() + b"\0" for k in keys)
    strs = b"".join(entries[k].encode() + b"\0" for k in keys)
    n = len(keys)
    start_ids = 7 * 4 + 16 * n
    start_strs = start_ids + len(ids)
    table_ids, table_strs = [], []
    offset = 0
    for k in keys:
        table_ids += [len(k.encode()), start_ids + offset]
        offset += len(k.encode()) + 1
    offset = 0
    for k in keys:
        v = entries[k].encode()
        table_strs += [len(v), start_strs + offset]
        offset += len(v) + 1
    header = struct.pack("<7I", 0x950412DE, 0, n, 7 * 4, 7 * 4 + 8 * n, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + struct.pack(f"<{2 * n}I", *table_ids) + struct.pack(f"<{2 * n}I", *table_strs) + ids + strs)


def compile_catalogues() -> list[Path]:
    """Every resources/translations/locale/*/LC_MESSAGES/*.po to its .mo (run by scripts/setup.sh)."""
    written = []
    for po in sorted((translations_dir() / "locale").glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        write_mo(read_po(po), mo)
        written.append(mo)
    return written


if __name__ == "__main__":  # python -m wizard.i18n: compile the catalogues
    for written_path in compile_catalogues():
        print(written_path)
