"""The register prior: where a chorale's lower voices sit below its melody."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch
from distkit_coconet.network import Infiller
from distkit_coconet.register import REGISTER, register_of, register_penalties
from distkit_coconet.sampling import GibbsSettings, gibbs
from distkit_coconet.tokens import OUTSIDE, PITCH_SPAN, REST, TOKENS


@pytest.fixture(scope="module")
def network() -> Infiller:
    torch.manual_seed(3)
    return Infiller(channels=16, stacks=1).eval()


def test_the_shipped_register_is_the_training_chorales() -> None:
    from distkit.music.chorales import load_chorales, split_chorales

    found = register_of(c.roll for c in split_chorales(load_chorales())["train"])
    assert np.allclose(found, REGISTER, atol=0.006)


def test_the_register_is_measured_from_each_roll_s_own_soprano_mean() -> None:
    roll = np.zeros((4, 8, 128), dtype=bool)
    roll[0, :4, 72] = roll[0, 4:, 74] = True  # mean 73
    roll[1, :, 67] = True  # 6 below
    roll[2, :4, 60] = roll[2, 4:6, 62] = True  # 13 and 11 below, a rest at the end
    roll[3, :, 49] = True
    silent = np.zeros_like(roll)
    found = register_of([roll, silent])
    assert found[0] == (6.0, 0.0)
    assert found[1] == pytest.approx((74 / 6, float(np.std([13, 13, 13, 13, 11, 11]))))
    assert found[2] == (24.0, 0.0)


def test_the_penalty_is_half_the_squared_distance_in_spreads_from_the_voice_s_place() -> None:
    soprano = np.array([40, 42, REST, 44, OUTSIDE])  # mean 42 over the notes
    penalties = register_penalties(soprano)
    assert penalties.shape == (3, TOKENS)
    assert not penalties[:, REST].any()
    for voice, (below, spread) in enumerate(REGISTER):
        row = penalties[voice, :PITCH_SPAN]
        centre = 42 - below
        assert int(row.argmin()) == round(centre)
        one_spread_up = round(centre + spread)
        expected = 0.5 * ((one_spread_up - centre) / spread) ** 2
        assert float(row[one_spread_up]) == pytest.approx(expected, rel=1e-5)
    assert not register_penalties(np.array([REST, OUTSIDE, REST])).any()


def test_a_register_weight_keeps_the_lower_voices_near_their_places(network: Infiller) -> None:
    soprano = np.array([30, 35, 40, 45, 50, 55, 50, 45] * 4)
    settings = GibbsSettings(passes=12, chains=6, final_temperature=1.0)
    plain, _ = gibbs(network, soprano, settings, seed=2)
    zero, _ = gibbs(network, soprano, replace(settings, register_weight=0.0), seed=2)
    assert np.array_equal(plain, zero)
    kept, _ = gibbs(network, soprano, replace(settings, register_weight=2.0), seed=2)

    def mean_distance(tokens: np.ndarray, voice: int) -> float:
        below, spread = REGISTER[voice]
        line = tokens[:, voice + 1]
        notes = line[line < REST]
        return float(np.abs(notes - (soprano.mean() - below)).mean() / spread)

    for voice in range(3):
        assert mean_distance(plain, voice) > 2.0
        assert mean_distance(kept, voice) < 1.0
    assert np.array_equal(kept[:, 0], np.broadcast_to(soprano, kept[:, 0].shape))


def test_the_register_judges_the_melody_as_written_when_the_network_hears_a_plainer_one(
    network: Infiller,
) -> None:
    shown = np.array([40] * 16)
    written = np.array([52] * 16)
    settings = GibbsSettings(passes=6, chains=4, final_temperature=1.0, register_weight=8.0)
    under_shown, _ = gibbs(network, shown, settings, seed=0)
    under_written, _ = gibbs(network, shown, settings, seed=0, heard=written)
    alto = REGISTER[0][0]
    for drawn, melody in ((under_shown, 40), (under_written, 52)):
        notes = drawn[:, 1][drawn[:, 1] < REST]
        assert np.abs(notes - (melody - alto)).mean() < 3
