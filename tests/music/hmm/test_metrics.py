"""Specification of distkit.music.metrics on hand-made rolls whose values are worked out here."""

from __future__ import annotations

import math

import numpy as np
import pytest

from distkit.music.metrics import (
    arrangement_metrics,
    empty_bar_rate,
    frame_accuracy,
    histogram_distance,
    in_scale_ratio,
    note_lengths,
    out_of_range_ratio,
    parallel_count,
    parallels_per_100_steps,
    pitch_class_histogram,
    polyphony,
    qualified_note_ratio,
    tonal_centroids,
    tonal_distance,
)


def track(*notes: tuple[int, int, int], steps: int = 16) -> np.ndarray:
    """A (steps, 128) roll from (pitch, start, end) notes."""
    roll = np.zeros((steps, 128), dtype=bool)
    for pitch, start, end in notes:
        roll[start:end, pitch] = True
    return roll


def tracks(*rolls: np.ndarray) -> np.ndarray:
    return np.stack(rolls)


def test_in_scale_ratio_counts_sounding_steps_in_the_major_scale() -> None:
    roll = tracks(track((64, 0, 3), (63, 3, 4)))
    assert in_scale_ratio(roll, tonic=0, mode="major") == 0.75


def test_in_scale_ratio_in_minor_takes_the_minor_third_and_the_raised_seventh() -> None:
    roll = tracks(track((64, 0, 3), (63, 3, 4), (71, 4, 8)))
    assert in_scale_ratio(roll, tonic=0, mode="minor") == pytest.approx(5 / 8)


def test_in_scale_ratio_is_normalised_to_the_key() -> None:
    c_major = tracks(track((64, 0, 3), (63, 3, 4)))
    d_major = np.roll(c_major, 2, axis=-1)
    assert in_scale_ratio(d_major, tonic=2, mode="major") == 0.75


def test_pitch_class_histogram_counts_steps_from_the_tonic() -> None:
    roll = tracks(track((60, 0, 3), (67, 3, 4)))
    histogram = pitch_class_histogram(roll, tonic=7)
    assert histogram[5] == 0.75
    assert histogram[0] == 0.25
    assert histogram.sum() == 1


def test_pitch_class_histogram_keeps_neighbouring_pitches_apart() -> None:
    histogram = pitch_class_histogram(tracks(track((60, 0, 1), (61, 1, 2))))
    assert histogram[0] == histogram[1] == 0.5


def test_pitch_class_histogram_puts_octaves_together() -> None:
    histogram = pitch_class_histogram(tracks(track((48, 0, 1), (72, 1, 2))))
    assert histogram[0] == 1


def test_histogram_distance_is_the_l1_distance_between_histograms() -> None:
    all_c = tracks(track((60, 0, 4)))
    half_g = tracks(track((60, 0, 2), (67, 2, 4)))
    all_g = tracks(track((67, 0, 4)))
    assert histogram_distance(all_c, all_g) == 2
    assert histogram_distance(all_c, half_g) == 1
    assert histogram_distance(all_c, all_c) == 0


def test_polyphony_is_notes_sounding_per_step() -> None:
    roll = tracks(track((60, 0, 4), steps=4), track((55, 0, 2), steps=4), track(steps=4))
    assert polyphony(roll) == 1.5


def test_empty_bar_rate_is_the_share_of_empty_bars_not_of_full_ones() -> None:
    roll = tracks(track((60, 0, 4), steps=48))
    assert empty_bar_rate(roll) == pytest.approx(2 / 3)


def test_empty_bar_rate_counts_each_track_and_a_last_partial_bar() -> None:
    roll = tracks(track((60, 0, 4), steps=20), track((48, 0, 20), steps=20))
    assert empty_bar_rate(roll) == 0.25


def test_note_lengths_split_runs_by_pitch_and_by_gaps() -> None:
    roll = tracks(track((60, 0, 1), (60, 2, 4), (64, 0, 4)))
    assert sorted(note_lengths(roll)) == [1, 2, 4]


def test_qualified_note_ratio_is_the_share_of_notes_of_at_least_an_eighth() -> None:
    roll = tracks(track((60, 0, 1), (62, 1, 3), (64, 3, 7)))
    assert qualified_note_ratio(roll) == pytest.approx(2 / 3)


def test_tonal_centroid_of_c_is_on_each_circles_axis() -> None:
    centroid = tonal_centroids(track((60, 0, 4), steps=4))[0]
    assert centroid == pytest.approx([0, 1, 0, 1, 0, 0.5], abs=1e-12)


def test_tonal_distance_from_c_to_g_follows_harte() -> None:
    expected = math.sqrt(0.25 + (1 - math.sqrt(3) / 2) ** 2 + 1 + 1 + 3 / 16 + 9 / 16)
    distance = tonal_distance(track((60, 0, 4), steps=4), track((67, 0, 4), steps=4))
    assert distance == pytest.approx(expected)


def test_tonal_distance_ignores_octaves_and_beats_where_a_track_is_silent() -> None:
    upper = track((72, 0, 4), (64, 4, 8), steps=8)
    lower = track((48, 0, 4), steps=8)
    assert tonal_distance(upper, lower) == pytest.approx(0, abs=1e-12)


def test_out_of_range_ratio_counts_accompaniment_steps_outside_their_voice() -> None:
    arrangement = tracks(
        track((90, 0, 4), steps=4),
        track((50, 0, 1), (60, 1, 4), steps=4),
        track(steps=4),
        track(steps=4),
    )
    assert out_of_range_ratio(arrangement) == 0.25


def test_parallel_octaves_and_fifths_are_counted() -> None:
    octaves = tracks(track((72, 0, 1), (74, 1, 2), steps=2), track((48, 0, 1), (50, 1, 2), steps=2))
    fifths = tracks(track((67, 0, 1), (69, 1, 2), steps=2), track((60, 0, 1), (62, 1, 2), steps=2))
    assert parallel_count(octaves) == 1
    assert parallel_count(fifths) == 1


def test_fifths_by_contrary_or_oblique_motion_are_not_parallels() -> None:
    contrary = tracks(
        track((67, 0, 1), (69, 1, 2), steps=2), track((60, 0, 1), (50, 1, 2), steps=2)
    )
    oblique = tracks(track((67, 0, 2), steps=2), track((60, 0, 2), steps=2))
    assert parallel_count(contrary) == 0
    assert parallel_count(oblique) == 0


def test_parallels_are_reported_per_hundred_steps() -> None:
    upper = track((72, 0, 1), (74, 1, 50), steps=50)
    lower = track((48, 0, 1), (50, 1, 50), steps=50)
    assert parallels_per_100_steps(tracks(upper, lower)) == 2


def test_frame_accuracy_compares_top_pitch_or_silence_per_step() -> None:
    voice = track((60, 0, 2), (62, 2, 3), steps=4)
    reference = track((60, 0, 2), (64, 2, 3), steps=4)
    assert frame_accuracy(voice, reference) == 0.75


def test_bach_against_himself_has_no_histogram_distance_and_full_accuracy() -> None:
    bach = tracks(track((72, 0, 16)), track((67, 0, 16)), track((64, 0, 16)), track((48, 0, 16)))
    metrics = arrangement_metrics(bach, bach, tonic=0, mode="major")
    assert metrics["pc_histogram_l1"] == 0
    assert metrics["frame_accuracy_alto"] == metrics["frame_accuracy_bass"] == 1
    assert metrics["in_scale"] == 1
    assert metrics["empty_bars"] == 0
