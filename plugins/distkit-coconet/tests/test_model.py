"""BachCoconet harmonizes any melody: the soprano kept, three voices below it."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from distkit_coconet.data import REST
from distkit_coconet.model import SOPRANO_HIGH, SOPRANO_LOW, BachCoconet, soprano_line
from distkit_coconet.network import Infiller
from distkit_coconet.settings import GibbsSettings
from distkit_coconet.training import TrainConfig, save_weights

from distkit.music.base import highest_pitches


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> BachCoconet:
    weights = tmp_path_factory.mktemp("weights") / "tiny.pt"
    torch.manual_seed(0)
    save_weights(Infiller(channels=16, stacks=1), weights, TrainConfig(), 0, {})
    return BachCoconet(weights, GibbsSettings(passes=4))


def test_harmonize_keeps_the_melody_and_adds_three_voices(
    model: BachCoconet, scale_melody: np.ndarray
) -> None:
    arrangement = model.harmonize(scale_melody, seed=0)
    assert arrangement.shape == (4, 72, 128)
    assert np.array_equal(arrangement[0], scale_melody)
    assert (arrangement[1:].sum(axis=-1) <= 1).all()


def test_the_studio_hears_its_progress_while_it_harmonizes(
    model: BachCoconet, scale_melody: np.ndarray
) -> None:
    from distkit.studio.api import _takes_progress

    heard: list[float] = []
    model.harmonize(scale_melody, seed=0, progress=heard.append)
    assert _takes_progress(BachCoconet)
    assert len(heard) == 4
    assert heard[-1] == pytest.approx(1.0)


def test_a_melody_in_a_low_octave_is_moved_into_the_soprano_s_range_and_back(
    model: BachCoconet, scale_melody: np.ndarray
) -> None:
    low = np.roll(scale_melody, -36, axis=-1)
    tokens, shift = soprano_line(low)
    assert shift == 36
    sounding = highest_pitches(low) >= 0
    pitches = tokens[sounding] + 28
    assert pitches.min() >= SOPRANO_LOW
    assert pitches.max() <= SOPRANO_HIGH
    arrangement = model.harmonize(low, seed=0)
    assert np.array_equal(arrangement[0], low)
    lower = np.nonzero(arrangement[1:])[2]
    assert lower.size
    assert lower.max() < 128


def test_with_a_fault_weight_the_chain_with_fewer_faults_is_kept() -> None:
    from distkit_coconet.model import best_chain

    from distkit.music.metrics import FAULTS

    clean = np.zeros((4, 8, 128), dtype=bool)
    for voice, pitch in enumerate((72, 67, 64, 48)):
        clean[voice, :, pitch] = True
    faulty = clean.copy()
    faulty[1:, 4:] = np.roll(faulty[1:, 4:], 2, axis=-1)  # all lower voices up a step together
    faulty[0, 4:] = np.roll(faulty[0, 4:], 2, axis=-1)
    assert sum(f(faulty, 0) for f in FAULTS.values()) > sum(f(clean, 0) for f in FAULTS.values())
    nlls = np.array([1.0, 1.1])
    assert best_chain([faulty, clean], nlls, GibbsSettings(chains=2)) == 0
    assert best_chain([faulty, clean], nlls, GibbsSettings(chains=2, fault_weight=10.0)) == 1


def test_a_close_puts_the_melodys_final_in_the_bass_and_the_dominant_only_before_the_tonic(
    model: BachCoconet, scale_melody: np.ndarray
) -> None:
    from dataclasses import replace

    from distkit_coconet.model import tonic_close

    line, _ = soprano_line(scale_melody)
    allowed = tonic_close(line, (0, "major"))
    assert allowed is not None
    last_note = slice(64, 72)  # the final C5 of the scale, held over two quarters
    bass_classes = {(t + 28) % 12 for t in np.flatnonzero(allowed[2, 70])}
    assert bass_classes == {0}
    assert allowed[2, 63].all()
    assert allowed[:2, last_note].all()
    cadence = tonic_close(line, (0, "major"), dominant_before=True)
    assert cadence is not None
    assert {(t + 28) % 12 for t in np.flatnonzero(cadence[2, 60])} == {7}
    assert cadence[2, 59].all()
    modal = tonic_close(line, (5, "major"), dominant_before=True)  # C closing a tune in F
    assert modal is not None
    assert {(t + 28) % 12 for t in np.flatnonzero(modal[2, 70])} == {0}
    assert modal[2, 60].all()
    assert tonic_close(np.full(16, REST), (0, "major")) is None
    trailing = tonic_close(np.concatenate([line, np.full(4, REST)]), (0, "major"))
    assert trailing is not None
    assert not trailing[:, -4:, :REST].any()
    assert trailing[:, -4:, REST].all()
    closing = replace(model.settings, close_on_tonic=True)
    for seed in range(3):
        arrangement = BachCoconet(model.weights, closing).harmonize(scale_melody, seed=seed)
        assert highest_pitches(arrangement[3, -1]) % 12 == 0


def test_silence_stays_silence(model: BachCoconet) -> None:
    arrangement = model.harmonize(np.zeros((16, 128), dtype=bool))
    assert not arrangement.any()


def test_a_wrong_shape_is_one_clear_error(model: BachCoconet) -> None:
    with pytest.raises(ValueError, match="piano roll"):
        model.harmonize(np.zeros((16, 12), dtype=bool))


def test_it_scores_bach_s_voices(model: BachCoconet, few_chorales) -> None:  # type: ignore[no-untyped-def]
    nll = model.negative_log_likelihood(few_chorales[0].roll)
    assert 0 < nll < 10
