"""The studio counts bars in the melody's metre: a MIDI file's time signature (a pickup as a
short first bar) sets it, the roll's bar lines, Continue and Regenerate follow it, and the
downloaded MIDI file carries it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from distkit.music.midi import read_arrangement, read_time_signature
from distkit.music.notes import Note, track_of
from distkit.music.time_signatures import TimeSignature
from tests.studio.conftest import Studio
from tests.studio.test_api import three_four_with_a_pickup
from tests.studio.test_browser import harmonize_with, open_studio, snapshot
from tests.studio.test_browser_state import download
from tests.studio.test_browser_styles import choose_alto_passage

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def bar_lines(page: Any) -> list[int]:
    """The steps where the roll draws bar lines."""
    return page.locator("#roll svg line.bar").evaluate_all(
        "lines => lines.map(l => Number(l.dataset.step))"
    )


def load_three_four(page: Any, tmp_path: Path) -> None:
    path = tmp_path / "waltz.mid"
    path.write_bytes(three_four_with_a_pickup())
    page.set_input_files("#midi-file", str(path))
    expect(page.locator("#melody-message")).to_contain_text("3/4, a pickup of 1 beat")


def changed_steps(before: list[list[int]], after: list[list[int]], steps: int) -> set[int]:
    import numpy as np

    old = track_of([Note(*n) for n in before], steps)
    new = track_of([Note(*n) for n in after], steps)
    return {int(step) for step in np.flatnonzero((old != new).any(axis=1))}


def test_a_three_four_file_is_continued_regenerated_and_downloaded_in_three_four(
    page: Any, studio: Studio, tmp_path: Path
) -> None:
    open_studio(page, studio)
    load_three_four(page, tmp_path)
    expect(page.locator("#metre")).to_have_value("3/4")
    expect(page.locator("#pickup")).to_have_value("1")
    assert page.evaluate("() => state.melody.steps") == 28
    assert bar_lines(page) == [0, 4, 16, 28]  # the pickup, then bars of 12 sixteenths

    page.fill("#seed", "3")
    page.select_option("#continue-model", "folk-ngram")
    page.select_option("#continue-bars", "1")
    page.click("#continue")
    expect(page.locator("#melody-message")).to_contain_text(
        "Continued by 1 bar of 3/4", timeout=60_000
    )
    steps = page.evaluate("() => state.melody.steps")
    assert steps == 4 + 3 * 12  # a whole number of 3/4 bars after the pickup
    assert page.evaluate("() => state.melody.metre") == {"beats": 3, "unit": 4, "pickup": 4}
    assert bar_lines(page) == [0, 4, 16, 28, 40]
    beats = page.locator("#roll svg line.beat").evaluate_all(
        "lines => lines.map(l => Number(l.dataset.step))"
    )
    assert beats == [s for s in range(8, 40, 4) if (s - 4) % 12]
    snapshot(page, tmp_path, "studio-metre-continued")

    harmonize_with(page, "infills")
    expect(page.locator("#harmonize-message")).to_contain_text("Harmonized with infills")
    first = download(page, "#download-midi", tmp_path / "first.mid")
    assert read_time_signature(first) == TimeSignature(3, 4, 4)
    before = page.evaluate("() => state.arrangement.voices")
    choose_alto_passage(page, 2, 2)
    page.click("#regenerate")
    expect(page.locator("#harmonize-message")).to_contain_text(
        "bars 2-2 regenerated (alto)", timeout=60_000
    )
    passage = page.locator("#roll svg rect.passage")
    x, width = (float(passage.get_attribute(name) or 0) for name in ("x", "width"))
    step_width = float(page.eval_on_selector("#roll svg", "svg => svg.dataset.stepWidth"))
    assert width == 12 * step_width  # bar 2 of 3/4 is shaded, twelve sixteenths wide
    after = page.evaluate("() => state.arrangement.voices")
    assert after["tenor"] == before["tenor"]
    assert after["bass"] == before["bass"]
    changed = changed_steps(before["alto"], after["alto"], steps)
    assert changed
    assert changed <= set(range(4, 16))  # bar 2: the first whole 3/4 bar after the pickup
    snapshot(page, tmp_path, "studio-metre-regenerated")
    assert x == 34 + 4 * step_width  # it begins after the one-beat pickup

    page.locator("#roll").scroll_into_view_if_needed()
    box = page.locator("#roll svg").bounding_box()
    at = [box["x"] + 34 + step * step_width + step_width / 2 for step in (20, 30)]
    page.keyboard.down("Shift")  # Shift-drag from step 20 to step 30: bars 3 and 4 of 3/4
    page.mouse.move(at[0], box["y"] + 20)
    page.mouse.down()
    page.mouse.move(at[1], box["y"] + 20, steps=4)
    page.mouse.up()
    page.keyboard.up("Shift")
    assert [page.input_value("#passage-from"), page.input_value("#passage-to")] == ["3", "4"]
    shaded = page.locator("#roll svg rect.passage")
    assert float(shaded.get_attribute("x") or 0) == 34 + 16 * step_width
    assert float(shaded.get_attribute("width") or 0) == 24 * step_width

    again = download(page, "#download-midi", tmp_path / "again.mid")
    assert read_time_signature(again) == TimeSignature(3, 4, 4)
    import pretty_midi

    signatures = pretty_midi.PrettyMIDI(str(again)).time_signature_changes
    assert [(s.numerator, s.denominator) for s in signatures] == [(1, 4), (3, 4)]
    moved = (read_arrangement(first) != read_arrangement(again)).any(axis=2)
    assert set(moved.nonzero()[0]) == {1}
    import music21

    score = music21.converter.parse(str(download(page, "#download-musicxml", tmp_path / "s.xml")))
    measures = list(score.parts[0].getElementsByClass("Measure"))
    assert measures[0].timeSignature.ratioString == "3/4"
    assert [float(m.duration.quarterLength) for m in measures[:3]] == [1.0, 3.0, 3.0]


def test_the_metre_is_chosen_undone_with_the_melody_and_refused_to_a_four_four_model(
    page: Any, studio: Studio, tmp_path: Path
) -> None:
    open_studio(page, studio)
    page.select_option("#example", "Ode to Joy")
    expect(page.locator("#metre")).to_have_value("4/4")
    assert bar_lines(page) == [0, 16, 32, 48, 64]
    page.select_option("#metre", "6/8")
    page.fill("#pickup", "1")
    page.locator("#pickup").dispatch_event("change")
    assert page.evaluate("() => state.melody.metre") == {"beats": 6, "unit": 8, "pickup": 2}
    assert bar_lines(page)[:3] == [0, 2, 14]
    beats = page.locator("#roll svg line.beat").evaluate_all(
        "lines => lines.map(l => Number(l.dataset.step))"
    )
    assert beats[:2] == [8, 20]  # dotted quarters in 6/8
    page.fill("#pickup", "6")
    page.locator("#pickup").dispatch_event("change")
    expect(page.locator("#melody-message")).to_have_text(
        "The pickup is 0 to under 6 beats of 6/8, in whole sixteenths; the metre stays 6/8, "
        "a pickup of 1 beat."
    )
    expect(page.locator("#pickup")).to_have_value("1")
    assert page.evaluate("() => state.melody.metre.pickup") == 2

    page.select_option("#continue-model", "continues")  # its continue_melody takes no metre
    page.click("#continue")
    expect(page.locator("#continue-message")).to_have_text(
        "continues continues 4/4 melodies from a downbeat only; "
        "continue in 4/4 without a pickup, or with another melody model",
        timeout=60_000,  # a job's worker process starts first, on a busy machine
    )
    expect(page.locator("#continue-message")).to_have_class("message error")
    page.set_viewport_size({"width": 390, "height": 900})
    snapshot(page, tmp_path, "studio-metre-phone")
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('#melody-panel .controls > *:not([hidden])')]
            .map(e => { const r = e.getBoundingClientRect();
                        const name = e.id || e.textContent.trim().slice(0, 12);
                        return [name, r.left, r.top, r.right, r.bottom]; })"""
    )
    for index, (name, left, top, right, bottom) in enumerate(boxes):
        assert right <= 390, name
        for other, l2, t2, r2, b2 in boxes[index + 1 :]:
            assert right <= l2 or r2 <= left or bottom <= t2 or b2 <= top, (name, other)

    page.click("#undo")  # the pickup back to none
    assert page.evaluate("() => state.melody.metre") == {"beats": 6, "unit": 8, "pickup": 0}
    page.click("#undo")
    expect(page.locator("#metre")).to_have_value("4/4")
    assert bar_lines(page) == [0, 16, 32, 48, 64]
