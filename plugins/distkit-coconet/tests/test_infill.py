"""bach-coconet regenerates a passage by Gibbs sampling under the mask: every cell outside it
is kept exactly, whatever the mask and the arrangement (issue 21, item 2)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from distkit_coconet.model import BachCoconet
from distkit_coconet.network import Infiller
from distkit_coconet.sampling import gibbs
from distkit_coconet.settings import GibbsSettings
from distkit_coconet.training import TrainConfig, save_weights
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> BachCoconet:
    weights = tmp_path_factory.mktemp("weights") / "tiny.pt"
    torch.manual_seed(0)
    save_weights(Infiller(channels=16, stacks=1), weights, TrainConfig(), 0, {})
    return BachCoconet(weights, GibbsSettings(passes=3, chains=2, sweeps=1))


@st.composite
def arrangements_and_masks(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """Four random voices of 1-3 bars (rests, and pitches outside the network's range too),
    and a random mask."""
    steps = 16 * draw(st.integers(1, 3))
    roll = np.zeros((4, steps, 128), dtype=bool)
    for voice in range(4):
        pitches = draw(arrays(np.int64, steps // 2, elements=st.integers(-1, 110)))
        for index, pitch in enumerate(pitches):
            if pitch >= 0 and (voice or pitch >= 50):
                roll[voice, 2 * index : 2 * index + 2, pitch] = True
    return roll, draw(arrays(np.bool_, (4, steps)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=arrangements_and_masks(), seed=st.integers(0, 2**16))
def test_every_cell_outside_the_mask_is_kept_exactly(
    model: BachCoconet, case: tuple[np.ndarray, np.ndarray], seed: int
) -> None:
    arrangement, mask = case
    redrawn = model.infill(arrangement, mask, seed=seed)
    assert redrawn.shape == arrangement.shape
    kept = ~mask[:, :, None].repeat(128, axis=2)
    kept[0] = True  # the soprano is the melody
    assert np.array_equal(redrawn[kept], arrangement[kept])


def test_the_sampler_hides_only_the_cells_under_the_mask(model: BachCoconet) -> None:
    from distkit_coconet.model import load_network

    soprano = np.full(32, 20, dtype=np.int64)
    known = np.full((3, 32), 10, dtype=np.int64)
    redraw = np.zeros((3, 32), dtype=bool)
    redraw[1, 8:16] = True
    chains, _ = gibbs(
        load_network(model.weights), soprano, model.settings, 1, known=known, redraw=redraw
    )
    for tokens in chains:
        assert (tokens[1:][~redraw] == 10).all()
        assert (tokens[0] == soprano).all()


def test_a_passage_is_redrawn_inside_the_mask(model: BachCoconet) -> None:
    arrangement = np.zeros((4, 32, 128), dtype=bool)
    arrangement[0, :, 72] = True
    arrangement[1:, :, [64, 57, 48]] = False
    for voice, pitch in ((1, 64), (2, 57), (3, 48)):
        arrangement[voice, :, pitch] = True
    mask = np.zeros((4, 32), dtype=bool)
    mask[1:, 8:24] = True
    takes = [model.infill(arrangement, mask, seed=seed) for seed in range(3)]
    assert any((take[:, 8:24] != arrangement[:, 8:24]).any() for take in takes)
