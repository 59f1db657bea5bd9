"""The style check's features and classifier (distkit.music.style_check)."""

from __future__ import annotations

import numpy as np

from distkit.music.style_check import fit_classifier, texture_features


def texture(rng: np.random.Generator, gap: int, silent: int | None = None) -> np.ndarray:
    """Four voices `gap` semitones apart under a random melody; one voice silent if asked."""
    roll = np.zeros((4, 64, 128), dtype=bool)
    for beat, top in enumerate(70 + rng.integers(-3, 4, size=16)):
        for voice in range(4):
            if voice != silent:
                roll[voice, 4 * beat : 4 * beat + 4, int(top) - gap * voice] = True
    return roll


def test_features_have_one_length_whatever_sounds() -> None:
    rng = np.random.default_rng(0)
    lengths = {texture_features(texture(rng, 5, silent)).shape for silent in (None, 1, 2, 3)}
    assert len(lengths) == 1
    assert np.isfinite(texture_features(np.zeros((4, 64, 128), dtype=bool))).all()


def test_the_classifier_tells_two_textures_apart_on_new_excerpts() -> None:
    rng = np.random.default_rng(1)
    close = [texture(rng, 4) for _ in range(20)]
    open_ = [texture(rng, 9) for _ in range(20)]
    features = np.stack([texture_features(r) for r in close + open_])
    classifier = fit_classifier(features, ["close"] * 20 + ["open"] * 20)
    new_close = [texture(rng, 4) for _ in range(5)]
    new_open = [texture(rng, 9) for _ in range(5)]
    assert classifier.classify(new_close) == ["close"] * 5
    assert classifier.classify(new_open) == ["open"] * 5
    assert classifier.classify([]) == []
