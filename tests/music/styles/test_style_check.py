"""The style check's features and classifier (distkit.music.style_check)."""

from __future__ import annotations

import numpy as np

from distkit.music.style_check import feature_names, fit_classifier, texture_features


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


def test_each_feature_has_a_name_and_the_names_say_what_they_measure() -> None:
    names = feature_names()
    assert (
        len(names) == len(set(names)) == texture_features(texture(np.random.default_rng(2), 5)).size
    )
    resting = texture(np.random.default_rng(3), 5)
    resting[2, 32:] = False  # voice 3 rests for the second half
    features = dict(zip(names, texture_features(resting), strict=True))
    assert features["voice 3 silent"] == 0.5
    assert features["voice 2 silent"] == 0.0
    assert features["gap 1-2 mean"] == 5 / 12  # voice 2 sounds five semitones under voice 1
    assert features["onsets on sixteenth 1 of the beat"] == 1.0


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
