"""The sampler's rule penalties count exactly what the teacher's panel counts."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from distkit_coconet.data import PITCH_SPAN, REST, decode
from distkit_coconet.rules import contrary_outer, fault_counts, inner_leaps

from distkit.music.base import STEPS_PER_QUARTER
from distkit.music.metrics import (
    consecutives,
    hidden_perfects,
    unresolved_leading_notes,
    wide_leaps,
)
from distkit.music.style_check import feature_names, texture_features


def panel_faults(tokens: np.ndarray) -> int:
    roll = decode(tokens)
    return (
        consecutives(roll, "similar")
        + consecutives(roll, "contrary")
        + hidden_perfects(roll)
        + wide_leaps(roll)
    )


@pytest.mark.parametrize("seed", range(40))
def test_differences_between_candidates_match_the_panel_s_counts(seed: int) -> None:
    rng = np.random.default_rng(seed)
    centre = rng.integers(20, 40)
    tokens = centre + rng.integers(-7, 8, (4, 5)) * rng.integers(0, 2, (4, 5))
    tokens += np.array([[24], [14], [7], [-5]])
    tokens = np.clip(tokens, 0, PITCH_SPAN - 1)
    if seed % 2:
        tokens[rng.random((4, 5)) < 0.05] = REST
    voice, step = int(rng.integers(1, 4)), int(rng.integers(0, 5))
    counts = fault_counts(torch.from_numpy(tokens)[None], voice)[0, step].numpy()
    base = tokens[voice, step]
    for candidate in (*rng.integers(0, PITCH_SPAN, 6), REST):
        changed = tokens.copy()
        changed[voice, step] = candidate
        tokens[voice, step] = base
        expected = panel_faults(changed) - panel_faults(tokens)
        if seed % 2 and (tokens == REST).any():
            expected -= wide_leaps(decode(changed)) - wide_leaps(decode(tokens))
            expected += _step_leaps(changed, voice) - _step_leaps(tokens, voice)
        assert counts[candidate] - counts[base] == expected, (voice, step, candidate)


def test_parallel_octaves_with_the_soprano_are_charged_both_ways() -> None:
    tokens = np.array([[40, 42, 44], [33, 35, 36], [28, 28, 28], [16, 18, 20]])
    counts = fault_counts(torch.from_numpy(tokens)[None], 3)[0].numpy()
    assert counts[1, 18] >= 2  # octaves with the soprano into and out of step 1
    assert counts[1, 17] == 0
    assert counts[1, REST] == 0


def _step_leaps(tokens: np.ndarray, voice: int) -> int:
    """Leaps over an octave between sounding neighbours, not across rests."""
    line = tokens[voice]
    both = (line[:-1] != REST) & (line[1:] != REST)
    return int((both & (np.abs(np.diff(line)) > 12)).sum())


def test_a_leap_over_an_octave_is_charged_at_both_of_its_ends() -> None:
    tokens = np.array([[40, 40, 40], [33, 33, 33], [28, 28, 28], [16, 30, 16]])
    counts = fault_counts(torch.from_numpy(tokens)[None], 3)[0].numpy()
    assert counts[1, 30] - counts[1, 16] == 2
    assert counts[1, 28] == counts[1, 16]


@pytest.mark.parametrize("seed", range(40))
def test_with_a_tonic_leading_notes_are_charged_as_the_panel_counts_them(seed: int) -> None:
    rng = np.random.default_rng(seed)
    tonic = int(rng.integers(0, 12))
    base = 48 - (48 - tonic) % 12 - 28  # a token whose pitch class is the tonic
    degrees = np.array([0, 2, 4, 5, 7, 9, 11, 12, 14])
    tokens = np.empty((4, 6), dtype=np.int64)
    tokens[0] = base + 24 + rng.choice(degrees, 6)
    tokens[1] = base + 12 + rng.choice([11, 12, 14, 7, 9], 6)
    tokens[2] = base + rng.choice([11, 12, 7, 4], 6)
    tokens[3] = base - 12 + rng.choice([7, 0, 12, 19, 5], 6)
    tokens = np.clip(tokens, 0, PITCH_SPAN - 1)
    voice, step = int(rng.integers(1, 4)), int(rng.integers(0, 6))
    counts = fault_counts(torch.from_numpy(tokens)[None], voice, tonic)[0, step].numpy()
    plain = fault_counts(torch.from_numpy(tokens)[None], voice)[0, step].numpy()
    was = tokens[voice, step]
    for candidate in {*rng.integers(0, PITCH_SPAN, 4), base + 11, base + 12, base + 7, base}:
        changed = tokens.copy()
        changed[voice, step] = candidate
        expected = unresolved_leading_notes(decode(changed), tonic) - unresolved_leading_notes(
            decode(tokens), tonic
        )
        extra = (counts - plain)[candidate] - (counts - plain)[was]
        assert extra == expected, (voice, step, candidate)


def test_inner_leaps_charge_alto_and_tenor_leaps_over_a_fifth_at_both_ends_not_the_bass() -> None:
    tokens = np.array([[40] * 3, [30, 33, 30], [25, REST, 25], [10, 30, 10]])
    counts = inner_leaps(torch.from_numpy(tokens)[None])[0].numpy()
    assert counts.shape == (3, 3, counts.shape[-1])
    # the alto's middle cell: from 30 and back to 30; 38 leaps 8 both ways, 37 leaps 7 (a fifth)
    assert counts[0, 1, 38] == 2
    assert counts[0, 1, 37] == 0
    assert counts[0, 0, 26] == 0  # its neighbour after is 33: 26 lies a fifth below it
    assert counts[0, 0, 25] == 1
    # the tenor's outer cells neighbour only its rest: a rest is not leapt from or to
    assert not counts[1, 0].any()
    assert not counts[1, 2].any()
    assert counts[1, 1, 25] == 0
    assert counts[1, 1, 40] == 2
    assert counts[1, 1, REST] == 0
    assert not counts[2].any()


def test_inner_leaps_are_not_counted_between_cells_drawn_as_one_token() -> None:
    tokens = np.array([[40] * 4, [30, 30, 30, 30], [25] * 4, [10] * 4])
    joined = torch.zeros((3, 3), dtype=torch.bool)
    joined[0, 1] = True
    counts = inner_leaps(torch.from_numpy(tokens)[None], joined=joined)[0].numpy()
    assert counts[0, 1, 40] == 1  # leaping from step 0's 30; its block partner is not looked at
    assert counts[0, 2, 40] == 1  # and step 2 is charged only for leaving for step 3
    assert counts[0, 0, 40] == 1


def contrary_steps(tokens: np.ndarray) -> float:
    """The style check's contrary motion of the outer voices, as a count of beat-to-beat steps."""
    share = texture_features(decode(tokens))[feature_names().index("outer voices contrary")]
    beats = tokens[[0, 3], ::STEPS_PER_QUARTER] < REST
    both = beats[:, 1:].all(axis=0) & beats[:, :-1].all(axis=0)
    return float(share * both.sum())


