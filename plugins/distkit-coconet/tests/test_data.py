"""Chorales as tokens, and the crops and masks the network learns from."""

from __future__ import annotations

import numpy as np
import pytest
from distkit_coconet.data import (
    CROP_STEPS,
    LOWEST_PITCH,
    OUTSIDE,
    PITCH_SPAN,
    REST,
    TokenSet,
    allowed_shifts,
    decode,
    encode,
    random_crop,
    random_masks,
    sample_batch,
    transpose,
)

from distkit.music.chorales import Chorale


def test_tokens_give_back_each_voice_s_line(few_chorales: list[Chorale]) -> None:
    for chorale in few_chorales:
        tokens = encode(chorale.roll)
        assert tokens.shape == chorale.roll.shape[:2]
        single = chorale.roll.sum(axis=-1) <= 1
        assert np.array_equal(decode(tokens)[single], chorale.roll[single])


def test_rests_are_their_own_token_and_pitches_outside_the_range_are_refused() -> None:
    roll = np.zeros((4, 3, 128), dtype=bool)
    roll[:, 0, 60] = True
    assert encode(roll)[:, 1].tolist() == [REST] * 4
    roll[2, 2, LOWEST_PITCH - 1] = True
    with pytest.raises(ValueError, match="outside"):
        encode(roll)


def test_transpositions_keep_every_pitch_in_range_and_leave_rests() -> None:
    piece = np.array([[0, REST, PITCH_SPAN - 3], [5, 6, OUTSIDE]] * 2)
    shifts = allowed_shifts(piece)
    assert shifts.tolist() == [0, 1, 2]
    moved = transpose(piece, 2)
    assert moved[0].tolist() == [2, REST, PITCH_SPAN - 1]
    assert moved[1, 2] == OUTSIDE


def test_crops_reach_past_both_ends_padded_as_outside() -> None:
    piece = np.arange(4 * 200).reshape(4, 200) % PITCH_SPAN
    rng = np.random.default_rng(0)
    crops = [random_crop(piece, rng) for _ in range(300)]
    assert all(crop.shape == (4, CROP_STEPS) for crop in crops)
    assert any(crop[0, 0] == OUTSIDE for crop in crops)
    assert any(crop[0, -1] == OUTSIDE for crop in crops)
    for crop in crops:
        inside = crop[0] != OUTSIDE
        assert inside.any()
        first = int(np.argmax(inside))
        assert crop[0, first] % 4 == 0 or first == 0


def test_masks_hide_only_lower_voices_inside_the_piece_at_many_rates(
    few_chorales: list[Chorale],
) -> None:
    rng = np.random.default_rng(1)
    batch = sample_batch(TokenSet.from_chorales(few_chorales), 64, rng)
    hidden = random_masks(batch, rng)
    assert hidden.shape == (64, 3, CROP_STEPS)
    assert not (hidden & (batch[:, 1:] == OUTSIDE)).any()
    rates = hidden.mean(axis=(1, 2))
    assert rates.min() < 0.3
    assert rates.max() > 0.7
