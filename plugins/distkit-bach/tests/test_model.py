"""BachUNet: the shipped weights, the shape of an arrangement, and its voices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from distkit_bach.model import WEIGHTS, BachUNet, load_generator

from distkit.music.base import highest_pitches


def test_shipped_weights_load_without_download() -> None:
    assert WEIGHTS.is_file()
    assert WEIGHTS.stat().st_size < 5_000_000
    generator = load_generator(WEIGHTS)
    assert not generator.training


def test_a_melody_in_gives_four_tracks_of_its_length(scale_melody: np.ndarray) -> None:
    arrangement = BachUNet().harmonize(scale_melody, seed=0)
    assert arrangement.shape == (4, 72, 128)
    assert arrangement.dtype == bool


def test_the_soprano_is_exactly_the_melody(scale_melody: np.ndarray) -> None:
    arrangement = BachUNet().harmonize(scale_melody, seed=0)
    assert np.array_equal(arrangement[0], scale_melody)


def test_each_voice_plays_at_most_one_note_a_step(scale_melody: np.ndarray) -> None:
    arrangement = BachUNet().harmonize(scale_melody, seed=0)
    assert arrangement[1:].sum(axis=2).max() <= 1


def test_voices_sound_under_the_melody_in_satb_order(scale_melody: np.ndarray) -> None:
    arrangement = BachUNet().harmonize(scale_melody, seed=0)
    mean_pitch = [np.nonzero(voice)[1].mean() for voice in arrangement]
    assert mean_pitch == sorted(mean_pitch, reverse=True)
    assert arrangement[1:].any(axis=2).mean() > 0.8


def test_same_seed_same_arrangement(scale_melody: np.ndarray) -> None:
    model = BachUNet()
    assert np.array_equal(
        model.harmonize(scale_melody, seed=3), model.harmonize(scale_melody, seed=3)
    )


def test_an_octave_higher_melody_gets_the_same_voices_an_octave_higher(
    scale_melody: np.ndarray,
) -> None:
    model = BachUNet()
    low = model.harmonize(scale_melody, seed=1)
    high = model.harmonize(np.roll(scale_melody, 12, axis=1), seed=1)
    assert np.array_equal(np.roll(low[1:], 12, axis=2), high[1:])


@pytest.mark.parametrize("steps", [1, 16, 31, 33, 200])
def test_any_length_is_harmonized(steps: int) -> None:
    melody = np.zeros((steps, 128), dtype=bool)
    melody[:, 67] = True
    assert BachUNet().harmonize(melody).shape == (4, steps, 128)


def test_a_silent_melody_gets_silence() -> None:
    assert not BachUNet().harmonize(np.zeros((32, 128), dtype=bool)).any()


def test_a_wrongly_shaped_melody_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="steps, 128"):
        BachUNet().harmonize(np.zeros((4, 32, 128), dtype=bool))


def test_a_window_long_melody_gets_the_lone_window_probabilities(
    scale_melody: np.ndarray,
) -> None:
    import torch
    from distkit_bach.harmonizing import blended_probabilities

    line = scale_melody[:32, 36:84].astype(np.float32)
    generator = load_generator(WEIGHTS)
    noise = torch.randn((1, 1, 32, 48), generator=torch.Generator().manual_seed(4))
    with torch.no_grad():
        alone = torch.sigmoid(generator(torch.from_numpy(line)[None, None], noise))[0].numpy()
    assert np.allclose(blended_probabilities(generator, line, seed=4), alone, atol=1e-6)


def test_voices_carry_on_across_window_borders(scale_melody: np.ndarray) -> None:
    long_melody = np.concatenate([scale_melody, scale_melody])
    voices = BachUNet().harmonize(long_melody, seed=2)[1:]
    borders = np.arange(16, len(long_melody), 16)
    assert voices[:, borders].any(axis=2).all()


def test_the_readme_example_runs() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    example = readme.split("```python\n")[1].split("```")[0]
    namespace: dict[str, object] = {}
    exec(example, namespace)
    arrangement = namespace["arrangement"]
    assert isinstance(arrangement, np.ndarray)
    assert arrangement.shape == (4, 64, 128)


def test_a_melody_that_ends_on_its_tonic_closes_dominant_then_tonic_in_the_bass(
    scale_melody: np.ndarray,
) -> None:
    bass = highest_pitches(BachUNet().harmonize(scale_melody, seed=0)[3])
    classes = bass[bass >= 0] % 12
    assert classes[-1] == 0
    assert classes[classes != 0][-1] == 7
    assert classes[0] == 0


def test_a_last_note_beyond_the_model_s_range_still_closes_the_piece() -> None:
    melody = np.zeros((16, 128), dtype=bool)
    for step, pitch in enumerate([67] * 4 + [65] * 4 + [64] * 4 + [96] * 4):
        melody[step, pitch] = True  # C7 at the end: above the 48 pitches the network writes
    arrangement = BachUNet().harmonize(melody, seed=0)
    assert arrangement[1:, 12:].any(axis=-1).all()
    bass = highest_pitches(arrangement[3])
    assert bass[-1] % 12 == 0
