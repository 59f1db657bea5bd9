"""bach-coconet writes a chorale's texture under any melody (issue 20): with the shipped weights
and sampler, the lower voices neither copy a violin line's rests nor move with its off-beat
sixteenths, the melody is written exactly as given, and a chorale-like melody is harmonized
exactly as before."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from distkit_coconet.model import BachCoconet, shipped_settings, soprano_line
from distkit_coconet.tokens import REST

from distkit.music.base import highest_pitches

QUICK = 12
"""Gibbs passes: few, to stay fast (the shipped sampler runs 128)."""


def violin_line() -> np.ndarray:
    """Four bars in G major as a first violin might play them: dotted rhythms (notes starting on
    a beat's second and fourth sixteenths), a run of sixteenths, and rests between phrases."""
    notes = [  # (start step, length, pitch); a bar is 16 steps
        (0, 3, 79), (3, 1, 78), (4, 4, 76), (8, 4, 74), (12, 4, None),
        (16, 1, 74), (17, 1, 76), (18, 1, 78), (19, 1, 79), (20, 3, 81), (23, 1, 79),
        (24, 8, 78),
        (32, 8, None), (40, 3, 74), (43, 1, 76), (44, 4, 78),
        (48, 4, 76), (52, 2, 78), (54, 2, None), (56, 8, 79),
    ]  # fmt: skip
    melody = np.zeros((64, 128), dtype=bool)
    for start, length, pitch in notes:
        if pitch is not None:
            melody[start : start + length, pitch] = True
    return melody


@pytest.fixture(scope="module")
def quick() -> BachCoconet:
    return BachCoconet(settings=replace(shipped_settings(), passes=QUICK))


def test_the_shipped_sampler_shows_the_network_a_plainer_melody() -> None:
    settings = shipped_settings()
    assert settings.melody_rests != "kept"
    assert settings.melody_grid == 2


def test_under_a_violin_line_the_voices_sound_on_and_the_melody_keeps_its_rests(
    quick: BachCoconet,
) -> None:
    melody = violin_line()
    melody_rests = highest_pitches(melody) < 0
    assert melody_rests.sum() == 14
    for seed in (0, 1):
        arrangement = quick.harmonize(melody, seed=seed)
        assert np.array_equal(arrangement[0], melody)  # the user's melody, rests and all
        lower_silent = highest_pitches(arrangement[1:]) < 0
        assert lower_silent.mean() <= 0.02  # the chorale's voices go on under its rests
        assert not lower_silent[:, melody_rests].all(axis=0).any()


def test_the_network_hears_the_line_on_eighths_and_the_rules_judge_it_as_written(
    quick: BachCoconet, monkeypatch: pytest.MonkeyPatch
) -> None:
    import distkit_coconet.sampling as sampling

    heard: dict[str, Any] = {}
    real = sampling.gibbs

    def recording(network: Any, soprano: np.ndarray, *args: Any, **kwargs: Any) -> Any:
        heard["shown"], heard["judged"] = soprano, kwargs.get("heard")
        return real(network, soprano, *args, **kwargs)

    monkeypatch.setattr(sampling, "gibbs", recording)
    melody = violin_line()
    quick.harmonize(melody, seed=0)
    line, _ = soprano_line(melody)
    shown = heard["shown"]
    moves = np.flatnonzero(shown[1:] != shown[:-1]) + 1
    assert moves.size >= 8
    assert (moves % 2 == 0).all()  # no note heard off the eighths
    assert (shown != REST).all()  # no rest heard inside the melody (it ends on a note)
    assert np.array_equal(heard["judged"], line)  # the rules judge the melody as written
    assert (line[1::2] != line[:-1:2]).any()  # which does move on odd sixteenths


def test_a_chorale_like_melody_is_harmonized_exactly_as_before(
    scale_melody: np.ndarray,
) -> None:
    """No rest inside it and no note off the eighths: it is shown to the network as it is, so the
    output is the one the melody's own line gave before the network was shown a plainer one."""
    settings = replace(shipped_settings(), passes=QUICK)
    before = replace(settings, melody_rests="kept", melody_grid=1)
    for seed in (0, 1):
        now = BachCoconet(settings=settings).harmonize(scale_melody, seed=seed)
        assert np.array_equal(now, BachCoconet(settings=before).harmonize(scale_melody, seed=seed))
