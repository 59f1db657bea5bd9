"""What the studio's routes do, called as plain functions."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

import numpy as np
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


def test_examples_are_parsed_into_the_notes_their_text_names() -> None:
    twinkle = next(e for e in api.examples() if e["name"].startswith("Twinkle"))
    # G4 G4 D5 D5 E5 E5 D5:2 ...: one beat is four steps; D5:2 holds for eight.
    assert twinkle["notes"][:7] == [
        [67, 0, 4], [67, 4, 8], [74, 8, 12], [74, 12, 16], [76, 16, 20], [76, 20, 24],
        [74, 24, 32],
    ]  # fmt: skip
    assert twinkle["steps"] == 14 * 4 + 2 * 4
    for example in api.examples():
        assert example["steps"] == max(end for _, _, end in example["notes"])


def test_text_keeps_a_trailing_rest_and_reads_back() -> None:
    text = api.to_text({"notes": [[67, 0, 4]], "steps": 14})["text"]
    assert text == "G4 r:2.5"
    assert api.parse_text(text) == {"notes": [[67, 0, 4]], "steps": 14}


def test_a_note_longer_than_four_bars_is_refused() -> None:
    with pytest.raises(UsageError, match="at most 16 beats"):
        api.parse_text("C4:1000")
    with pytest.raises(UsageError, match="at most 16 beats"):
        api.harmonize_request({"notes": [[60, 0, 4 * 17]]})


def test_a_melody_below_the_soprano_range_is_refused_with_the_way_out() -> None:
    with pytest.raises(UsageError, match=r"goes down to C2.*move it up 2 octaves"):
        api.harmonize_now({"notes": [[36, 0, 4], [38, 4, 8]], "model": "chorale-hmm"})


def test_an_uploaded_midi_file_gives_its_melody_and_tempo() -> None:
    import numpy as np

    arrangement = np.zeros((4, 8, 128), dtype=bool)
    arrangement[0, 0:4, 72] = arrangement[0, 4:8, 74] = arrangement[1, :, 60] = True
    arrangement[0, 0:4, 67] = True  # a chord in the melody's own track
    melody = api.melody_from_midi(midi_bytes(arrangement, tempo=90))
    assert melody["notes"] == [[72, 0, 4], [74, 4, 8]]
    assert melody["track"] == 1
    assert melody["tracks"] == ["track 1 (Soprano)", "track 2 (Alto)"]
    alto = api.melody_from_midi(midi_bytes(arrangement, tempo=90), track=2)
    assert alto["notes"] == [[60, 0, 8]]
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
        api.harmonize_request(body)


def test_harmonize_returns_four_voices_led_by_the_melody() -> None:
    answer = api.harmonize_now({"notes": [[67, 0, 4], [74, 4, 12]], "model": "chorale-hmm"})
    assert list(answer["voices"]) == ["soprano", "alto", "tenor", "bass"]
    assert answer["voices"]["soprano"] == [[67, 0, 4], [74, 4, 12]]
    assert answer["steps"] == 12


def test_regenerate_draws_again_when_a_take_gives_the_passage_back_as_it_was() -> None:
    """chorale-hmm often voices a short alto window as it was; the studio's Regenerate asks the
    next seed then, and says which seed's take it returns (so it can be drawn again)."""
    melody = api.parse_text(api.EXAMPLES["Ode to Joy"])
    given = api.harmonize_now({**melody, "model": "chorale-hmm"})
    ask = {"voices": given["voices"], "steps": given["steps"], "model": "chorale-hmm"}
    ask |= {"start": 16, "end": 48, "redraw": ["alto"]}
    answers = [api.infill_now({**ask, "seed": seed}) for seed in range(12)]
    assert all(not a["unchanged"] and a["voices"] != given["voices"] for a in answers)
    retaken = [seed for seed, a in enumerate(answers) if a["seed"] != seed]
    assert retaken, "no first take gave the window back: the retake is not exercised"
    for seed in retaken:
        assert api.infill_now({**ask, "seed": answers[seed]["seed"]}) == answers[seed]
    assert api.infill_now({**ask, "seed": None})["seed"] is None  # one take, not drawn again


@pytest.mark.parametrize(
    ("kind", "magic"),
    [("midi", b"MThd"), ("wav", b"RIFF"), ("png", b"\x89PNG"), ("html", b"<!DOCTYPE html>")],
)
def test_export_writes_each_format(kind: str, magic: bytes, tmp_path: Path) -> None:
    body = {"voices": VOICES, "steps": 8, "tempo": 120, "model": "m", "name": "Ode to Joy"}
    download = api.export(kind, body, tmp_path)
    assert download.path.read_bytes().startswith(magic)
    assert download.filename == f"ode-to-joy-m.{api.FORMATS[kind][1]}"


