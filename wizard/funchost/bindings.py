"""What the local functions host hands to a user function: `func.Out` values and `func.Context`.

Imports only the standard library and azure.functions (the host may run under another interpreter).
"""

from __future__ import annotations

import inspect
import threading
import uuid
from collections.abc import Callable
from typing import Any

import azure.functions as func


class OutValue(func.Out):
    """An output binding value the function sets, as the Python worker passes for `func.Out[T]`."""

    def __init__(self) -> None:
        self._value: Any = None

    def set(self, val: Any) -> None:
        self._value = val

    def get(self) -> Any:
        return self._value


class InvocationContext(func.Context):
    """The `context` argument of one invocation."""

    _tls = threading.local()

    def __init__(self, function_name: str, function_directory: str) -> None:
        self._invocation_id = str(uuid.uuid4())
        self._function_name = function_name
        self._function_directory = function_directory

    @property
    def invocation_id(self) -> str:
        return self._invocation_id

    @property
    def thread_local_storage(self) -> Any:
        return self._tls

    @property
    def function_name(self) -> str:
        return self._function_name

    @property
    def function_directory(self) -> str:
        return self._function_directory

    @property
    def trace_context(self) -> Any:
        return None

    @property
    def retry_context(self) -> Any:
        return None


def parameter_names(user_function: Callable[..., Any]) -> list[str]:
    """The names of the function's parameters, which the worker matches to binding names."""
    return list(inspect.signature(user_function).parameters)


def annotation_name(user_function: Callable[..., Any], parameter: str) -> str:
    """The annotation of one parameter as a short string ("str", "bytes", "InputStream", "")."""
    annotation = inspect.signature(user_function).parameters[parameter].annotation
    if annotation is inspect.Parameter.empty:
        return ""
    if isinstance(annotation, str):  # `from __future__ import annotations` leaves strings
        return annotation.rsplit(".", 1)[-1]
    return getattr(annotation, "__name__", str(annotation))
