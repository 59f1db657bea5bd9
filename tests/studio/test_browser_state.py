"""The studio's page keeps one truth (issue 22): what it shows is what it plays and downloads,
keys go where the user means, waits can be seen and stopped, the roll can be edited."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from distkit.music.midi import read_arrangement, read_tempo
from tests.studio.conftest import Studio
from tests.studio.test_browser import harmonize_with, open_studio, snapshot, voices_drawn

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def load_example(page: Any, name: str) -> None:
    page.select_option("#example", name)
    expect(page.locator("#roll rect.note.voice-soprano").first).to_be_visible()


def download(page: Any, button: str, path: Path) -> Path:
    with page.expect_download() as caught:
        page.click(button)
    caught.value.save_as(path)
    return path


def test_space_plays_and_keeps_the_harmonization_and_undo_brings_it_back(
    page: Any, studio: Studio
) -> None:
    open_studio(page, studio)
    load_example(page, "Twinkle Twinkle Little Star")
    harmonize_with(page, "parallel")
    text = page.input_value("#melody-text")
    page.locator("#roll").click(position={"x": 5, "y": 5})  # focus away from any control
    page.keyboard.press("Space")
    expect(page.locator("body.playing")).to_have_count(1)
    page.keyboard.press("Space")
    expect(page.locator("body.playing")).to_have_count(0)
    assert voices_drawn(page)["alto"] == 14
    assert page.is_enabled("#download-midi")
    assert page.input_value("#melody-text") == text
    assert page.text_content("#harmonize-message").startswith("Harmonized with parallel")

    page.keyboard.press("g")  # a new note: the arrangement no longer fits the melody
    expect(page.locator("#roll rect.note.voice-alto")).to_have_count(0)
    assert page.is_disabled("#download-midi")
    assert page.is_hidden("#harmonize-message")  # no stale "Harmonized with"
    page.keyboard.press("Control+z")
    expect(page.locator("#roll rect.note.voice-alto")).to_have_count(14)
    assert page.is_enabled("#download-midi")


def test_an_answer_for_an_old_melody_is_never_shown(page: Any, studio: Studio) -> None:
    open_studio(page, studio)
    load_example(page, "Twinkle Twinkle Little Star")
    page.select_option("#model", "slow")
    page.click("#harmonize")
    expect(page.locator("#progress")).to_be_visible()
    load_example(page, "Frère Jacques")
    time.sleep(8)  # longer than the slow model's six seconds (not a timing assertion)
    assert voices_drawn(page) == {"soprano": 14, "alto": 0, "tenor": 0, "bass": 0}
    assert page.is_disabled("#download-midi")
    expect(page.locator("#melody-text")).to_have_value(re.compile("^G4 A4 B4 G4"))


def test_the_tempo_box_is_what_is_exported_and_a_bad_one_is_refused_beside_it(
    page: Any, studio: Studio, tmp_path: Path
) -> None:
    open_studio(page, studio)
    load_example(page, "Ode to Joy")
    harmonize_with(page, "parallel")
    page.fill("#tempo", "30")
    midi = download(page, "#download-midi", tmp_path / "slow.mid")
    assert read_tempo(midi) == pytest.approx(30, abs=0.01)
    page.fill("#tempo", "500")
    expect(page.locator("#tempo-message")).to_have_text(
        "The tempo must be from 20 to 300 beats a minute."
    )
    page.click("#download-midi")
    page.wait_for_timeout(500)
    assert page.is_visible("#tempo-message")
    snapshot(page, tmp_path, "studio-error-tempo")
    page.fill("#tempo", "280")
    assert page.is_hidden("#tempo-message")
    assert read_tempo(download(page, "#download-midi", tmp_path / "fast.mid")) == pytest.approx(
        280, abs=0.01
    )


def test_after_a_dropdown_the_computer_keys_play_and_enter_harmonizes(
    page: Any, studio: Studio
) -> None:
    open_studio(page, studio)
    load_example(page, "Twinkle Twinkle Little Star")
    page.keyboard.press("f")  # F4, not Frère Jacques
    expect(page.locator("#melody-text")).to_have_value(
        "G4 G4 D5 D5 E5 E5 D5:2 C5 C5 B4 B4 A4 A4 G4:2 F4"
    )
    page.select_option("#model", "parallel")
    page.keyboard.press("b")  # not a model switch: B is no key of ours
    assert page.input_value("#model") == "parallel"
    page.keyboard.press("Enter")
    expect(page.locator("#harmonize-message")).to_contain_text("Harmonized with parallel")
    page.focus("#melody-text")
    page.keyboard.press("g")  # typing in the text box is typing, not playing
    expect(page.locator("#roll rect.note.voice-soprano")).to_have_count(15)


def test_messages_sit_beside_their_cause_and_go_when_stale(
    page: Any, studio: Studio, tmp_path: Path
) -> None:
    open_studio(page, studio)
    page.fill("#melody-text", "C5 B4 H4")
    page.click("#use-text")
    expect(page.locator("#melody-panel .message.error")).to_contain_text("note 3 'H4'")
    assert page.locator("#model-panel .message.error").count() == 0
    snapshot(page, tmp_path, "studio-error-text")
    load_example(page, "Ode to Joy")
    assert page.is_hidden("#melody-message")
    harmonize_with(page, "crashes")
    expect(page.locator("#harmonize-message.error")).to_contain_text("out of tune")
    harmonize_with(page, "parallel")
    expect(page.locator("#harmonize-message")).to_contain_text("Harmonized with parallel")
    page.click("#clear")
    assert page.is_hidden("#harmonize-message")


def test_the_wav_follows_the_volume_sliders(page: Any, studio: Studio, tmp_path: Path) -> None:
    open_studio(page, studio)
    load_example(page, "Ode to Joy")
    harmonize_with(page, "parallel")
    full = download(page, "#download-wav", tmp_path / "full.wav").read_bytes()
    for voice in ("alto", "tenor", "bass"):
        page.fill(f"#volume-{voice}", "0")
    solo = download(page, "#download-wav", tmp_path / "solo.wav").read_bytes()
    assert solo != full
    page.select_option("#timbre-soprano", "square")
    square = download(page, "#download-wav", tmp_path / "square.wav").read_bytes()
    assert square != solo
    assert download(page, "#download-wav", tmp_path / "n.wav").name == "n.wav"


def test_the_roll_is_edited_in_any_voice_and_downloads_follow(
    page: Any, studio: Studio, tmp_path: Path
) -> None:
    open_studio(page, studio)
    load_example(page, "Ode to Joy")
    harmonize_with(page, "parallel")
    alto = page.locator("#roll rect.note.voice-alto")
    count = alto.count()
    page.select_option("#edit-voice", "alto")
    roll = page.locator("#roll svg")
    box = roll.bounding_box()
    page.mouse.click(box["x"] + 34 + 12 * 2 + 3, box["y"] + 6)  # step 2, the top row
    expect(alto).to_have_count(count + 1)
    expect(page.locator("#harmonize-message")).to_contain_text("edited by hand")

    first = page.locator("#roll rect.note.voice-soprano").first
    start = first.bounding_box()
    page.mouse.move(start["x"] + 4, start["y"] + 2)
    page.mouse.down()
    page.mouse.move(start["x"] + 4, start["y"] + 2 - 2 * 12, steps=4)  # two semitones up
    page.mouse.up()
    expect(page.locator("#melody-text")).to_have_value(
        "C#5 B4 C5 D5 D5 C5 B4 A4 G4 G4 A4 B4 B4:1.5 A4:0.5 A4:2"
    )
    snapshot(page, tmp_path, "studio-editing")
    page.locator("#roll rect.note.voice-soprano").nth(1).click(position={"x": 3, "y": 2})
    page.keyboard.press("Delete")
    expect(page.locator("#roll rect.note.voice-soprano")).to_have_count(14)
    tracks = read_arrangement(download(page, "#download-midi", tmp_path / "edited.mid"))
    assert tracks[0, 0:4, 73].all()  # the moved note is in the file
    assert not tracks[0, 4:8].any()  # the deleted one is not


def test_a_long_wait_has_a_bar_and_cancel_stops_the_model(
    page: Any, studio: Studio, tmp_path: Path
) -> None:
    steps = tmp_path / "steps.log"
    open_studio(page, studio)
    load_example(page, "Twinkle Twinkle Little Star")
    page.select_option("#model", "slow")
    page.click("#harmonize")
    expect(page.locator("#progress")).to_be_visible()
    expect(page.locator("#progress-text")).to_contain_text("s (first run")
    for _ in range(100):
        if steps.exists() and len(steps.read_text().splitlines()) >= 5:
            break
        time.sleep(0.1)
    snapshot(page, tmp_path, "studio-waiting")
    page.click("#cancel")
    expect(page.locator("#harmonize-message")).to_have_text("Cancelled; the model was stopped.")
    assert page.is_hidden("#progress")
    done = len(steps.read_text().splitlines())
    time.sleep(1.5)
    assert len(steps.read_text().splitlines()) == done < 60
    assert voices_drawn(page)["alto"] == 0


def test_a_model_that_reports_progress_fills_the_bar(page: Any, studio: Studio) -> None:
    open_studio(page, studio)
    load_example(page, "Ode to Joy")
    page.select_option("#model", "reports")
    page.click("#harmonize")
    expect(page.locator("#progress-text")).to_contain_text("%")
    value = page.eval_on_selector("#progress-bar", "bar => bar.value")
    assert 0 < value <= 1
    expect(page.locator("#harmonize-message")).to_contain_text("Harmonized with reports")
