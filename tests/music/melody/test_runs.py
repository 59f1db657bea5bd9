"""The training-run index and the sampler's copy guard: no run of the index gets through."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distkit.music.base import BAR_STEPS
from distkit.music.melody.continuation import Sampling, continue_notes
from distkit.music.melody.events import DURATIONS, Key, encode
from distkit.music.melody.ngram import NgramModel
from distkit.music.melody.runs import RUN, RunIndex, note_runs, run_hashes, shipped_runs

notes_strategy = st.lists(
    st.tuples(st.one_of(st.none(), st.integers(40, 90)), st.integers(1, 16)),
    min_size=0,
    max_size=30,
)


def exact_runs(tunes: list[list[tuple[int | None, int]]], run: int) -> set[tuple[int, ...]]:
    return {window for notes in tunes for window in note_runs(notes, run)}


def test_a_run_is_intervals_and_lengths_from_the_first_length() -> None:
    notes = [(60, 2), (None, 4), (62, 2), (59, 4)]
    assert note_runs(notes, 3) == [(2, 2, 2, -3, 4)]
    assert note_runs(notes, 4) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(notes_strategy, min_size=1, max_size=4), notes_strategy, st.integers(-12, 12))
def test_the_index_finds_exactly_the_runs_of_its_tunes_in_any_key(
    tunes: list[list[tuple[int | None, int]]], other: list[tuple[int | None, int]], shift: int
) -> None:
    index = RunIndex.of_tunes(tunes, 4)
    known = exact_runs(tunes, 4)
    assert len(index) == len(known)
    for window in note_runs(other, 4):
        assert bool(index.contains(run_hashes([window]))[0]) == (window in known)
    for notes in tunes:
        moved = [(None if p is None else p + shift, s) for p, s in notes]
        assert index.copies(moved) == bool(note_runs(notes, 4))


@settings(max_examples=60, deadline=None)
@given(st.lists(notes_strategy, min_size=1, max_size=3), notes_strategy, st.data())
def test_completing_says_which_next_notes_would_end_a_known_run(
    tunes: list[list[tuple[int | None, int]]], before: list[tuple[int | None, int]], data
) -> None:
    index = RunIndex.of_tunes(tunes, 5)
    if data.draw(st.booleans()) and any(len(note_runs(t, 5)) for t in tunes):
        # often: the history ends with the first four notes of a known run
        tune = data.draw(st.sampled_from([t for t in tunes if note_runs(t, 5)]))
        sounding = [n for n in tune if n[0] is not None]
        before = [*before, *sounding[:4]]
    pitches = np.arange(30, 100)[:, None]
    lengths = np.array(DURATIONS)[None, :]
    found = index.completing(before, pitches, lengths)
    assert found.shape == (70, len(DURATIONS))
    known = exact_runs(tunes, 5)
    for row, pitch in enumerate(pitches[:, 0].tolist()):
        for column, length in enumerate(DURATIONS):
            runs = note_runs([*before, (pitch, length)], 5)
            completes = bool(runs) and runs[-1] in known
            assert bool(found[row, column]) == completes


def test_the_index_round_trips_through_its_file(tmp_path: Path) -> None:
    index = RunIndex.of_tunes([[(60 + i % 5, 1 + i % 3) for i in range(40)]], RUN)
    index.save(tmp_path / "runs.npy")
    again = RunIndex.load(tmp_path / "runs.npy")
    assert again.run == RUN
    assert np.array_equal(again.hashes, index.hashes)
    assert not list(tmp_path.glob("*.partial*"))


def test_the_shipped_index_is_the_training_splits_eight_note_runs() -> None:
    index = shipped_runs()
    assert index.run == RUN == 8
    assert 400_000 < len(index) < 600_000  # 472,404 distinct runs in 10,119 train tunes
    assert bool((index.hashes[1:] > index.hashes[:-1]).all())


TRAINING = [(72, 2), (74, 2), (76, 4), (77, 2), (79, 2), (81, 4), (79, 2), (77, 2), (76, 8)]
OTHER = [(72, 4), (71, 2), (69, 2), (67, 4), (69, 4), (71, 8), (72, 4), (74, 4)]


def copying_model() -> NgramModel:
    """A model that knows only the training tune and one other, and would mostly copy them."""
    tunes = [TRAINING * 2] * 20 + [OTHER * 2] * 5
    return NgramModel(4, 4).fit([(encode(t, Key(0, "major"), BAR_STEPS), False) for t in tunes])


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans(), st.integers(0, 7))
def test_the_guard_never_lets_a_run_of_the_index_through(seed: int, close: bool, given_notes: int):
    index = RunIndex.of_tunes([TRAINING * 2], RUN)
    known = exact_runs([TRAINING * 2], RUN)
    notes = TRAINING[: given_notes + 1]
    length = sum(s for _, s in notes)
    end = length + 4 * BAR_STEPS
    sampling = Sampling(copy_weight=0.0)
    new = continue_notes(
        copying_model(), notes, Key(0, "major"), end, bar_steps=BAR_STEPS, seed=seed,
        close=close, sampling=sampling, runs=index,
    )  # fmt: skip
    assert sum(s for _, s in new) == end - length
    windows = note_runs([*notes, *new], RUN)
    first_new = len([n for n in notes if n[0] is not None])  # sounding index of the first new note
    ending_in_new = [w for i, w in enumerate(windows) if i + RUN - 1 >= first_new]
    assert not any(window in known for window in ending_in_new)


def test_without_the_guard_the_same_model_copies() -> None:
    """The guard test above is not empty: unguarded, this model copies the tune."""
    index = RunIndex.of_tunes([TRAINING * 2], RUN)
    copied = 0
    for seed in range(20):
        new = continue_notes(
            copying_model(), TRAINING[:3], Key(0, "major"), 8 + 4 * BAR_STEPS,
            bar_steps=BAR_STEPS, seed=seed, runs=index,
        )  # fmt: skip
        copied += index.copies([*TRAINING[:3], *new])
    assert copied >= 15


@pytest.mark.parametrize("weight", [0.0, 0.3])
def test_a_guard_weight_changes_only_copying_notes(weight: float) -> None:
    """With an empty index the guard changes nothing, whatever its weight."""
    empty = RunIndex(np.zeros(0, dtype=np.uint64), RUN)
    plain = continue_notes(
        copying_model(), TRAINING[:3], Key(0, "major"), 72, bar_steps=BAR_STEPS, seed=5
    )
    guarded = continue_notes(
        copying_model(), TRAINING[:3], Key(0, "major"), 72, bar_steps=BAR_STEPS, seed=5,
        sampling=Sampling(copy_weight=weight), runs=empty,
    )  # fmt: skip
    assert guarded == plain


def test_a_bad_copy_weight_is_refused() -> None:
    with pytest.raises(ValueError, match="copy_weight"):
        Sampling(copy_weight=1.5)


def test_the_shipped_ngram_is_guarded_and_reproducible() -> None:
    """As shipped (the guard chosen on validation), no continuation ends a training run of 8,
    and a seed gives one continuation."""
    from distkit.music.melody.events import melody_notes
    from distkit.music.melody.model import FolkNgram
    from distkit.music.melody_text import melody_from_text

    model = FolkNgram()
    assert model.sampling().copy_weight == 0.0
    melody = melody_from_text("G4 A4 B4 G4 D5:2 B4 G4 C5 B4 A4 G4 F#4 A4 G4:4")
    given = melody_notes(melody)
    for seed in range(4):
        continued = model.continue_melody(melody, 4, seed=seed)
        assert np.array_equal(continued, model.continue_melody(melody, 4, seed=seed))
        notes = melody_notes(continued)
        windows = note_runs(notes, RUN)
        first_new = len([n for n in given if n[0] is not None])
        ending_in_new = [w for i, w in enumerate(windows) if i + RUN - 1 >= first_new]
        assert ending_in_new
        assert not shipped_runs().contains(run_hashes(ending_in_new)).any()