def test_the_musicxml_export_reads_back_in_music21_as_four_named_parts(tmp_path: Path) -> None:
    import music21

    body = {"voices": VOICES, "steps": 24, "tempo": 90, "programs": [40, 41, 42, 43]}
    download = api.export("musicxml", body, tmp_path)
    score = music21.converter.parse(str(download.path))
    assert [part.partName for part in score.parts] == ["Soprano", "Alto", "Tenor", "Bass"]
    soprano = [
        (n.pitch.midi, float(n.offset), float(n.quarterLength))
        for n in score.parts[0].flatten().notes
    ]
    assert soprano == [(72, 0.0, 1.0), (74, 1.0, 1.0)]
    assert float(score.parts[3].flatten().notes[0].quarterLength) == 2.0


def test_the_musicxml_export_is_written_in_the_melodys_metre_with_its_pickup(
    tmp_path: Path,
) -> None:
    """3/4 with a one-beat pickup: an implicit measure 0 of one beat, then 3/4 bars, the last
    filled out with rests, and a note across a bar line tied."""
    import music21

    voices = {
        "soprano": [[67, 0, 4], [72, 4, 20], [74, 20, 26]],  # C5 crosses the first bar line
        "alto": [[64, 0, 26]],
        "tenor": [[60, 0, 26]],
        "bass": [[48, 0, 26]],
    }
    body = {"voices": voices, "steps": 26, "tempo": 90, "metre": {"beats": 3, "unit": 4,
            "pickup": 4}}  # fmt: skip
    score = music21.converter.parse(str(api.export("musicxml", body, tmp_path).path))
    measures = list(score.parts[0].getElementsByClass("Measure"))
    assert [m.number for m in measures] == [0, 1, 2]
    assert measures[0].timeSignature.ratioString == "3/4"
    assert [float(m.duration.quarterLength) for m in measures] == [1.0, 3.0, 3.0]
    soprano = [
        (n.pitch.midi, float(n.offset), float(n.quarterLength))
        for n in score.parts[0].stripTies().flatten().notes
    ]
    assert soprano == [(67, 0.0, 1.0), (72, 1.0, 4.0), (74, 5.0, 1.5)]


def test_the_shared_page_draws_and_counts_bars_in_the_melodys_metre(tmp_path: Path) -> None:
    """3/4 with a one-beat pickup: bar lines at the pickup and every 12 steps, "3 bars of 3/4",
    the voices by their names, and the page's MIDI file is the MIDI download, time signature,
    programs and names and all."""
    import base64
    import io
    import re

    import pretty_midi

    from distkit.music.share import STEP_WIDTH

    voices = {name: VOICES["soprano"] for name in ("soprano", "alto", "tenor", "bass")}
    body = {"voices": voices, "steps": 26, "tempo": 90, "programs": [40, 41, 42, 43],
            "names": ["violin I", "violin II", "viola", "cello"],
            "metre": {"beats": 3, "unit": 4, "pickup": 4}}  # fmt: skip
    (tmp_path / "page").mkdir()
    page = api.export("html", body, tmp_path / "page").path.read_text()
    lines = [float(x) for x in re.findall(r'<line x1="([0-9.]+)"', page)]
    assert lines == [step * STEP_WIDTH for step in (0, 4, 16, 26)]
    assert "3 bars of 3/4 at 90 beats per minute" in page
    assert "(4 tracks: violin I, violin II, viola, cello)" in page
    assert "</i>Violin II</span>" in page
    embedded = re.search(r'href="data:audio/midi;base64,([^"]+)"', page)
    assert embedded is not None
    (tmp_path / "midi").mkdir()
    download = api.export("midi", body, tmp_path / "midi").path.read_bytes()
    assert base64.b64decode(embedded[1]) == download
    signatures = pretty_midi.PrettyMIDI(io.BytesIO(download)).time_signature_changes
    assert [(s.numerator, s.denominator) for s in signatures][-1] == (3, 4)


def test_the_wav_follows_the_volume_sliders(tmp_path: Path) -> None:
    body = {"voices": VOICES, "steps": 8, "tempo": 120}
    (tmp_path / "a").mkdir()
    full = api.export("wav", body, tmp_path / "a")
    alone = {**body, "volumes": {"soprano": 1, "alto": 0, "tenor": 0, "bass": 0}}
    (tmp_path / "b").mkdir()
    solo = api.export("wav", alone, tmp_path / "b")
    only_soprano = {"voices": {"soprano": VOICES["soprano"]}, "steps": 8, "tempo": 120}
    (tmp_path / "c").mkdir()
    reference = api.export("wav", {**only_soprano, "volumes": [1, 0, 0, 0]}, tmp_path / "c")
    assert full.path.read_bytes() != solo.path.read_bytes()
    assert solo.path.read_bytes() == reference.path.read_bytes()