@pytest.mark.parametrize("seed", range(30))
def test_contrary_outer_counts_what_the_style_check_counts_as_contrary_motion(seed: int) -> None:
    rng = np.random.default_rng(seed)
    steps = 4 * STEPS_PER_QUARTER + int(rng.integers(0, STEPS_PER_QUARTER))
    tokens = rng.integers(30, 40, (4, steps)) + np.array([[20], [10], [0], [-20]])
    tokens[0, rng.random(steps) < 0.15] = REST
    tokens[3, rng.random(steps) < 0.15] = REST
    step = int(rng.integers(0, steps // STEPS_PER_QUARTER + 1)) * STEPS_PER_QUARTER
    step = min(step, steps - 1) if seed % 3 else int(rng.integers(0, steps))
    tokens[3, step] = base = int(rng.integers(5, 20))
    counts = contrary_outer(torch.from_numpy(tokens)[None])[0, step].numpy()
    assert counts[REST] == 0
    for candidate in rng.integers(0, 30, 8):
        changed = tokens.copy()
        changed[3, step] = candidate
        expected = contrary_steps(changed) - contrary_steps(tokens)
        assert counts[candidate] - counts[base] == pytest.approx(expected), (step, candidate)


def test_contrary_outer_counts_moves_against_the_soprano_from_and_to_the_neighbouring_beats() -> (
    None
):
    soprano = [40] * 4 + [42] * 4 + [38] * 4
    bass = [20] * 4 + [19] * 4 + [20] * 4
    tokens = torch.tensor([soprano, [30] * 12, [25] * 12, bass])[None]
    counts = contrary_outer(tokens)[0].numpy()
    # the middle beat: the soprano rises into it and falls out of it
    assert counts[4, 18] == 2  # down from 20, then up to 20: against it both ways
    assert counts[4, 22] == 0  # with it both ways
    assert counts[4, 20] == 0  # the bass holds: oblique
    assert counts[4, REST] == 0
    assert counts[0, 25] == 1  # the first beat leaves for the 19 while the soprano rises
    assert counts[0, 15] == 0
    assert counts[8, 25] == 1  # the last beat rises from the 19 while the soprano falls
    assert counts[8, 15] == 0
    assert not counts[[1, 2, 3, 5, 6, 7, 9, 10, 11]].any()  # off the beats
    joined = torch.zeros(11, dtype=torch.bool)
    joined[:4] = True  # beats 0 and 1 drawn as one token
    apart = contrary_outer(tokens, joined=joined)[0].numpy()
    assert not apart[0].any()
    assert apart[4, 18] == 1


def test_no_fault_is_counted_between_cells_drawn_as_one_token() -> None:
    """Parallel octaves with the soprano lie between the bass's steps 0 and 1, and between 1
    and 2; drawn as one token, steps 0 and 1 cannot move apart, so none is charged there."""
    tokens = np.array([[40, 42, 44], [30, 31, 32], [25, 25, 25], [28, 30, 32]])
    free = fault_counts(torch.from_numpy(tokens)[None], 3)[0].numpy()
    tied = fault_counts(torch.from_numpy(tokens)[None], 3, joined=torch.tensor([True, False]))
    assert free[1, 30] == 2
    assert tied[0, 1, 30] == 1  # only those leaving for step 2
    assert free[0, 28] == 1
    assert tied[0, 0, 28] == 0


@pytest.mark.parametrize("seed", range(30))
def test_between_joined_cells_every_rule_is_silent_and_elsewhere_unchanged(seed: int) -> None:
    rng = np.random.default_rng(seed)
    steps = 6
    tokens = 30 + rng.integers(-7, 8, (4, steps)) * rng.integers(0, 2, (4, steps))
    tokens += np.array([[14], [7], [0], [-12]])
    tokens[rng.random((4, steps)) < 0.05] = REST
    voice, tonic = int(rng.integers(1, 4)), int(rng.integers(0, 12))
    pair = int(rng.integers(0, steps - 1))  # cells pair and pair + 1 drawn as one token
    joined = torch.zeros(steps - 1, dtype=torch.bool)
    joined[pair] = True

    def counts(part: np.ndarray, *extra: torch.Tensor) -> np.ndarray:
        found = fault_counts(torch.from_numpy(part)[None], voice, tonic, *extra)[0]
        return np.asarray(found.numpy())

    free, tied = counts(tokens), counts(tokens, joined)
    others = [step for step in range(steps) if step not in (pair, pair + 1)]
    assert np.array_equal(free[others], tied[others])
    # each of the two cells keeps only its faults with its other neighbour
    assert np.array_equal(tied[pair], counts(tokens[:, : pair + 1])[-1])
    assert np.array_equal(tied[pair + 1], counts(tokens[:, pair + 1 :])[0])


@pytest.mark.parametrize("voice", [1, 3])
def test_an_unresolved_leading_note_between_joined_cells_is_not_charged(voice: int) -> None:
    """Token pitch classes from E (the lowest pitch, 28, is an E): with tonic E, 35 is the
    leading note, 19 the dominant, 12 the tonic; the alto leaves its leading note downwards as
    the bass goes V-I."""
    tokens = np.array([[40, 40], [35, 33], [28, 28], [19, 12]])
    free = fault_counts(torch.from_numpy(tokens)[None], voice, 4)[0].numpy()
    tied = fault_counts(torch.from_numpy(tokens)[None], voice, 4, torch.tensor([True]))
    assert free[0, tokens[voice, 0]] >= 1
    assert free[1, tokens[voice, 1]] >= 1
    assert not tied.any()
