"""Registers the built-in music model, an HMM harmonizer learned from the Bach chorales."""

from __future__ import annotations

from distkit.plugins.hookspecs import Register, hookimpl


@hookimpl
def register_music_models(register: Register) -> None:
    register(
        "distkit.music.hmm.model:ChoraleHMM",
        name="chorale-hmm",
        description=(
            "HMM over Bach's chords with a melody-context classifier (Viterbi per beat) and "
            "voice-led SATB; numpy only"
        ),
    )