def test_the_shared_pages_sound_follows_the_volume_sliders_and_the_timbres(
    tmp_path: Path,
) -> None:
    """What the studio played is what the page plays: muted voices stay silent in it, and each
    voice keeps the timbre chosen for it."""
    import re

    def sound(body: dict[str, Any], folder: str) -> str:
        (tmp_path / folder).mkdir()
        page = api.export("html", body, tmp_path / folder).path.read_text()
        found = re.search(r'src="data:audio/wav;base64,([^"]+)"', page)
        assert found is not None
        return found[1]

    body = {"voices": VOICES, "steps": 8, "tempo": 120}
    full = sound(body, "full")
    solo = sound({**body, "volumes": {"soprano": 1, "alto": 0, "tenor": 0, "bass": 0}}, "solo")
    only_soprano = {"voices": {"soprano": VOICES["soprano"]}, "steps": 8, "tempo": 120}
    assert solo != full
    assert solo == sound({**only_soprano, "volumes": [1, 0, 0, 0]}, "reference")
    square = sound({**body, "timbres": ["square"] * 4}, "square")
    assert square not in (full, sound({**body, "timbres": ["sine"] * 4}, "sine"))


def test_the_midi_has_the_chosen_program_for_each_voice(tmp_path: Path) -> None:
    import pretty_midi

    body = {"voices": VOICES, "steps": 8, "tempo": 120, "programs": [40, 41, 42, 43]}
    download = api.export("midi", body, tmp_path)
    midi = pretty_midi.PrettyMIDI(str(download.path))
    assert [i.program for i in midi.instruments] == [40, 41, 42, 43]


