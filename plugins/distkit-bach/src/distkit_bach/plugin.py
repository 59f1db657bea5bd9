"""distkit plugin hooks: the `bach-unet` music model and the `distkit bach` commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

hookimpl = pluggy.HookimplMarker("distkit")


@hookimpl
def register_music_models(register: Callable[..., None]) -> None:
    register(
        "distkit_bach.model:BachUNet",
        name="bach-unet",
        description=(
            "U-Net GAN (WGAN-GP) trained on 272 Bach chorales; writes alto, tenor and bass"
        ),
    )


@hookimpl
def register_commands(cli: Any) -> None:
    from distkit_bach.cli import bach

    cli.add_command(bach)
