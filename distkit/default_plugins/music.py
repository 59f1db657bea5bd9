"""Registers the built-in music model, an HMM harmonizer learned from the Bach chorales."""

from __future__ import annotations

from distkit.plugins.hookspecs import Register, hookimpl


@hookimpl
def register_music_models(register: Register) -> None:
    from distkit.music.hmm import ChoraleHMM

    register(ChoraleHMM)
