"""The `folk-transformer` melody model. This module imports neither numpy nor torch, so that
listing the installed models stays fast; the network is loaded when a melody is continued."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from distkit.music.melody.continuation import Sampling
from distkit.music.melody.model import MelodyModel, settings_key_method, settings_sampling

SETTINGS = Path(__file__).parent / "weights" / "sampler.json"


class FolkTransformer(MelodyModel):
    """A decoder-only Transformer over note events, trained on the folk tunes' train split."""

    name = "folk-transformer"
    description = (
        "decoder-only Transformer over note events (pitch in the key, duration, bar position), "
        "trained on about 10,000 folk tunes; continues melodies"
    )

    def predictor(self) -> Any:
        from distkit_melody.predictor import TransformerPredictor, load_network

        return TransformerPredictor(load_network())

    def sampling(self) -> Sampling:
        return settings_sampling(SETTINGS)

    def key_method(self) -> str:
        return settings_key_method(SETTINGS)
