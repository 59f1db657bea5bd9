"""The shipped folk-transformer: registered lazily, continues melodies in key and in length."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from distkit_melody.model import FolkTransformer
from distkit_melody.predictor import WEIGHTS, load_network

from distkit.music.base import BAR_STEPS, MAJOR_SCALE, MINOR_SCALE
from distkit.music.melody.events import Key, melody_notes
from distkit.music.melody_text import melody_from_text

OPENING = "D5 B4 G4 B4 D5:2 G5:2 F#5 E5 D5 B4 A4:2 D5:2"


def test_the_shipped_weights_are_a_few_megabytes_and_load() -> None:
    assert WEIGHTS.stat().st_size < 5_000_000
    network = load_network()
    assert network.context >= 64


def test_listing_the_plugin_imports_neither_torch_nor_numpy() -> None:
    code = (
        "import sys; from distkit.plugins import get_registry; "
        "names = [r.name for r in get_registry().music_models]; "
        "assert 'folk-transformer' in names, names; "
        "assert 'torch' not in sys.modules and 'numpy' not in sys.modules, 'heavy import'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("bars", [1, 4])
def test_a_continuation_keeps_the_melody_and_adds_whole_bars(bars: int) -> None:
    melody = melody_from_text(OPENING)
    continued = FolkTransformer().continue_melody(melody, bars, seed=0)
    assert continued.shape == (melody.shape[0] + bars * BAR_STEPS, 128)
    assert np.array_equal(continued[: melody.shape[0] - 1], melody[:-1])


def test_close_ends_on_the_tonic() -> None:
    melody = melody_from_text(OPENING)
    tonic = FolkTransformer().key_of(melody_notes(melody)).tonic
    for seed in range(3):
        continued = FolkTransformer().continue_melody(melody, 2, seed=seed, close=True)
        sounding = np.flatnonzero(continued.any(axis=1))
        assert sounding[-1] == continued.shape[0] - 1
        assert int(np.flatnonzero(continued[sounding[-1]])[-1]) % 12 == tonic


def test_most_continued_notes_are_in_the_melodys_scale() -> None:
    melody = melody_from_text(OPENING)
    key = FolkTransformer().key_of(melody_notes(melody))
    assert key == Key(7, "major")  # G major: the model hears it (the profiles said D major)
    scale = {
        (key.tonic + degree) % 12
        for degree in (MINOR_SCALE if key.mode == "minor" else MAJOR_SCALE)
    }
    pitches = [
        pitch
        for seed in range(4)
        for pitch, _ in melody_notes(
            FolkTransformer().continue_melody(melody, 4, seed=seed)[melody.shape[0] :]
        )
        if pitch is not None
    ]
    assert len(pitches) >= 16
    assert sum(p % 12 in scale for p in pitches) >= 0.85 * len(pitches)


def test_the_same_seed_gives_the_same_continuation() -> None:
    melody = melody_from_text(OPENING)
    first = FolkTransformer().continue_melody(melody, 2, seed=5)
    assert np.array_equal(first, FolkTransformer().continue_melody(melody, 2, seed=5))


def test_continuations_never_end_a_training_run_of_eight_notes() -> None:
    """The shipped setting (chosen on validation) guards every note against the train split's
    8-note runs, and hears the key by the network's own likelihood."""
    from distkit.music.melody.runs import RUN, note_runs, run_hashes, shipped_runs

    model = FolkTransformer()
    assert model.sampling().copy_weight == 0.0
    assert model.key_method() == "model"
    melody = melody_from_text(OPENING)
    given = len([n for n in melody_notes(melody) if n[0] is not None])
    for seed in range(3):
        windows = note_runs(melody_notes(model.continue_melody(melody, 4, seed=seed)), RUN)
        ending_in_new = [w for i, w in enumerate(windows) if i + RUN - 1 >= given]
        assert ending_in_new
        assert not shipped_runs().contains(run_hashes(ending_in_new)).any()
