"""The studio in a real browser: play on the keys, harmonize, see four voices, download, share.

Screenshots of each state go to the test's tmp folder; set DISTKIT_STUDIO_SCREENSHOTS to a
folder to keep copies (docs/ holds the ones the README shows).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from distkit.music.midi import read_arrangement
from distkit.music.notes import Note, track_of
from distkit.music.synth import RELEASE
from tests.studio.conftest import Studio

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TWINKLE = ["G4", "G4", "D5", "D5", "E5", "E5", "D5"]  # the last one held for two beats
PITCH = {"G4": 67, "D5": 74, "E5": 76}


def snapshot(page: Any, tmp_path: Path, name: str) -> Path:
    """A screenshot of the whole page in tmp_path (and in $DISTKIT_STUDIO_SCREENSHOTS)."""
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    keep = os.environ.get("DISTKIT_STUDIO_SCREENSHOTS")
    if keep:
        shutil.copy(path, Path(keep) / path.name)
    return path


def open_studio(page: Any, studio: Studio) -> None:
    page.goto(studio.url)
    page.wait_for_selector("body.ready")


def play_on_keys(page: Any, names: list[str], *, last_beats: int) -> list[Note]:
    """Click the on-screen keys, the last note `last_beats` long; the notes that should be."""
    notes, start = [], 0
    for index, name in enumerate(names):
        beats = last_beats if index == len(names) - 1 else 1
        page.select_option("#length", str(4 * beats))
        page.click(f'.key[data-note="{name}"]')
        notes.append(Note(PITCH[name], start, start + 4 * beats))
        start += 4 * beats
    return notes


def harmonize_with(page: Any, model: str) -> None:
    page.select_option("#model", model)
    page.click("#harmonize")
    page.locator(
        '#harmonize-message:text-matches("^Harmonized"), #harmonize-message.error'
    ).first.wait_for()


def voices_drawn(page: Any) -> dict[str, int]:
    return {
        voice: page.locator(f"#roll svg rect.note.voice-{voice}").count()
        for voice in ("soprano", "alto", "tenor", "bass")
    }


def test_a_melody_played_on_the_keys_is_harmonized_drawn_and_downloaded(
    page: Any, studio: Studio, tmp_path: Path
) -> None:
    open_studio(page, studio)
    snapshot(page, tmp_path, "studio-empty")
    played = play_on_keys(page, TWINKLE, last_beats=2)
    expect(page.locator("#melody-text")).to_have_value("G4 G4 D5 D5 E5 E5 D5:2")
    assert voices_drawn(page)["soprano"] == len(TWINKLE)
    snapshot(page, tmp_path, "studio-melody")

    harmonize_with(page, "chorale-hmm")

    assert "chorale-hmm" in page.text_content("#harmonize-message")
    drawn = voices_drawn(page)
    assert all(count > 0 for count in drawn.values()), drawn
    snapshot(page, tmp_path, "studio")
    with page.expect_download() as download:
        page.click("#download-midi")
    midi = tmp_path / "downloaded.mid"
    download.value.save_as(midi)
    tracks = read_arrangement(midi)
    assert tracks.shape[0] == 4
    assert (tracks[0] == track_of(played, tracks.shape[1])).all()


def test_a_failing_model_shows_its_error_and_the_studio_keeps_working(
    page: Any, studio: Studio, tmp_path: Path
) -> None:
    open_studio(page, studio)
    page.fill("#melody-text", "C5 B4 A4:0.5 G4:0.5 A4 r B4 C5:2")
    page.click("#use-text")
    expect(page.locator("#roll rect.note")).to_have_count(7)

    harmonize_with(page, "crashes")

    error = page.text_content("#harmonize-message.error")
    assert "crashes" in error
    assert "studio-test" in error  # the plugin is named
    assert "out of tune" in error
    assert voices_drawn(page)["alto"] == 0
    snapshot(page, tmp_path, "studio-model-error")

    harmonize_with(page, "parallel")

    assert page.locator(".message.error").count() == 0
    assert all(count == 7 for count in voices_drawn(page).values())
    snapshot(page, tmp_path, "studio-after-error")


def test_a_bad_melody_text_names_the_token_on_the_page(page: Any, studio: Studio) -> None:
    open_studio(page, studio)
    page.fill("#melody-text", "C5 B4 H4")
    page.click("#use-text")
    page.wait_for_selector("#melody-message.error")
    assert page.text_content("#melody-message") == (
        "note 3 'H4': expected a note name with octave such as C4, F#3 or Bb5, or r for a rest"
    )


def test_the_shared_page_plays_offline_in_the_browser(
    page: Any, studio: Studio, tmp_path: Path
) -> None:
    open_studio(page, studio)
    page.select_option("#example", "Ode to Joy")
    harmonize_with(page, "chorale-hmm")
    with page.expect_download() as download:
        page.click("#share")
    shared = tmp_path / "shared.html"
    download.value.save_as(shared)
    text = shared.read_text()
    assert "http://" not in text
    assert "https://" not in text

    page.goto(shared.as_uri())
    duration = page.wait_for_function(
        "() => { const d = document.querySelector('audio').duration;"
        " return Number.isFinite(d) && d > 0 ? d : null; }"
    ).json_value()
    beats, tempo = 16, 100  # Ode to Joy's four bars, played at the page's default tempo
    assert duration == pytest.approx(beats * 60 / tempo + RELEASE, abs=0.01)
    assert page.locator("svg rect.note.voice-bass").count() > 0
    snapshot(page, tmp_path, "shared-page")


def test_the_computer_keys_play_rest_shift_octave_and_undo(page: Any, studio: Studio) -> None:
    open_studio(page, studio)
    for key in ("g", "r", "x", "a", "Backspace", "d", "z", "k"):
        page.keyboard.press(key)
    expect(page.locator("#melody-text")).to_have_value("G4 r E5 C5")
    assert page.text_content("#octave") == "4"


def test_a_midi_file_loads_as_the_melody(page: Any, studio: Studio, tmp_path: Path) -> None:
    import numpy as np

    from distkit.music.share import midi_bytes

    arrangement = np.zeros((1, 12, 128), dtype=bool)
    arrangement[0, 0:4, 64] = arrangement[0, 4:12, 62] = True
    upload = tmp_path / "tune.mid"
    upload.write_bytes(midi_bytes(arrangement, tempo=72))
    open_studio(page, studio)
    page.set_input_files("#midi-file", str(upload))
    expect(page.locator("#melody-text")).to_have_value("E4 D4:2")
    assert page.input_value("#tempo") == "72"
