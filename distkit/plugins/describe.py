"""How a registered class is described to a user: its one-line description and its
parameters. Plain functions (no click), so that the studio can show the same."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from distkit.plugins.registration import Registration


def description(registration: Registration) -> str:
    """The first line of the description the plugin gave, or of the class's `description`
    or docstring once the class is imported."""
    text: object = registration.given_description
    if text is None and registration.loaded:
        cls = registration.cls
        given = getattr(cls, "description", None)
        text = given if isinstance(given, str) and given else inspect.getdoc(cls)
    lines = str(text or "").strip().splitlines()
    return lines[0] if lines else ""


def parameters(registration: Registration) -> list[str] | None:
    """The constructor's parameter names; None while a lazily registered class is not
    imported."""
    if not registration.loaded:
        return None
    try:
        signature = inspect.signature(registration.cls)
    except (TypeError, ValueError):
        return []
    return [
        p.name
        for p in signature.parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
