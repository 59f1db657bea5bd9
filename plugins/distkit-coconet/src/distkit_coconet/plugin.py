"""distkit plugin hooks: the `bach-coconet` music model and the `distkit coconet` commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

hookimpl = pluggy.HookimplMarker("distkit")


@hookimpl
def register_music_models(register: Callable[..., None]) -> None:
    register(
        "distkit_coconet.model:BachCoconet",
        name="bach-coconet",
        description=(
            "Coconet-style infiller (dilated convolutions, Gibbs sampling) trained on 272 Bach "
            "chorales; writes alto, tenor and bass"
        ),
    )


@hookimpl
def register_commands(cli: Any) -> None:
    from distkit_coconet.cli import coconet

    cli.add_command(coconet)
