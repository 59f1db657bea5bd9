"""Registers the built-in music models: an HMM harmonizer learned from the Bach chorales, and
an n-gram melody model learned from folk tunes."""

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
    register(
        "distkit.music.melody.model:FolkNgram",
        name="folk-ngram",
        description=(
            "n-gram melody model (pitch in the key, rhythm in the bar; Witten-Bell smoothing) "
            "from about 10,000 folk tunes; continues melodies (compose --continue N); numpy only"
        ),
    )