def test_the_exported_wav_lasts_as_long_as_the_music(tmp_path: Path) -> None:
    download = api.export("wav", {"voices": VOICES, "steps": 16, "tempo": 60}, tmp_path)
    with wave.open(str(download.path)) as sound:
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
        ("midi", {"voices": VOICES, "tempo": 301}),
        ("midi", {"voices": VOICES, "tempo": float("nan")}),
        ("midi", {"voices": VOICES, "tempo": 100, "programs": [0, 0, 0, 128]}),
        ("wav", {"voices": VOICES, "tempo": 100, "volumes": [2, 0, 0, 0]}),
        ("wav", {"voices": VOICES, "tempo": 100, "timbres": ["kazoo"] * 4}),
        ("wav", {"voices": {"soprano": [[60, 0, 4096]]}, "tempo": 20}),
    ],
)
def test_export_refuses_what_it_cannot_write(kind: str, body: Any, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        api.export(kind, body, tmp_path)


@pytest.mark.parametrize(
    ("metre", "said"),
    [
        ({"beats": 0, "unit": 4, "pickup": 0}, "at least one beat, got 0"),
        ({"beats": 3, "unit": 3, "pickup": 0}, "unit is one of 1, 2, 4, 8, 16"),
        ({"beats": 10**9, "unit": 4, "pickup": 0}, "a bar must be a whole number from 1 to 64"),
        ({"beats": 3, "unit": 4, "pickup": 12}, "shorter than the bar's 12"),
        ("3/4", "whole numbers of beats, unit and pickup"),
    ],
)
def test_a_metre_the_scores_cannot_count_is_refused_in_words_that_name_it(
    metre: Any, said: str, tmp_path: Path
) -> None:
    for kind in ("midi", "musicxml"):
        with pytest.raises(UsageError, match=said):
            api.export(kind, {"voices": VOICES, "steps": 8, "tempo": 90, "metre": metre}, tmp_path)


def three_four_with_a_pickup() -> bytes:
    """A 3/4 tune with a one-beat pickup as a MIDI editor writes it: a 1/4 bar, then 3/4."""
    import io

    import pretty_midi

    midi = pretty_midi.PrettyMIDI(initial_tempo=120)
    beat = 0.5
    tune = pretty_midi.Instrument(program=0, name="Melody")
    for index, pitch in enumerate([67, 72, 72, 74, 76, 74, 72]):
        tune.notes.append(pretty_midi.Note(90, pitch, index * beat, (index + 1) * beat))
    midi.instruments.append(tune)
    midi.time_signature_changes = [
        pretty_midi.TimeSignature(1, 4, 0.0),
        pretty_midi.TimeSignature(3, 4, beat),
    ]
    out = io.BytesIO()
    midi.write(out)
    return out.getvalue()


def test_an_uploaded_midi_file_gives_its_metre_and_pickup() -> None:
    melody = api.melody_from_midi(three_four_with_a_pickup())
    assert melody["metre"] == {"beats": 3, "unit": 4, "pickup": 4}
    assert melody["notes"][0] == [67, 0, 4]
    assert melody["steps"] == 28
    roll = np.zeros((1, 8, 128), dtype=bool)
    roll[0, 0:8, 72] = True
    plain = api.melody_from_midi(midi_bytes(roll, tempo=100))  # no time signature in it
    assert plain["metre"] == {"beats": 4, "unit": 4, "pickup": 0}


@pytest.mark.parametrize(
    ("metre", "message"),
    [
        ({"bar_steps": 0}, "a bar must be a whole number from 1 to 64 sixteenths, got 0"),
        ({"bar_steps": 65}, "a bar must be a whole number from 1 to 64 sixteenths, got 65"),
        ({"bar_steps": 12.0}, "a bar must be a whole number from 1 to 64 sixteenths"),
        ({"bar_steps": True}, "a bar must be a whole number"),
        ({"bar_steps": 12, "pickup": 12}, "the pickup must be .* shorter than the bar's 12"),
        ({"bar_steps": 12, "pickup": -1}, "the pickup must be .* shorter than the bar's 12"),
        ({"pickup": "4"}, "the pickup must be a whole number of sixteenths"),
    ],
)
def test_continue_refuses_a_bar_or_pickup_it_cannot_count(
    metre: dict[str, Any], message: str
) -> None:
    body = {"notes": [[67, 0, 4]], "bars": 1, "model": "folk-ngram", **metre}
    with pytest.raises(UsageError, match=message) as caught:
        api.continue_request(body)
    assert "\n" not in str(caught.value)


def test_continue_in_three_four_completes_the_bar_then_adds_bars_of_twelve_steps() -> None:
    melody = api.melody_from_midi(three_four_with_a_pickup())
    pickup = melody["metre"]["pickup"]
    body = {
        "notes": melody["notes"], "steps": melody["steps"], "model": "folk-ngram", "seed": 3,
        "bars": 2, "bar_steps": 12, "pickup": pickup,
    }  # fmt: skip
    answer = api.continue_now(body)
    # 28 steps: a pickup of 4 and two 3/4 bars; the second bar is completed, then two more.
    assert melody["steps"] == 28
    assert answer["steps"] == pickup + 4 * 12
    assert (answer["steps"] - pickup) % 12 == 0
    assert answer["added"]
    assert min(start for _, start, _ in answer["added"]) >= 28
    four_four = api.continue_now({**body, "bar_steps": 16, "pickup": 0})
    assert four_four["steps"] == 2 * 16 + 2 * 16


def test_a_melody_model_that_cannot_take_a_metre_is_refused_one_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from distkit.music.melody import continuing
    from tests.music.melody.test_metre import FourFourOnly, registry_with

    monkeypatch.setattr(continuing, "get_registry", lambda: registry_with(FourFourOnly))
    body = {"notes": [[72, 0, 4], [74, 4, 8]], "model": "old-melodies", "bars": 1}
    assert api.continue_now(body)["steps"] == 32  # 4/4 from a downbeat: asked
    for metre in ({"bar_steps": 12}, {"pickup": 4}):
        with pytest.raises(
            UsageError, match="old-melodies continues 4/4 melodies from a downbeat only"
        ) as caught:
            api.continue_now({**body, **metre})
        assert "\n" not in str(caught.value)


def test_the_midi_export_carries_the_metre(tmp_path: Path) -> None:
    import pretty_midi

    body = {
        "voices": VOICES,
        "steps": 28,
        "tempo": 100,
        "metre": {"beats": 3, "unit": 4, "pickup": 4},
    }
    written = api.export("midi", body, tmp_path)
    changes = pretty_midi.PrettyMIDI(str(written.path)).time_signature_changes
    assert [(c.numerator, c.denominator) for c in changes] == [(1, 4), (3, 4)]
    assert api.melody_from_midi(written.path.read_bytes())["metre"] == {
        "beats": 3, "unit": 4, "pickup": 4,
    }  # fmt: skip
    for bad in ({"beats": 3, "unit": 5, "pickup": 0}, {"beats": 3, "unit": 4, "pickup": 12}, "3/4"):
        with pytest.raises(UsageError):
            api.export("midi", {**body, "metre": bad}, tmp_path)
