"""What the studio's routes do, called as plain functions."""

from __future__ import annotations

import wave
from io import BytesIO
from typing import Any

import pytest

from distkit.errors import MidiError, UsageError
from distkit.music.share import midi_bytes
from distkit.studio import api

VOICES = {
    "soprano": [[72, 0, 4], [74, 4, 8]],
    "alto": [[67, 0, 8]],
    "tenor": [[64, 0, 8]],
    "bass": [[48, 0, 8]],
}


def test_models_lists_each_music_model_with_its_description() -> None:
    listed = api.models()
    hmm = next(model for model in listed["models"] if model["name"] == "chorale-hmm")
    assert hmm["plugin"] == "distkit.music"
    assert hmm["description"]
    assert listed["default"] in [model["name"] for model in listed["models"]]


def test_examples_are_parsed_by_the_one_parser() -> None:
    for example in api.examples():
        assert example["notes"] == api.parse_text(example["text"])["notes"]


def test_an_uploaded_midi_file_gives_its_melody_and_tempo() -> None:
    import numpy as np

    arrangement = np.zeros((4, 8, 128), dtype=bool)
    arrangement[0, 0:4, 72] = arrangement[0, 4:8, 74] = arrangement[1, :, 60] = True
    arrangement[0, 0:4, 67] = True  # a chord in the melody's own track
    melody = api.melody_from_midi(midi_bytes(arrangement, tempo=90))
    assert melody["notes"] == [[72, 0, 4], [74, 4, 8]]
    assert melody["tempo"] == pytest.approx(90, abs=0.01)
    assert "chords" in melody["warnings"][0]
    assert "/" not in melody["warnings"][0]  # no server path in what the page shows


def test_an_upload_that_is_not_midi_is_refused_before_it_is_parsed() -> None:
    with pytest.raises(MidiError, match="does not start with MThd"):
        api.melody_from_midi(b"<html>")


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"notes": "G4"},
        {"notes": [[67, 0]]},
        {"notes": [[67, 4, 4]]},
        {"notes": [[128, 0, 4]]},
        {"notes": [[67.0, 0, 4]]},
        {"notes": [[True, 0, 4]]},
        {"notes": [[67, 0, 10**9]]},
        {"notes": [[67, 0, 4]] * (api.MAX_NOTES + 1)},
        {"notes": [[67, 0, 4]], "model": ["x"]},
        {"notes": [[67, 0, 4]], "steps": -1},
    ],
)
def test_harmonize_refuses_malformed_requests(body: Any) -> None:
    with pytest.raises(UsageError):
        api.harmonize(body)


def test_harmonize_returns_four_voices_led_by_the_melody() -> None:
    answer = api.harmonize({"notes": [[67, 0, 4], [74, 4, 12]], "model": "chorale-hmm"})
    assert list(answer["voices"]) == ["soprano", "alto", "tenor", "bass"]
    assert answer["voices"]["soprano"] == [[67, 0, 4], [74, 4, 12]]
    assert answer["steps"] == 12


@pytest.mark.parametrize(
    ("kind", "magic"),
    [("midi", b"MThd"), ("wav", b"RIFF"), ("png", b"\x89PNG"), ("html", b"<!DOCTYPE html>")],
)
def test_export_writes_each_format(kind: str, magic: bytes) -> None:
    download = api.export(kind, {"voices": VOICES, "steps": 8, "tempo": 120, "model": "m"})
    assert download.content.startswith(magic)


def test_the_exported_wav_lasts_as_long_as_the_music() -> None:
    download = api.export("wav", {"voices": VOICES, "steps": 16, "tempo": 60})
    with wave.open(BytesIO(download.content)) as sound:
        seconds = sound.getnframes() / sound.getframerate()
    assert seconds == pytest.approx(4 + 0.15, abs=0.01)  # 16 sixteenths at 60 bpm + release


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("exe", {"voices": VOICES, "tempo": 100}),
        ("midi", {"voices": VOICES, "tempo": 5}),
        ("midi", {"voices": VOICES, "tempo": "fast"}),
        ("midi", {"voices": {}, "tempo": 100}),
        ("midi", {"voices": [[]] * 5, "tempo": 100}),
    ],
)
def test_export_refuses_what_it_cannot_write(kind: str, body: Any) -> None:
    with pytest.raises(UsageError):
        api.export(kind, body)
