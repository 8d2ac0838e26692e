"""Refuses a PySide6 build that corrupts reference counts (PySide6 6.12.0 on Python < 3.12).

That build returns None/True from void Qt calls and `Signal.emit()` without taking a reference,
so after some thousands of calls CPython aborts ("none_dealloc"/"bool_dealloc") in the middle of
a deployment. 6.11.3 is fine. Better one clear sentence at start than a crash later.
"""

from __future__ import annotations

import sys

from PySide6 import __version__ as PYSIDE_VERSION
from PySide6.QtCore import QCoreApplication, QObject, Signal

from wizard.ui.translation import fill

ROUNDS = 64


class _Probe(QObject):
    ping = Signal()


def broken_binding() -> str | None:
    """A sentence saying what to install when this PySide6 drops references; None when it is sound."""
    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(ROUNDS):
        probe.setObjectName("probe")  # a void call: returns None
        probe.ping.emit()  # returns True
    lost_none = none_before - sys.getrefcount(None)
    lost_true = true_before - sys.getrefcount(True)
    if lost_none < ROUNDS // 2 and lost_true < ROUNDS // 2:
        return None
    # Give the references back so that this check itself cannot be what crashes.
    import ctypes

    for _ in range(max(lost_none, 0)):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))
    for _ in range(max(lost_true, 0)):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return fill(QCoreApplication.translate(
        "BindingCheck",
        "PySide6 %1 has a reference-counting bug on Python %2 that crashes the wizard after a while. "
        "Install a sound version with: pip install 'PySide6-Essentials>=6.6,<6.12' (or use Python 3.12 or newer)."),
        PYSIDE_VERSION, f"{sys.version_info.major}.{sys.version_info.minor}")
