"""Qt's side of the language: the app's .qm catalogue (resources/translations) and Qt's own (dialog buttons)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from wizard import i18n

log = logging.getLogger(__name__)
_installed: list[QTranslator] = []


def apply_language(code: str | None = None) -> str:
    """Install the translators for `code` (default: i18n.language()); returns the language now in use.
    Widgets built afterwards come up in that language (the wizard rebuilds itself when it changes)."""
    if code is not None:
        i18n.set_language(code)
    lang = i18n.language()
    app = QCoreApplication.instance()
    for old in _installed:
        QCoreApplication.removeTranslator(old)
    _installed.clear()
    if lang == "en" or app is None:
        QLocale.setDefault(QLocale(QLocale.Language.English))
        return lang
    ours = QTranslator(app)
    if ours.load(str(i18n.translations_dir() / f"mlfunc_wizard_{lang}.qm")):
        QCoreApplication.installTranslator(ours)
        _installed.append(ours)
    else:
        log.warning("no compiled translation for %s (run scripts/setup.sh)", lang)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        QCoreApplication.installTranslator(qt)
        _installed.append(qt)
    QLocale.setDefault(QLocale(lang))
    return lang


def fill(text: str, *values: object) -> str:
    """Qt-style placeholders: %1, %2, … in a translated `text` replaced by `values` in one pass (a value that itself
    holds "%2" stays as it is)."""
    import re

    return re.sub(r"%(\d+)", lambda m: str(values[int(m.group(1)) - 1]) if 0 < int(m.group(1)) <= len(values)
                  else m.group(0), text)
