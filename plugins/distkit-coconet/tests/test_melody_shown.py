"""The soprano the network is shown: rests held over, notes heard on a grid, the close kept."""

from __future__ import annotations

import numpy as np
import pytest
from distkit_coconet.melody_shown import REST_CHOICES, shown_line
from distkit_coconet.tokens import REST
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

R = REST


def test_inner_rests_are_held_over_by_the_note_before_them_and_the_close_stays() -> None:
    line = np.array([R, R, 5, 5, R, R, 7, 7, R, R])
    assert shown_line(line, "held").tolist() == [R, R, 5, 5, 5, 5, 7, 7, R, R]
    assert shown_line(line, "held-from-start").tolist() == [5, 5, 5, 5, 5, 5, 7, 7, R, R]
    assert shown_line(line).tolist() == line.tolist()


def test_on_an_eighth_grid_a_note_on_an_odd_sixteenth_is_heard_from_the_next_eighth() -> None:
    line = np.array([3, 3, 3, 4, 4, 4, 5, 6, 7, 7, R, R])
    assert shown_line(line, grid=2).tolist() == [3, 3, 3, 3, 4, 4, 5, 5, 7, 7, R, R]


def test_nonsense_is_refused() -> None:
    with pytest.raises(ValueError, match="rests must be one of"):
        shown_line(np.array([1, 2]), "dropped")
    with pytest.raises(ValueError, match="positive number of steps"):
        shown_line(np.array([1, 2]), grid=0)


lines = arrays(np.int64, st.integers(1, 40), elements=st.sampled_from([R, 0, 3, 7, 12, 30]))


@given(line=lines, rests=st.sampled_from(REST_CHOICES), grid=st.sampled_from([1, 2, 4]))
def test_the_shown_line_keeps_the_close_and_only_changes_what_it_must(
    line: np.ndarray, rests: str, grid: int
) -> None:
    shown = shown_line(line, rests, grid)
    assert shown.shape == line.shape
    sounding = np.flatnonzero(line != R)
    if not sounding.size:
        assert np.array_equal(shown, line)
        return
    first, last = sounding[0], sounding[-1]
    assert (shown[last + 1 :] == R).all()  # every voice still rests after the last note
    assert set(shown[shown != R].tolist()) <= set(line[line != R].tolist())
    inside = np.arange(first, last + 1)
    if rests != "kept":
        assert (shown[first : last + 1] != R).all() or (grid > 1 and first % grid)
    if rests == "held-from-start":
        assert (shown[:first] == line[first]).all()
    if grid > 1:
        changes = inside[1:][shown[inside[1:]] != shown[inside[1:] - 1]]
        assert (changes % grid == 0).all()  # the network hears no move off the grid
    no_inner_rests = bool((line[first : last + 1] != R).all())
    plain = rests == "kept" or (no_inner_rests and (rests == "held" or not first))
    on_grid = grid == 1 or all(
        step % grid == 0 for step in inside[1:] if line[step] != line[step - 1]
    )
    if plain and on_grid and (grid == 1 or first % grid == 0):
        assert np.array_equal(shown, line)  # a chorale-like melody is shown as itself
