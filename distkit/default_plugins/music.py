"""Registers the built-in music model, an HMM harmonizer learned from the Bach chorales."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from distkit.hookspecs import hookimpl


@hookimpl
def register_music_models(register: Callable[[type[Any]], None]) -> None:
    from distkit.music.hmm import ChoraleHMM

    register(ChoraleHMM)
