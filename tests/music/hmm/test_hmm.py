"""Specification of ChoraleHMM: the built-in, numpy-only harmonizer learned from the chorales."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from distkit.music.base import SATB_RANGES, highest_pitches, melody_final
from distkit.music.hmm import ChoraleHMM, shipped_tables
from distkit.music.hmm.key import beat_grid, estimate_key
from distkit.music.hmm.voicing import HIDDEN, _transition_cost
from distkit.music.metrics import consecutives, hidden_perfects
from distkit.plugins import get_registry
from tests.music.hmm.conftest import OLD_HUNDREDTH, melody


@pytest.fixture(scope="module")
def model() -> ChoraleHMM:
    return ChoraleHMM()


@pytest.fixture(scope="module")
def old_hundredth(model: ChoraleHMM) -> np.ndarray:
    return model.harmonize(OLD_HUNDREDTH)


def test_the_built_in_plugin_registers_it_as_chorale_hmm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISTKIT_LOAD_PLUGINS", "")
    get_registry.cache_clear()
    try:
        classes = {r.name: r.cls for r in get_registry().music_models}
    finally:
        get_registry.cache_clear()
    assert classes["chorale-hmm"] is ChoraleHMM


def test_arrangement_is_four_bool_tracks_with_the_melody_unchanged_on_top(
    old_hundredth: np.ndarray,
) -> None:
    assert old_hundredth.shape == (4, *OLD_HUNDREDTH.shape)
    assert old_hundredth.dtype == bool
    np.testing.assert_array_equal(old_hundredth[0], OLD_HUNDREDTH)


def test_each_voice_sings_one_note_at_a_time_within_its_satb_range(
    old_hundredth: np.ndarray,
) -> None:
    assert (old_hundredth[1:].sum(axis=-1) == 1).all()
    for voice in (1, 2, 3):
        low, high = SATB_RANGES[voice]
        pitches = np.nonzero(old_hundredth[voice])[1]
        assert pitches.min() >= low
        assert pitches.max() <= high


def test_voices_do_not_cross_and_avoid_parallel_fifths_and_octaves(
    old_hundredth: np.ndarray,
) -> None:
    lines = highest_pitches(old_hundredth)
    assert (np.diff(lines, axis=0) <= 0).all()
    assert consecutives(old_hundredth, "similar") == 0
    assert consecutives(old_hundredth, "contrary") == 0
    assert hidden_perfects(old_hundredth) == 0


def test_voicing_charges_for_hidden_octaves_in_the_outer_voices() -> None:
    before = np.array([[60, 55, 48]])  # bass C3
    after = np.array([[64, 60, 57], [64, 60, 45]])  # bass up to A3 (similar) or down to A2
    leap = _transition_cost(before, after, 76, 81, tonic=0)  # soprano E5 leaps to A5
    step = _transition_cost(before, after, 79, 81, tonic=0)  # soprano G5 steps to A5
    hidden = (leap[0, 0] - leap[0, 1]) - (step[0, 0] - step[0, 1])
    assert hidden == HIDDEN


def test_voicing_charges_for_consecutives_in_contrary_motion_too() -> None:
    before = np.array([[62, 57, 50]])  # over a soprano D5: octave with the bass D3
    after = np.array([[62, 59, 55], [62, 59, 43]])  # soprano G5: bass G3 (similar), G2 (contrary)
    cost = _transition_cost(before, after, 74, 79, tonic=7)
    free = _transition_cost(before, after, 74, 76, tonic=7)  # soprano to E5: no octave
    assert cost[0, 0] - free[0, 0] > cost[0, 1] - free[0, 1] > 0


MELODIES = {
    "ends on the tonic": melody(*[(p, 4) for p in (64, 62, 60, 62, 64, 67, 65, 64, 62)], (60, 8)),
    "ends after a rest": melody(*[(p, 4) for p in (67, 69, 71, 72, 71, 69)], (67, 8), (None, 4)),
    "minor": melody(*[(p, 4) for p in (69, 71, 72, 71, 69, 68)], (69, 8)),
    "Phrygian": melody(*[(p, 4) for p in (69, 72, 71, 69, 67, 65, 64, 65)], (64, 8)),
    "ends on the third": melody(*[(p, 4) for p in (60, 62, 64, 65, 67, 65, 64, 62, 64)]),
}


@pytest.mark.parametrize("name", sorted(MELODIES))
def test_it_closes_with_the_melodys_final_in_the_bass(model: ChoraleHMM, name: str) -> None:
    tune = MELODIES[name]
    final = melody_final(highest_pitches(tune))
    bass = highest_pitches(model.harmonize(tune)[3])
    assert bass[bass >= 0][-1] % 12 == final


@pytest.mark.parametrize("name", ["ends on the tonic", "ends after a rest", "minor"])
def test_a_melody_ending_on_its_key_note_has_the_dominant_in_the_bass_before_it(
    model: ChoraleHMM, name: str
) -> None:
    tune = MELODIES[name]
    tonic, _ = estimate_key(beat_grid(highest_pitches(tune)), shipped_tables())
    assert melody_final(highest_pitches(tune)) == tonic
    bass = highest_pitches(model.harmonize(tune)[3])
    bass = bass[bass >= 0]
    changes = bass[bass != bass[-1]]
    assert changes[-1] % 12 == (tonic + 7) % 12


def test_every_beat_sounds_a_chord_of_bach_s_vocabulary_or_part_of_one(
    old_hundredth: np.ndarray,
) -> None:
    tables = shipped_tables().major
    chords = [frozenset(np.flatnonzero(c).tolist()) for c in tables.chords]
    for beat in range(0, old_hundredth.shape[1], 4):
        classes = frozenset((highest_pitches(old_hundredth[:, beat : beat + 1])[:, 0] - 7) % 12)
        assert any(classes <= chord for chord in chords)


def test_the_melody_s_key_is_found_and_follows_transposition() -> None:
    tables = shipped_tables()
    assert estimate_key(beat_grid(highest_pitches(OLD_HUNDREDTH)), tables) == (7, "major")
    up_a_tone = np.roll(OLD_HUNDREDTH, 2, axis=1)
    assert estimate_key(beat_grid(highest_pitches(up_a_tone)), tables) == (9, "major")


def test_harmonizing_is_deterministic_and_ignores_the_seed(model: ChoraleHMM) -> None:
    """The ornaments too are drawn with a fixed seed (`ornaments.SEED`), not the one given."""
    first = model.harmonize(OLD_HUNDREDTH, seed=1)
    np.testing.assert_array_equal(first, model.harmonize(OLD_HUNDREDTH, seed=2))
    np.testing.assert_array_equal(first, model.harmonize(OLD_HUNDREDTH))


def test_beats_where_the_melody_rests_are_silent_in_every_voice(model: ChoraleHMM) -> None:
    tune = melody((67, 4), (None, 8), (69, 2), (None, 2), (71, 4))
    arrangement = model.harmonize(tune)
    sounding = arrangement.any(axis=-1)
    assert not sounding[:, 4:12].any()
    assert sounding[1:, 12:].all()
    assert sounding[1:, :4].all()


def test_a_silent_melody_gets_a_silent_accompaniment(model: ChoraleHMM) -> None:
    arrangement = model.harmonize(np.zeros((32, 128), dtype=bool))
    assert not arrangement.any()


def test_melodies_of_any_length_keep_their_length(model: ChoraleHMM) -> None:
    for steps in (1, 3, 6, 33):
        tune = melody((60, steps))
        assert model.harmonize(tune).shape == (4, steps, 128)


def test_a_long_melody_is_harmonized_in_every_voice(model: ChoraleHMM) -> None:
    long_tune = np.tile(OLD_HUNDREDTH, (60, 1))
    arrangement = model.harmonize(long_tune)
    assert arrangement.shape == (4, *long_tune.shape)
    assert arrangement[1:].any(axis=-1).all()


def test_a_melody_that_is_not_a_piano_roll_is_a_value_error(model: ChoraleHMM) -> None:
    with pytest.raises(ValueError, match="piano roll"):
        model.harmonize(np.zeros((16, 12)))


def test_the_shipped_tables_are_small_and_well_formed() -> None:
    tables = shipped_tables()
    for model in (tables.major, tables.minor):
        assert model.transition.sum(axis=1) == pytest.approx(1)
        assert model.onset.sum(axis=1) == pytest.approx(1)
        assert 50 <= len(model.bass) <= 200
    assert 40 < tables.voice_centre[2] < tables.voice_centre[1] < tables.voice_centre[0] < 80


def test_the_voices_end_with_the_melody_even_inside_a_beat(model: ChoraleHMM) -> None:
    arrangement = model.harmonize(melody((67, 4), (65, 4), (64, 2), (None, 4)))
    assert arrangement[1:, 8:10].any(axis=-1).all()
    assert not arrangement[1:, 10:].any()


def test_a_context_given_alone_goes_with_the_shipped_tables() -> None:
    from distkit.music.hmm.model import shipped_context

    net = shipped_context()
    given = ChoraleHMM(context=net)
    assert given.context is net
    assert given.tables is shipped_tables()
    assert ChoraleHMM(shipped_tables()).context is None


def test_relearning_into_another_folder_writes_both_files_there(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from distkit.music.hmm import __main__ as hmm_main
    from distkit.music.hmm import learning

    written: list[Path] = []

    def regenerate(path: Path, context: Path, ornaments: Path) -> None:
        for target in (path, context, ornaments):
            target.write_bytes(b"x")
            written.append(target)

    monkeypatch.setattr(learning, "regenerate", regenerate)
    hmm_main.main(["-o", str(tmp_path / "tables.npz")])
    beside = [tmp_path / name for name in ("chorale_context.npz", "chorale_ornaments.npz")]
    assert written == [tmp_path / "tables.npz", *beside]
    out = capsys.readouterr().out
    assert all(str(path) in out for path in beside)


def test_relearning_into_a_folder_that_is_not_there_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from distkit.music.hmm import __main__ as hmm_main
    from distkit.music.hmm import learning

    def regenerate(path: Path, context: Path, ornaments: Path) -> None:
        path.write_bytes(b"x")

    monkeypatch.setattr(learning, "regenerate", regenerate)
    with pytest.raises(SystemExit) as exit_info:
        hmm_main.main(["-o", str(tmp_path / "missing" / "tables.npz")])
    assert exit_info.value.code == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "missing" in error
    assert "Traceback" not in error
