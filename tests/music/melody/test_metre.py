"""Metres and pickups for `compose --continue`: parsing, bar lines, and the bar positions the
model is shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distkit.errors import PluginError, UsageError
from distkit.music.melody.continuation import continue_notes
from distkit.music.melody.continuing import check_continuation, continue_melody, takes_metre
from distkit.music.melody.events import Events, Key, melody_notes, roll_of
from distkit.music.melody.metre import Metre, bars_end, parse_metre, pickup_steps
from distkit.music.melody.model import MelodyModel, check_metre
from distkit.music.melody_text import melody_from_text
from distkit.plugins import MUSIC_MODEL


@pytest.mark.parametrize(
    ("text", "bar"),
    [("4/4", 16), ("3/4", 12), ("6/8", 12), ("2/2", 16), ("9/8", 18), ("C", 16), ("C|", 16),
     ("5/16", 5), ("4/1", 64), (" 3/4 ", 12)],
)  # fmt: skip
def test_metres_give_their_bar_length_in_sixteenths(text: str, bar: int) -> None:
    assert parse_metre(text).bar_steps == bar


@pytest.mark.parametrize("text", ["", "3", "3/", "/4", "3/3", "3/32", "-3/4", "3.5/4", "x/4",
                                  "0/4", "65/16", "5/1"])  # fmt: skip
def test_bad_metres_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError):
        parse_metre(text)


@pytest.mark.parametrize(
    ("beats", "metre", "steps"),
    [("0", "4/4", 0), ("1", "4/4", 4), ("1", "6/8", 2), ("2.5", "6/8", 5), ("0.5", "3/4", 2),
     ("2", "3/4", 8), (1.75, "4/4", 7)],
)  # fmt: skip
def test_a_pickup_is_counted_in_the_metres_beats(beats: Any, metre: str, steps: int) -> None:
    assert pickup_steps(beats, parse_metre(metre)) == steps


@pytest.mark.parametrize("beats", ["3", "-1", "0.1", "inf", "nan", "x", None])
def test_bad_pickups_are_usage_errors(beats: Any) -> None:
    with pytest.raises(UsageError):
        pickup_steps(beats, Metre(3, 4))


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 300), st.integers(1, 64), st.integers(1, 64), st.data())
def test_the_end_falls_on_a_bar_line_bars_after_the_melodys_last_bar(
    length: int, bars: int, bar: int, data: st.DataObject
) -> None:
    pickup = data.draw(st.integers(0, bar - 1))
    end = bars_end(length, bars, bar, pickup)
    assert (end - pickup) % bar == 0
    last_bar_line = end - bars * bar  # where the given melody's last bar ends
    assert last_bar_line >= max(length, pickup)
    assert last_bar_line - bar < max(length, pickup)


@pytest.mark.parametrize(("bar", "pickup"), [(0, 0), (65, 0), (12, 12), (12, -1), (12.0, 0),
                                             (True, 0), (12, None)])  # fmt: skip
def test_the_library_checks_bar_and_pickup_too(bar: Any, pickup: Any) -> None:
    with pytest.raises(UsageError):
        check_metre(bar, pickup)


class Recorder:
    """An event predictor that plays a scale and records what it was shown."""

    def __init__(self) -> None:
        self.shown: list[tuple[list[int], int, int]] = []

    def pitch_probabilities(
        self, events: Events, minor: bool, position: int, bar_steps: int
    ) -> np.ndarray:
        self.shown.append((events.positions.tolist(), position, bar_steps))
        probabilities = np.zeros(61)
        probabilities[24] = 1.0  # the tonic in octave 4
        return probabilities

    def duration_probabilities(
        self, events: Events, minor: bool, position: int, bar_steps: int, pitch: int
    ) -> np.ndarray:
        probabilities = np.zeros(25)
        probabilities[3] = 1.0  # a quarter note
        return probabilities


class RecordingModel(MelodyModel):
    name = "recorder"
    last: Recorder | None = None

    def predictor(self) -> Recorder:
        RecordingModel.last = Recorder()
        return RecordingModel.last


def test_the_model_is_shown_the_bar_positions_of_the_metre_and_pickup() -> None:
    melody = melody_from_text("G4 C5:2 E5 G5:2 E5")  # 3/4 with a one-beat pickup: 28 steps
    continued = RecordingModel().continue_melody(melody, 1, bar_steps=12, pickup=4, seed=0)
    assert continued.shape[0] == 4 + 3 * 12
    assert RecordingModel.last is not None
    positions, position, bar = RecordingModel.last.shown[0]
    assert bar == 12
    assert positions == [8, 0, 8, 0, 8]  # the pickup is the bar's last beat
    assert position == 0  # the continuation starts on a downbeat
    assert [shown[1] for shown in RecordingModel.last.shown] == [0, 4, 8]


def test_without_metre_the_melody_is_four_four_from_a_downbeat() -> None:
    melody = melody_from_text("C5 D5 E5")
    continued = RecordingModel().continue_melody(melody, 1, seed=0)
    assert continued.shape[0] == 32
    assert RecordingModel.last is not None
    assert RecordingModel.last.shown[0][0] == [0, 4, 8]


class FourFourOnly:
    """A third-party melody model written before metres: it takes no `bar_steps`."""

    def continue_melody(
        self, melody: Any, bars: int, *, seed: int | None = None, close: bool = False
    ) -> np.ndarray:
        notes = melody_notes(melody)
        return roll_of([*notes, (72, bars * 16 + (-len(melody) % 16))])


@dataclass(frozen=True)
class Registration:
    name: str
    plugin: str
    cls: type


class OneModel:
    """Just enough of a Registry to look one model up."""

    def __init__(self, cls: type) -> None:
        self.music_models = [Registration("old-melodies", "test", cls)]

    def lookup(self, kind: str, name: str) -> Registration:
        assert (kind, name) == (MUSIC_MODEL, "old-melodies")
        return self.music_models[0]


def registry_with(cls: type) -> Any:
    return OneModel(cls)


def test_a_model_without_metre_keywords_is_not_asked_to_guess() -> None:
    assert not takes_metre(FourFourOnly().continue_melody)
    assert takes_metre(RecordingModel().continue_melody)
    registry = registry_with(FourFourOnly)
    melody = melody_from_text("C5 D5 E5 F5")
    done = continue_melody(melody, 2, "old-melodies", registry=registry)  # 4/4: fine
    assert done.melody.shape[0] == 48
    with pytest.raises(UsageError, match="4/4 melodies from a downbeat only"):
        continue_melody(melody, 2, "old-melodies", bar_steps=12, registry=registry)
    with pytest.raises(UsageError, match="4/4 melodies from a downbeat only"):
        continue_melody(melody, 2, "old-melodies", pickup=4, registry=registry)


def test_an_answer_of_the_wrong_length_for_the_metre_is_the_models_fault() -> None:
    melody = melody_from_text("C5 D5 E5")  # 12 steps
    right = RecordingModel().continue_melody(melody, 1, bar_steps=12, pickup=0, seed=0)
    assert check_continuation(right, melody, 1, "m", bar_steps=12).shape[0] == 24
    with pytest.raises(PluginError, match="expected 24"):
        check_continuation(right[:20], melody, 1, "m", bar_steps=12)
    with pytest.raises(PluginError, match="expected 28"):
        check_continuation(right, melody, 1, "m", bar_steps=12, pickup=4)


def test_continue_notes_counts_bars_from_the_pickup() -> None:
    recorder = Recorder()
    notes = [(67, 2), (72, 12)]  # 6/8: an eighth's pickup, one bar
    new = continue_notes(
        recorder, notes, Key(0, "major"), 2 + 2 * 12, bar_steps=12, start_in_bar=10, seed=1
    )
    assert sum(steps for _, steps in new) == 12
    assert recorder.shown[0] == ([10, 0], 0, 12)


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from([Metre(3, 4), Metre(6, 8), Metre(2, 2), Metre(9, 8), Metre(5, 16)]),
    st.integers(1, 3),
    st.booleans(),
    st.data(),
)
def test_any_metre_and_pickup_give_whole_bars_and_keep_the_melody(
    metre: Metre, bars: int, close: bool, data: st.DataObject
) -> None:
    pickup = data.draw(st.integers(0, metre.bar_steps - 1))
    melody = melody_from_text("G4 C5:2 E5 G5:0.5 E5:1.5 D5:0.25 C5")
    continued = RecordingModel().continue_melody(
        melody, bars, bar_steps=metre.bar_steps, pickup=pickup, seed=1, close=close
    )
    assert continued.shape[0] == bars_end(melody.shape[0], bars, metre.bar_steps, pickup)
    assert (continued.shape[0] - pickup) % metre.bar_steps == 0
    assert np.array_equal(continued[: melody.shape[0] - 1], melody[:-1])
