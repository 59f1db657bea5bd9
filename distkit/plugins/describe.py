"""How a registered class is described to a user: its one-line description and its
parameters. Plain functions (no click), so that the studio can show the same."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from distkit.errors import PluginError
from distkit.plugins.guard import plugin_code

if TYPE_CHECKING:
    from distkit.plugins.registration import Registration

T = TypeVar("T")


def read_class(registration: Registration, read: Callable[[type[Any]], T]) -> T:
    """`read(registration.cls)` run as the plugin's code: what it prints goes to stderr, and a
    failure, importing the class included, is a PluginError naming the plugin (a metaclass
    property, a `__signature__` or a package's `__init__` is the plugin's code too)."""
    action = f"describing {registration.class_path}"
    with plugin_code(registration.plugin, action, interruptible=False):
        return read(registration.cls)


def description(registration: Registration) -> str:
    """The first line of the description the plugin gave, or of the class's `description`
    or docstring once the class is imported; a note of the failure when reading them fails."""
    text: object = registration.given_description
    if text is None and registration.loaded:
        try:
            text = read_class(registration, _own_description)
        except PluginError as error:
            text = f"(cannot be described: {error})"
    lines = str(text or "").strip().splitlines()
    return lines[0] if lines else ""


def _own_description(cls: type[Any]) -> str | None:
    given = getattr(cls, "description", None)
    return given if isinstance(given, str) and given else inspect.getdoc(cls)


def parameters(registration: Registration) -> list[str] | None:
    """The constructor's parameter names; None while a lazily registered class is not
    imported; none when its signature cannot be read."""
    if not registration.loaded:
        return None
    try:
        return read_class(registration, _parameter_names)
    except PluginError:
        return []


def _parameter_names(cls: type[Any]) -> list[str]:
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):
        return []
    return [
        p.name
        for p in signature.parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
