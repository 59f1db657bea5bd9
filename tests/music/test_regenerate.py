"""Regenerating a passage (issue 21, item 2): the music API's `infill`, chorale-hmm's, and
`distkit compose ARRANGEMENT.mid --regenerate BARS --voices V,...`. Outside the passage every
note is kept exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from distkit.cli import cli
from distkit.errors import CannotRegenerate, PluginError
from distkit.music.compose import infill, parse_passage
from distkit.music.hmm import ChoraleHMM
from distkit.music.midi import read_arrangement
from distkit.plugins import get_registry


@pytest.fixture(scope="module")
def hmm() -> ChoraleHMM:
    return ChoraleHMM()


@st.composite
def arrangements_and_masks(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """A four-voice arrangement of 2-5 bars whose voices are random lines (with rests and
    repeated notes), and a random mask over it."""
    steps = 16 * draw(st.integers(2, 5))
    roll = np.zeros((4, steps, 128), dtype=bool)
    for voice, (low, high) in enumerate(((60, 79), (55, 74), (48, 69), (40, 62))):
        pitches = draw(arrays(np.int64, steps // 2, elements=st.integers(low - 1, high)))
        for index, pitch in enumerate(pitches):
            if pitch >= low:
                roll[voice, 2 * index : 2 * index + 2, pitch] = True
    mask = draw(arrays(np.bool_, (4, steps)))
    return roll, mask


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=arrangements_and_masks(), seed=st.none() | st.integers(0, 2**16))
def test_chorale_hmm_keeps_every_cell_outside_the_mask_exactly(
    hmm: ChoraleHMM, case: tuple[np.ndarray, np.ndarray], seed: int | None
) -> None:
    arrangement, mask = case
    redrawn = hmm.infill(arrangement, mask, seed=seed)
    assert redrawn.shape == arrangement.shape
    assert redrawn.dtype == np.bool_
    kept = ~mask[:, :, None].repeat(128, axis=2)
    kept[0] = True  # the soprano is the melody: never redrawn
    assert np.array_equal(redrawn[kept], arrangement[kept])


def test_without_a_seed_chorale_hmm_redraws_its_own_harmonization_as_it_was(
    hmm: ChoraleHMM,
) -> None:
    from distkit.music.example import example_melody

    arrangement = hmm.harmonize(example_melody())
    mask = np.zeros(arrangement.shape[:2], dtype=bool)
    mask[1:, 32:64] = True
    assert np.array_equal(hmm.infill(arrangement, mask), arrangement)


def test_with_a_seed_chorale_hmm_gives_another_take_inside_the_passage(hmm: ChoraleHMM) -> None:
    from distkit.music.example import example_melody

    arrangement = hmm.harmonize(example_melody())
    mask = np.zeros(arrangement.shape[:2], dtype=bool)
    mask[1:, 32:64] = True
    takes = [hmm.infill(arrangement, mask, seed=seed) for seed in range(4)]
    changed = [(take != arrangement).any(axis=2) for take in takes]
    assert any(cells.any() for cells in changed)
    assert all(not (cells & ~mask).any() for cells in changed)


@pytest.mark.usefixtures("test_models")
def test_a_model_that_touches_a_kept_note_is_a_plugin_error() -> None:
    arrangement = np.zeros((4, 32, 128), dtype=bool)
    arrangement[0, :, 72] = True
    mask = np.zeros((4, 32), dtype=bool)
    mask[1, :16] = True
    with pytest.raises(PluginError, match="changed notes outside the passage"):
        infill(arrangement, mask, "touches-kept")


@pytest.mark.usefixtures("test_models")
def test_a_model_without_infill_says_so_and_names_those_that_can() -> None:
    with pytest.raises(CannotRegenerate, match="'parallel' cannot regenerate") as raised:
        infill(np.zeros((4, 16, 128), dtype=bool), np.ones((4, 16), dtype=bool), "parallel")
    assert raised.value.able == ["touches-kept"]


@pytest.mark.parametrize(
    ("bars", "voices", "message"),
    [
        ("0-2", (), "has bars 1-4"),
        ("3-9", (), "has bars 1-4"),
        ("2-1", (), "has bars 1-4"),
        ("x", (), "takes bars as N or N-M"),
        ("1", ("soprano",), "the soprano is the melody"),
        ("1", ("viola",), "not 'viola'"),
        ("1", ("", ""), "--voices names no voice"),  # --voices ","
        ("1", (" ",), "--voices names no voice"),
    ],
)
def test_a_passage_outside_the_arrangement_or_of_unknown_voices_is_refused(
    bars: str, voices: tuple[str, ...], message: str
) -> None:
    from distkit.errors import UsageError

    with pytest.raises(UsageError, match=message):
        parse_passage(bars, voices, 64)


def test_a_passage_covers_its_bars_and_voices_only() -> None:
    passage = parse_passage("2-3", ("tenor", " alto"), 80)
    mask = passage.mask(80)
    assert (passage.first_bar, passage.last_bar, passage.voices) == (2, 3, (1, 2))
    assert mask[[1, 2], 16:48].all()
    assert mask.sum() == 2 * 32


def compose(*args: str) -> Result:
    return CliRunner().invoke(cli, ["compose", *args])


@pytest.fixture
def built_in(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DISTKIT_LOAD_PLUGINS", "")
    monkeypatch.delenv("DISTKIT_DISABLED_PLUGINS", raising=False)
    monkeypatch.chdir(tmp_path)
    get_registry.cache_clear()


@pytest.mark.usefixtures("built_in")
def test_regenerate_keeps_every_note_outside_those_bars_and_every_voice_not_named() -> None:
    assert compose("--example", "-o", "take.mid").exit_code == 0
    result = compose(
        "take.mid", "--regenerate", "3-4", "--voices", "alto,tenor", "--seed", "1", "-o", "new.mid"
    )
    assert result.exit_code == 0, result.output
    assert "Regenerated bars 3-4 (alto, tenor) of take with chorale-hmm" in result.stdout
    before, after = read_arrangement("take.mid"), read_arrangement("new.mid")
    changed = (before != after).any(axis=2)
    assert changed[1:3, 32:64].any()
    changed[1:3, 32:64] = False
    assert not changed.any()
    assert Path("take.mid").read_bytes()[:4] == b"MThd"


@pytest.mark.usefixtures("built_in")
def test_regenerate_needs_an_arrangement_of_four_voices() -> None:
    assert compose("--example", "-o", "take.mid").exit_code == 0
    assert compose("take.mid", "--regenerate", "1", "--voices", "bass").exit_code == 0
    result = compose("--example", "--regenerate", "1")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "Error: --regenerate redraws part of an ARRANGEMENT.mid; give its file"
    ]


@pytest.mark.usefixtures("test_models")
def test_a_model_without_infill_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert compose("--example", "--model", "parallel", "-o", "take.mid").exit_code == 0
    result = compose("take.mid", "--regenerate", "2", "--model", "parallel")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "Error: music model 'parallel' cannot regenerate a passage (no infill); models that "
        "can: touches-kept; pick one with --model NAME"
    ]
