"""distkit plugin hooks: the `bach-unet` music model and the `distkit bach` commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

hookimpl = pluggy.HookimplMarker("distkit")


@hookimpl
def register_music_models(register: Callable[[type[Any]], None]) -> None:
    from distkit_bach.model import BachUNet

    register(BachUNet)


@hookimpl
def register_commands(cli: Any) -> None:
    from distkit_bach.cli import bach

    cli.add_command(bach)
