"""Music models by style: what each says of itself, grouping for listings, the best of a style.

A model's `style` (a short id such as `bach-chorale`, `string-quartet`, `renaissance`), `voices`
and General MIDI `programs` are optional members; a model without a style is listed under
UNSPECIFIED, and a melody model (one that continues melodies and does not harmonize) under
MELODY_MODELS.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from distkit.errors import NotFoundError, PluginError

if TYPE_CHECKING:
    from distkit.plugins import Registration, Registry

UNSPECIFIED = "(no style given)"
MELODY_MODELS = "melody models (compose --continue)"


def style_of(cls: type[Any]) -> str:
    """The model class's style id, or "" when it gives none."""
    style = getattr(cls, "style", "")
    return style if isinstance(style, str) else ""


def model_facts(cls: type[Any]) -> dict[str, Any]:
    """What a listing shows of a model beyond its name: style, voices, programs, and for a model
    the user trained, its corpus and date."""
    facts: dict[str, Any] = {"style": style_of(cls) or None}
    for member in ("voices", "programs"):
        value = getattr(cls, member, None)
        facts[member] = list(value) if isinstance(value, tuple | list) else None
    for member in ("corpus", "created"):
        value = getattr(cls, member, None)
        if isinstance(value, str) and value:
            facts[member] = value
    return facts


def by_style(registrations: Iterable[Registration]) -> list[tuple[str, list[Registration]]]:
    """The registrations grouped by style, styles in order of first appearance; a model whose
    class cannot be imported, or that gives no style, goes under UNSPECIFIED, and melody models
    under MELODY_MODELS (both last)."""
    from distkit.plugins.describe import read_class

    groups: dict[str, list[Registration]] = {}
    for registration in registrations:
        try:
            style = read_class(registration, _group_of)
        except PluginError:
            style = UNSPECIFIED
        groups.setdefault(style, []).append(registration)
    last = (UNSPECIFIED, MELODY_MODELS)
    ordered = [(s, m) for s, m in groups.items() if s not in last]
    ordered += [(s, groups[s]) for s in last if s in groups]
    return ordered


def _group_of(cls: type[Any]) -> str:
    if getattr(cls, "harmonizes", True) is False:
        return MELODY_MODELS
    return style_of(cls) or UNSPECIFIED


def best_of_style(registry: Registry, style: str) -> str:
    """The name of the installed model of `style` its recorded panel ranks best (as the default
    model is chosen); among models without a panel, the first registered. NotFoundError naming
    the installed styles when none has that style."""
    from distkit.music.base import recorded_panel
    from distkit.music.model_calls import panel_rank
    from distkit.plugins.describe import read_class

    groups = by_style(registry.music_models)
    members = dict(groups).get(style, [])
    if not members or style in (UNSPECIFIED, MELODY_MODELS):
        known = sorted(s for s, _ in groups if s not in (UNSPECIFIED, MELODY_MODELS))
        raise NotFoundError(
            f"no installed music model has the style {style!r}; installed styles: "
            + (", ".join(known) or "none")
        )
    ranked = []
    for order, registration in enumerate(members):
        try:
            record = read_class(registration, recorded_panel)
        except PluginError:
            record = None
        rank = panel_rank(record) if record is not None else (float("-inf"), float("-inf"))
        ranked.append((rank, -order, registration.name))
    return max(ranked)[2]
