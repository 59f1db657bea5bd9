"""Specification of the teacher's panel (distkit.music.metrics) on hand-made SATB rolls."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from distkit.music.metrics import (
    Figure,
    Tally,
    beat_chord_accuracy,
    consecutives,
    crossings,
    fermata_cadences,
    final_cadence,
    final_tonic,
    frame_accuracy,
    goals,
    hidden_perfects,
    panel,
    summarise,
    unresolved_leading_notes,
    unresolved_sevenths,
    wide_leaps,
    wide_spacings,
)


def satb(*chords: Sequence[int | None]) -> np.ndarray:
    """A (4, beats * 4, 128) roll of one SATB chord per beat (None: that voice rests)."""
    roll = np.zeros((4, 4 * len(chords), 128), dtype=bool)
    for beat, pitches in enumerate(chords):
        for voice, pitch in enumerate(pitches):
            if pitch is not None:
                roll[voice, 4 * beat : 4 * beat + 4, pitch] = True
    return roll


C = (72, 67, 64, 48)
F = (72, 69, 65, 53)
G = (71, 67, 62, 43)
G7 = (71, 65, 62, 43)
AM = (72, 69, 64, 45)


def test_beat_chord_accuracy_counts_beats_with_bach_s_bass_and_pitch_classes() -> None:
    bach = satb(C, F, G, C)
    ours = satb(C, (72, 69, 60, 53), (71, 67, 62, 55), (72, 64, 55, 48))
    # other voicings of the same chords: same bass pitch class, same pitch classes
    assert beat_chord_accuracy(ours, bach) == Tally(4, 4)
    assert beat_chord_accuracy(satb(C, AM, G, C), bach) == Tally(3, 4)


def test_beat_chord_accuracy_tells_inversions_apart() -> None:
    assert beat_chord_accuracy(satb((72, 67, 60, 52)), satb(C)) == Tally(0, 1)


def test_final_tonic_and_cadence_read_the_bass_of_the_last_two_chords() -> None:
    assert final_tonic(satb(C, F, G, C), tonic=0) == Tally(1, 1)
    assert final_cadence(satb(C, F, G, C), tonic=0) == Tally(1, 1)
    assert final_cadence(satb(C, G, F, C), tonic=0) == Tally(0, 1)
    assert final_tonic(satb(C, F, G, AM), tonic=0) == Tally(0, 1)


def test_final_cadence_looks_past_a_held_final_bass() -> None:
    assert final_cadence(satb(C, G, C, (72, 64, 55, 48)), tonic=0) == Tally(1, 1)


def test_fermata_cadences_count_root_position_triads_at_phrase_ends() -> None:
    roll = satb(C, G7, (72, 67, 64, 52), G)
    assert fermata_cadences(roll, [4, 8, 14]) == Tally(1, 3)
    assert fermata_cadences(roll, []) == Tally(0, 0)


def test_parallel_and_contrary_fifths_are_told_apart() -> None:
    parallel = satb((67, 60, 55, 48), (69, 62, 57, 50))
    assert consecutives(parallel, "similar") == 5  # every pair but the fourth apart
    assert consecutives(parallel, "contrary") == 0
    fifth_to_twelfth = satb((None, None, 62, 55), (None, None, 69, 50))  # D/G to A/D, apart
    assert consecutives(fifth_to_twelfth, "contrary") == 1
    assert consecutives(fifth_to_twelfth, "similar") == 0


def test_held_notes_are_not_consecutives() -> None:
    assert consecutives(satb(C, C), "similar") == 0


def test_hidden_octave_needs_similar_motion_and_a_leaping_soprano() -> None:
    leap = satb((64, None, None, 45), (72, None, None, 48))
    step = satb((71, None, None, 45), (72, None, None, 48))
    assert hidden_perfects(leap) == 1
    assert hidden_perfects(step) == 0


def test_leading_note_must_rise_to_the_tonic_over_a_dominant_tonic_bass() -> None:
    good = satb((74, 71, 67, 43), (72, 72, 67, 48))
    bad = satb((74, 71, 67, 43), (72, 67, 64, 48))
    assert unresolved_leading_notes(good, tonic=0) == 0
    assert unresolved_leading_notes(bad, tonic=0) == 1
    assert unresolved_leading_notes(bad, tonic=7) == 0


def test_a_seventh_above_the_bass_must_fall_by_step() -> None:
    resolved = satb(G7, (72, 64, 60, 48))
    rising = satb(G7, (72, 67, 64, 48))
    assert unresolved_sevenths(resolved) == 0
    assert unresolved_sevenths(rising) == 1


def test_leaps_over_an_octave_in_the_lower_voices_are_counted() -> None:
    assert wide_leaps(satb(C, (72, 67, 64, 36))) == 0
    assert wide_leaps(satb((72, 67, 64, 55), (72, 67, 64, 40))) == 1


def test_spacing_counts_wide_upper_voices_but_not_a_low_bass() -> None:
    assert wide_spacings(satb((79, 64, 60, 36))) == 1
    assert wide_spacings(satb((72, 67, 64, 36))) == 0


def test_crossings_count_beats_with_a_voice_above_its_upper_neighbour() -> None:
    assert crossings(satb(C, (72, 64, 67, 48))) == 1


def test_frame_accuracy_compares_each_step_s_top_pitch_or_silence() -> None:
    voice = satb(C, F)[1]
    reference = satb(C, G)[1]
    assert frame_accuracy(voice, reference) == Tally(4, 8)


def test_panel_reports_faults_per_hundred_beats() -> None:
    roll = satb((67, 60, 55, 48), (69, 62, 57, 50), (67, 60, 55, 48), (65, 60, 57, 53))
    figures = panel(roll, roll, tonic=0)
    assert figures["beat_chord"] == Tally(4, 4)
    assert figures["frame_bass"] == Tally(16, 16)
    parallels = figures["parallel_5ths_8ves"]
    assert parallels.total == 4 / 100
    assert parallels.hits == consecutives(roll, "similar")


def test_the_panel_judges_the_close_on_the_melodys_final_and_shows_the_key_note_too() -> None:
    e_major = (76, 68, 59, 52)
    phrygian = satb(AM, (74, 65, 62, 50), e_major)  # A minor, closing on E major over E
    figures = panel(phrygian, phrygian, tonic=9)
    assert figures["final_tonic"] == Tally(1, 1)
    assert figures["final_key_tonic"] == Tally(0, 1)
    ends_on_a = satb(AM, (74, 65, 62, 50), (76, 69, 60, 45))
    assert panel(ends_on_a, phrygian, tonic=9)["final_tonic"] == Tally(0, 1)
    authentic = satb(C, F, G, C)
    assert panel(authentic, authentic, tonic=7)["final_cadence"] == Tally(1, 1)


def test_summarise_is_a_ratio_of_sums_with_an_interval_around_it() -> None:
    tallies = [{"x": Tally(1, 2)}, {"x": Tally(3, 4)}, {"x": Tally(0, 4)}]
    [figure] = summarise(tallies).values()
    assert figure.value == pytest.approx(4 / 10)
    assert figure.low <= figure.value <= figure.high
    assert summarise([{"x": Tally(2, 4)}] * 5)["x"].low == pytest.approx(0.5)


def test_goals_compare_with_bach_s_own_rates_and_the_fixed_bars() -> None:
    silence = np.zeros((4, 16, 128), dtype=bool)
    bach = {name: Figure(1.0, 1.0, 1.0) for name in panel(silence, silence, tonic=0)}
    model = {**bach, "beat_chord": Figure(0.44, 0.4, 0.5), "crossings": Figure(1.5, 1, 2)}
    met = goals(model, bach)
    assert len(met) == 12
    assert not met["beat_chord >= 0.45"]
    assert not met["crossings <= Bach's"]
    assert met["leaps_over_octave <= Bach's"]
    assert met["final cadence >= Bach's"]
    assert sum(met.values()) == 10
